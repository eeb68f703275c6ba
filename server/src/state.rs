//! State shared by every request handler.

use std::{ops::Deref, sync::Arc};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::{
    clock::Clock,
    config::Config,
    domain::AccountId,
    password::Passwords,
    store::{
        self, Db,
        audit::Event,
        write_gate::{WriteConnection, WriteGate, WriteTx},
    },
};

/// The state every handler, extractor and middleware gets a clone of, several per request:
/// one reference count to take and drop, not one per part (and the cancellation token's
/// clone and drop each take a lock that both cores' requests would share).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What the clones of an [`AppState`] share.
pub struct Shared {
    pub db: Db,
    /// Where write transactions queue for SQLite's one writer (`begin_write`).
    pub writes: WriteGate,
    pub clock: Clock,
    pub passwords: Passwords,
    pub config: Arc<Config>,
    /// Key of the hashes one-time codes are stored as.
    pub code_key: Arc<[u8]>,
    /// The address people reach this server at, for links in emails.
    pub public_url: Arc<str>,
    /// Wakes the outbox worker when a message is queued.
    pub outbox_wake: Arc<Notify>,
    /// Signs deletion receipts; its public half is at `GET /receipt-key`.
    pub receipt_key: Arc<ed25519_dalek::SigningKey>,
    /// Key of the hash a tombstone keeps instead of an email address.
    pub tombstone_key: Arc<[u8]>,
    /// Cancelled when the server is asked to stop (SIGTERM): workers finish the unit of work in
    /// hand, hand back their other claims so another replica takes them at once, and return.
    pub shutdown: CancellationToken,
}

impl Shared {
    /// Where export archives are written: `FAREWELL_EXPORT_DIR`, else `exports/` beside a
    /// SQLite database file, else `data/exports`.
    pub fn config_export_dir(&self) -> std::path::PathBuf {
        if let Some(dir) = &self.config.export_dir {
            return dir.clone();
        }
        let sqlite_file = self
            .config
            .database_url
            .strip_prefix("sqlite://")
            .map(|rest| rest.split('?').next().unwrap_or(rest));
        match sqlite_file.map(std::path::Path::new).and_then(|p| p.parent()) {
            Some(parent) if !parent.as_os_str().is_empty() => parent.join("exports"),
            _ => std::path::PathBuf::from("data/exports"),
        }
    }

    /// A write transaction, begun once this request's turn at the write gate comes.
    pub async fn begin_write(&self) -> sqlx::Result<WriteTx> {
        self.writes.begin(&self.db).await
    }

    /// A connection for single write statements, once this request's turn at the write gate
    /// comes; the turn lasts until it is dropped.
    pub async fn write_connection(&self) -> sqlx::Result<WriteConnection> {
        self.writes.connection(&self.db).await
    }

    /// Records a security event of a signed-in account in the audit log.
    pub async fn audit(&self, account: &AccountId, event: Event) -> sqlx::Result<()> {
        let mut db = self.write_connection().await?;
        store::audit::record(&mut *db, self.clock.unix(), Some(account), event, None).await
    }
}
