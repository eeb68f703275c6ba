//! Reading what an account holds, category by category, for its export archive.

use serde::Serialize;
use sqlx::FromRow;

use crate::domain::AccountId;

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct Contact {
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub organization: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Note {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Message {
    pub peer: String,
    #[sqlx(try_from = "super::flag::Flag")]
    pub outgoing: bool,
    pub body: String,
    pub sent_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct Photo {
    pub id: i64,
    pub file_name: String,
    pub bytes: i64,
    pub taken_at: i64,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, FromRow)]
pub struct Purchase {
    pub order_number: String,
    pub item: String,
    pub amount_minor: i64,
    pub currency: String,
    pub purchased_at: i64,
    pub status: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct Warranty {
    pub order_number: String,
    pub item: String,
    pub coverage: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ForumPost {
    pub title: String,
    pub body: String,
    pub posted_at: i64,
}

pub async fn contacts(db: &Db, account: &AccountId) -> sqlx::Result<Vec<Contact>> {
    sqlx::query_as(
        "SELECT full_name, phone, email, organization, note FROM contacts WHERE account_id = $1 ORDER BY id",
    )
    .bind(account.as_str())
    .fetch_all(db)
    .await
}

pub async fn notes(db: &Db, account: &AccountId) -> sqlx::Result<Vec<Note>> {
    sqlx::query_as(
        "SELECT id, title, body, updated_at FROM notes WHERE account_id = $1 ORDER BY id",
    )
    .bind(account.as_str())
    .fetch_all(db)
    .await
}

pub async fn messages(db: &Db, account: &AccountId) -> sqlx::Result<Vec<Message>> {
    sqlx::query_as(
        "SELECT peer, outgoing, body, sent_at FROM messages WHERE account_id = $1 ORDER BY sent_at, id",
    )
    .bind(account.as_str())
    .fetch_all(db)
    .await
}

/// Photos after `after_id`, `limit` at a time: never the whole library in memory. A page is
/// megabytes of pictures, read through the pool: on SQLite on a connection's own thread, not
/// on a thread that answers requests.
pub async fn photos_page(
    db: &Db,
    account: &AccountId,
    after_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<Photo>> {
    sqlx::query_as(
        "SELECT id, file_name, bytes, taken_at, content FROM photos
         WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(account.as_str())
    .bind(after_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

pub async fn purchases(db: &Db, account: &AccountId) -> sqlx::Result<Vec<Purchase>> {
    sqlx::query_as(
        "SELECT order_number, item, amount_minor, currency, purchased_at, status
         FROM purchases WHERE account_id = $1 ORDER BY purchased_at",
    )
    .bind(account.as_str())
    .fetch_all(db)
    .await
}

pub async fn warranties(db: &Db, account: &AccountId) -> sqlx::Result<Vec<Warranty>> {
    sqlx::query_as(
        "SELECT p.order_number, p.item, w.coverage, w.expires_at
         FROM warranties w JOIN purchases p ON p.id = w.purchase_id
         WHERE w.account_id = $1 ORDER BY w.expires_at",
    )
    .bind(account.as_str())
    .fetch_all(db)
    .await
}

pub async fn forum_posts(db: &Db, account: &AccountId) -> sqlx::Result<Vec<ForumPost>> {
    sqlx::query_as(
        "SELECT title, body, posted_at FROM forum_posts WHERE account_id = $1 ORDER BY posted_at",
    )
    .bind(account.as_str())
    .fetch_all(db)
    .await
}
