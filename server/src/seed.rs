//! Demo data for dev mode: two accounts a person can sign in with on a fresh machine.

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
}

const DEMO_ACCOUNTS: [DemoAccount; 2] = [
    DemoAccount {
        id: "1876543210",
        email: DEMO_EMAIL,
        phone: DEMO_PHONE,
        name: "Mei Lin",
        region: "US",
        member_since: datetime!(2019-03-14 09:30 UTC),
    },
    DemoAccount {
        id: "1876543211",
        email: OWES_EMAIL,
        phone: OWES_PHONE,
        name: "Sam Rivera",
        region: "US",
        member_since: datetime!(2021-11-02 18:05 UTC),
    },
];

/// Seeds the demo accounts into an empty database; returns whether it did.
pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<bool> {
    if store::accounts::count(&state.db).await? > 0 {
        return Ok(false);
    }
    let password_hash = state.passwords.hash(DEMO_PASSWORD.to_owned()).await?;
    for demo in &DEMO_ACCOUNTS {
        let id = AccountId::parse(demo.id).expect("demo ids are valid");
        let email = Email::parse(demo.email).expect("demo emails are valid");
        let phone = Phone::parse(demo.phone).expect("demo phones are valid");
        store::accounts::insert(
            &state.db,
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
    }
    Ok(true)
}
