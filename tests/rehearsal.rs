//! A rehearsal (`farewell::rehearsal`) runs a view's code once, when the browser is idle, and
//! leaves no trace a person could notice: nothing on the page, no effect run, the title and
//! the focus as they were.
#![cfg(target_arch = "wasm32")]

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use common::{mount, settle};
use farewell::{components::PageHeading, rehearsal};
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_rehearsal_builds_the_view_off_the_page_and_runs_none_of_its_effects() {
    let rendered = Arc::new(AtomicUsize::new(0));
    let effects = Arc::new(AtomicUsize::new(0));
    let (r, e) = (rendered.clone(), effects.clone());
    let container = mount(move || {
        rehearsal::when_idle(move || {
            Effect::new(move || {
                e.fetch_add(1, Ordering::SeqCst);
            });
            view! {
                <PageHeading text=Signal::derive(|| "Rehearsed".to_owned()) />
                <p id="rehearsed">
                    {move || {
                        r.fetch_add(1, Ordering::SeqCst);
                        "rehearsed text"
                    }}
                </p>
            }
        });
        view! { <p id="shown">"On the page"</p> }
    });
    document().set_title("Before the rehearsal");

    for _ in 0..50 {
        if rendered.load(Ordering::SeqCst) > 0 {
            break;
        }
        settle().await;
    }
    settle().await;

    assert_eq!(rendered.load(Ordering::SeqCst), 1, "the view was built once");
    assert_eq!(effects.load(Ordering::SeqCst), 0, "no effect ran");
    assert!(document().get_element_by_id("rehearsed").is_none(), "nothing was attached");
    assert!(container.query_selector("#shown").unwrap().is_some());
    assert_eq!(document().title(), "Before the rehearsal");
    let focused = document().active_element().map(|e| e.tag_name()).unwrap_or_default();
    assert_ne!(focused, "H1", "the rehearsed heading took no focus");
}
