//! One-time cancel links: each email about a pending request gets its own token; any one of
//! them cancels once, and cancelling ends them all.

use sqlx::AnyExecutor;

use crate::domain::{AccountId, TokenHash};

use super::Db;

pub async fn insert(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    hash: &TokenHash,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO cancel_tokens (token_hash, account_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(&hash.0[..])
    .bind(account.as_str())
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The pending account a link belongs to.
pub async fn account_of(db: &Db, hash: &TokenHash) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT t.account_id FROM cancel_tokens t JOIN accounts a ON a.id = t.account_id
         WHERE t.token_hash = $1 AND a.state = 'pending_deletion'",
    )
    .bind(&hash.0[..])
    .fetch_optional(db)
    .await
}
