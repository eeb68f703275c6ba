//! Any path the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::PageHeading,
    i18n::{tr, use_i18n},
    routes::Page,
};

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card narrow">
            <PageHeading text=Signal::derive(move || i18n.t().not_found_title().to_owned()) />
            <p>{tr(|t| t.not_found_body())}</p>
            <A href=Page::PersonalInfo.path()>{tr(|t| t.back_to_personal_info())}</A>
        </div>
    }
}
