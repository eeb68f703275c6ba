//! The checklist's "Continue": blocked, with the reason in words, until every item passes.
//! Its state is derived from the server's checklist alone.

use farewell_api::DeletionState;
use leptos::prelude::*;

use crate::i18n::{fill_count, tr, use_i18n};

#[component]
pub fn ChecklistContinue(
    #[prop(into)] state: Signal<DeletionState>,
    #[prop(into)] on_continue: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = Memo::new(move |_| state.with(|s| s.unmet().count()));
    let blocked = move || open.get() > 0;
    let reason = move || {
        let n = open.get();
        let blocked =
            fill_count(n as u64, "count", |t| t.checklist_blocked_one(), |t| t.checklist_blocked());
        (n > 0).then(|| blocked(i18n.t()))
    };
    view! {
        <div class="step-actions">
            <button
                type="button"
                class="button secondary"
                id="checklist-continue"
                aria-disabled=move || blocked().to_string()
                aria-describedby="checklist-continue-reason"
                on:click=move |_| {
                    if !blocked() {
                        on_continue.run(());
                    }
                }
            >
                {tr(|t| t.continue_button())}
            </button>
            <p class="blocked-reason" id="checklist-continue-reason">{reason}</p>
        </div>
    }
}
