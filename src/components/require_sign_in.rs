//! Shows its children only to a signed-in person; anyone else goes to sign in and comes back.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate},
};

use crate::{
    auth::{AuthState, use_auth},
    i18n::tr,
    routes::Page,
};

#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let navigate = use_navigate();
    let signed_in = Memo::new(move |_| matches!(auth.state.get(), AuthState::SignedIn(_)));
    // The page this guard was mounted for; once the person has moved on (signing out moves
    // them itself), a late "signed out" must not drag them back to sign-in.
    let guarded = location.pathname.get_untracked();
    Effect::new(move || {
        if auth.state.get() != AuthState::SignedOut {
            return;
        }
        let path = location.pathname.get_untracked();
        if path != guarded {
            return;
        }
        let search = location.search.get_untracked();
        let here = if search.is_empty() { path } else { format!("{path}?{search}") };
        navigate(
            &Page::sign_in_then(&here),
            NavigateOptions { replace: true, ..Default::default() },
        );
    });
    move || {
        if signed_in.get() {
            children().into_any()
        } else {
            view! {
                <div class="card skeleton" aria-busy="true">
                    <p class="visually-hidden">{tr(|t| t.loading)}</p>
                    <div class="skeleton-line wide"></div>
                    <div class="skeleton-line"></div>
                    <div class="skeleton-line"></div>
                </div>
            }
            .into_any()
        }
    }
}
