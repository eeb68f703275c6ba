//! Linked devices. Every query is scoped by the account: another account's device is absent.

use farewell_api::{Device, DeviceKind};
use sqlx::FromRow;

use crate::{clock::rfc3339, domain::AccountId};

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct DeviceRow {
    pub id: String,
    pub name: String,
    pub model: String,
    pub kind: String,
    pub last_seen_at: i64,
    #[sqlx(try_from = "super::flag::Flag")]
    pub signed_in: bool,
    #[sqlx(try_from = "super::flag::Flag")]
    pub find_my_device: bool,
}

impl DeviceRow {
    pub fn to_wire(&self) -> anyhow::Result<Device> {
        let kind = match self.kind.as_str() {
            "phone" => DeviceKind::Phone,
            "tablet" => DeviceKind::Tablet,
            "laptop" => DeviceKind::Laptop,
            "watch" => DeviceKind::Watch,
            "tv" => DeviceKind::Tv,
            other => anyhow::bail!("unknown device kind {other}"),
        };
        Ok(Device {
            id: self.id.clone(),
            name: self.name.clone(),
            model: self.model.clone(),
            kind,
            last_seen: rfc3339(self.last_seen_at)?,
            signed_in: self.signed_in,
            find_my_device: self.find_my_device,
        })
    }
}

const COLUMNS: &str = "id, name, model, kind, last_seen_at, signed_in, find_my_device";

pub async fn list(db: &Db, account: &AccountId) -> sqlx::Result<Vec<DeviceRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM devices WHERE account_id = $1 ORDER BY last_seen_at DESC, id"
    ))
    .bind(account.as_str())
    .fetch_all(db)
    .await
}

pub async fn find(db: &Db, account: &AccountId, id: &str) -> sqlx::Result<Option<DeviceRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM devices WHERE account_id = $1 AND id = $2"))
        .bind(account.as_str())
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Signs the device out unless Find My Device is on; returns whether a row changed.
pub async fn sign_out(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
    id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE devices SET signed_in = 0 WHERE account_id = $1 AND id = $2 AND find_my_device = 0",
    )
    .bind(account.as_str())
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn turn_off_find_my_device(
    db: impl sqlx::AnyExecutor<'_>,
    account: &AccountId,
    id: &str,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE devices SET find_my_device = 0 WHERE account_id = $1 AND id = $2")
            .bind(account.as_str())
            .bind(id)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}
