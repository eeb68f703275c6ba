//! The grace-period worker: sends due reminders and purges due accounts, every second, in every
//! replica (claims in the database keep them from doing the same work twice).

use std::time::Duration;

use crate::{grace, state::AppState};

pub async fn run(state: AppState) {
    loop {
        if let Err(err) = grace::send_reminders(&state).await {
            tracing::warn!(error = ?err, "sending reminders failed");
        }
        match grace::purge_due(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(accounts = n, "purged accounts whose grace period ended"),
            Err(err) => tracing::warn!(error = ?err, "purge round failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
