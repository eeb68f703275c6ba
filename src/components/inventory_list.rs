//! What closing the account would erase, per category, from the server's inventory.

use farewell_api::Inventory;
use leptos::prelude::*;

use crate::{
    format,
    i18n::{Lang, Strings, Text, by_count, fill, use_i18n},
};

struct Row {
    label: &'static str,
    value: String,
    note: Option<&'static str>,
}

fn rows(t: &'static Strings, lang: Lang, inv: &Inventory) -> Vec<Row> {
    let n = |v: u32| format::count(lang, v);
    // A count in words, in the singular for one.
    let counted = |v: u32, one: Text, other: Text| {
        fill(by_count(u64::from(v), one, other)(t), &[("count", &n(v))])
    };
    let photos =
        counted(inv.photos, |t| t.inventory_photos_value_one(), |t| t.inventory_photos_value());
    let orders = counted(inv.purchases, |t| t.inventory_orders_one(), |t| t.inventory_orders());
    let warranties = counted(
        inv.active_warranties,
        |t| t.inventory_warranties_one(),
        |t| t.inventory_warranties(),
    );
    let row = |label, value| Row { label, value, note: None };
    let apps = if inv.third_party_apps.is_empty() {
        t.inventory_none().to_owned()
    } else {
        inv.third_party_apps.join(", ")
    };
    vec![
        row(
            t.inventory_photos(),
            fill(&photos, &[("size", &format::bytes(lang, inv.photo_bytes))]),
        ),
        row(t.inventory_contacts(), n(inv.contacts)),
        row(t.inventory_notes(), n(inv.notes)),
        row(t.inventory_messages(), n(inv.messages)),
        row(t.inventory_devices(), n(inv.devices)),
        row(
            t.inventory_purchases(),
            fill(
                t.inventory_purchases_value(),
                &[("orders", &orders), ("warranties", &warranties)],
            ),
        ),
        Row {
            note: Some(t.inventory_wallet_note()),
            ..row(t.inventory_wallet(), format::money(lang, &inv.wallet))
        },
        Row {
            note: Some(t.inventory_forum_note()),
            ..row(t.inventory_forum_posts(), n(inv.forum_posts))
        },
        Row { note: Some(t.inventory_apps_note()), ..row(t.inventory_apps(), apps) },
    ]
}

/// The inventory as a summary list; a layout-stable skeleton until it arrives.
#[component]
pub fn InventoryList(#[prop(into)] inventory: Signal<Option<Inventory>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        match inventory.get() {
        None => view! {
            <div class="summary-list skeleton" aria-busy="true">
                <p class="visually-hidden">{i18n.t().loading()}</p>
                {(0..9).map(|_| view! { <div class="summary-row"><div class="skeleton-line"></div></div> }).collect_view()}
            </div>
        }
        .into_any(),
        Some(inv) => {
            let items = rows(i18n.t(), i18n.lang(), &inv);
            view! {
                <dl class="summary-list inventory">
                    {items
                        .into_iter()
                        .map(|row| {
                            view! {
                                <div class="summary-row">
                                    <dt>{row.label}</dt>
                                    <dd>
                                        {row.value}
                                        {row.note.map(|note| view! { <span class="row-note">{note}</span> })}
                                    </dd>
                                </div>
                            }
                        })
                        .collect_view()}
                </dl>
            }
            .into_any()
        }
    }
    }
}
