//! Storage: the connection pool, migrations, and one module of SQL per aggregate.

pub mod accounts;
pub mod audit;
pub mod cancel_tokens;
pub mod codes;
pub mod deletion;
pub mod devices;
pub mod exports;
pub mod flag;
pub mod holdings;
pub mod inventory;
pub mod outbox;
pub mod purge;
pub mod secrets;
pub mod sessions;
pub mod sqlite;
pub mod throttle;
pub mod write_gate;

use std::{
    num::{NonZeroU32, NonZeroUsize},
    str::FromStr,
    sync::Arc,
    time::Duration,
};

use anyhow::{Context, bail};
use futures_util::{future::BoxFuture, stream::BoxStream};
use sqlx::{
    Any, AnyPool, Connection, Describe, Execute, Executor, Transaction,
    any::{
        AnyConnectOptions, AnyPoolOptions, AnyRow, AnyStatement, AnyTypeInfo,
        install_default_drivers,
    },
    pool::PoolConnection,
    sqlite::SqliteConnectOptions,
};

use sqlite::{Readers, SqliteConn, Step};

/// The database every store function takes: SQLite or PostgreSQL, chosen by `DATABASE_URL`.
/// The SQL in this module's children is written once for both: `$n` parameters, 0/1 integer
/// flags, Unix-second times, and no backend-only functions.
///
/// Used as an executor (`&Db`) it reads: on SQLite on the calling thread (`sqlite`), on
/// PostgreSQL through the pool. Writes take their turn at the write gate (`write_gate`): on
/// SQLite through its one connection, on PostgreSQL through pool connections (`pool`).
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    readers: Option<Arc<Readers>>,
}

impl Db {
    /// sqlx's pool itself: for the writes of start-up (before the write gate exists), the
    /// PostgreSQL writer's connections, and work kept off the request threads (the purge,
    /// the export's photo pages, checkpoints). Anything else reads through `&Db`.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The SQLite file's readers; `None` on PostgreSQL.
    pub fn sqlite(&self) -> Option<&Readers> {
        self.readers.as_deref()
    }
}

/// A connection the store's functions run their statements on, whichever it is.
#[derive(Debug)]
pub enum Conn {
    /// SQLite on the calling thread: a reader, or the write gate's writer.
    Sqlite(SqliteConn),
    /// PostgreSQL: a pool connection.
    Pooled(PoolConnection<Any>),
    /// PostgreSQL: a pool connection in a transaction.
    Transaction(Transaction<'static, Any>),
}

/// Calls the same executor method on whichever connection `conn` holds.
macro_rules! on_each {
    ($conn:expr, $c:ident => $call:expr) => {
        match $conn {
            Conn::Sqlite($c) => $call,
            Conn::Pooled($c) => {
                let $c = &mut **$c;
                $call
            }
            Conn::Transaction($c) => {
                let $c = &mut **$c;
                $call
            }
        }
    };
}

impl<'c> Executor<'c> for &'c mut Conn {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, sqlx::Result<Step>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        on_each!(self, c => c.fetch_many(query))
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, sqlx::Result<Option<AnyRow>>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        on_each!(self, c => c.fetch_optional(query))
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, sqlx::Result<AnyStatement<'q>>>
    where
        'c: 'e,
    {
        on_each!(self, c => c.prepare_with(sql, parameters))
    }

    fn describe<'e, 'q: 'e>(self, sql: &'q str) -> BoxFuture<'e, sqlx::Result<Describe<Any>>>
    where
        'c: 'e,
    {
        on_each!(self, c => c.describe(sql))
    }
}

impl<'c> Executor<'c> for &'c Db {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, sqlx::Result<Step>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match &self.readers {
            Some(readers) => readers.fetch_many(query),
            None => self.pool.fetch_many(query),
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, sqlx::Result<Option<AnyRow>>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match &self.readers {
            Some(readers) => readers.fetch_optional(query),
            None => self.pool.fetch_optional(query),
        }
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, sqlx::Result<AnyStatement<'q>>>
    where
        'c: 'e,
    {
        self.pool.prepare_with(sql, parameters)
    }

    fn describe<'e, 'q: 'e>(self, sql: &'q str) -> BoxFuture<'e, sqlx::Result<Describe<Any>>>
    where
        'c: 'e,
    {
        self.pool.describe(sql)
    }
}

/// Which database `DATABASE_URL` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One file, one server: the embedded default.
    Sqlite,
    /// One database behind any number of server replicas.
    Postgres,
}

impl Backend {
    pub fn of_url(database_url: &str) -> anyhow::Result<Self> {
        match database_url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Ok(Self::Sqlite),
            Some("postgres" | "postgresql") => Ok(Self::Postgres),
            _ => bail!("DATABASE_URL must start with sqlite:// or postgres://"),
        }
    }

    /// The backend a pool was opened on.
    pub fn of(db: &Db) -> Self {
        Self::of_url(db.pool().connect_options().database_url.as_str())
            .expect("a pool is only opened on a URL `of_url` accepts")
    }

    /// Ends the row selection of a worker's claim, so that workers on several replicas pass
    /// over rows another is claiming instead of queueing on them (and a row is re-checked
    /// once its claim commits). SQLite runs one writer at a time: a claim is atomic as it is.
    pub fn skip_locked(self, table: &str) -> String {
        match self {
            Self::Sqlite => String::new(),
            Self::Postgres => format!("FOR UPDATE OF {table} SKIP LOCKED"),
        }
    }
}

/// Opens and migrates the database; a SQLite file (and its folder) is created when missing.
pub async fn connect(database_url: &str) -> anyhow::Result<Db> {
    connect_with(database_url, None).await
}

/// A migrated SQLite database in a folder of its own, for unit tests; the folder goes with
/// the returned guard.
#[cfg(test)]
pub(crate) async fn temporary_sqlite() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = connect(&format!("sqlite://{}/f.db", dir.path().display())).await.unwrap();
    (dir, db)
}

/// [`connect`], with at most `postgres_connections` connections to PostgreSQL (default
/// [`default_postgres_connections`]); SQLite ignores it.
pub async fn connect_with(
    database_url: &str,
    postgres_connections: Option<NonZeroU32>,
) -> anyhow::Result<Db> {
    install_default_drivers();
    let pool = match Backend::of_url(database_url)? {
        Backend::Sqlite => connect_sqlite(database_url).await?,
        Backend::Postgres => {
            let connections =
                postgres_connections.map_or_else(default_postgres_connections, |n| n.get());
            connect_postgres(database_url, connections).await?
        }
    };
    Ok(pool)
}

/// Twice this machine's cores, and at least 4 (the purge and an export each hold one for a
/// while). A PostgreSQL backend works on one core at a time, so more busy connections than
/// cores only take turns: on 2 cores shared with PostgreSQL, 4 connections instead of 16
/// served 5.0k reads/s instead of 4.2k and 2.1k writes/s instead of 1.3k (p99 46 ms instead
/// of 95), and let the purge beside the API run ~1,050 accounts/s instead of ~670. A remote
/// PostgreSQL with idle cores is better served by more (`DATABASE_MAX_CONNECTIONS`).
pub fn default_postgres_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
    u32::try_from(cores * 2).unwrap_or(u32::MAX).max(4)
}

async fn connect_sqlite(database_url: &str) -> anyhow::Result<Db> {
    let file = SqliteConnectOptions::from_str(database_url)
        .with_context(|| format!("DATABASE_URL `{database_url}` is not a SQLite URL"))?;
    if let Some(parent) = file.get_filename().parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // The generic driver opens SQLite from its URL alone: `mode=rwc` creates the file, and the
    // settings a URL cannot carry are set on each new connection.
    let url = match database_url.contains("mode=") {
        true => database_url.to_owned(),
        false if database_url.contains('?') => format!("{database_url}&mode=rwc"),
        false => format!("{database_url}?mode=rwc"),
    };
    let options = AnyConnectOptions::from_str(&url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        // An embedded database cannot drop a connection; testing each one on checkout would
        // be a round trip to its thread on every query, the costliest part of a point read.
        .test_before_acquire(false)
        // No commit checkpoints on its own (`workers::checkpoint` does, off the write path).
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA wal_autocheckpoint = 0;",
                )
                .await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .context("cannot open the database")?;
    sqlx::migrate!("./migrations/sqlite")
        .run(&pool)
        .await
        .context("cannot migrate the database")?;
    let readers = Some(Arc::new(Readers::new(file.get_filename())));
    Ok(Db { pool, readers })
}

/// How long a PostgreSQL connection may sit in the pool before it is tested on checkout.
const TEST_IF_IDLE_FOR: Duration = Duration::from_secs(10);

async fn connect_postgres(database_url: &str, connections: u32) -> anyhow::Result<Db> {
    let options = AnyConnectOptions::from_str(database_url)
        .with_context(|| format!("DATABASE_URL `{database_url}` is not a PostgreSQL URL"))?;
    let pool = AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        // A connection handed back moments ago was working then; testing it on every checkout
        // doubled each request's round trips. One idle for a while may have been cut (a
        // database restart, a proxy's timeout): that one is tested before use.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= TEST_IF_IDLE_FOR {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .connect_with(options)
        .await
        .context("cannot connect to PostgreSQL")?;
    // Replicas starting together take the migrator's advisory lock in turn.
    sqlx::migrate!("./migrations/postgres")
        .run(&pool)
        .await
        .context("cannot migrate the database")?;
    Ok(Db { pool, readers: None })
}
