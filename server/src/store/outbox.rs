//! The outbox: every email and SMS is a row, written with the change that causes it, and
//! delivered by the outbox worker.

use serde::Serialize;
use sqlx::{AnyExecutor, FromRow};

use super::{Backend, Db};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    Email,
    Sms,
}

impl Medium {
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }
}

pub struct NewMessage<'a> {
    pub account_id: Option<&'a str>,
    pub medium: Medium,
    pub recipient: &'a str,
    pub language: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

impl<'a> NewMessage<'a> {
    /// An email to an account, in words already rendered in its language.
    pub fn email(
        account_id: Option<&'a str>,
        recipient: &'a str,
        language: crate::messages::Language,
        rendered: &'a crate::messages::Rendered,
    ) -> Self {
        Self {
            account_id,
            medium: Medium::Email,
            recipient,
            language: language.tag(),
            subject: &rendered.subject,
            body: &rendered.body,
        }
    }
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Message {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub language: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

pub async fn enqueue(
    db: impl AnyExecutor<'_>,
    message: &NewMessage<'_>,
    now: i64,
) -> sqlx::Result<()> {
    insert(db, std::slice::from_ref(message), now, false).await
}

/// Queues messages whose rows forget their recipient and text once delivered: deletion
/// receipts, the last thing ever sent to a purged account's address. One statement for all.
pub async fn enqueue_then_erase(
    db: impl AnyExecutor<'_>,
    messages: &[NewMessage<'_>],
    now: i64,
) -> sqlx::Result<()> {
    insert(db, messages, now, true).await
}

async fn insert(
    db: impl AnyExecutor<'_>,
    messages: &[NewMessage<'_>],
    now: i64,
    erase_after_delivery: bool,
) -> sqlx::Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..messages.len())
        .map(|i| {
            let p = 3 + 6 * i;
            format!("(${p}, ${}, ${}, ${}, ${}, ${}, $1, $2)", p + 1, p + 2, p + 3, p + 4, p + 5)
        })
        .collect();
    let sql = format!(
        "INSERT INTO outbox (account_id, channel, recipient, language, subject, body, created_at,
                             erase_after_delivery)
         VALUES {}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(now).bind(i64::from(erase_after_delivery));
    for message in messages {
        query = query
            .bind(message.account_id)
            .bind(message.medium.as_str())
            .bind(message.recipient)
            .bind(message.language)
            .bind(message.subject)
            .bind(message.body);
    }
    query.execute(db).await?;
    Ok(())
}

const COLUMNS: &str = "id, channel, recipient, language, subject, body, created_at, delivered_at";

/// The newest messages first, optionally only those to `recipient` (dev outbox).
pub async fn recent(db: &Db, recipient: Option<&str>, limit: i64) -> sqlx::Result<Vec<Message>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE ($1 IS NULL OR recipient = $2) ORDER BY id DESC LIMIT $3"
    ))
    .bind(recipient)
    .bind(recipient)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Claims up to `limit` undelivered messages for `lease` seconds. A worker that dies leaves
/// its lease to expire, and another worker takes the messages over.
pub async fn claim(
    db: impl sqlx::AnyExecutor<'_>,
    backend: Backend,
    now: i64,
    lease: i64,
    limit: i64,
) -> sqlx::Result<Vec<Message>> {
    sqlx::query_as(&claim_sql(backend)).bind(now + lease).bind(now).bind(limit).fetch_all(db).await
}

/// The claim's statement: `$1` the lease's end, `$2` now, `$3` how many. It reads only the
/// undelivered messages' index (`outbox_undelivered`), however many delivered ones the
/// outbox keeps.
fn claim_sql(backend: Backend) -> String {
    format!(
        "UPDATE outbox SET lease_until = $1, attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM outbox
             WHERE delivered_at IS NULL AND (lease_until IS NULL OR lease_until < $2) AND attempts < 10
             ORDER BY id LIMIT $3 {}
         )
         RETURNING {COLUMNS}",
        backend.skip_locked("outbox")
    )
}

/// Hands a claimed message back undelivered, its attempt uncounted (the server is stopping).
pub async fn release(db: impl sqlx::AnyExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET lease_until = NULL, attempts = attempts - 1
         WHERE id = $1 AND delivered_at IS NULL",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delivered(db: impl sqlx::AnyExecutor<'_>, id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET delivered_at = $1, lease_until = NULL, last_error = NULL,
             recipient = CASE erase_after_delivery WHEN 1 THEN '' ELSE recipient END,
             subject = CASE erase_after_delivery WHEN 1 THEN '' ELSE subject END,
             body = CASE erase_after_delivery WHEN 1 THEN '' ELSE body END
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Leaves the message for a later attempt, after a back-off.
pub async fn failed(
    db: impl sqlx::AnyExecutor<'_>,
    id: i64,
    retry_at: i64,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET lease_until = $1, last_error = $2 WHERE id = $3")
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_claim_reads_only_the_index_of_undelivered_messages() {
        let (_dir, db) = super::super::temporary_sqlite().await;
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", claim_sql(Backend::Sqlite)))
                .bind(0_i64)
                .bind(0_i64)
                .bind(32_i64)
                .fetch_all(&db)
                .await
                .unwrap();
        let steps: Vec<&str> = plan.iter().map(|(.., detail)| detail.as_str()).collect();
        assert!(
            steps.iter().any(|step| step.contains("USING INDEX outbox_undelivered")),
            "{steps:?}"
        );
        assert!(!steps.contains(&"SCAN outbox"), "{steps:?}");
    }
}
