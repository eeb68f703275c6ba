//! SQLite's checkpoints, off the write path.
//!
//! In WAL mode SQLite appends commits to the write-ahead log and copies them back into the
//! database file at checkpoints. Left to itself, the commit that grows the log past 1,000
//! pages does that copy, with two fsyncs, while it holds the write lock: under steady writes
//! every ~125th write (and the whole queue at the write gate behind it) waited on the disk.
//! Connections here never checkpoint on commit (`wal_autocheckpoint = 0`); this worker does,
//! often, on a pool connection's own thread. A passive checkpoint waits for nobody: writers
//! go on appending while it copies, and the log starts over once a copy has caught up.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::Db;

/// Once a second. A heavy writer (the purge most of all) rewrites the same pages many times
/// between checkpoints, and a checkpoint copies each page once, then syncs the log and the
/// file; every 200 ms did all that five times as often, and `/me` read beside the purge had
/// its p99 ~0.5 ms higher for it (the purge bench, five runs of each in turn: median of the
/// runs' "during" 3.1 against 2.5 ms).
const EVERY: Duration = Duration::from_secs(1);

pub async fn run(db: Db, shutdown: CancellationToken) {
    if db.sqlite().is_none() {
        return;
    }
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(EVERY) => {},
        }
        if let Err(err) = checkpoint(&db).await {
            tracing::warn!(error = ?err, "checkpoint failed");
        }
    }
}

/// One passive checkpoint, on a pool connection's thread (none on PostgreSQL).
pub async fn checkpoint(db: &Db) -> sqlx::Result<()> {
    if db.sqlite().is_some() {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(db.pool()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{self, write_gate::WriteGate};

    /// Commits 400 rows of 4 KiB, one transaction each, in turns at the gate.
    async fn write(db: &Db, gate: &WriteGate, from: usize) {
        for n in from..from + 400 {
            let mut tx = gate.begin(db).await.unwrap();
            sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2)")
                .bind(format!("checkpoint-{n}"))
                .bind(vec![7u8; 4096])
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    }

    #[tokio::test]
    async fn commits_reach_the_database_file_through_this_worker_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f.db");
        let db = store::connect(&format!("sqlite://{}", file.display())).await.unwrap();
        let gate = WriteGate::for_backend(store::Backend::Sqlite);
        let size = || std::fs::metadata(&file).unwrap().len();

        let before = size();
        write(&db, &gate, 0).await;
        assert_eq!(size(), before, "no commit copied the log into the file (1.6 MB in the log)");

        let stop = CancellationToken::new();
        let worker = tokio::spawn(run(db.clone(), stop.clone()));
        write(&db, &gate, 400).await;
        tokio::time::sleep(EVERY * 3).await;
        assert!(size() > before + 3_000_000, "the worker copied both batches into the file");
        stop.cancel();
        worker.await.unwrap();
    }
}
