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
//! A turn also owns the writer's connection, kept out of the pool, whose statements run on
//! the calling thread (`sqlite`): a write's turn is a few tens of microseconds of SQLite, not
//! a hand-off to a connection thread and back per statement. Because a statement there runs
//! to its end within one poll, a request cancelled in its turn cannot leave BEGIN or COMMIT
//! half-sent; a transaction dropped uncommitted is rolled back at once, still in its turn.
//! The purge writes through a pool connection in its turns (its long rounds stay off the
//! request threads); taking the turn keeps it from meeting this writer in the busy handler.
//!
//! PostgreSQL locks rows, not the database: it has no gate, and its writers begin
//! transactions on pool connections.

use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
};

use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{Backend, Conn, Db, sqlite::SqliteConn};

/// Shared by everything that writes to one database; clones share the queue.
#[derive(Clone, Debug)]
pub struct WriteGate(Option<Arc<Mutex<Writer>>>);

/// The SQLite writer's own connection, opened on first use (and again after it failed). Its
/// statements run on the calling thread (`sqlite`), so none is ever left half-sent, and a
/// transaction dropped uncommitted is rolled back by `WriterTx`'s drop, in its turn.
#[derive(Debug, Default)]
struct Writer {
    /// Always `Conn::Sqlite`: a `Conn` so that turns hand out what every store function takes.
    connection: Option<Conn>,
}

impl Writer {
    /// The connection, which `ready` opened for this turn.
    fn connection(&self) -> &Conn {
        self.connection.as_ref().expect("opened in this turn")
    }

    fn connection_mut(&mut self) -> &mut Conn {
        self.connection.as_mut().expect("opened in this turn")
    }

    fn sqlite(&self) -> &SqliteConn {
        match self.connection() {
            Conn::Sqlite(connection) => connection,
            _ => unreachable!("the writer is a SQLite connection"),
        }
    }

    /// Opens the connection if need be.
    fn ready(&mut self, db: &Db) -> sqlx::Result<()> {
        if self.connection.is_none() {
            let file = db.sqlite().expect("a gate queues SQLite writers only").path();
            self.connection = Some(Conn::Sqlite(SqliteConn::open_writer(file)?));
        }
        Ok(())
    }

    /// Begins a transaction that holds SQLite's write lock.
    fn begin(&mut self, db: &Db) -> sqlx::Result<()> {
        self.ready(db)?;
        // IMMEDIATE takes the write lock now, waiting in the busy handler if another process
        // holds it, instead of failing at the first write once this transaction has read.
        if let Err(e) = self.sqlite().execute_batch("BEGIN IMMEDIATE") {
            // A connection that cannot begin is not trusted again; the next turn opens one.
            self.connection = None;
            return Err(e);
        }
        Ok(())
    }
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
            // sqlx forgets a BEGIN it has sent if the future is dropped before the answer (its
            // guard rolls back only transactions it has counted), and the connection goes back
            // to the pool inside that transaction, where the next request's writes would wait
            // uncommitted. Begun in a task of its own, BEGIN always completes; a transaction
            // whose request has gone is then dropped, and so rolled back, the usual way.
            let db = db.clone();
            let begun = tokio::spawn(async move { db.pool().begin().await }).await;
            let tx = begun.map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))??;
            return Ok(WriteTx(Inner::Pooled(Conn::Transaction(tx))));
        };
        let mut writer = queue.clone().lock_owned().await;
        writer.begin(db)?;
        Ok(WriteTx(Inner::Writer(WriterTx(writer))))
    }

    /// A connection for one write statement (it commits on its own), in this writer's turn.
    pub async fn connection(&self, db: &Db) -> sqlx::Result<WriteConnection> {
        let Some(queue) = &self.0 else {
            return Ok(WriteConnection(Held::Pooled(Conn::Pooled(db.pool().acquire().await?))));
        };
        let mut writer = queue.clone().lock_owned().await;
        writer.ready(db)?;
        Ok(WriteConnection(Held::Writer(writer)))
    }
}

/// A connection for single write statements, holding its turn at the gate until dropped.
pub struct WriteConnection(Held);

enum Held {
    /// PostgreSQL: any pool connection.
    Pooled(Conn),
    /// SQLite: the writer's connection, in this turn.
    Writer(OwnedMutexGuard<Writer>),
}

impl Deref for WriteConnection {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        match &self.0 {
            Held::Pooled(connection) => connection,
            Held::Writer(writer) => writer.connection(),
        }
    }
}

impl DerefMut for WriteConnection {
    fn deref_mut(&mut self) -> &mut Conn {
        match &mut self.0 {
            Held::Pooled(connection) => connection,
            Held::Writer(writer) => writer.connection_mut(),
        }
    }
}

/// A write transaction holding its turn at the gate.
pub struct WriteTx(Inner);

enum Inner {
    /// PostgreSQL: a transaction on any pool connection (`Conn::Transaction`).
    Pooled(Conn),
    /// SQLite: the writer's connection, in this turn.
    Writer(WriterTx),
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.0 {
            Inner::Pooled(Conn::Transaction(tx)) => tx.commit().await,
            Inner::Pooled(_) => unreachable!("begun as a transaction"),
            // A COMMIT that fails leaves the transaction open: the drop rolls it back.
            Inner::Writer(tx) => tx.0.sqlite().execute_batch("COMMIT"),
        }
    }
}

/// The SQLite writer in a transaction; the turn ends when it is dropped.
struct WriterTx(OwnedMutexGuard<Writer>);

impl Drop for WriterTx {
    fn drop(&mut self) {
        // Not committed (or COMMIT failed): rolled back now, in this turn, so that neither
        // SQLite's write lock nor the half-done writes outlive it. SQLite itself says whether
        // a transaction is still open.
        let writer = self.0.sqlite();
        if writer.in_transaction() {
            let _ = writer.execute_batch("ROLLBACK");
        }
    }
}

impl Deref for WriteTx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        match &self.0 {
            Inner::Pooled(connection) => connection,
            Inner::Writer(tx) => tx.0.connection(),
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        match &mut self.0 {
            Inner::Pooled(connection) => connection,
            Inner::Writer(tx) => tx.0.connection_mut(),
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

    /// A database file of its own, and its gate.
    async fn sqlite() -> (tempfile::TempDir, Db, WriteGate) {
        let dir = tempfile::tempdir().unwrap();
        let db = super::super::connect(&format!("sqlite://{}/f.db", dir.path().display()))
            .await
            .unwrap();
        (dir, db, WriteGate::for_backend(Backend::Sqlite))
    }

    #[tokio::test]
    async fn a_dropped_or_failed_transaction_leaves_nothing_and_the_next_turn_writes() {
        let (_dir, db, gate) = sqlite().await;

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

    /// Polls a future once, as a request does before its client hangs up, then drops it.
    fn poll_once_and_drop<F: Future>(future: F) {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        // Pending while the turn is queued; once it is entered, the statements run on this
        // thread, so whatever the first poll reached is what the next writer meets.
        let _ = future.as_mut().poll(&mut cx);
    }

    #[tokio::test]
    async fn a_writer_cancelled_in_begin_or_commit_does_not_stop_the_next() {
        let (_dir, db, gate) = sqlite().await;
        let mut first = gate.begin(&db).await.unwrap();
        insert(&mut first, "gate-first").await.unwrap();
        first.commit().await.unwrap();

        for n in 0..10 {
            // Cancelled at BEGIN: whatever it opened is rolled back as it is dropped.
            poll_once_and_drop(gate.begin(&db));
            let mut next = gate.begin(&db).await.expect("the next writer begins");
            insert(&mut next, &format!("gate-after-begin-{n}")).await.unwrap();
            next.commit().await.unwrap();

            // Cancelled at COMMIT.
            let mut cancelled = gate.begin(&db).await.unwrap();
            insert(&mut cancelled, &format!("gate-cancelled-{n}")).await.unwrap();
            poll_once_and_drop(cancelled.commit());
            let mut next = gate.begin(&db).await.expect("the next writer begins");
            insert(&mut next, &format!("gate-after-commit-{n}")).await.unwrap();
            next.commit().await.unwrap();
        }

        let names: Vec<String> =
            sqlx::query_scalar("SELECT name FROM server_secrets WHERE name LIKE 'gate-after-%'")
                .fetch_all(&db)
                .await
                .unwrap();
        assert_eq!(names.len(), 20, "every writer after a cancelled one committed: {names:?}");
    }
}
