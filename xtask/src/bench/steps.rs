//! Step transitions, as the app measures them (`farewell:transition`, src/timing.rs): from the
//! API's answer to the next wizard step painted, while headless Chromium walks demo through
//! the whole close-account wizard, round after round.

use anyhow::Context;
use serde::Deserialize;

use super::{Effort, Row, percentile};
use crate::{process::cmd, root, server::TestServer, tools};

#[derive(Deserialize)]
struct Walks {
    transitions: Vec<f64>,
}

pub fn transitions(server: &TestServer, effort: Effort) -> anyhow::Result<Vec<Row>> {
    let out = cmd("node")
        .arg("bench_steps.js")
        .current_dir(root().join("e2e"))
        .env("BASE_URL", server.url())
        .env("ROUNDS", (effort.browser_rounds / 2).max(1).to_string())
        .env("CHROMIUM", tools::CHROMIUM)
        .output()
        .context("cannot run node")?;
    anyhow::ensure!(
        out.status.success(),
        "bench_steps.js: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let walks: Walks = serde_json::from_slice(&out.stdout).context("bench_steps.js output")?;
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
