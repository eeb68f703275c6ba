//! Step 5, "Check and confirm": the answers with Change links, then the danger zone — type the
//! account ID or email, and the one red button.

use farewell_api::{Channel, ItemId, ProblemCode, WizardStep};
use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

use super::Wizard;
use crate::{
    api_client::{self, ApiError},
    app::use_last_confirmation,
    auth::use_auth,
    components::{ErrorSummary, FieldError, PageHeading, error_summary::error_for},
    format,
    i18n::{Text, fill, tr, use_i18n},
    rehearsal,
    routes::Page,
};

#[component]
pub fn Confirm(wizard: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let last_confirmation = use_last_confirmation();
    let account_id = auth.me().map(|me| me.account_id).unwrap_or_default();
    let typed = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let busy = RwSignal::new(false);
    rehearsal::when_idle(|| {
        view! { <super::done::Receipt confirmation=super::done::rehearsal_confirmation() /> }
    });

    let on_submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let text = typed.get_untracked();
        if text.trim().is_empty() {
            errors.set(vec![FieldError::new("confirmation", |t| t.confirm_missing())]);
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api_client::confirm(text).await {
                Ok(confirmation) => {
                    last_confirmation.set(Some(confirmation));
                    navigate(Page::CloseAccountDone.path(), Default::default());
                    // Every session ended with the request; this browser's too.
                    auth.signed_out();
                }
                Err(ApiError::Problem(p)) if p.code == ProblemCode::ConfirmationMismatch => {
                    errors.set(vec![FieldError::new("confirmation", |t| t.confirm_mismatch())]);
                }
                Err(ApiError::Problem(p)) if p.code == ProblemCode::StepOutOfOrder => {
                    errors.set(vec![FieldError::new("confirmation", |t| t.reauth_expired())]);
                    wizard.reload();
                }
                Err(ApiError::Network) => {
                    errors.set(vec![FieldError::new("confirmation", |t| t.error_network())])
                }
                Err(_) => {
                    errors.set(vec![FieldError::new("confirmation", |t| t.error_unexpected())])
                }
            }
            busy.set(false);
        });
    };

    let answer = move |label: Text, value: Signal<String>, change_to: WizardStep| {
        view! {
            <div class="summary-row with-action">
                <dt>{move || label(i18n.t())}</dt>
                <dd>{value}</dd>
                <dd class="summary-action">
                    <button type="button" class="link-button" on:click=move |_| wizard.go_to(change_to)>
                        {tr(|t| t.change())} <span class="visually-hidden">" " {move || label(i18n.t())}</span>
                    </button>
                </dd>
            </div>
        }
    };
    let backup = Signal::derive(move || {
        let t = i18n.t();
        wizard
            .state
            .with(|s| {
                if s.acknowledgements.no_backup {
                    t.answer_no_backup()
                } else {
                    t.answer_backup_downloaded()
                }
            })
            .to_owned()
    });
    let wallet = Signal::derive(move || {
        let amount = wizard.state.with(|s| {
            s.checklist
                .iter()
                .find(|i| i.id == ItemId::BalanceForfeit)
                .and_then(|i| i.amount.clone())
        });
        match amount {
            Some(m) if m.minor > 0 => {
                fill(i18n.t().answer_wallet(), &[("amount", &format::money(i18n.lang(), &m))])
            }
            _ => i18n.t().answer_wallet_empty().to_owned(),
        }
    });
    let purchases = Signal::derive(move || i18n.t().answer_purchases().to_owned());
    let terms = Signal::derive(move || i18n.t().answer_terms().to_owned());
    let verified = Signal::derive(move || {
        let t = i18n.t();
        wizard.state.with(|s| {
            let channel = s.verification.verified_channel.unwrap_or(Channel::Email);
            let masked = s
                .verification
                .channels
                .iter()
                .find(|c| c.channel == channel)
                .map(|c| c.masked.clone())
                .unwrap_or_default();
            let how = match channel {
                Channel::Email => t.channel_email(),
                Channel::Phone => t.channel_phone(),
            };
            format!("{how} {masked}")
        })
    });
    let invalid = move || errors.with(|e| !e.is_empty());
    let label_text = {
        let account_id = account_id.clone();
        move || fill(i18n.t().confirm_label(), &[("id", &account_id)])
    };

    view! {
        <PageHeading
            text=Signal::derive(move || i18n.t().step_confirm().to_owned())
            error=Signal::derive(move || !errors.with(Vec::is_empty))
        />
        <ErrorSummary errors=errors />
        <h2>{tr(|t| t.confirm_answers_title())}</h2>
        <dl class="summary-list">
            {answer(|t| t.item_backup(), backup, WizardStep::Checklist)}
            {answer(|t| t.item_balance_forfeit(), wallet, WizardStep::Checklist)}
            {answer(|t| t.item_purchases_erased(), purchases, WizardStep::Checklist)}
            {answer(|t| t.step_terms(), terms, WizardStep::Terms)}
            {answer(|t| t.answer_verified_with(), verified, WizardStep::Verify)}
        </dl>

        <section class="danger-zone" aria-labelledby="danger-title">
            <h2 id="danger-title">{tr(|t| t.danger_title())}</h2>
            <p>{tr(|t| t.danger_body())}</p>
            <form novalidate on:submit=on_submit>
                <div class="field" class:field-invalid=invalid>
                    <label for="confirmation">{label_text}</label>
                    <p class="field-error" id="confirmation-error" hidden=move || !invalid()>
                        {move || error_for(&errors.get(), "confirmation", i18n.t())}
                    </p>
                    <input
                        id="confirmation"
                        type="text"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        aria-describedby="confirmation-error"
                        aria-invalid=move || invalid().then_some("true")
                        prop:value=typed
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" class="button danger">{tr(|t| t.close_permanently())}</button>
            </form>
        </section>
        <div class="step-nav">
            <button type="button" class="link-button" on:click=move |_| wizard.go_to(WizardStep::Verify)>
                {tr(|t| t.back())}
            </button>
        </div>
    }
}
