//! Export jobs: queued by the owner, claimed by a worker with a lease, progress recorded as it
//! goes, downloadable for 7 days.

use sqlx::FromRow;

use crate::domain::AccountId;

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct ExportRow {
    pub id: String,
    pub account_id: String,
    pub state: String,
    pub items_total: i64,
    pub items_done: i64,
    pub bytes_written: i64,
    pub sha256: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub downloaded_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, state, items_total, items_done, bytes_written, sha256, \
                       created_at, expires_at, downloaded_at";

pub async fn insert(db: &Db, id: &str, account: &AccountId, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exports (id, account_id, state, created_at) VALUES (?, ?, 'queued', ?)",
    )
    .bind(id)
    .bind(account.as_str())
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The account's newest export.
pub async fn latest(db: &Db, account: &AccountId) -> sqlx::Result<Option<ExportRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM exports WHERE account_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1"
    ))
    .bind(account.as_str())
    .fetch_optional(db)
    .await
}

/// One export, only if it belongs to `account`.
pub async fn find(db: &Db, account: &AccountId, id: &str) -> sqlx::Result<Option<ExportRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM exports WHERE id = ? AND account_id = ?"))
        .bind(id)
        .bind(account.as_str())
        .fetch_optional(db)
        .await
}

/// Claims one queued (or abandoned) export for `lease` seconds.
pub async fn claim(db: &Db, now: i64, lease: i64) -> sqlx::Result<Option<ExportRow>> {
    sqlx::query_as(&format!(
        "UPDATE exports SET state = 'building', lease_until = ?1
         WHERE id = (
             SELECT id FROM exports
             WHERE state = 'queued' OR (state = 'building' AND lease_until < ?2)
             ORDER BY created_at LIMIT 1
         )
         RETURNING {COLUMNS}"
    ))
    .bind(now + lease)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn progress(
    db: &Db,
    id: &str,
    done: i64,
    total: i64,
    bytes: i64,
    lease_until: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exports SET items_done = ?, items_total = ?, bytes_written = ?, lease_until = ?
         WHERE id = ?",
    )
    .bind(done)
    .bind(total)
    .bind(bytes)
    .bind(lease_until)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn ready(
    db: &Db,
    id: &str,
    bytes: i64,
    sha256: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exports SET state = 'ready', items_done = items_total, bytes_written = ?, sha256 = ?,
             finished_at = ?, expires_at = ?, lease_until = NULL
         WHERE id = ?",
    )
    .bind(bytes)
    .bind(sha256)
    .bind(now)
    .bind(expires_at)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn failed(db: &Db, id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE exports SET state = 'failed', lease_until = NULL WHERE id = ?")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn downloaded(db: &Db, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE exports SET downloaded_at = COALESCE(downloaded_at, ?) WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Every export id of the account (the purge removes their files).
pub async fn ids(
    db: impl sqlx::SqliteExecutor<'_>,
    account: &AccountId,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT id FROM exports WHERE account_id = ?")
        .bind(account.as_str())
        .fetch_all(db)
        .await
}

/// SHA-256 of the newest archive the account downloaded that is still valid.
pub async fn downloaded_sha256(
    db: impl sqlx::SqliteExecutor<'_>,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT sha256 FROM exports WHERE account_id = ? AND downloaded_at IS NOT NULL AND expires_at > ?
         ORDER BY downloaded_at DESC LIMIT 1",
    )
    .bind(account.as_str())
    .bind(now)
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}
