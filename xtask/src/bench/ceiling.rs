//! What PostgreSQL itself can do on this machine: pgbench's built-in transactions with the
//! same 64 clients and one load thread as our wrk runs, interleaved with the health handler
//! that every API figure is a ratio to. No request of ours can be cheaper than the statements
//! it sends, so these rows bound the PostgreSQL rows from above: a read needs at least two
//! statements (the session, then what it reads), a write at least as many as simple-update's
//! five (six: the session, the step's state, BEGIN, the update, the audit row, COMMIT).

use super::{Effort, Row, interleaved, load, percentile};
use crate::{postgres::Postgres, server::TestServer};

const CLIENTS: &str = "64";
/// 1,000,000 accounts, so pgbench's clients seldom update the same row (ours all update one).
const SCALE: &str = "10";

/// One pgbench run's figures.
#[derive(Debug, Clone, Copy)]
struct Run {
    tps: f64,
    latency_ms: f64,
}

pub fn postgres(
    postgres: &Postgres,
    server: &TestServer,
    effort: Effort,
) -> anyhow::Result<Vec<Row>> {
    let database = postgres.create_database("farewell_bench_pgbench")?;
    let init = postgres.pgbench().args(["-i", "-q", "-s", SCALE]).arg(&database).output()?;
    anyhow::ensure!(init.status.success(), "pgbench -i: {}", String::from_utf8_lossy(&init.stderr));

    let (health, select, update) = interleaved(
        effort.rounds,
        || load::health_rps(server, effort.seconds),
        || pgbench(postgres, &database, "--select-only", effort.seconds),
        || pgbench(postgres, &database, "--skip-some-updates", effort.seconds),
    )?;
    let base = percentile(&health, 50.0);
    let median = |runs: &[Run], f: fn(&Run) -> f64| {
        percentile(&runs.iter().map(f).collect::<Vec<_>>(), 50.0)
    };
    let (select_tps, update_tps) = (median(&select, |r| r.tps), median(&update, |r| r.tps));
    let update_latency = median(&update, |r| r.latency_ms);
    let rps = format!("{base:.0} req/s");
    Ok(vec![
        Row::ratio(
            "pg_ceiling_select",
            "PostgreSQL's own ceiling: pgbench select-only (1 statement), 64 clients: tps",
            rps.clone(),
            format!("{select_tps:.0} tps"),
            select_tps / base,
            "reported",
            true,
        ),
        Row::ratio(
            "pg_ceiling_update",
            "PostgreSQL's own ceiling: pgbench simple-update (5 statements), 64 clients: tps, \
             mean latency",
            rps,
            format!("{update_tps:.0} tps, {update_latency:.2} ms"),
            update_tps / base,
            "reported",
            true,
        ),
    ])
}

fn pgbench(postgres: &Postgres, database: &str, mode: &str, seconds: u32) -> anyhow::Result<Run> {
    let out = postgres
        .pgbench()
        .args([mode, "--protocol=prepared", "-c", CLIENTS, "-j", "1", "-T", &seconds.to_string()])
        .arg(database)
        .output()?;
    let report = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(
        out.status.success(),
        "pgbench {mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse(&report)
        .ok_or_else(|| anyhow::anyhow!("no tps or latency in pgbench's report:\n{report}"))
}

/// `tps = 19439.017208 (without initial connection time)` and `latency average = 3.292 ms`.
fn parse(report: &str) -> Option<Run> {
    let value = |prefix: &str| -> Option<f64> {
        let line = report.lines().find_map(|l| l.trim().strip_prefix(prefix))?;
        line.split_whitespace().next()?.parse().ok()
    };
    Some(Run { tps: value("tps =")?, latency_ms: value("latency average =")? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgbench_reports_parse() {
        let report = "number of failed transactions: 0 (0.000%)\nlatency average = 14.404 ms\n\
                      initial connection time = 120.5 ms\n\
                      tps = 4443.297200 (without initial connection time)\n";
        let run = parse(report).unwrap();
        assert_eq!(run.tps, 4443.2972);
        assert_eq!(run.latency_ms, 14.404);
        assert!(parse("latency average = 1 ms\n").is_none());
    }
}
