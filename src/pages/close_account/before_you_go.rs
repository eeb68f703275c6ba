//! Step 1, "Before you go": what would be lost, how signing out differs, and the safe way out.

use futures_util::future::join;
use leptos::{prelude::*, task::spawn_local};

use super::{Wizard, checklist};
use crate::{
    api_client,
    components::{PageHeading, inventory_list::InventoryList},
    i18n::{Text, tr, use_i18n},
    pages::sign_out::SignOutChoices,
    rehearsal,
};

#[component]
pub fn BeforeYouGo(wizard: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let inventory = LocalResource::new(api_client::inventory);
    let loaded = Signal::derive(move || inventory.get().and_then(Result::ok));
    let starting = RwSignal::new(false);
    let on_continue = move |_| {
        if starting.get_untracked() {
            return;
        }
        starting.set(true);
        spawn_local(async move {
            let (result, extras) =
                join(api_client::start_deletion(), checklist::Extras::fetch()).await;
            let ok = result.is_ok();
            wizard.accept(result);
            starting.set(false);
            if ok {
                wizard.open_checklist(extras);
            }
        });
    };
    rehearsal::when_idle(move || {
        view! { <checklist::Checklist wizard extras=Some(checklist::Extras::rehearsal()) /> }
    });

    view! {
        <PageHeading text=Signal::derive(move || i18n.t().step_before_you_go().to_owned()) />
        <div class="warning-text">
            <WarningIcon />
            <strong>{tr(|t| t.before_warning())}</strong>
        </div>

        <h2>{tr(|t| t.before_inventory_title())}</h2>
        <InventoryList inventory=loaded />

        <h2>{tr(|t| t.compare_title())}</h2>
        <ComparisonTable />

        <h2>{tr(|t| t.tips_title())}</h2>
        <ul class="tips">
            <li>{tr(|t| t.tip_phone_keeps_working())}</li>
            <li>{tr(|t| t.tip_preinstalled_apps())}</li>
            <li>{tr(|t| t.tip_new_account_later())}</li>
            <li>{tr(|t| t.tip_change_email())}</li>
        </ul>

        <div class="inset">
            <h2>{tr(|t| t.not_sure_title())}</h2>
            <p>{tr(|t| t.not_sure_body())}</p>
            <SignOutChoices />
        </div>

        <div class="step-actions">
            <button
                type="button"
                class="button secondary"
                aria-disabled=move || starting.get().to_string()
                on:click=on_continue
            >
                {tr(|t| t.before_continue())}
            </button>
        </div>
    }
}

/// Sign out vs Close account, side by side.
#[component]
fn ComparisonTable() -> impl IntoView {
    let i18n = use_i18n();
    let rows: [(Text, Text, Text); 5] = [
        (|t| t.compare_account(), |t| t.compare_account_sign_out(), |t| t.compare_account_close()),
        (|t| t.compare_data(), |t| t.compare_data_sign_out(), |t| t.compare_data_close()),
        (
            |t| t.compare_purchases(),
            |t| t.compare_purchases_sign_out(),
            |t| t.compare_purchases_close(),
        ),
        (|t| t.compare_wallet(), |t| t.compare_wallet_sign_out(), |t| t.compare_wallet_close()),
        (
            |t| t.compare_come_back(),
            |t| t.compare_come_back_sign_out(),
            |t| t.compare_come_back_close(),
        ),
    ];
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="compare-caption">
            <table class="compare">
                <caption id="compare-caption" class="visually-hidden">{tr(|t| t.compare_title())}</caption>
                <thead>
                    <tr>
                        <td></td>
                        <th scope="col">{tr(|t| t.sign_out())}</th>
                        <th scope="col">{tr(|t| t.close_account_title())}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(what, sign_out, close)| {
                            view! {
                                <tr>
                                    <th scope="row">{move || what(i18n.t())}</th>
                                    <td>{move || sign_out(i18n.t())}</td>
                                    <td>{move || close(i18n.t())}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn WarningIcon() -> impl IntoView {
    view! {
        <svg class="warning-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="11" fill="currentColor"></circle>
            <path d="M12 6v8M12 17.5v.5" stroke="var(--card)" stroke-width="2.5" stroke-linecap="round"></path>
        </svg>
    }
}
