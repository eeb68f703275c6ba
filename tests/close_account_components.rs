//! Close-account components in a real browser: they follow the signals they are given.
#![cfg(target_arch = "wasm32")]

mod common;

use std::{
    cell::Cell,
    rc::Rc,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use common::{find, mount, settle, text};
use farewell::{
    components::{
        checklist_continue::ChecklistContinue, grace_timeline::GraceTimeline,
        inventory_list::InventoryList, step_header::StepHeader,
    },
    i18n::{I18n, Lang},
};
use farewell_api::{
    Acknowledgements, ChecklistItem, DeletionState, DeletionStatus, Inventory, ItemId, ItemKind,
    Money, WizardStep,
};
use leptos::prelude::*;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn item(id: ItemId, ok: bool) -> ChecklistItem {
    ChecklistItem { id, kind: ItemKind::Gate, ok, detail: String::new(), count: None, amount: None }
}

fn state(open: &[ItemId]) -> DeletionState {
    let all = [ItemId::DevicesSignedOut, ItemId::FindMyDeviceOff, ItemId::Backup];
    DeletionState {
        status: DeletionStatus::InProgress,
        next_step: if open.is_empty() { WizardStep::Terms } else { WizardStep::Checklist },
        checklist: all.iter().map(|id| item(*id, !open.contains(id))).collect(),
        acknowledgements: Acknowledgements::default(),
        terms_accepted: false,
        verification: Default::default(),
        reference: None,
        scheduled_for: None,
        requested_at: None,
        reminders: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn continue_follows_the_checklist_signal() {
    let checklist = RwSignal::new(state(&[ItemId::DevicesSignedOut, ItemId::Backup]));
    let pressed = Arc::new(AtomicUsize::new(0));
    let counter = pressed.clone();
    let container = mount(move || {
        let on_continue = Callback::new(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        view! { <ChecklistContinue state=checklist on_continue /> }
    });
    settle().await;
    let button = find(&container, "#checklist-continue");
    let reason = || text(&find(&container, "#checklist-continue-reason"));
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("true"));
    assert!(reason().contains("2 still need action"), "{}", reason());
    button.click();
    assert_eq!(pressed.load(Ordering::SeqCst), 0, "a blocked Continue does nothing");

    checklist.set(state(&[ItemId::Backup]));
    settle().await;
    assert!(reason().contains("1 still needs action"), "{}", reason());

    checklist.set(state(&[]));
    settle().await;
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("false"));
    assert_eq!(reason(), "");
    button.click();
    assert_eq!(pressed.load(Ordering::SeqCst), 1);

    checklist.set(state(&[ItemId::FindMyDeviceOff]));
    settle().await;
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("true"));
    container.remove();
}

fn inventory() -> Inventory {
    Inventory {
        photos: 240,
        photo_bytes: 1_234_567,
        contacts: 1_234,
        notes: 12,
        messages: 60,
        devices: 3,
        purchases: 4,
        active_warranties: 3,
        wallet: Money { minor: 1_250, currency: "USD".into() },
        forum_posts: 6,
        third_party_apps: vec!["PhotoPrint Studio".into(), "RideShare Go".into()],
    }
}

#[wasm_bindgen_test]
async fn the_inventory_renders_counts_and_sizes_in_both_languages() {
    let loaded = RwSignal::new(None::<Inventory>);
    let i18n = Rc::new(Cell::new(None::<I18n>));
    let slot = i18n.clone();
    let container = mount(move || {
        slot.set(Some(use_context::<I18n>().unwrap()));
        view! { <InventoryList inventory=loaded /> }
    });
    let i18n = i18n.get().unwrap();
    i18n.set(Lang::En);
    settle().await;
    assert!(container.query_selector("[aria-busy=true]").unwrap().is_some(), "a skeleton first");

    loaded.set(Some(inventory()));
    settle().await;
    let english = text(&container);
    for expected in [
        "240 photos (1.2 MB)",
        "1,234",
        "4 orders, 3 active warranties",
        "$12.50",
        "PhotoPrint Studio, RideShare Go",
        "Former member",
    ] {
        assert!(english.contains(expected), "{expected} missing from {english}");
    }

    i18n.set(Lang::ZhCn);
    settle().await;
    let chinese = text(&container);
    for expected in
        ["云端照片", "240 张照片", "1.2", "1,234", "4 个订单，3 个保修有效", "12.50", "已注销用户"]
    {
        assert!(chinese.contains(expected), "{expected} missing from {chinese}");
    }
    i18n.set(Lang::En);

    // One of a kind is said in the singular.
    loaded.set(Some(Inventory { photos: 1, purchases: 1, active_warranties: 1, ..inventory() }));
    settle().await;
    let english = text(&container);
    for expected in ["1 photo (1.2 MB)", "1 order, 1 active warranty"] {
        assert!(english.contains(expected), "{expected} missing from {english}");
    }
    container.remove();
}

#[wasm_bindgen_test]
async fn the_progress_follows_the_step_in_both_languages() {
    let step = RwSignal::new(WizardStep::BeforeYouGo);
    let i18n = Rc::new(Cell::new(None::<I18n>));
    let slot = i18n.clone();
    let container = mount(move || {
        slot.set(Some(use_context::<I18n>().unwrap()));
        view! { <StepHeader step /> }
    });
    let i18n = i18n.get().unwrap();
    i18n.set(Lang::En);
    settle().await;
    // The steps, numbered from 1, whose item `is` something.
    let steps_that = |is: fn(&HtmlElement) -> bool| -> Vec<u32> {
        (1..=6).filter(|n| is(&find(&container, &format!("li:nth-child({n})")))).collect()
    };
    let current = || steps_that(|item| item.get_attribute("aria-current").is_some());
    let done = || steps_that(|item| item.class_name().split(' ').any(|class| class == "done"));
    assert_eq!(current(), [1]);
    assert_eq!(done(), [] as [u32; 0]);
    assert_eq!(text(&find(&container, ".step-count")), "Step 1 of 6");

    step.set(WizardStep::Terms);
    settle().await;
    assert_eq!(current(), [3], "exactly one step is current");
    assert_eq!(done(), [1, 2]);
    let first = text(&find(&container, "li"));
    assert!(first.starts_with("Done: "), "a finished step says so to a screen reader: {first}");
    assert_eq!(text(&find(&container, ".step-count")), "Step 3 of 6");

    i18n.set(Lang::ZhCn);
    settle().await;
    assert_eq!(text(&find(&container, ".step-count")), "第 3 步，共 6 步");
    i18n.set(Lang::En);
    container.remove();
}

#[wasm_bindgen_test]
async fn the_timeline_tells_which_reminders_went_out_and_names_the_last_in_both_languages() {
    let mut pending = state(&[]);
    pending.requested_at = Some("2026-12-01T12:00:00Z".into());
    pending.reminders = vec!["2026-12-24T12:00:00Z".into(), "2026-12-30T12:00:00Z".into()];
    pending.scheduled_for = Some("2026-12-31T12:00:00Z".into());
    // Between the two reminders: the first has gone out, the last is still to come.
    let now_ms = js_sys::Date::new(&"2026-12-27T12:00:00Z".into()).get_time();
    let i18n = Rc::new(Cell::new(None::<I18n>));
    let slot = i18n.clone();
    let container = mount(move || {
        slot.set(Some(use_context::<I18n>().unwrap()));
        view! { <GraceTimeline state=pending now_ms /> }
    });
    let i18n = i18n.get().unwrap();
    i18n.set(Lang::En);
    settle().await;
    let items = || -> Vec<String> {
        assert!(container.query_selector("li:nth-child(5)").unwrap().is_none(), "four items");
        (1..=4).map(|n| text(&find(&container, &format!("li:nth-child({n})")))).collect()
    };
    assert_eq!(
        items(),
        [
            "December 1, 2026: you asked to close your account.",
            "December 24, 2026: we emailed you a reminder.",
            "December 30, 2026: we email you a last reminder.",
            "December 31, 2026: your account and its data are deleted. It may take up to 15 \
             business days to fully process.",
        ]
    );

    i18n.set(Lang::ZhCn);
    settle().await;
    let items = items();
    assert_eq!(items[1], "2026年12月24日：我们已发邮件提醒你。");
    assert_eq!(items[2], "2026年12月30日：我们会发最后一封提醒邮件。");
    i18n.set(Lang::En);
    container.remove();
}
