//! Counts and sizes per data category, for `GET /inventory` and the checklist's facts.
//!
//! Each is one statement, every part of it an index lookup on `account_id`: a page asks
//! for them on every step. The categories an account can hold thousands of (photos and
//! their bytes, contacts, notes, messages) are, on SQLite, read from `holdings`, which
//! triggers keep (`migrations/sqlite/0011_holdings.sql`): counting the demo's 411 rows of
//! them was a third of `GET /inventory`, and an account's size would be its cost. PostgreSQL
//! counts them as it reads: there, triggers kept counts at half the purge's rate (1,453 →
//! 682 accounts/s in `cargo xtask bench`, most of it the transition tables' capture), and
//! its reads are bound by the server's own ceiling, not by these counts. The rest are a
//! handful each.

use farewell_api::{Inventory, Money};

use super::Db;
use crate::domain::{AccountId, checklist::Facts};

/// A count that fits the wire type (neither `COUNT(*)` nor a trigger-kept count goes below
/// zero or past four billion rows; were one to, it would show as zero or the most there is).
fn small(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Joins app names in one column (`string_agg` is the aggregate both backends have); a control
/// character cannot be part of a name.
const APP_SEPARATOR: &str = "\u{1f}";

#[derive(sqlx::FromRow)]
struct Counts {
    photos: i64,
    photo_bytes: i64,
    contacts: i64,
    notes: i64,
    messages: i64,
    devices: i64,
    purchases: i64,
    active_warranties: i64,
    wallet_minor: i64,
    wallet_currency: String,
    forum_posts: i64,
    third_party_apps: Option<String>,
}

/// The inventory's statement around its counted categories' columns and its `FROM`.
macro_rules! inventory_sql {
    ($counted:literal, $from:literal) => {
        concat!(
            "SELECT ",
            $counted,
            ",
            (SELECT COUNT(*) FROM devices WHERE account_id = $1) AS devices,
            (SELECT COUNT(*) FROM purchases WHERE account_id = $1) AS purchases,
            (SELECT COUNT(*) FROM warranties WHERE account_id = $1 AND expires_at > $2)
                AS active_warranties,
            COALESCE((SELECT balance_minor FROM wallets WHERE account_id = $1), 0) AS wallet_minor,
            COALESCE((SELECT currency FROM wallets WHERE account_id = $1), 'USD') AS wallet_currency,
            (SELECT COUNT(*) FROM forum_posts WHERE account_id = $1) AS forum_posts,
            (SELECT string_agg(app_name, $3 ORDER BY app_name) FROM app_grants
               WHERE account_id = $1) AS third_party_apps
         ",
            $from
        )
    };
}

/// On SQLite: the kept counts (an account without its row holds nothing).
const KEPT: &str = inventory_sql!(
    "COALESCE(h.photos, 0) AS photos, COALESCE(h.photo_bytes, 0) AS photo_bytes,
     COALESCE(h.contacts, 0) AS contacts, COALESCE(h.notes, 0) AS notes,
     COALESCE(h.messages, 0) AS messages",
    "FROM (SELECT 1 AS one) AS o LEFT JOIN holdings h ON h.account_id = $1"
);

/// On PostgreSQL: counted on reading; photos counted and summed in one pass over their
/// covering index.
const COUNTED: &str = inventory_sql!(
    "p.photos, p.photo_bytes,
     (SELECT COUNT(*) FROM contacts WHERE account_id = $1) AS contacts,
     (SELECT COUNT(*) FROM notes WHERE account_id = $1) AS notes,
     (SELECT COUNT(*) FROM messages WHERE account_id = $1) AS messages",
    "FROM (SELECT COUNT(*) AS photos, CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS photo_bytes
           FROM photos WHERE account_id = $1) AS p"
);

pub async fn inventory(db: &Db, account: &AccountId, now: i64) -> sqlx::Result<Inventory> {
    let sql = match db.sqlite() {
        Some(_) => KEPT,
        None => COUNTED,
    };
    let counts: Counts = sqlx::query_as(sql)
        .bind(account.as_str())
        .bind(now)
        .bind(APP_SEPARATOR)
        .fetch_one(db)
        .await?;
    let third_party_apps = counts
        .third_party_apps
        .map(|apps| apps.split(APP_SEPARATOR).map(str::to_owned).collect())
        .unwrap_or_default();
    Ok(Inventory {
        photos: small(counts.photos),
        photo_bytes: u64::try_from(counts.photo_bytes).unwrap_or(0),
        contacts: small(counts.contacts),
        notes: small(counts.notes),
        messages: small(counts.messages),
        devices: small(counts.devices),
        purchases: small(counts.purchases),
        active_warranties: small(counts.active_warranties),
        wallet: Money { minor: counts.wallet_minor, currency: counts.wallet_currency },
        forum_posts: small(counts.forum_posts),
        third_party_apps,
    })
}

/// The facts the close-account checklist is computed from, as columns of a statement whose
/// `$1` is the account and `$2` now (`store::deletion::standing` reads them with the request).
pub(super) const FACT_COLUMNS: &str = "
    (SELECT COUNT(*) FROM devices WHERE account_id = $1 AND signed_in = 1) AS devices_signed_in,
    (SELECT COUNT(*) FROM devices WHERE account_id = $1 AND find_my_device = 1)
        AS find_my_device_on,
    (SELECT COUNT(*) FROM instalments WHERE account_id = $1 AND paid = 0) AS unpaid_instalments,
    (SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM instalments
       WHERE account_id = $1 AND paid = 0) AS unpaid_minor,
    (SELECT MAX(currency) FROM instalments WHERE account_id = $1 AND paid = 0)
        AS unpaid_currency,
    (SELECT COUNT(*) FROM purchases
       WHERE account_id = $1 AND status IN ('shipping', 'returning')) AS open_orders,
    (SELECT COUNT(*) FROM purchases WHERE account_id = $1) AS purchases,
    COALESCE((SELECT balance_minor FROM wallets WHERE account_id = $1), 0) AS wallet_minor,
    COALESCE((SELECT currency FROM wallets WHERE account_id = $1), 'USD') AS wallet_currency,
    EXISTS (SELECT 1 FROM exports WHERE account_id = $1
              AND downloaded_at IS NOT NULL AND expires_at > $2) AS backup_downloaded";

#[derive(sqlx::FromRow)]
pub(super) struct FactRow {
    devices_signed_in: i64,
    find_my_device_on: i64,
    unpaid_instalments: i64,
    unpaid_minor: i64,
    unpaid_currency: Option<String>,
    open_orders: i64,
    purchases: i64,
    wallet_minor: i64,
    wallet_currency: String,
    #[sqlx(try_from = "super::flag::Flag")]
    backup_downloaded: bool,
}

impl From<FactRow> for Facts {
    fn from(row: FactRow) -> Self {
        let wallet = Money { minor: row.wallet_minor, currency: row.wallet_currency };
        Facts {
            devices_signed_in: small(row.devices_signed_in),
            find_my_device_on: small(row.find_my_device_on),
            unpaid_instalments: small(row.unpaid_instalments),
            unpaid: Money {
                minor: row.unpaid_minor,
                currency: row.unpaid_currency.unwrap_or_else(|| wallet.currency.clone()),
            },
            open_orders: small(row.open_orders),
            wallet,
            purchases: small(row.purchases),
            backup_downloaded: row.backup_downloaded,
        }
    }
}
