//! The close-account request: when it started, the ticks given, re-authentication, code
//! verification and, once confirmed, its reference and purge date.

use sqlx::{FromRow, SqliteExecutor};

use crate::domain::{AccountId, checklist::Ticks};

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct DeletionRow {
    pub request_id: String,
    pub started_at: i64,
    pub balance_forfeit: bool,
    pub purchases_erased: bool,
    pub no_backup: bool,
    pub terms_accepted: bool,
    pub reauth_at: Option<i64>,
    pub verified_at: Option<i64>,
    pub verified_channel: Option<String>,
    pub confirmed_at: Option<i64>,
    pub reference: Option<String>,
    pub scheduled_for: Option<i64>,
    pub confirmed_by: Option<Vec<u8>>,
}

impl DeletionRow {
    pub fn ticks(&self) -> Ticks {
        Ticks {
            balance_forfeit: self.balance_forfeit,
            purchases_erased: self.purchases_erased,
            no_backup: self.no_backup,
        }
    }
}

pub async fn find(
    db: impl SqliteExecutor<'_>,
    account: &AccountId,
) -> sqlx::Result<Option<DeletionRow>> {
    sqlx::query_as(
        "SELECT request_id, started_at, balance_forfeit, purchases_erased, no_backup,
                terms_accepted, reauth_at, verified_at, verified_channel, confirmed_at, reference,
                scheduled_for, confirmed_by
         FROM deletion_requests WHERE account_id = ?",
    )
    .bind(account.as_str())
    .fetch_optional(db)
    .await
}

/// Starts the request under a fresh `request_id`; starting again keeps what was recorded.
pub async fn start(db: &Db, account: &AccountId, request_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO deletion_requests (account_id, request_id, started_at, updated_at)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account.as_str())
    .bind(request_id)
    .bind(now)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_ticks(db: &Db, account: &AccountId, ticks: &Ticks, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests
         SET balance_forfeit = ?, purchases_erased = ?, no_backup = ?, updated_at = ?
         WHERE account_id = ?",
    )
    .bind(ticks.balance_forfeit)
    .bind(ticks.purchases_erased)
    .bind(ticks.no_backup)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_terms(db: &Db, account: &AccountId, accepted: bool, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests SET terms_accepted = ?, updated_at = ? WHERE account_id = ?",
    )
    .bind(accepted)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_reauth(
    db: impl SqliteExecutor<'_>,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE deletion_requests SET reauth_at = ?, updated_at = ? WHERE account_id = ?")
        .bind(now)
        .bind(now)
        .bind(account.as_str())
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_verified(
    db: impl SqliteExecutor<'_>,
    account: &AccountId,
    channel: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests SET verified_at = ?, verified_channel = ?, updated_at = ?
         WHERE account_id = ?",
    )
    .bind(now)
    .bind(channel)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub struct Confirmed<'a> {
    pub reference: &'a str,
    pub scheduled_for: i64,
    pub confirmed_by: &'a [u8],
}

pub async fn confirm(
    db: impl SqliteExecutor<'_>,
    account: &AccountId,
    confirmed: &Confirmed<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests
         SET confirmed_at = ?, reference = ?, scheduled_for = ?,
             confirmed_by = ?, updated_at = ?
         WHERE account_id = ?",
    )
    .bind(now)
    .bind(confirmed.reference)
    .bind(confirmed.scheduled_for)
    .bind(confirmed.confirmed_by)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// The account whose confirmed request was confirmed by the session `token_hash`.
pub async fn confirmed_by(db: &Db, token_hash: &[u8]) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT account_id FROM deletion_requests WHERE confirmed_by = ?")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// Forgets a request that was being prepared, with its codes.
pub async fn abandon(db: &Db, account: &AccountId) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM verification_codes WHERE account_id = ?")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM deletion_requests WHERE account_id = ? AND confirmed_at IS NULL")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
