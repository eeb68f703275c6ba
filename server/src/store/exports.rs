//! Export jobs: queued by the owner, claimed by a worker with a lease, progress recorded as it
//! goes, downloadable for 7 days.

use sqlx::FromRow;

use crate::domain::AccountId;

use super::Backend;

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

pub async fn insert(
    db: impl sqlx::AnyExecutor<'_>,
    id: &str,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO exports (id, account_id, state, created_at, seq)
         SELECT $1, $2, 'queued', $3, COALESCE(MAX(seq), 0) + 1 FROM exports WHERE account_id = $2",
    )
    .bind(id)
    .bind(account.as_str())
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The account's newest export.
pub async fn latest(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
) -> sqlx::Result<Option<ExportRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM exports WHERE account_id = $1 ORDER BY seq DESC LIMIT 1"
    ))
    .bind(account.as_str())
    .fetch_optional(db)
    .await
}

/// One export, only if it belongs to `account`.
pub async fn find(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
    id: &str,
) -> sqlx::Result<Option<ExportRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM exports WHERE id = $1 AND account_id = $2"))
        .bind(id)
        .bind(account.as_str())
        .fetch_optional(db)
        .await
}

/// Claims one queued (or abandoned) export for `lease` seconds.
pub async fn claim(
    db: impl sqlx::AnyExecutor<'_>,
    backend: Backend,
    now: i64,
    lease: i64,
) -> sqlx::Result<Option<ExportRow>> {
    sqlx::query_as(&format!(
        "UPDATE exports SET state = 'building', lease_until = $1
         WHERE id = (
             SELECT id FROM exports
             WHERE state = 'queued' OR (state = 'building' AND lease_until < $2)
             ORDER BY created_at LIMIT 1 {}
         )
         RETURNING {COLUMNS}",
        backend.skip_locked("exports")
    ))
    .bind(now + lease)
    .bind(now)
    .fetch_optional(db)
    .await
}

pub async fn progress(
    db: impl sqlx::AnyExecutor<'_>,
    id: &str,
    done: i64,
    total: i64,
    bytes: i64,
    lease_until: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exports SET items_done = $1, items_total = $2, bytes_written = $3, lease_until = $4
         WHERE id = $5",
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
    db: impl sqlx::AnyExecutor<'_>,
    id: &str,
    bytes: i64,
    sha256: &str,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exports SET state = 'ready', items_done = items_total, bytes_written = $1, sha256 = $2,
             finished_at = $3, expires_at = $4, lease_until = NULL
         WHERE id = $5",
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

pub async fn failed(db: impl sqlx::AnyExecutor<'_>, id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE exports SET state = 'failed', lease_until = NULL WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Puts an export this worker was building back in the queue (the server is stopping).
pub async fn release(db: impl sqlx::AnyExecutor<'_>, id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exports SET state = 'queued', lease_until = NULL WHERE id = $1 AND state = 'building'",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn downloaded(db: impl sqlx::AnyExecutor<'_>, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE exports SET downloaded_at = COALESCE(downloaded_at, $1) WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Every export id of the account (the purge removes their files).
pub async fn ids(db: impl sqlx::AnyExecutor<'_>, account: &AccountId) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT id FROM exports WHERE account_id = $1")
        .bind(account.as_str())
        .fetch_all(db)
        .await
}

/// SHA-256 of the newest archive the account downloaded that is still valid.
pub async fn downloaded_sha256(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT sha256 FROM exports WHERE account_id = $1 AND downloaded_at IS NOT NULL AND expires_at > $2
         ORDER BY downloaded_at DESC LIMIT 1",
    )
    .bind(account.as_str())
    .bind(now)
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}
