//! Demo data for dev mode: two accounts a person can sign in with on a fresh machine, holding
//! what a real account of the ecosystem holds.

mod content;

use content::{DemoDevice, DemoPurchase, Holdings};
use time::macros::datetime;

use crate::{
    domain::{AccountId, Email, Phone},
    state::AppState,
    store::{self, accounts::NewAccount},
};

/// Shared by both demo accounts; printed at start in dev mode only.
pub const DEMO_PASSWORD: &str = "farewell-demo";
pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PHONE: &str = "+1 555 0100";
pub const OWES_EMAIL: &str = "owes@example.com";
pub const OWES_PHONE: &str = "+1 555 0101";

struct DemoAccount {
    id: &'static str,
    email: &'static str,
    phone: &'static str,
    name: &'static str,
    region: &'static str,
    member_since: time::OffsetDateTime,
    holdings: Holdings,
}

const APPS: [(&str, &str); 2] =
    [("PhotoPrint Studio", "profile email"), ("RideShare Go", "profile phone")];

fn demo_accounts() -> [DemoAccount; 2] {
    [
        DemoAccount {
            id: "1876543210",
            email: DEMO_EMAIL,
            phone: DEMO_PHONE,
            name: "Mei Lin",
            region: "US",
            member_since: datetime!(2019-03-14 09:30 UTC),
            holdings: Holdings {
                photos: 240,
                contacts: 80,
                notes: 12,
                messages: 60,
                devices: &[
                    DemoDevice {
                        id: "dev-7f3a9c21",
                        name: "Mei's phone",
                        model: "Farewell 14 Pro",
                        kind: "phone",
                        last_seen_days_ago: 0,
                        find_my_device: true,
                    },
                    DemoDevice {
                        id: "dev-2b8e4d10",
                        name: "Living-room tablet",
                        model: "Farewell Pad 6",
                        kind: "tablet",
                        last_seen_days_ago: 3,
                        find_my_device: false,
                    },
                    DemoDevice {
                        id: "dev-c5d61e77",
                        name: "Running watch",
                        model: "Farewell Watch S3",
                        kind: "watch",
                        last_seen_days_ago: 12,
                        find_my_device: false,
                    },
                ],
                purchases: &[
                    DemoPurchase {
                        order: "FW-2024-118204",
                        item: "Farewell 14 Pro, 256 GB",
                        amount_minor: 79_900,
                        days_ago: 200,
                        status: "delivered",
                        warranty_days: Some(730),
                    },
                    DemoPurchase {
                        order: "FW-2024-120981",
                        item: "Farewell Pad 6",
                        amount_minor: 39_900,
                        days_ago: 320,
                        status: "delivered",
                        warranty_days: Some(730),
                    },
                    DemoPurchase {
                        order: "FW-2025-004417",
                        item: "Farewell Watch S3",
                        amount_minor: 14_900,
                        days_ago: 90,
                        status: "delivered",
                        warranty_days: Some(365),
                    },
                    DemoPurchase {
                        order: "FW-2022-077310",
                        item: "USB-C charger 67 W",
                        amount_minor: 2_900,
                        days_ago: 1_100,
                        status: "delivered",
                        warranty_days: Some(365),
                    },
                ],
                unpaid_instalment_minor: None,
                wallet_minor: 1_250,
                forum_posts: 6,
                apps: &APPS,
            },
        },
        DemoAccount {
            id: "1876543211",
            email: OWES_EMAIL,
            phone: OWES_PHONE,
            name: "Sam Rivera",
            region: "US",
            member_since: datetime!(2021-11-02 18:05 UTC),
            holdings: Holdings {
                photos: 20,
                contacts: 12,
                notes: 3,
                messages: 10,
                devices: &[DemoDevice {
                    id: "dev-9a0b1c2d",
                    name: "Sam's phone",
                    model: "Farewell 13",
                    kind: "phone",
                    last_seen_days_ago: 1,
                    find_my_device: false,
                }],
                purchases: &[DemoPurchase {
                    order: "FW-2026-310552",
                    item: "Farewell 15, 512 GB (12 monthly instalments)",
                    amount_minor: 99_900,
                    days_ago: 4,
                    status: "shipping",
                    warranty_days: Some(730),
                }],
                unpaid_instalment_minor: Some(8_325),
                wallet_minor: 0,
                forum_posts: 1,
                apps: &[],
            },
        },
    ]
}

/// Seeds the demo accounts into an empty database; returns whether it did.
pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<bool> {
    if store::accounts::count(&state.db).await? > 0 {
        return Ok(false);
    }
    let password_hash = state.passwords.hash(DEMO_PASSWORD.to_owned()).await?;
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    for demo in demo_accounts() {
        let id = AccountId::parse(demo.id).expect("demo ids are valid");
        let email = Email::parse(demo.email).expect("demo emails are valid");
        let phone = Phone::parse(demo.phone).expect("demo phones are valid");
        store::accounts::insert(
            &mut *tx,
            &NewAccount {
                id: &id,
                email: &email,
                phone: Some(&phone),
                password_hash: &password_hash,
                name: demo.name,
                region: demo.region,
                language: "en",
                created_at: demo.member_since.unix_timestamp(),
            },
        )
        .await?;
        content::insert(&mut tx, &id, &demo.holdings, demo.name, now).await?;
    }
    tx.commit().await?;
    Ok(true)
}
