//! Storage: the connection pool, migrations, and one module of SQL per aggregate.

pub mod accounts;
pub mod audit;
pub mod cancel_tokens;
pub mod codes;
pub mod deletion;
pub mod devices;
pub mod exports;
pub mod holdings;
pub mod inventory;
pub mod outbox;
pub mod purge;
pub mod secrets;
pub mod sessions;
pub mod throttle;

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

pub type Db = SqlitePool;

/// Opens (creating the file and its folder when missing) and migrates the database.
pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
    let options = SqliteConnectOptions::from_str(database_url)
        .with_context(|| format!("DATABASE_URL `{database_url}` is not a SQLite URL"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(parent) = options.get_filename().parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // An embedded database cannot drop a connection; testing each one on checkout would
        // be a round trip to its thread on every query, the costliest part of a point read.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .context("cannot open the database")?;
    sqlx::migrate!("./migrations").run(&pool).await.context("cannot migrate the database")?;
    Ok(pool)
}
