//! One-time codes and the account-wide count of consecutive wrong codes.

use sqlx::{AnyExecutor, FromRow};

use crate::domain::AccountId;

#[derive(Debug, Clone, FromRow)]
pub struct CodeRow {
    pub id: i64,
    pub request_id: String,
    pub channel: String,
    pub code_hash: Vec<u8>,
    pub created_at: i64,
    pub expires_at: i64,
    pub attempts: i64,
    pub used_at: Option<i64>,
}

pub struct NewCode<'a> {
    pub request_id: &'a str,
    pub channel: &'a str,
    pub code_hash: &'a [u8],
    pub expires_at: i64,
}

pub async fn insert(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    code: &NewCode<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO verification_codes (account_id, request_id, channel, code_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(account.as_str())
    .bind(code.request_id)
    .bind(code.channel)
    .bind(code.code_hash)
    .bind(now)
    .bind(code.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The newest code of the account: the only one that can still be verified.
pub async fn latest(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
) -> sqlx::Result<Option<CodeRow>> {
    sqlx::query_as(
        "SELECT id, request_id, channel, code_hash, created_at, expires_at, attempts, used_at
         FROM verification_codes WHERE account_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(account.as_str())
    .fetch_optional(db)
    .await
}

pub async fn count_attempt(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE verification_codes SET attempts = attempts + 1 WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn mark_used(db: impl AnyExecutor<'_>, id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE verification_codes SET used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// `(consecutive failures, locked until)`.
pub async fn failures(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
) -> sqlx::Result<(i64, Option<i64>)> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT consecutive, locked_until FROM verification_failures WHERE account_id = $1",
    )
    .bind(account.as_str())
    .fetch_optional(db)
    .await?;
    Ok(row.unwrap_or((0, None)))
}

/// Records one more wrong code; the `lock_after`-th in a row locks verification until
/// `lock_until` and starts the count again. Returns the lock, if this failure set one.
pub async fn record_failure(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    lock_after: i64,
    lock_until: i64,
) -> sqlx::Result<Option<i64>> {
    let (locked_until,): (Option<i64>,) = sqlx::query_as(
        "INSERT INTO verification_failures (account_id, consecutive) VALUES ($1, 1)
         ON CONFLICT (account_id) DO UPDATE SET
             locked_until = CASE WHEN verification_failures.consecutive + 1 >= $2 THEN $3
                                 ELSE verification_failures.locked_until END,
             consecutive = CASE WHEN verification_failures.consecutive + 1 >= $2 THEN 0
                                ELSE verification_failures.consecutive + 1 END
         RETURNING locked_until",
    )
    .bind(account.as_str())
    .bind(lock_after)
    .bind(lock_until)
    .fetch_one(db)
    .await?;
    Ok(locked_until.filter(|&until| until == lock_until))
}

/// A right code ends the run of failures.
pub async fn reset_failures(db: impl AnyExecutor<'_>, account: &AccountId) -> sqlx::Result<()> {
    sqlx::query("UPDATE verification_failures SET consecutive = 0 WHERE account_id = $1")
        .bind(account.as_str())
        .execute(db)
        .await?;
    Ok(())
}
