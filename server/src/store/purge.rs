//! The grace period's end: reminders, and the purge, in small steps that can be repeated.
//!
//! A purge round claims a few accounts with a lease (so a crashed worker's accounts are taken
//! over when the lease runs out), records each receipt's counts once, deletes or anonymizes
//! each category in bounded batches shared by the round's accounts, and finishes in one
//! transaction that deletes the account rows. Deleting an account row is what makes "exactly
//! once": a second worker finds no account, and finishes nothing.

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

/// `$first, $first + 1, …`: `n` parameters for an `IN (…)` list.
fn params(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Hands claimed accounts back unpurged (the server is stopping).
pub async fn release(db: &mut sqlx::AnyConnection, accounts: &[String]) -> sqlx::Result<()> {
    if accounts.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE deletion_requests SET purge_lease_until = NULL WHERE account_id IN ({})",
        params(1, accounts.len())
    );
    let mut query = sqlx::query(&sql);
    for account in accounts {
        query = query.bind(account);
    }
    query.execute(&mut *db).await?;
    Ok(())
}

/// Keeps the round's accounts claimed while a long purge goes on.
pub async fn extend_leases(
    db: impl sqlx::AnyExecutor<'_>,
    accounts: &[AccountId],
    until: i64,
) -> sqlx::Result<()> {
    let sql = format!(
        "UPDATE deletion_requests SET purge_lease_until = $1 WHERE account_id IN ({})",
        params(2, accounts.len())
    );
    let mut query = sqlx::query(&sql).bind(until);
    for account in accounts {
        query = query.bind(account.as_str());
    }
    query.execute(db).await?;
    Ok(())
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

/// One account's rows in one table (or its forum posts, as `forum_posts`).
#[derive(Debug, sqlx::FromRow)]
pub struct Held {
    pub account_id: String,
    pub category: String,
    pub rows_held: i64,
}

/// Rows per table (and forum posts) of each of `accounts`, in one statement: a purge is many
/// small statements, and each is a round trip that waits its turn behind the API's. Pairs
/// without rows are left out.
pub async fn held(
    db: impl sqlx::AnyExecutor<'_>,
    accounts: &[AccountId],
) -> sqlx::Result<Vec<Held>> {
    let list = params(1, accounts.len());
    let sql = DELETED_TABLES
        .iter()
        .chain(&["forum_posts"])
        .map(|table| {
            format!(
                "SELECT account_id, '{table}' AS category, COUNT(*) AS rows_held FROM {table}
                 WHERE account_id IN ({list}) GROUP BY account_id"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let mut query = sqlx::query_as(&sql);
    for account in accounts {
        query = query.bind(account.as_str());
    }
    query.fetch_all(db).await
}

/// Wallet balances of `accounts` that have a wallet: `(account id, minor units, currency)`.
pub async fn wallets(
    db: impl sqlx::AnyExecutor<'_>,
    accounts: &[AccountId],
) -> sqlx::Result<Vec<(String, i64, String)>> {
    let sql = format!(
        "SELECT account_id, balance_minor, currency FROM wallets WHERE account_id IN ({})",
        params(1, accounts.len())
    );
    let mut query = sqlx::query_as(&sql);
    for account in accounts {
        query = query.bind(account.as_str());
    }
    query.fetch_all(db).await
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

/// Deletes up to `limit` rows of `accounts` from `table`; returns how many went.
pub async fn delete_batch(
    db: impl sqlx::AnyExecutor<'_>,
    table: &str,
    accounts: &[AccountId],
    limit: i64,
) -> sqlx::Result<u64> {
    assert!(DELETED_TABLES.contains(&table), "{table} is not purged row by row");
    let sql = format!(
        "DELETE FROM {table} WHERE id IN
             (SELECT id FROM {table} WHERE account_id IN ({}) LIMIT $1)",
        params(2, accounts.len())
    );
    let mut query = sqlx::query(&sql).bind(limit);
    for account in accounts {
        query = query.bind(account.as_str());
    }
    Ok(query.execute(db).await?.rows_affected())
}

/// Rewrites up to `limit` forum posts of `accounts` as by "Former member"; text is kept.
pub async fn anonymize_posts_batch(
    db: impl sqlx::AnyExecutor<'_>,
    accounts: &[AccountId],
    limit: i64,
) -> sqlx::Result<u64> {
    let sql = format!(
        "UPDATE forum_posts SET author_name = 'Former member', account_id = NULL
         WHERE id IN (SELECT id FROM forum_posts WHERE account_id IN ({}) LIMIT $1)",
        params(2, accounts.len())
    );
    let mut query = sqlx::query(&sql).bind(limit);
    for account in accounts {
        query = query.bind(account.as_str());
    }
    Ok(query.execute(db).await?.rows_affected())
}

/// The last step, inside the caller's transaction: the account row goes (and with it, by
/// cascade, sessions, codes, the request and cancel links), a tombstone keeps only the keyed
/// hash of its email, and its other traces lose their link to it. Returns false, having
/// written nothing, when another worker already finished this account.
pub async fn finish(
    tx: &mut sqlx::AnyConnection,
    account: &AccountId,
    email_hash: &[u8],
    requested_at: i64,
    purged_at: i64,
) -> sqlx::Result<bool> {
    let gone = sqlx::query("DELETE FROM accounts WHERE id = $1 AND state = 'pending_deletion'")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    if gone.rows_affected() == 0 {
        return Ok(false);
    }
    let tombstone: i64 = sqlx::query_scalar(
        "INSERT INTO tombstones (email_hash, requested_at, purged_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(email_hash)
    .bind(requested_at)
    .bind(purged_at)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM outbox WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE audit_log SET account_id = $1, client_ip = NULL WHERE account_id = $2")
        .bind(format!("tombstone:{tombstone}"))
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    Ok(true)
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
