//! Step transitions, as the app measures them (`farewell:transition`, src/timing.rs): from the
//! API's answer to the next wizard step painted, while headless Chromium walks demo through
//! the whole close-account wizard, round after round.

use serde::Deserialize;

use super::{Effort, Row, browser_bench, percentile};
use crate::server::TestServer;

#[derive(Deserialize)]
struct Walks {
    transitions: Vec<f64>,
}

pub fn transitions(server: &TestServer, effort: Effort) -> anyhow::Result<Vec<Row>> {
    let rounds = (effort.browser_rounds / 2).max(1);
    let walks: Walks = browser_bench("bench_steps.js", server, rounds, &[])?;
    let p95 = percentile(&walks.transitions, 95.0);
    Ok(vec![Row::absolute(
        "step_transition",
        &format!(
            "wizard step transition, answer → painted (p95 of {}; median {:.1} ms)",
            walks.transitions.len(),
            percentile(&walks.transitions, 50.0)
        ),
        format!("{p95:.1} ms"),
        p95,
        "≤ 25 ms",
        p95 <= 25.0,
    )])
}
