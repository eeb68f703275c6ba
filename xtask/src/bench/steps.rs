//! Step transitions, as the app measures them (`farewell:transition`, src/timing.rs): from the
//! API's answer to the next wizard step painted, while headless Chromium walks demo through
//! the whole close-account wizard, round after round. Besides the p95 of them all, the medians
//! of each step, so a run shows which step the tail comes from.

use anyhow::ensure;
use serde::Deserialize;

use super::{Effort, Goal, Row, browser_bench, percentile};
use crate::server::TestServer;

#[derive(Deserialize)]
struct Walks {
    /// The wizard's transitions by name, in the order of a walk.
    steps: Vec<String>,
    /// Each walk's transitions, in milliseconds, in the order of `steps`.
    walks: Vec<Vec<f64>>,
}

pub fn transitions(server: &TestServer, effort: Effort) -> anyhow::Result<Vec<Row>> {
    // As many walks as the ready time has visits: the p95 of 50 transitions was their
    // third-longest, and one slow frame moved it by several milliseconds.
    let rounds = effort.browser_rounds;
    let Walks { steps, walks } = browser_bench("bench_steps.js", server, rounds, &[])?;
    ensure!(
        walks.iter().all(|walk| walk.len() == steps.len()),
        "every walk should measure {} transitions: {walks:?}",
        steps.len()
    );
    let all: Vec<f64> = walks.concat();
    let (p95, median) = (percentile(&all, 95.0), percentile(&all, 50.0));
    let by_step = steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let times: Vec<f64> = walks.iter().map(|walk| walk[i]).collect();
            format!("{step} {:.1}", percentile(&times, 50.0))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok(vec![
        Row::absolute(
            "step_transition",
            &format!(
                "wizard step transition, answer → painted (p95 of {}; median {median:.1} ms)",
                all.len(),
            ),
            format!("{p95:.1} ms"),
            p95,
            Goal::AtMost(25.0, " ms"),
        ),
        Row::absolute(
            "step_transition_by_step",
            &format!("wizard step transitions, median of each step over {} walks", walks.len()),
            format!("{by_step} ms"),
            median,
            Goal::Reported,
        ),
    ])
}
