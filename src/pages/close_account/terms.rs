//! Step 3, terms: what deletion means, in plain words, and one tick to accept it.

use farewell_api::WizardStep;
use leptos::{ev, prelude::*, task::spawn_local};

use super::{Wizard, before_you_go::WarningIcon};
use crate::{
    api_client,
    components::{ErrorSummary, FieldError, PageHeading},
    i18n::{tr, use_i18n},
    rehearsal,
};

#[component]
pub fn Terms(wizard: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let accepted = RwSignal::new(wizard.state.with_untracked(|s| s.terms_accepted));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let sending = RwSignal::new(false);
    rehearsal::when_idle(move || view! { <super::verify::Verify wizard /> });
    let on_submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        if sending.get_untracked() {
            return;
        }
        if !accepted.get_untracked() {
            errors.set(vec![FieldError::new("terms-accepted", |t| t.terms_missing())]);
            return;
        }
        sending.set(true);
        spawn_local(async move {
            let result = api_client::accept_terms(true).await;
            let ok = result.is_ok();
            if !ok {
                errors.set(vec![FieldError::new("terms-accepted", |t| t.error_unexpected())]);
            }
            wizard.accept(result);
            sending.set(false);
            if ok {
                wizard.go_to(WizardStep::Verify);
            }
        });
    };
    view! {
        <PageHeading
            text=Signal::derive(move || i18n.t().step_terms().to_owned())
            error=Signal::derive(move || !errors.with(Vec::is_empty))
        />
        <ErrorSummary errors=errors />
        <div class="warning-text">
            <WarningIcon />
            <strong>{tr(|t| t.terms_irreversible())}</strong>
        </div>
        <ul class="terms">
            <li>{tr(|t| t.terms_grace())}</li>
            <li>{tr(|t| t.terms_cloud())}</li>
            <li>{tr(|t| t.terms_purchases())}</li>
            <li>{tr(|t| t.terms_forum())}</li>
            <li>{tr(|t| t.terms_processing())}</li>
        </ul>
        <form novalidate on:submit=on_submit>
            <div class="checkbox" class:field-invalid=move || !errors.with(Vec::is_empty)>
                <input
                    type="checkbox"
                    id="terms-accepted"
                    prop:checked=accepted
                    on:change=move |ev| accepted.set(event_target_checked(&ev))
                />
                <label for="terms-accepted">{tr(|t| t.terms_accept())}</label>
            </div>
            <div class="step-nav">
                <button type="button" class="link-button" on:click=move |_| wizard.go_to(WizardStep::Checklist)>
                    {tr(|t| t.back())}
                </button>
            </div>
            <div class="step-actions">
                <button type="submit" class="button secondary">{tr(|t| t.continue_button())}</button>
            </div>
        </form>
    }
}
