//! Accounts: lookup by login, creation, and the personal-info view.

use sqlx::FromRow;

use crate::domain::{AccountId, Email, Login, Phone};

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: String,
    pub email: String,
    pub phone: Option<String>,
    pub password_hash: String,
    pub name: String,
    pub region: String,
    pub language: String,
    pub state: String,
    pub created_at: i64,
}

pub struct NewAccount<'a> {
    pub id: &'a AccountId,
    pub email: &'a Email,
    pub phone: Option<&'a Phone>,
    pub password_hash: &'a str,
    pub name: &'a str,
    pub region: &'a str,
    pub language: &'a str,
    pub created_at: i64,
}

const COLUMNS: &str = "id, email, phone, password_hash, name, region, language, state, created_at";
/// The same columns of `accounts a`, for joins.
pub const COLUMNS_OF_A: &str = "a.id, a.email, a.phone, a.password_hash, a.name, a.region, \
                                a.language, a.state, a.created_at";

pub async fn find_by_login(db: &Db, login: &Login) -> sqlx::Result<Option<AccountRow>> {
    let (column, value) = match login {
        Login::Email(email) => ("email", email.as_str()),
        Login::Phone(phone) => ("phone", phone.as_str()),
    };
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE {column} = $1"))
        .bind(value)
        .fetch_optional(db)
        .await
}

pub async fn find(
    db: impl sqlx::AnyExecutor<'_>,
    id: &AccountId,
) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(id.as_str())
        .fetch_optional(db)
        .await
}

pub async fn insert(db: impl sqlx::AnyExecutor<'_>, account: &NewAccount<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO accounts (id, email, phone, password_hash, name, region, language, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(account.id.as_str())
    .bind(account.email.as_str())
    .bind(account.phone.map(Phone::as_str))
    .bind(account.password_hash)
    .bind(account.name)
    .bind(account.region)
    .bind(account.language)
    .bind(account.created_at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn count(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(db).await
}

pub async fn set_state(
    db: impl sqlx::AnyExecutor<'_>,
    id: &AccountId,
    state: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET state = $1 WHERE id = $2")
        .bind(state)
        .bind(id.as_str())
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_language(
    db: impl sqlx::AnyExecutor<'_>,
    id: &AccountId,
    language: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE accounts SET language = $1 WHERE id = $2")
        .bind(language)
        .bind(id.as_str())
        .execute(db)
        .await?;
    Ok(())
}
