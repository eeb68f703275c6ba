//! Sessions, keyed by the SHA-256 of their token, with idle and absolute timeouts.

use std::sync::LazyLock;

use crate::domain::{AccountId, TokenHash};

use super::{
    Db,
    accounts::{self, AccountRow},
    write_gate::WriteGate,
};

/// A session unused for this long is over.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
/// No session lives longer than this, however active.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 3600;
/// Activity is recorded at most this often, so reads stay reads.
const TOUCH_EVERY_SECS: i64 = 60;

pub async fn insert(
    db: impl sqlx::AnyExecutor<'_>,
    hash: &TokenHash,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&hash.0[..])
    .bind(account.as_str())
    .bind(now)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The statement behind [`authenticate`], put together once rather than on every request.
static AUTHENTICATE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT s.created_at AS session_created_at, s.last_seen_at, {}
         FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
        accounts::COLUMNS_OF_A
    )
});

/// The account a live session belongs to, read with the session in one statement (every
/// authenticated request starts here); expired sessions are removed on sight. Those writes
/// wait for their turn at `writes`; a plain read does not.
pub async fn authenticate(
    db: &Db,
    writes: &WriteGate,
    hash: &TokenHash,
    now: i64,
) -> sqlx::Result<Option<AccountRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        session_created_at: i64,
        last_seen_at: i64,
        #[sqlx(flatten)]
        account: AccountRow,
    }
    let row: Option<Row> =
        sqlx::query_as(AUTHENTICATE.as_str()).bind(&hash.0[..]).fetch_optional(db).await?;
    let Some(Row { session_created_at, last_seen_at, account }) = row else {
        return Ok(None);
    };
    if now - last_seen_at > IDLE_TIMEOUT_SECS || now - session_created_at > ABSOLUTE_TIMEOUT_SECS {
        delete(&mut *writes.connection(db).await?, hash).await?;
        return Ok(None);
    }
    if now - last_seen_at >= TOUCH_EVERY_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash.0[..])
            .execute(&mut *writes.connection(db).await?)
            .await?;
    }
    Ok(Some(account))
}

pub async fn delete(db: impl sqlx::AnyExecutor<'_>, hash: &TokenHash) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&hash.0[..]).execute(db).await?;
    Ok(())
}

/// Ends every session of the account ("sign out everywhere"); returns how many ended.
pub async fn delete_all(db: impl sqlx::AnyExecutor<'_>, account: &AccountId) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account.as_str())
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Swaps a session's token for a new one, keeping its account and start time.
pub async fn replace(
    tx: &mut super::Conn,
    old: &TokenHash,
    new: &TokenHash,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<()> {
    let created_at: Option<i64> =
        sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING created_at")
            .bind(&old.0[..])
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&new.0[..])
    .bind(account.as_str())
    .bind(created_at.unwrap_or(now))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
