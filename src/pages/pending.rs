//! `/account/pending`: signing in during the grace period shows only this — the timeline, and
//! the way back: "Keep my account".

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

use crate::{
    api_client::{self, ApiError},
    auth::use_auth,
    components::{ErrorSummary, FieldError, PageHeading, grace_timeline::GraceTimeline},
    i18n::{tr, use_i18n},
    pages::sign_out::SignOutChoices,
    routes::Page,
};

#[component]
pub fn Pending() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let state = LocalResource::new(api_client::deletion);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let busy = RwSignal::new(false);
    let keep = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api_client::cancel_deletion().await {
                Ok(()) => {
                    if let Ok(me) = api_client::me().await {
                        auth.signed_in(me);
                    }
                    navigate(&format!("{}?kept=1", Page::PersonalInfo.path()), Default::default());
                }
                Err(ApiError::Network) => {
                    errors.set(vec![FieldError::new("keep-account", |t| t.error_network())])
                }
                Err(_) => {
                    errors.set(vec![FieldError::new("keep-account", |t| t.error_unexpected())])
                }
            }
            busy.set(false);
        });
    };
    view! {
        <div class="card">
            <PageHeading
                text=Signal::derive(move || i18n.t().pending_title().to_owned())
                error=Signal::derive(move || !errors.with(Vec::is_empty))
            />
            <ErrorSummary errors=errors />
            <p class="lead">{tr(|t| t.pending_lead())}</p>
            {move || match state.get() {
                None => view! { <div class="skeleton" aria-busy="true"><div class="skeleton-line"></div><div class="skeleton-line"></div></div> }.into_any(),
                Some(Ok(s)) => view! {
                    <p class="reference">{s.reference.clone()}</p>
                    <GraceTimeline state=s now_ms=js_sys::Date::now() />
                }.into_any(),
                Some(Err(_)) => view! { <p class="field-error">{tr(|t| t.error_network())}</p> }.into_any(),
            }}
            <div class="button-group">
                <button id="keep-account" type="button" class="button primary" on:click=keep>
                    {tr(|t| t.keep_account())}
                </button>
            </div>
            <p class="hint">{tr(|t| t.keep_account_hint())}</p>
        </div>
        <div class="card">
            <h2>{tr(|t| t.sign_out_title())}</h2>
            <SignOutChoices />
        </div>
    }
}
