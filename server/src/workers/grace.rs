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
            Ok(report) if report.purged == 0 => {}
            Ok(report) => tracing::info!(
                accounts = report.purged,
                longest_write_ms = report.longest_write.map(|w| w.took.as_secs_f64() * 1e3),
                longest_write_was = report.longest_write.map(|w| w.write.to_string()),
                "purged accounts whose grace period ended"
            ),
            Err(err) => tracing::warn!(error = ?err, "purge round failed"),
        }
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {},
        }
    }
}
