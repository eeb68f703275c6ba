//! `/account`: who you are to us, with the ways out (sign out, close account) in plain sight.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    auth::use_auth,
    components::PageHeading,
    format::{long_date, region_name},
    i18n::{tr, use_i18n},
    routes::Page,
};

#[component]
pub fn PersonalInfo() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    auth.refresh();

    let row = move |label: crate::i18n::Text, value: Signal<String>| {
        view! {
            <div class="summary-row">
                <dt>{move || label(i18n.t())}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let field = move |get: fn(&farewell_api::Me, crate::i18n::Lang) -> String| {
        Signal::derive(move || auth.me().map(|me| get(&me, i18n.lang())).unwrap_or_default())
    };

    let kept = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("kept").is_some());
    view! {
        <PageHeading text=Signal::derive(move || i18n.t().personal_info_title().to_owned()) />
        <Show when=move || kept>
            <p class="notice" role="status">{crate::i18n::tr(|t| t.kept_notice())}</p>
        </Show>
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">{tr(|t| t.profile_title())}</h2>
            <dl class="summary-list">
                {row(|t| t.field_name(), field(|me, _| me.name.clone()))}
                {row(|t| t.field_account_id(), field(|me, _| me.account_id.clone()))}
                {row(|t| t.field_email(), field(|me, _| me.email_masked.clone()))}
                {row(|t| t.field_phone(), field(|me, lang| {
                    me.phone_masked.clone().unwrap_or_else(|| lang.strings().field_not_set().to_owned())
                }))}
                {row(|t| t.field_region(), field(|me, lang| region_name(lang, &me.region)))}
                {row(|t| t.field_member_since(), field(|me, lang| long_date(lang, &me.member_since)))}
            </dl>
        </section>
        <section class="card" aria-labelledby="manage-title">
            <h2 id="manage-title">{tr(|t| t.manage_title())}</h2>
            <ul class="action-list">
                <li>
                    <A href=Page::Devices.path()>{tr(|t| t.devices_title())}</A>
                    <p class="hint">{tr(|t| t.devices_lead())}</p>
                </li>
                <li>
                    <A href=Page::Data.path()>{tr(|t| t.data_title())}</A>
                    <p class="hint">{tr(|t| t.manage_data_hint())}</p>
                </li>
            </ul>
        </section>
        <section class="card" aria-labelledby="leave-title">
            <h2 id="leave-title">{tr(|t| t.leave_title())}</h2>
            <ul class="action-list">
                <li>
                    <A href=Page::SignOut.path()>{tr(|t| t.sign_out())}</A>
                    <p class="hint">{tr(|t| t.sign_out_hint())}</p>
                </li>
                <li>
                    <A href=Page::CloseAccount.path() attr:class="danger-link">
                        {tr(|t| t.close_account_title())}
                    </A>
                    <p class="hint">{tr(|t| t.close_account_hint())}</p>
                </li>
            </ul>
        </section>
    }
}
