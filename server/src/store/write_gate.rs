//! The queue this process's writers wait in before SQLite's one write lock, the one
//! connection they write through, and the transactions they share.
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
//! half-sent; changes dropped uncommitted are rolled back at once, still in their turn.
//!
//! Group commit: most of a lone write's time in SQLite is its own BEGIN and COMMIT (the WAL
//! frames of every page it touched, written again for the next writer that touches them).
//! So writers that queue behind each other share one transaction: each turn's changes are a
//! savepoint in it, released (kept) or rolled back on their own, and the transaction commits
//! once nobody is waiting, or after `MAX_BATCH` writers or `MAX_BATCH_AGE`. A writer's
//! `commit` returns only once the shared COMMIT did, with its result, so an answer never
//! reports a write that is not durable, and a failed COMMIT fails every writer in it. A
//! turn that leaves the transaction open for the writers behind it also queues a committer
//! behind them, so the transaction commits even if they all go away.
//!
//! The purge writes through a pool connection in its turns (its long rounds stay off the
//! request threads); taking the turn commits any shared transaction first and keeps the purge
//! from meeting this writer in the busy handler.
//!
//! PostgreSQL locks rows, not the database: it has no gate, and its writers begin
//! transactions on pool connections.

use std::{
    ops::{Deref, DerefMut},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use super::{Backend, Conn, Db, sqlite::SqliteConn};

/// Writers whose changes one shared transaction holds at most before it commits.
const MAX_BATCH: usize = 64;
/// How long a shared transaction stays open at most, from its BEGIN, before it commits.
const MAX_BATCH_AGE: Duration = Duration::from_millis(2);

/// Shared by everything that writes to one database; clones share the queue.
#[derive(Clone, Debug)]
pub struct WriteGate(Option<Arc<Queue>>);

#[derive(Debug, Default)]
struct Queue {
    writer: Arc<Mutex<Writer>>,
    /// Writers waiting for a turn; a shared transaction stays open for them.
    waiting: AtomicUsize,
}

impl Queue {
    /// Waits for a turn, counted among the waiting meanwhile.
    async fn turn(&self) -> OwnedMutexGuard<Writer> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let _counted = Waiting(&self.waiting);
        self.writer.clone().lock_owned().await
    }
}

/// One waiting writer, until it has its turn or gives up.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a shared transaction's writers learn of its COMMIT: `None` until it ran.
type Outcome = Option<Result<(), String>>;

/// The SQLite writer's own connection, opened on first use (and again after it failed), and
/// the transaction its writers share, if one is open.
#[derive(Debug, Default)]
struct Writer {
    /// Always `Conn::Sqlite`: a `Conn` so that turns hand out what every store function takes.
    connection: Option<Conn>,
    batch: Option<Batch>,
    batches: u64,
}

/// The open shared transaction.
#[derive(Debug)]
struct Batch {
    id: u64,
    opened: Instant,
    /// Writers whose released savepoints it holds; they wait for its COMMIT.
    members: usize,
    outcome: watch::Sender<Outcome>,
    /// Whether a committer is queued for it.
    committer: bool,
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

    /// Begins this turn's changes: a savepoint in the shared transaction, begun if none is
    /// open. The transaction holds SQLite's write lock.
    fn begin(&mut self, db: &Db) -> sqlx::Result<()> {
        self.ready(db)?;
        self.settle_if_lost();
        if self.batch.is_none() {
            // IMMEDIATE takes the write lock now, waiting in the busy handler if another
            // process holds it, instead of failing at the first write once this transaction
            // has read.
            if let Err(e) = self.sqlite().control("BEGIN IMMEDIATE") {
                // A connection that cannot begin is not trusted again; the next turn opens one.
                self.connection = None;
                return Err(e);
            }
            self.batches += 1;
            let (outcome, _) = watch::channel(None);
            let (id, opened) = (self.batches, Instant::now());
            self.batch = Some(Batch { id, opened, members: 0, outcome, committer: false });
        }
        self.sqlite().control("SAVEPOINT turn")
    }

    /// Keeps this turn's changes in the shared transaction; what its COMMIT will say.
    fn release(&mut self) -> sqlx::Result<watch::Receiver<Outcome>> {
        self.sqlite().control("RELEASE turn")?;
        let batch = self.batch.as_mut().expect("begun in this turn");
        batch.members += 1;
        Ok(batch.outcome.subscribe())
    }

    /// Whether the shared transaction is open on the connection.
    fn in_transaction(&self) -> bool {
        self.connection.is_some() && self.sqlite().in_transaction()
    }

    /// Undoes this turn's changes and nobody else's.
    fn roll_back_turn(&mut self) {
        // Released only once rolled back: a release alone would keep the turn's changes.
        if self.in_transaction() && self.sqlite().control("ROLLBACK TO turn").is_ok() {
            let _ = self.sqlite().control("RELEASE turn");
        }
    }

    /// Ends a turn that began changes: commits the shared transaction now, or leaves it open
    /// for the writers waiting and makes sure one more turn will commit it.
    fn end_turn(&mut self, queue: &Arc<Queue>) {
        if self.settle_if_lost() {
            return;
        }
        let Some(batch) = &mut self.batch else { return };
        if batch.members == 0 {
            // Nothing to keep: this turn began the transaction and its changes were undone.
            let _ = self.sqlite().control("ROLLBACK");
            self.batch = None;
            return;
        }
        let full = batch.members >= MAX_BATCH || batch.opened.elapsed() >= MAX_BATCH_AGE;
        if full || queue.waiting.load(Ordering::SeqCst) == 0 {
            self.commit_batch();
        } else if !batch.committer {
            batch.committer = true;
            tokio::spawn(commit_in_turn(queue.clone(), batch.id));
        }
    }

    /// Commits the shared transaction, if one is open, and tells its writers.
    fn settle(&mut self) {
        if !self.settle_if_lost() && self.batch.is_some() {
            self.commit_batch();
        }
    }

    /// SQLite rolls a transaction back on its own after some failures (I/O, a full disk): the
    /// writers of a shared transaction that is gone learn so. Whether it was.
    fn settle_if_lost(&mut self) -> bool {
        let lost = self.batch.is_some() && !self.in_transaction();
        if lost {
            self.close_batch(Err("the transaction was rolled back".to_owned()));
        }
        lost
    }

    fn commit_batch(&mut self) {
        let result = self.sqlite().control("COMMIT");
        if result.is_err() && self.in_transaction() {
            let _ = self.sqlite().control("ROLLBACK");
        }
        self.close_batch(result.map_err(|e| e.to_string()));
    }

    fn close_batch(&mut self, outcome: Result<(), String>) {
        if let Some(batch) = self.batch.take() {
            batch.outcome.send_replace(Some(outcome));
        }
    }
}

/// Queued behind the writers a shared transaction was left open for: commits it in its turn
/// unless one of them already did.
async fn commit_in_turn(queue: Arc<Queue>, id: u64) {
    let mut writer = queue.writer.clone().lock_owned().await;
    if writer.batch.as_ref().is_some_and(|batch| batch.id == id) {
        writer.commit_batch();
    }
}

/// Waits for the COMMIT of the shared transaction that holds a writer's changes.
async fn committed(mut outcome: watch::Receiver<Outcome>) -> sqlx::Result<()> {
    let failed = |why: String| {
        sqlx::Error::Io(std::io::Error::other(format!("the shared transaction failed: {why}")))
    };
    match outcome.wait_for(Option::is_some).await {
        Ok(result) => result.clone().expect("waited for it").map_err(failed),
        Err(_) => Err(failed("the writer went away".to_owned())),
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
            Backend::Sqlite => Self(Some(Arc::default())),
            Backend::Postgres => Self(None),
        }
    }

    /// Waits for this writer's turn, with no shared transaction open; `tokio`'s mutex is
    /// fair, so turns go in arrival order.
    pub async fn enter(&self) -> WriteTurn {
        match &self.0 {
            Some(queue) => {
                let mut writer = queue.turn().await;
                writer.settle();
                WriteTurn { _held: Some(writer) }
            }
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
        let mut writer = queue.turn().await;
        let begun = writer.begin(db);
        let tx = WriterTx { writer, queue: queue.clone(), released: false };
        // A failed begin drops `tx`, which ends the turn as any other.
        begun.map(|()| WriteTx(Inner::Writer(tx)))
    }

    /// A connection for one write statement (it commits on its own), in this writer's turn.
    pub async fn connection(&self, db: &Db) -> sqlx::Result<WriteConnection> {
        let Some(queue) = &self.0 else {
            return Ok(WriteConnection(Held::Pooled(Conn::Pooled(db.pool().acquire().await?))));
        };
        let mut writer = queue.turn().await;
        writer.ready(db)?;
        writer.settle();
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
    /// Returns once the changes are committed (on SQLite, with the shared transaction).
    pub async fn commit(self) -> sqlx::Result<()> {
        match self.0 {
            Inner::Pooled(Conn::Transaction(tx)) => tx.commit().await,
            Inner::Pooled(_) => unreachable!("begun as a transaction"),
            Inner::Writer(mut tx) => {
                let outcome = tx.writer.release()?;
                tx.released = true;
                // The turn ends here: the shared transaction commits now, or in a later turn.
                drop(tx);
                committed(outcome).await
            }
        }
    }
}

/// The SQLite writer with this turn's savepoint open; the turn ends when it is dropped.
struct WriterTx {
    writer: OwnedMutexGuard<Writer>,
    queue: Arc<Queue>,
    /// Whether `commit` kept the changes in the shared transaction.
    released: bool,
}

impl Drop for WriterTx {
    fn drop(&mut self) {
        // Not released (dropped, or RELEASE failed): rolled back now, in this turn, so that
        // half-done writes never reach the shared transaction's COMMIT.
        if !self.released {
            self.writer.roll_back_turn();
        }
        self.writer.end_turn(&self.queue);
    }
}

impl Deref for WriteTx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        match &self.0 {
            Inner::Pooled(connection) => connection,
            Inner::Writer(tx) => tx.writer.connection(),
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Conn {
        match &mut self.0 {
            Inner::Pooled(connection) => connection,
            Inner::Writer(tx) => tx.writer.connection_mut(),
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
        let (dir, db) = super::super::temporary_sqlite().await;
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

    async fn exists(db: &Db, name: &str) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(db)
            .await
            .unwrap()
            == 1
    }

    async fn batches(gate: &WriteGate) -> u64 {
        gate.0.as_ref().unwrap().writer.lock().await.batches
    }

    /// Writers queued behind a held turn, each inserting its own row, and `fail`ing ones
    /// inserting theirs twice.
    fn queue_writers(
        gate: &WriteGate,
        db: &Db,
        names: impl IntoIterator<Item = (String, bool)>,
    ) -> Vec<tokio::task::JoinHandle<(String, bool, sqlx::Result<()>)>> {
        names
            .into_iter()
            .map(|(name, fail)| {
                let (gate, db) = (gate.clone(), db.clone());
                tokio::spawn(async move {
                    let mut tx = gate.begin(&db).await.unwrap();
                    insert(&mut tx, &name).await.unwrap();
                    if fail {
                        let failed = insert(&mut tx, &name).await;
                        return (name, fail, failed);
                    }
                    let committed = tx.commit().await;
                    // Once `commit` returns, every reader sees the row.
                    let seen = exists(&db, &name).await;
                    (name, seen, committed)
                })
            })
            .collect()
    }

    #[tokio::test]
    async fn writers_behind_each_other_share_commits_and_each_sees_its_own() {
        let (_dir, db, gate) = sqlite().await;
        let held = gate.enter().await;
        let writers = queue_writers(&gate, &db, (0..40).map(|n| (format!("gate-{n}"), false)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(held);
        for writer in writers {
            let (name, seen, committed) = writer.await.unwrap();
            committed.unwrap();
            assert!(seen, "{name} is visible once its commit returned");
        }
        assert_eq!(count(&db).await, 40);
        let batches = batches(&gate).await;
        assert!(batches < 40, "40 queued writers committed in {batches} transactions");
    }

    #[tokio::test]
    async fn a_failed_writer_undoes_only_its_own_changes_in_a_shared_transaction() {
        let (_dir, db, gate) = sqlite().await;
        let held = gate.enter().await;
        let plan = (0..9).map(|n| (format!("gate-{n}"), n % 3 == 1));
        let writers = queue_writers(&gate, &db, plan);
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(held);
        for writer in writers {
            let (name, failed_or_seen, result) = writer.await.unwrap();
            let failed = name.ends_with(['1', '4', '7']);
            assert_eq!(result.is_err(), failed, "{name}");
            assert!(failed || failed_or_seen, "{name} is visible once its commit returned");
        }
        for n in 0..9 {
            assert_eq!(exists(&db, &format!("gate-{n}")).await, n % 3 != 1, "gate-{n}");
        }
        assert!(batches(&gate).await < 9, "the writers shared transactions");
    }

    #[tokio::test]
    async fn a_shared_transaction_commits_when_the_writers_it_waited_for_go_away() {
        let (_dir, db, gate) = sqlite().await;
        let mut first = gate.begin(&db).await.unwrap();
        insert(&mut first, "gate-first").await.unwrap();
        // A second writer queues, so the first leaves the transaction open for it, then the
        // second goes away without a turn.
        let mut second = Box::pin(gate.begin(&db));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        let commit = tokio::spawn(first.commit());
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(second);
        tokio::time::timeout(Duration::from_secs(5), commit)
            .await
            .expect("the committer queued behind the writer that left commits")
            .unwrap()
            .unwrap();
        assert!(exists(&db, "gate-first").await);
    }
}
