//! `/account/close/done`: the request was accepted. Every session ended with it, so this page
//! renders from the confirm answer kept in memory; after a reload it points to signing in,
//! where the same facts are shown.

use farewell_api::Confirmation;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    app::use_last_confirmation,
    components::PageHeading,
    format,
    i18n::{fill, tr, use_i18n},
    routes::Page,
};

#[component]
pub fn Done() -> impl IntoView {
    let i18n = use_i18n();
    let confirmation = use_last_confirmation();
    move || {
        match confirmation.get() {
        None => view! {
            <div class="card narrow">
                <PageHeading text=Signal::derive(move || i18n.t().done_title().to_owned()) />
                <p>{tr(|t| t.done_after_reload())}</p>
                <A href=Page::SignIn.path() attr:class="button primary">{tr(|t| t.signin_button())}</A>
            </div>
        }
        .into_any(),
        Some(confirmation) => view! { <Receipt confirmation /> }.into_any(),
    }
    }
}

/// What a rehearsal of the receipt (`crate::rehearsal`) is built from: the confirm step's
/// answer has not come yet, and this one is never shown. Its dates are real ones, so the
/// rehearsal also builds the long-date format (a few ms the first time in a page).
pub fn rehearsal_confirmation() -> Confirmation {
    let now = String::from(js_sys::Date::new_0().to_iso_string());
    Confirmation {
        reference: String::new(),
        requested_at: now.clone(),
        scheduled_for: now,
        email_masked: String::new(),
        export_sha256: None,
    }
}

/// The request's facts and what happens next.
#[component]
pub fn Receipt(confirmation: Confirmation) -> impl IntoView {
    let i18n = use_i18n();
    let Confirmation { reference, scheduled_for, email_masked, export_sha256, .. } = confirmation;
    let date = move || format::long_date(i18n.lang(), &scheduled_for);
    let (date2, date3) = (date.clone(), date.clone());
    view! {
        <div class="card">
            <div class="confirmation-panel">
                <PageHeading text=Signal::derive(move || i18n.t().done_title().to_owned()) />
                <p>{tr(|t| t.done_reference())}</p>
                <p class="reference">{reference}</p>
                <p>{move || fill(i18n.t().done_scheduled(), &[("date", &date())])}</p>
            </div>
            {export_sha256.map(|sha| view! {
                <p class="hint sha">{move || fill(i18n.t().done_export_sha(), &[("sha", &sha)])}</p>
            })}
            <h2>{tr(|t| t.done_next_title())}</h2>
            <ol class="timeline">
                <li>{tr(|t| t.done_next_signed_out())}</li>
                <li>{move || fill(i18n.t().done_next_email(), &[("email", &email_masked)])}</li>
                <li>{tr(|t| t.done_next_reminders())}</li>
                <li>{move || fill(i18n.t().done_next_purge(), &[("date", &date2())])}</li>
            </ol>
            <h2>{tr(|t| t.done_cancel_title())}</h2>
            <p>{move || fill(i18n.t().done_cancel_body(), &[("date", &date3())])}</p>
            <div class="button-group">
                <button type="button" class="button secondary no-print" on:click=|_| { let _ = window().print(); }>
                    {tr(|t| t.print())}
                </button>
            </div>
        </div>
    }
}
