//! The queue this process's writers wait in before SQLite's one write lock.
//!
//! SQLite runs one write transaction at a time. Connections that collide wait in its busy
//! handler, which sleeps 1, 2, 5, 10, 15… ms between tries, so a later arrival often wins:
//! under 64 concurrent writers the unlucky waited 70–90 ms for a lock that is free every few
//! hundred microseconds. The gate queues writers first in, first out in front of that lock, so
//! each one meets it free (or held by another process, which the busy handler still covers)
//! and waits only its turn. PostgreSQL locks rows, not the database: it has no gate.

use std::{
    ops::{Deref, DerefMut},
    sync::Arc,
};

use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::{Backend, Db};

/// Shared by everything that writes to one database; clones share the queue.
#[derive(Clone, Debug)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

/// This writer's turn: the next one enters when it is dropped.
#[must_use = "the turn ends when it is dropped"]
pub struct WriteTurn {
    _held: Option<OwnedMutexGuard<()>>,
}

impl WriteGate {
    pub fn for_backend(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self(Some(Arc::new(Mutex::new(())))),
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
        let turn = self.enter().await;
        let tx = db.begin().await?;
        Ok(WriteTx { tx, turn })
    }
}

/// A write transaction holding its turn at the gate.
pub struct WriteTx {
    // Declared first so that it drops first: its rollback is queued before the next writer
    // enters.
    tx: Transaction<'static, Any>,
    turn: WriteTurn,
}

impl WriteTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        let Self { tx, turn } = self;
        let committed = tx.commit().await;
        drop(turn);
        committed
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
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
