//! What PostgreSQL itself can do on this machine: pgbench's built-in transactions with the
//! same 64 clients and one load thread as our wrk runs, interleaved with the health handler
//! that every API figure is a ratio to. No request of ours can be cheaper than the statements
//! it sends, so these rows bound the PostgreSQL rows from above ([`Ceiling::bound`]).

use super::{
    Effort, Goal, Row, interleaved,
    load::{self, CONNECTIONS},
    median, percentile,
};
use crate::{postgres::Postgres, server::TestServer};

/// 1,000,000 accounts, so pgbench's clients seldom update the same row (ours all update one).
const SCALE: &str = "10";

/// One pgbench run's figures.
#[derive(Debug, Clone, Copy)]
struct Run {
    tps: f64,
    latency_ms: f64,
}

/// PostgreSQL's ceiling in one run: health's rate, and pgbench's as shares of it.
#[derive(Debug, Clone, Copy)]
pub struct Ceiling {
    health_rps: f64,
    select: f64,
    update: f64,
}

impl Ceiling {
    /// Says so on a PostgreSQL API row whose goal this ceiling puts out of reach.
    ///
    /// On the same two cores, each request of ours costs at least what a health request costs
    /// (the same HTTP from the same wrk) plus what a pgbench transaction of its kind costs
    /// PostgreSQL and its client: a read at least one select-only transaction (`/me` is one
    /// statement), a write at least one simple-update (ours also reads the session). So its
    /// rate is at most 1 / (1/health + 1/pgbench), a share c / (1 + c) of health's. And as
    /// wrk's connections each wait for a reply before the next request, their mean latency is
    /// connections / rate (Little's law).
    pub fn bound(&self, row: Row) -> Row {
        let share = |c: f64| c / (1.0 + c);
        let (reads, writes) = (share(self.select), share(self.update));
        let writes_mean_ms = f64::from(CONNECTIONS) * 1e3 / (self.health_rps * writes);
        let why = match row.id {
            "reads" if !row.goal.met(reads) => format!(
                "a read costs at least a health request and a select-only transaction: at most \
                 {reads:.2}×"
            ),
            "writes" if !row.goal.met(writes) => format!(
                "a write costs at least a health request and a simple-update transaction: at \
                 most {writes:.2}×"
            ),
            "writes_p99" if !row.goal.met(writes_mean_ms) => format!(
                "at {writes:.2}× of health at most, {CONNECTIONS} connections wait {writes_mean_ms:.1} \
                 ms on average"
            ),
            _ => return row,
        };
        if row.pass { row } else { row.out_of_reach(why) }
    }
}

pub fn postgres(
    postgres: &Postgres,
    server: &TestServer,
    effort: Effort,
) -> anyhow::Result<(Vec<Row>, Ceiling)> {
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
    let (select_tps, update_tps) = (median(&select, |r| r.tps), median(&update, |r| r.tps));
    let update_latency = median(&update, |r| r.latency_ms);
    let rps = format!("{base:.0} req/s");
    let ceiling =
        Ceiling { health_rps: base, select: select_tps / base, update: update_tps / base };
    let rows = vec![
        Row::ratio(
            "pg_ceiling_select",
            "PostgreSQL's own ceiling: pgbench select-only (1 statement), 64 clients: tps",
            rps.clone(),
            format!("{select_tps:.0} tps"),
            select_tps / base,
            Goal::Reported,
        ),
        Row::ratio(
            "pg_ceiling_update",
            "PostgreSQL's own ceiling: pgbench simple-update (5 statements), 64 clients: tps, \
             mean latency",
            rps,
            format!("{update_tps:.0} tps, {update_latency:.2} ms"),
            update_tps / base,
            Goal::Reported,
        ),
    ];
    Ok((rows, ceiling))
}

fn pgbench(postgres: &Postgres, database: &str, mode: &str, seconds: u32) -> anyhow::Result<Run> {
    let out = postgres
        .pgbench()
        .args([mode, "--protocol=prepared", "-j", "1"])
        .args(["-c", &CONNECTIONS.to_string(), "-T", &seconds.to_string()])
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

    #[test]
    fn a_ceiling_below_a_goal_puts_the_missed_row_out_of_reach() {
        let ceiling = Ceiling { health_rps: 80_000.0, select: 0.40, update: 0.08 };
        let reads = |ratio: f64| {
            Row::ratio("reads", "reads", String::new(), String::new(), ratio, load::READS_GOAL)
        };
        // 0.40 / 1.40: a read reaches 0.29× of health at most.
        let why = ceiling.bound(reads(0.12)).out_of_reach.unwrap();
        assert!(why.contains("at most 0.29×"), "{why}");
        assert!(ceiling.bound(reads(0.40)).out_of_reach.is_none(), "a pass stays a pass");
        // 0.60 / 1.60 = 0.375: the goal is in reach, so a miss is only a miss.
        let roomy = Ceiling { select: 0.60, ..ceiling };
        assert!(roomy.bound(reads(0.12)).out_of_reach.is_none());

        // 64 connections at 80,000 × 0.08 / 1.08 writes/s wait 10.8 ms on average.
        let p99 = Row::absolute("writes_p99", "p99", "22 ms".into(), 22.0, load::WRITES_P99_GOAL);
        let why = ceiling.bound(p99).out_of_reach.unwrap();
        assert!(why.contains("wait 10.8 ms on average"), "{why}");
        let sign_ins = Row::ratio(
            "sign_in_pressure",
            "/me",
            "1".into(),
            "3".into(),
            3.0,
            Goal::AtMost(2.0, "×"),
        );
        assert!(ceiling.bound(sign_ins).out_of_reach.is_none(), "the ceiling says nothing of it");
    }
}
