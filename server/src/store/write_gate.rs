//! The queue this process's writers wait in before SQLite's one write lock, and the one
//! connection they write through.
//!
//! SQLite runs one write transaction at a time. Connections that collide wait in its busy
//! handler, which sleeps 1, 2, 5, 10, 15… ms between tries, so a later arrival often wins:
//! under 64 concurrent writers the unlucky waited 70–90 ms for a lock that is free every few
//! hundred microseconds. The gate queues writers first in, first out in front of that lock, so
//! each one meets it free (or held by another process, which the busy handler still covers)
//! and waits only its turn.
//!
//! A turn also owns the writer's connection, kept out of the pool: a writer that had to take
//! one from the pool in its turn queued there behind every reader while the whole line waited
//! on it (64 writers: 1,600 writes/s, p99 60–90 ms). PostgreSQL locks rows, not the database:
//! it has no gate, and its writers begin transactions on pool connections.

use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
};

use sqlx::{Any, AnyConnection, Transaction, TransactionManager, any::AnyTransactionManager};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{Backend, Db};

/// Shared by everything that writes to one database; clones share the queue.
#[derive(Clone, Debug)]
pub struct WriteGate(Option<Arc<Mutex<Writer>>>);

/// The SQLite writer's own connection, opened on first use (and again after it failed).
#[derive(Debug, Default)]
struct Writer {
    connection: Option<AnyConnection>,
}

/// This writer's turn: the next one enters when it is dropped.
#[must_use = "the turn ends when it is dropped"]
pub struct WriteTurn {
    _held: Option<OwnedMutexGuard<Writer>>,
}

impl WriteGate {
    pub fn for_backend(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self(Some(Arc::new(Mutex::new(Writer::default())))),
            Backend::Postgres => Self(None),
        }
    }

    /// Waits for this writer's turn; `tokio`'s mutex is fair, so turns go in arrival order.
    pub async fn enter(&self) -> WriteTurn {
        match &self.0 {
            Some(queue) => WriteTurn { _held: Some(queue.clone().lock_owned().await) },
            None => WriteTurn { _held: None },
        }
    }

    /// A transaction begun in this writer's turn, which lasts until it commits or is dropped.
    /// Do slow work (password hashing, rendering mail) before, not inside.
    pub async fn begin(&self, db: &Db) -> sqlx::Result<WriteTx> {
        let Some(queue) = &self.0 else {
            return Ok(WriteTx(Inner::Pooled(db.begin().await?)));
        };
        let mut writer = queue.clone().lock_owned().await;
        let connection = match writer.connection.take() {
            Some(connection) => connection,
            None => db.acquire().await?.detach(),
        };
        let connection = writer.connection.insert(connection);
        // IMMEDIATE takes the write lock now, waiting in the busy handler if another process
        // holds it, instead of failing at the first write once this transaction has read.
        AnyTransactionManager::begin(connection, Some("BEGIN IMMEDIATE".into()))
            .await
            .inspect_err(|_| {
                // A connection that cannot begin is not trusted again; the next turn opens one.
                writer.connection = None;
            })?;
        Ok(WriteTx(Inner::Writer(WriterTx { writer, open: true })))
    }
}

/// A write transaction holding its turn at the gate.
pub struct WriteTx(Inner);

enum Inner {
    /// PostgreSQL: any pool connection.
    Pooled(Transaction<'static, Any>),
    /// SQLite: the writer's connection, in this turn.
    Writer(WriterTx),
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.0 {
            Inner::Pooled(tx) => tx.commit().await,
            Inner::Writer(mut tx) => {
                let committed = AnyTransactionManager::commit(tx.connection()).await;
                tx.open = false;
                committed
            }
        }
    }
}

/// A transaction on the SQLite writer's connection; the turn ends when it is dropped.
struct WriterTx {
    writer: OwnedMutexGuard<Writer>,
    open: bool,
}

impl WriterTx {
    fn connection(&mut self) -> &mut AnyConnection {
        self.writer.connection.as_mut().expect("a begun transaction's connection is kept")
    }
}

impl Drop for WriterTx {
    fn drop(&mut self) {
        if self.open {
            // Queued on the connection before the turn passes on, so the next writer's
            // statements run after it.
            AnyTransactionManager::start_rollback(self.connection());
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &Self::Target {
        match &self.0 {
            Inner::Pooled(tx) => tx,
            Inner::Writer(tx) => {
                tx.writer.connection.as_ref().expect("a begun transaction's connection is kept")
            }
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match &mut self.0 {
            Inner::Pooled(tx) => tx,
            Inner::Writer(tx) => tx.connection(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn turns_go_in_arrival_order_and_postgres_has_no_queue() {
        let gate = WriteGate::for_backend(Backend::Sqlite);
        let first = gate.enter().await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for n in 0..5 {
            let (gate, order) = (gate.clone(), order.clone());
            waiting.push(tokio::spawn(async move {
                let _turn = gate.enter().await;
                order.lock().unwrap().push(n);
            }));
            // Each waiter is queued before the next one arrives.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(order.lock().unwrap().is_empty(), "nobody enters while a turn is held");
        drop(first);
        for task in waiting {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);

        let postgres = WriteGate::for_backend(Backend::Postgres);
        let _held = postgres.enter().await;
        let _second = tokio::time::timeout(Duration::from_secs(1), postgres.enter())
            .await
            .expect("PostgreSQL writers do not queue");
    }
}

#[cfg(test)]
mod sqlite_writer {
    use super::*;

    async fn count(db: &Db) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM server_secrets WHERE name LIKE 'gate-%'")
            .fetch_one(db)
            .await
            .unwrap()
    }

    async fn insert(tx: &mut WriteTx, name: &str) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2)")
            .bind(name)
            .bind(&b"x"[..])
            .execute(&mut **tx)
            .await
            .map(drop)
    }

    #[tokio::test]
    async fn a_dropped_or_failed_transaction_leaves_nothing_and_the_next_turn_writes() {
        let dir = tempfile::tempdir().unwrap();
        let db = super::super::connect(&format!("sqlite://{}/f.db", dir.path().display()))
            .await
            .unwrap();
        let gate = WriteGate::for_backend(Backend::Sqlite);

        let mut dropped = gate.begin(&db).await.unwrap();
        insert(&mut dropped, "gate-dropped").await.unwrap();
        drop(dropped);

        let mut failed = gate.begin(&db).await.unwrap();
        insert(&mut failed, "gate-failed").await.unwrap();
        insert(&mut failed, "gate-failed")
            .await
            .expect_err("the name is taken in this transaction");
        drop(failed);
        assert_eq!(count(&db).await, 0, "neither transaction committed anything");

        let mut kept = gate.begin(&db).await.unwrap();
        insert(&mut kept, "gate-kept").await.unwrap();
        kept.commit().await.unwrap();
        assert_eq!(count(&db).await, 1, "the next turn begins afresh and commits");
    }
}
