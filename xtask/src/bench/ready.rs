//! The first visit, measured in Chromium: bytes transferred, and time until the sign-in
//! button can be pressed against a static page with the same form.

use anyhow::Context;
use serde::Deserialize;

use super::{Effort, Row, percentile};
use crate::{process::cmd, root, server::TestServer, tools};

#[derive(Deserialize)]
struct Visits {
    ours: Vec<f64>,
    baseline: Vec<f64>,
    bytes: f64,
}

pub fn first_visit(server: &TestServer, effort: Effort) -> anyhow::Result<Vec<Row>> {
    let out = cmd("node")
        .arg("bench_ready.js")
        .current_dir(root().join("e2e"))
        .env("BASE_URL", server.url())
        .env("ROUNDS", effort.browser_rounds.to_string())
        .env("CHROMIUM", tools::CHROMIUM)
        .output()
        .context("cannot run node")?;
    anyhow::ensure!(
        out.status.success(),
        "bench_ready.js: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let visits: Visits = serde_json::from_slice(&out.stdout).context("bench_ready.js output")?;
    let kb = visits.bytes / 1024.0;
    let (ours_50, base_50) = (percentile(&visits.ours, 50.0), percentile(&visits.baseline, 50.0));
    let (ours_90, base_90) = (percentile(&visits.ours, 90.0), percentile(&visits.baseline, 90.0));
    Ok(vec![
        Row::absolute(
            "first_load",
            "first-load transfer of /signin (brotli)",
            format!("{kb:.1} KB"),
            kb,
            "≤ 140 KB",
            kb <= 140.0,
        ),
        Row::ratio(
            "ready_median",
            "ready time, median (sign-in button enabled)",
            format!("{base_50:.0} ms"),
            format!("{ours_50:.0} ms"),
            ours_50 / base_50,
            "≤ 2.0×",
            ours_50 / base_50 <= 2.0,
        ),
        Row::ratio(
            "ready_p90",
            "ready time, p90",
            format!("{base_90:.0} ms"),
            format!("{ours_90:.0} ms"),
            ours_90 / base_90,
            "≤ 3.0×",
            ours_90 / base_90 <= 3.0,
        ),
    ])
}
