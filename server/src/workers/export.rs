//! Builds queued export archives, one at a time per replica, claiming each with a lease.

use std::time::Duration;

use crate::{export, state::AppState};

pub async fn run(state: AppState) {
    loop {
        if let Err(err) = export::build_queued(&state).await {
            tracing::warn!(error = ?err, "export round failed");
        }
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            () = tokio::time::sleep(Duration::from_millis(500)) => {},
        }
    }
}
