//! The close-account request being prepared: when it started and the ticks given so far.

use sqlx::FromRow;

use crate::domain::{AccountId, checklist::Ticks};

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct DeletionRow {
    pub started_at: i64,
    pub balance_forfeit: bool,
    pub purchases_erased: bool,
    pub no_backup: bool,
    pub terms_accepted: bool,
}

impl DeletionRow {
    pub fn ticks(&self) -> Ticks {
        Ticks {
            balance_forfeit: self.balance_forfeit,
            purchases_erased: self.purchases_erased,
            no_backup: self.no_backup,
        }
    }
}

pub async fn find(db: &Db, account: &AccountId) -> sqlx::Result<Option<DeletionRow>> {
    sqlx::query_as(
        "SELECT started_at, balance_forfeit, purchases_erased, no_backup, terms_accepted
         FROM deletion_requests WHERE account_id = ?",
    )
    .bind(account.as_str())
    .fetch_optional(db)
    .await
}

/// Starts the request; starting again keeps what was already recorded.
pub async fn start(db: &Db, account: &AccountId, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO deletion_requests (account_id, started_at, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account.as_str())
    .bind(now)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_ticks(db: &Db, account: &AccountId, ticks: &Ticks, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests
         SET balance_forfeit = ?, purchases_erased = ?, no_backup = ?, updated_at = ?
         WHERE account_id = ?",
    )
    .bind(ticks.balance_forfeit)
    .bind(ticks.purchases_erased)
    .bind(ticks.no_backup)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_terms(db: &Db, account: &AccountId, accepted: bool, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests SET terms_accepted = ?, updated_at = ? WHERE account_id = ?",
    )
    .bind(accepted)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}
