//! The first visit, measured in Chromium: bytes transferred, and time until the sign-in
//! button can be pressed against a static page with the same form; and, since that button
//! comes pre-rendered, when the app has taken the form over. The full run also times
//! the framework's floor, Leptos mounting nothing but that form (`bench/floor/`): the part of
//! the ratio no client-side-rendered page can avoid here.

use serde::Deserialize;

use super::{Effort, Goal, Row, browser_bench, percentile};
use crate::server::TestServer;

#[derive(Deserialize)]
struct Visits {
    ours: Vec<f64>,
    baseline: Vec<f64>,
    /// When the app had taken over the pre-rendered form of `ours`.
    started: Vec<f64>,
    /// Empty unless the floor's page was visited.
    #[serde(default)]
    floor: Vec<f64>,
    bytes: f64,
}

/// Where `cargo xtask bench` serves the framework floor.
pub const FLOOR_PAGE: &str = "bench-floor.html";

pub fn first_visit(
    server: &TestServer,
    effort: Effort,
    with_floor: bool,
) -> anyhow::Result<Vec<Row>> {
    let floor_page = format!("/{FLOOR_PAGE}");
    let env: &[(&str, &str)] = if with_floor { &[("FLOOR", &floor_page)] } else { &[] };
    let visits: Visits = browser_bench("bench_ready.js", server, effort.browser_rounds, env)?;
    let kb = visits.bytes / 1024.0;
    let (ours_50, base_50) = (percentile(&visits.ours, 50.0), percentile(&visits.baseline, 50.0));
    let (ours_90, base_90) = (percentile(&visits.ours, 90.0), percentile(&visits.baseline, 90.0));
    let started_50 = percentile(&visits.started, 50.0);
    let mut rows = vec![
        Row::absolute(
            "first_load",
            "first-load transfer of /signin (brotli)",
            format!("{kb:.1} KB"),
            kb,
            Goal::AtMost(140.0, " KB"),
        ),
        Row::ratio(
            "ready_median",
            "ready time, median (sign-in button enabled)",
            format!("{base_50:.0} ms"),
            format!("{ours_50:.0} ms"),
            ours_50 / base_50,
            Goal::AtMost(2.0, "×"),
        ),
        Row::ratio(
            "ready_p90",
            "ready time, p90",
            format!("{base_90:.0} ms"),
            format!("{ours_90:.0} ms"),
            ours_90 / base_90,
            Goal::AtMost(3.0, "×"),
        ),
        Row::ratio(
            "app_started_median",
            "app took over the pre-rendered sign-in form, median",
            format!("{base_50:.0} ms"),
            format!("{started_50:.0} ms"),
            started_50 / base_50,
            Goal::Reported,
        ),
    ];
    if !visits.floor.is_empty() {
        let floor_50 = percentile(&visits.floor, 50.0);
        rows.push(Row::ratio(
            "ready_floor_median",
            "ready time, median, of the framework floor (Leptos mounting only the baseline's form)",
            format!("{base_50:.0} ms"),
            format!("{floor_50:.0} ms"),
            floor_50 / base_50,
            Goal::Reported,
        ));
    }
    Ok(rows)
}
