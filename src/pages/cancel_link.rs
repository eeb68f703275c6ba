//! `/cancel/:token`: the one-time link from the emails. One button, no sign-in. A link that no
//! longer works says so plainly, and what to do instead.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api_client::{self, ApiError},
    components::PageHeading,
    format,
    i18n::{fill, tr, use_i18n},
    routes::Page,
};

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Kept,
    Failed(ApiError),
}

#[component]
pub fn CancelLink() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with_untracked(|p| p.get("token")).unwrap_or_default();
    let preview = LocalResource::new(move || {
        let token = token();
        async move { api_client::cancel_preview(&token).await }
    });
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let keep = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            outcome.set(Some(match api_client::cancel_by_link(&token()).await {
                Ok(()) => Outcome::Kept,
                Err(error) => Outcome::Failed(error),
            }));
            busy.set(false);
        });
    };
    let gone = move || {
        view! {
            <PageHeading text=Signal::derive(move || i18n.t().link_gone_title().to_owned()) />
            <p>{tr(|t| t.link_gone_body())}</p>
            <A href=Page::SignIn.path() attr:class="button primary">{tr(|t| t.signin_button())}</A>
        }
    };
    view! {
        <div class="card narrow">
            {move || match (outcome.get(), preview.get()) {
                (Some(Outcome::Kept), _) => view! {
                    <PageHeading text=Signal::derive(move || i18n.t().link_kept_title().to_owned()) />
                    <p>{tr(|t| t.link_kept_body())}</p>
                    <A href=Page::SignIn.path() attr:class="button primary">{tr(|t| t.signin_button())}</A>
                }.into_any(),
                (Some(Outcome::Failed(ApiError::Network)), _) => view! {
                    <PageHeading text=Signal::derive(move || i18n.t().keep_account().to_owned()) />
                    <p class="field-error">{tr(|t| t.error_network())}</p>
                    <button type="button" class="button primary" on:click=keep>{tr(|t| t.keep_account())}</button>
                }.into_any(),
                (Some(Outcome::Failed(_)), _) | (None, Some(Err(_))) => gone().into_any(),
                (None, None) => view! { <div class="skeleton" aria-busy="true"><div class="skeleton-line wide"></div></div> }.into_any(),
                (None, Some(Ok(p))) => view! {
                    <PageHeading text=Signal::derive(move || i18n.t().keep_account_question().to_owned()) />
                    <p>{move || fill(i18n.t().link_preview(), &[("email", &p.email_masked), ("date", &format::long_date(i18n.lang(), &p.scheduled_for))])}</p>
                    <button type="button" class="button primary" on:click=keep>{tr(|t| t.keep_account())}</button>
                }.into_any(),
            }}
        </div>
    }
}
