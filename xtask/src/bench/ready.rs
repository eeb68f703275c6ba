//! The first visit, measured in Chromium: bytes transferred, and time until the sign-in
//! button can be pressed against a static page with the same form.

use serde::Deserialize;

use super::{Effort, Row, browser_bench, percentile};
use crate::server::TestServer;

#[derive(Deserialize)]
struct Visits {
    ours: Vec<f64>,
    baseline: Vec<f64>,
    bytes: f64,
}

pub fn first_visit(server: &TestServer, effort: Effort) -> anyhow::Result<Vec<Row>> {
    let visits: Visits = browser_bench("bench_ready.js", server, effort.browser_rounds)?;
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
