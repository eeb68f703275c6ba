//! The grace period's end: reminders, and the purge, in small steps that can be repeated.
//!
//! A purge claims an account with a lease (so a crashed worker's account is taken over when
//! the lease runs out), records the receipt's counts once, deletes or anonymizes each
//! category in bounded batches, and finishes in one transaction that deletes the account row.
//! That last transaction is what makes "exactly once": a second worker finds no account.

use sqlx::AnyExecutor;

use super::Backend;
use crate::domain::AccountId;

/// Claims up to `limit` accounts due for purging at `now`, for `lease` seconds.
pub async fn claim_due(
    db: impl sqlx::AnyExecutor<'_>,
    backend: Backend,
    now: i64,
    lease: i64,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(&format!(
        "UPDATE deletion_requests SET purge_lease_until = $1
         WHERE account_id IN (
             SELECT d.account_id FROM deletion_requests d JOIN accounts a ON a.id = d.account_id
             WHERE a.state = 'pending_deletion' AND d.scheduled_for <= $2
               AND (d.purge_lease_until IS NULL OR d.purge_lease_until < $2)
             ORDER BY d.scheduled_for LIMIT $3 {}
         )
         RETURNING account_id",
        backend.skip_locked("d")
    ))
    .bind(now + lease)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Hands claimed accounts back unpurged (the server is stopping).
pub async fn release(db: &mut sqlx::AnyConnection, accounts: &[String]) -> sqlx::Result<()> {
    for account in accounts {
        sqlx::query("UPDATE deletion_requests SET purge_lease_until = NULL WHERE account_id = $1")
            .bind(account)
            .execute(&mut *db)
            .await?;
    }
    Ok(())
}

pub async fn extend_lease(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
    until: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE deletion_requests SET purge_lease_until = $1 WHERE account_id = $2")
        .bind(until)
        .bind(account.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// Stores the receipt's counts unless a previous attempt already did; returns the stored ones.
pub async fn record_counts(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
    counts: &str,
) -> sqlx::Result<String> {
    sqlx::query_scalar(
        "UPDATE deletion_requests SET receipt_counts = COALESCE(receipt_counts, $1)
         WHERE account_id = $2 RETURNING receipt_counts",
    )
    .bind(counts)
    .bind(account.as_str())
    .fetch_one(db)
    .await
}

/// Tables whose rows simply go, in the order they are emptied.
pub const DELETED_TABLES: [&str; 10] = [
    "photos",
    "contacts",
    "notes",
    "messages",
    "instalments",
    "warranties",
    "purchases",
    "devices",
    "app_grants",
    "exports",
];

/// Deletes up to `limit` of the account's rows from `table`; returns how many went.
pub async fn delete_batch(
    db: impl sqlx::AnyExecutor<'_>,
    table: &str,
    account: &AccountId,
    limit: i64,
) -> sqlx::Result<u64> {
    assert!(DELETED_TABLES.contains(&table), "{table} is not purged row by row");
    let done = sqlx::query(&format!(
        "DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE account_id = $1 LIMIT $2)"
    ))
    .bind(account.as_str())
    .bind(limit)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Rewrites up to `limit` of the account's forum posts as by "Former member"; text is kept.
pub async fn anonymize_posts_batch(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE forum_posts SET author_name = 'Former member', account_id = NULL
         WHERE id IN (SELECT id FROM forum_posts WHERE account_id = $1 LIMIT $2)",
    )
    .bind(account.as_str())
    .bind(limit)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The last step, inside the caller's transaction: the account row goes (and with it, by
/// cascade, sessions, codes, the request and cancel links); its other traces lose their link
/// to it. Returns false when another worker already finished this account.
pub async fn finish(
    tx: &mut sqlx::AnyConnection,
    account: &AccountId,
    tombstone_id: i64,
) -> sqlx::Result<bool> {
    let gone = sqlx::query("DELETE FROM accounts WHERE id = $1 AND state = 'pending_deletion'")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM outbox WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE audit_log SET account_id = $1, client_ip = NULL WHERE account_id = $2")
        .bind(format!("tombstone:{tombstone_id}"))
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    Ok(true)
}

pub async fn insert_tombstone(
    db: impl AnyExecutor<'_>,
    email_hash: &[u8],
    requested_at: i64,
    purged_at: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO tombstones (email_hash, requested_at, purged_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(email_hash)
    .bind(requested_at)
    .bind(purged_at)
    .fetch_one(db)
    .await
}

/// A reminder that is due and not yet sent: `(account id, scheduled_for)`.
pub type DueReminder = (String, i64);

/// Marks reminders due at `now` as sent and returns them: each is claimed exactly once, so it
/// is never sent twice. `column` is `reminder_week_sent_at` or `reminder_day_sent_at`.
pub async fn claim_reminders(
    tx: &mut sqlx::AnyConnection,
    column: &str,
    lead_secs: i64,
    now: i64,
) -> sqlx::Result<Vec<DueReminder>> {
    assert!(matches!(column, "reminder_week_sent_at" | "reminder_day_sent_at"));
    sqlx::query_as(&format!(
        "UPDATE deletion_requests SET {column} = $1
         WHERE {column} IS NULL AND scheduled_for - $2 <= $1 AND scheduled_for > $1
           AND account_id IN (SELECT id FROM accounts WHERE state = 'pending_deletion')
         RETURNING account_id, scheduled_for"
    ))
    .bind(now)
    .bind(lead_secs)
    .fetch_all(&mut *tx)
    .await
}
