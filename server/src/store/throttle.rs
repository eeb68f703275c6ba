//! Fixed-window failure counters, shared by every replica through the database.

use super::Db;

/// Seconds until `key` may try again, if it has used up `limit` in the current window.
pub async fn blocked_for(
    db: &Db,
    key: &str,
    now: i64,
    window: i64,
    limit: i64,
) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT window_start, count FROM throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(start, count)| {
        let ends = start + window;
        (ends > now && count >= limit).then_some(ends - now)
    }))
}

/// Counts one more failure for `key`, starting a new window when the last one is over.
pub async fn hit(
    db: impl sqlx::AnyExecutor<'_>,
    key: &str,
    now: i64,
    window: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO throttle (key, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN throttle.window_start + $3 <= $2 THEN 1 ELSE throttle.count + 1 END,
             window_start =
                 CASE WHEN throttle.window_start + $3 <= $2 THEN $2 ELSE throttle.window_start END",
    )
    .bind(key)
    .bind(now)
    .bind(window)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn clear(db: impl sqlx::AnyExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM throttle WHERE key = $1").bind(key).execute(db).await?;
    Ok(())
}
