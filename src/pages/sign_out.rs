//! `/signout`: sign out of this browser or everywhere. Either way the account stays.
//! `SignOutChoices` is the same choice where a page offers "Sign out instead".

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::{
    api_client::{self, ApiError},
    auth::use_auth,
    components::{ErrorSummary, FieldError, PageHeading},
    i18n::{tr, use_i18n},
    routes::Page,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    ThisBrowser,
    Everywhere,
}

/// The two sign-out buttons, their error summary, and the way back to sign-in afterwards.
#[component]
pub fn SignOutChoices() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let errors = RwSignal::new(Vec::<FieldError>::new());

    let sign_out = Action::new_local(|scope: &Scope| {
        let scope = *scope;
        async move {
            match scope {
                Scope::ThisBrowser => api_client::sign_out().await,
                Scope::Everywhere => api_client::sign_out_everywhere().await,
            }
        }
    });
    let finish = move || {
        navigate(
            &format!("{}?{}=1", Page::SignIn.path(), farewell_api::SIGNED_OUT_PARAM),
            Default::default(),
        );
        auth.signed_out();
    };
    Effect::new(move || match sign_out.value().get() {
        // A session that already ended is as good as signed out.
        Some(Ok(())) => finish(),
        Some(Err(error)) if error.is_unauthenticated() => finish(),
        Some(Err(ApiError::Network)) => {
            errors.set(vec![FieldError::new("sign-out-here", |t| t.error_network())])
        }
        Some(Err(_)) => {
            errors.set(vec![FieldError::new("sign-out-here", |t| t.error_unexpected())])
        }
        None => {}
    });
    let run = move |scope: Scope| {
        move |_| {
            if !sign_out.pending().get_untracked() {
                sign_out.dispatch(scope);
            }
        }
    };
    view! {
        <ErrorSummary errors=errors />
        <div class="button-group">
            <button id="sign-out-here" type="button" class="button primary" on:click=run(Scope::ThisBrowser)>
                {tr(|t| t.sign_out_this_browser())}
            </button>
            <button type="button" class="button secondary" on:click=run(Scope::Everywhere)>
                {tr(|t| t.sign_out_everywhere())}
            </button>
        </div>
        <p class="hint">{tr(|t| t.sign_out_everywhere_hint())}</p>
    }
}

#[component]
pub fn SignOut() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card narrow">
            <PageHeading text=Signal::derive(move || i18n.t().sign_out_title().to_owned()) />
            <p class="lead">{tr(|t| t.sign_out_keeps_account())}</p>
            <SignOutChoices />
        </div>
    }
}
