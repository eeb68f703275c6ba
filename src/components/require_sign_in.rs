//! Shows its children only to a signed-in person; anyone else goes to sign in and comes back.
//! During the grace period a signed-in person sees only the pending page.

use farewell_api::AccountState;
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
    // The page this guard was mounted for; once the person has moved on (signing out moves
    // them itself), a late "signed out" must not drag them back to sign-in.
    let guarded = StoredValue::new(location.pathname.get_untracked());
    let signed_in = Memo::new(move |_| matches!(auth.state.get(), AuthState::SignedIn(_)));
    let pending_elsewhere = Memo::new(move |_| {
        auth.me().is_some_and(|me| me.state == AccountState::PendingDeletion)
            && guarded.with_value(|g| g != Page::Pending.path())
    });
    let replace = NavigateOptions { replace: true, ..Default::default() };
    Effect::new(move || {
        let still_here = guarded.with_value(|g| *g == location.pathname.get_untracked());
        if !still_here {
            return;
        }
        if pending_elsewhere.get() {
            navigate(Page::Pending.path(), replace.clone());
        } else if auth.state.get() == AuthState::SignedOut {
            let path = location.pathname.get_untracked();
            let search = location.search.get_untracked();
            let here = if search.is_empty() { path } else { format!("{path}?{search}") };
            navigate(&Page::sign_in_then(&here), replace.clone());
        }
    });
    move || {
        if signed_in.get() && !pending_elsewhere.get() {
            children().into_any()
        } else {
            view! {
                <div class="card skeleton" aria-busy="true">
                    <p class="visually-hidden">{tr(|t| t.loading())}</p>
                    <div class="skeleton-line wide"></div>
                    <div class="skeleton-line"></div>
                    <div class="skeleton-line"></div>
                </div>
            }
            .into_any()
        }
    }
}
