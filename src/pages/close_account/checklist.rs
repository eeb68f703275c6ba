//! Step 2, the checklist: the server's items as a task list, each with its fix inline. Every
//! fix re-reads the checklist from the server, which is the only judge of "done".

use farewell_api::{
    Acknowledgements, ChecklistItem, Device, ExportStatus, ItemId, ItemKind, WizardStep,
};
use futures_util::future::join;
use leptos::{prelude::*, task::spawn_local};

use super::Wizard;
use crate::{
    api_client::{self, ApiError},
    components::{PageHeading, checklist_continue::ChecklistContinue},
    format,
    i18n::{Strings, fill, tr, use_i18n},
    pages::{
        data::ExportPanel,
        devices::{DeviceActions, DeviceList, Fixes},
    },
    rehearsal,
};

/// The archive's status, while no panel has taken it yet.
type KnownExport = StoredValue<Option<Result<Option<ExportStatus>, ApiError>>, LocalStorage>;

fn item_title(t: &'static Strings, id: ItemId) -> &'static str {
    match id {
        ItemId::DevicesSignedOut => t.item_devices_signed_out(),
        ItemId::FindMyDeviceOff => t.item_find_my_device_off(),
        ItemId::NoUnpaidBalance => t.item_no_unpaid_balance(),
        ItemId::NoOpenOrders => t.item_no_open_orders(),
        ItemId::BalanceForfeit => t.item_balance_forfeit(),
        ItemId::PurchasesErased => t.item_purchases_erased(),
        ItemId::Backup => t.item_backup(),
    }
}

/// What the checklist shows beside the server's items: the devices and the archive's status.
/// Asked for together with the request that opens the step, they let it appear whole, at once,
/// rather than drawn and then drawn again as each answer arrives.
pub struct Extras {
    devices: Result<Vec<Device>, ApiError>,
    export: Result<Option<ExportStatus>, ApiError>,
}

impl Extras {
    pub async fn fetch() -> Self {
        let (devices, export) = join(api_client::devices(), api_client::export_status()).await;
        Self { devices, export }
    }

    /// What a rehearsal of the step (`crate::rehearsal`) draws beside the items: no devices,
    /// no archive. It asks the server for nothing.
    pub fn rehearsal() -> Self {
        Self { devices: Ok(Vec::new()), export: Ok(None) }
    }
}

/// The step; it asks for what it shows beside the items (`extras`) unless they are in hand.
#[component]
pub fn Checklist(wizard: Wizard, extras: Option<Extras>) -> impl IntoView {
    let i18n = use_i18n();
    let (devices, export) = match extras {
        Some(extras) => (Some(extras.devices), Some(extras.export)),
        None => (None, None),
    };
    let devices = DeviceActions::with_list(Callback::new(move |_| wizard.reload()), devices);
    // The first archive panel shown takes the status in hand; a later one asks afresh.
    let export = StoredValue::new_local(export);
    provide_context(TickSender::new(wizard));
    let items = Memo::new(move |_| wizard.state.with(|s| s.checklist.clone()));
    let done = Memo::new(move |_| items.with(|i| i.iter().filter(|i| i.ok).count()));
    rehearsal::when_idle(move || view! { <super::terms::Terms wizard /> });
    let summary = move || {
        fill(
            i18n.t().checklist_summary(),
            &[("done", &done.get().to_string()), ("total", &items.with(Vec::len).to_string())],
        )
    };

    view! {
        <PageHeading text=Signal::derive(move || i18n.t().step_checklist().to_owned()) />
        <p class="lead">{tr(|t| t.checklist_lead())}</p>
        <p class="task-summary" aria-live="polite" aria-atomic="true">{summary}</p>
        <ol class="task-list">
            <For each=move || items.get() key=|item| (item.id, item.ok) let:item>
                <Task item wizard devices export />
            </For>
        </ol>
        <div class="step-nav">
            <button type="button" class="link-button" on:click=move |_| wizard.go_to(WizardStep::BeforeYouGo)>
                {tr(|t| t.back())}
            </button>
        </div>
        <ChecklistContinue state=wizard.state on_continue=Callback::new(move |_| wizard.go_to(WizardStep::Terms)) />
    }
}

#[component]
fn Task(
    item: ChecklistItem,
    wizard: Wizard,
    devices: DeviceActions,
    export: KnownExport,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.id;
    let ok = item.ok;
    let status = move || {
        if ok { i18n.t().task_done() } else { i18n.t().task_action_needed() }
    };
    let kind_note = move || match item.kind {
        ItemKind::Gate => i18n.t().task_kind_gate(),
        ItemKind::Ack => i18n.t().task_kind_ack(),
        ItemKind::Backup => i18n.t().task_kind_backup(),
    };
    let title_id = format!("task-{}", id.as_str());
    let labelled_by = title_id.clone();
    view! {
        <li class="task" class:task-done=ok aria-labelledby=labelled_by>
            <div class="task-head">
                <h3 id=title_id>{move || item_title(i18n.t(), id)}</h3>
                <strong class="tag" class:tag-done=ok>{status}</strong>
            </div>
            <p class="hint">{kind_note}</p>
            <TaskFix item wizard devices export />
        </li>
    }
}

/// The inline fix of one item: device actions, a tick, or what to do elsewhere.
#[component]
fn TaskFix(
    item: ChecklistItem,
    wizard: Wizard,
    devices: DeviceActions,
    export: KnownExport,
) -> impl IntoView {
    let i18n = use_i18n();
    let amount = item.amount.clone();
    let money = move || amount.as_ref().map(|m| format::money(i18n.lang(), m)).unwrap_or_default();
    match item.id {
        ItemId::DevicesSignedOut if !item.ok => view! {
            <p>{tr(|t| t.fix_devices_signed_out())}</p>
            <DeviceList actions=devices fixes=Fixes::SignOut keep=|d| d.signed_in />
        }
        .into_any(),
        ItemId::FindMyDeviceOff if !item.ok => view! {
            <p>{tr(|t| t.fix_find_my_device())}</p>
            <DeviceList actions=devices fixes=Fixes::FindMyDevice keep=|d| d.find_my_device />
        }
        .into_any(),
        ItemId::NoUnpaidBalance if !item.ok => view! {
            <p>{move || fill(i18n.t().fix_unpaid_balance(), &[("amount", &money())])}</p>
            <CheckAgain wizard />
        }
        .into_any(),
        ItemId::NoOpenOrders if !item.ok => view! {
            <p>{tr(|t| t.fix_open_orders())}</p>
            <CheckAgain wizard />
        }
        .into_any(),
        ItemId::BalanceForfeit => {
            let label = move || fill(i18n.t().ack_balance_forfeit(), &[("amount", &money())]);
            let relevant = item.amount.as_ref().is_some_and(|m| m.minor > 0);
            relevant
                .then(|| view! { <Tick field=Tick::BalanceForfeit label=Signal::derive(label) /> })
                .into_any()
        }
        ItemId::PurchasesErased => view! {
            <Tick field=Tick::PurchasesErased label=Signal::derive(move || i18n.t().ack_purchases_erased().to_owned()) />
        }
        .into_any(),
        ItemId::Backup => view! {
            <p class="hint">{tr(|t| t.fix_backup())}</p>
            <ExportPanel
                on_change=Callback::new(move |_| wizard.reload())
                known=export.try_update_value(Option::take).flatten()
            />
            <Tick field=Tick::NoBackup label=Signal::derive(move || i18n.t().ack_no_backup().to_owned()) />
        }
        .into_any(),
        _ => ().into_any(),
    }
}

#[component]
fn CheckAgain(wizard: Wizard) -> impl IntoView {
    view! {
        <button type="button" class="button secondary" on:click=move |_| wizard.reload()>
            {tr(|t| t.check_again())}
        </button>
    }
}

/// One of the three ticks of `PUT /deletion/acknowledgements`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tick {
    BalanceForfeit,
    PurchasesErased,
    NoBackup,
}

impl Tick {
    fn id(self) -> &'static str {
        match self {
            Self::BalanceForfeit => "ack-balance-forfeit",
            Self::PurchasesErased => "ack-purchases-erased",
            Self::NoBackup => "ack-no-backup",
        }
    }

    fn get(self, acks: &Acknowledgements) -> bool {
        match self {
            Self::BalanceForfeit => acks.balance_forfeit,
            Self::PurchasesErased => acks.purchases_erased,
            Self::NoBackup => acks.no_backup,
        }
    }

    fn set(self, acks: &mut Acknowledgements, value: bool) {
        match self {
            Self::BalanceForfeit => acks.balance_forfeit = value,
            Self::PurchasesErased => acks.purchases_erased = value,
            Self::NoBackup => acks.no_backup = value,
        }
    }
}

/// The ticks as the person last set them. Requests go one at a time and each carries every
/// tick set so far, so a quick second tick is never undone by the answer to the first.
#[derive(Clone, Copy)]
struct TickSender {
    wizard: Wizard,
    wanted: RwSignal<Option<Acknowledgements>>,
    sending: RwSignal<bool>,
}

impl TickSender {
    fn new(wizard: Wizard) -> Self {
        Self { wizard, wanted: RwSignal::new(None), sending: RwSignal::new(false) }
    }

    /// What the box shows: the person's latest choice, else the server's answer.
    fn checked(&self, field: Tick) -> bool {
        self.wanted
            .with(|wanted| wanted.as_ref().map(|acks| field.get(acks)))
            .unwrap_or_else(|| self.wizard.state.with(|s| field.get(&s.acknowledgements)))
    }

    fn set(self, field: Tick, value: bool) {
        let mut acks = self
            .wanted
            .get_untracked()
            .unwrap_or_else(|| self.wizard.state.with_untracked(|s| s.acknowledgements.clone()));
        field.set(&mut acks, value);
        self.wanted.set(Some(acks));
        if self.sending.get_untracked() {
            return;
        }
        self.sending.set(true);
        spawn_local(async move {
            while let Some(acks) = self.wanted.get_untracked() {
                let result = api_client::acknowledge(&acks).await;
                let failed = result.is_err();
                self.wizard.accept(result);
                // A refusal shows the server's ticks again; otherwise stop once it has the latest.
                if failed || self.wanted.get_untracked().as_ref() == Some(&acks) {
                    self.wanted.set(None);
                }
            }
            self.sending.set(false);
        });
    }
}

#[component]
fn Tick(field: Tick, #[prop(into)] label: Signal<String>) -> impl IntoView {
    let sender = expect_context::<TickSender>();
    let checked = Memo::new(move |_| sender.checked(field));
    let on_change = move |ev| sender.set(field, event_target_checked(&ev));
    view! {
        <div class="checkbox">
            <input type="checkbox" id=field.id() prop:checked=checked on:change=on_change />
            <label for=field.id()>{label}</label>
        </div>
    }
}
