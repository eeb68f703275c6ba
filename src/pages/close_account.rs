//! `/account/close`: the close-account wizard. Its steps are being built; until then this page
//! says so and offers the safe alternative, and nothing about the account changes.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::PageHeading, i18n::use_i18n, routes::Page};

#[component]
pub fn CloseAccount() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card">
            <PageHeading text=Signal::derive(move || i18n.t().close_account_title.to_owned()) />
            <p>{move || i18n.t().close_account_coming}</p>
            <div class="inset">
                <h2>{move || i18n.t().not_sure_title}</h2>
                <p>{move || i18n.t().not_sure_body}</p>
                <A href=Page::SignOut.path() attr:class="button primary">
                    {move || i18n.t().sign_out_instead}
                </A>
            </div>
            <p>
                <A href=Page::PersonalInfo.path()>{move || i18n.t().back_to_personal_info}</A>
            </p>
        </div>
    }
}
