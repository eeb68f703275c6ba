//! Counts and sizes per data category, for `GET /inventory` and the checklist's facts.

use farewell_api::{Inventory, Money};

use crate::domain::{AccountId, checklist::Facts};

use super::Db;

async fn count(db: &Db, sql: &str, account: &AccountId) -> sqlx::Result<u32> {
    let n: i64 = sqlx::query_scalar(sql).bind(account.as_str()).fetch_one(db).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

async fn wallet(db: &Db, account: &AccountId) -> sqlx::Result<Money> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT balance_minor, currency FROM wallets WHERE account_id = ?")
            .bind(account.as_str())
            .fetch_optional(db)
            .await?;
    let (minor, currency) = row.unwrap_or((0, "USD".to_owned()));
    Ok(Money { minor, currency })
}

pub async fn inventory(db: &Db, account: &AccountId, now: i64) -> sqlx::Result<Inventory> {
    let (photos, photo_bytes): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM photos WHERE account_id = ?")
            .bind(account.as_str())
            .fetch_one(db)
            .await?;
    let active_warranties: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM warranties WHERE account_id = ? AND expires_at > ?",
    )
    .bind(account.as_str())
    .bind(now)
    .fetch_one(db)
    .await?;
    let third_party_apps: Vec<String> = sqlx::query_scalar(
        "SELECT app_name FROM app_grants WHERE account_id = ? ORDER BY app_name",
    )
    .bind(account.as_str())
    .fetch_all(db)
    .await?;
    Ok(Inventory {
        photos: u32::try_from(photos).unwrap_or(u32::MAX),
        photo_bytes: u64::try_from(photo_bytes).unwrap_or(0),
        contacts: count(db, "SELECT COUNT(*) FROM contacts WHERE account_id = ?", account).await?,
        notes: count(db, "SELECT COUNT(*) FROM notes WHERE account_id = ?", account).await?,
        messages: count(db, "SELECT COUNT(*) FROM messages WHERE account_id = ?", account).await?,
        devices: count(db, "SELECT COUNT(*) FROM devices WHERE account_id = ?", account).await?,
        purchases: count(db, "SELECT COUNT(*) FROM purchases WHERE account_id = ?", account)
            .await?,
        active_warranties: u32::try_from(active_warranties).unwrap_or(u32::MAX),
        wallet: wallet(db, account).await?,
        forum_posts: count(db, "SELECT COUNT(*) FROM forum_posts WHERE account_id = ?", account)
            .await?,
        third_party_apps,
    })
}

/// The facts the close-account checklist is computed from.
pub async fn checklist_facts(db: &Db, account: &AccountId, now: i64) -> sqlx::Result<Facts> {
    let (unpaid_instalments, unpaid_minor, currency): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(amount_minor), 0), MAX(currency)
         FROM instalments WHERE account_id = ? AND paid = 0",
    )
    .bind(account.as_str())
    .fetch_one(db)
    .await?;
    let wallet = wallet(db, account).await?;
    Ok(Facts {
        devices_signed_in: count(
            db,
            "SELECT COUNT(*) FROM devices WHERE account_id = ? AND signed_in = 1",
            account,
        )
        .await?,
        find_my_device_on: count(
            db,
            "SELECT COUNT(*) FROM devices WHERE account_id = ? AND find_my_device = 1",
            account,
        )
        .await?,
        unpaid_instalments: u32::try_from(unpaid_instalments).unwrap_or(u32::MAX),
        unpaid: Money {
            minor: unpaid_minor,
            currency: currency.unwrap_or_else(|| wallet.currency.clone()),
        },
        open_orders: count(
            db,
            "SELECT COUNT(*) FROM purchases WHERE account_id = ? AND status IN ('shipping', 'returning')",
            account,
        )
        .await?,
        wallet,
        purchases: count(db, "SELECT COUNT(*) FROM purchases WHERE account_id = ?", account)
            .await?,
        backup_downloaded: super::exports::has_valid_download(db, account, now).await?,
    })
}
