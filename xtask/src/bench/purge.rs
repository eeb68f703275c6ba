//! The purge at scale: the server's own `purge` bench (release build, a running server, `/me`
//! under load beside it) prints one JSON line; this turns it into rows.

use serde::Deserialize;

use super::{Goal, Row, server_bench};

#[derive(Debug, Deserialize)]
struct Measured {
    accounts: u32,
    accounts_per_second: f64,
    longest_write_ms: f64,
    /// Which write of the purge that was.
    longest_write_was: Option<String>,
    me: Reads,
    /// The control: the bare health check read the same way, on every other slice.
    health: Option<Reads>,
}

/// One address read beside the purge: medians of its runs without and during it.
#[derive(Debug, Deserialize)]
struct Reads {
    p99_without_ms: f64,
    p99_during_ms: f64,
    per_second_without: f64,
    per_second_during: f64,
}

impl Reads {
    fn ratio(&self) -> f64 {
        self.p99_during_ms / self.p99_without_ms
    }

    fn figure(&self, what: &str) -> String {
        format!(
            "{what} p99 during the purge (16 connections; {:.0} req/s without, {:.0} during)",
            self.per_second_without, self.per_second_during
        )
    }
}

/// The purge on SQLite, or with `replicas` workers on the PostgreSQL database `postgres`;
/// with `control`, the health check read beside it too.
pub fn purge(
    accounts: u32,
    postgres: Option<&str>,
    replicas: usize,
    control: bool,
) -> anyhow::Result<Vec<Row>> {
    let mut args = vec![accounts.to_string(), "--replicas".to_owned(), replicas.to_string()];
    if control {
        args.push("--health-control".to_owned());
    }
    let env: Vec<_> =
        postgres.map(|url| ("FAREWELL_BENCH_DATABASE_URL", url)).into_iter().collect();
    let m: Measured = server_bench("purge", &args, &env)?;
    let ratio = m.me.ratio();
    let mut rows = vec![
        Row::absolute(
            "purge_rate",
            &format!("purge of {} due accounts of 100 rows: accounts/s", m.accounts),
            format!("{:.0} accounts/s", m.accounts_per_second),
            m.accounts_per_second,
            Goal::AtLeast(1_000.0, ""),
        ),
        Row::absolute(
            "purge_longest_write",
            "purge: longest write (statement or transaction)",
            match &m.longest_write_was {
                Some(was) => format!("{:.1} ms ({was})", m.longest_write_ms),
                None => format!("{:.1} ms", m.longest_write_ms),
            },
            m.longest_write_ms,
            Goal::AtMost(50.0, " ms"),
        ),
        Row::ratio(
            "purge_api_p99",
            &m.me.figure("/me"),
            format!("{:.2} ms", m.me.p99_without_ms),
            format!("{:.2} ms", m.me.p99_during_ms),
            ratio,
            Goal::AtMost(1.5, "×"),
        ),
    ];
    if let Some(health) = &m.health {
        rows.push(Row::ratio(
            "purge_health_p99",
            &health.figure("control: the bare /health (no session, no database)"),
            format!("{:.2} ms", health.p99_without_ms),
            format!("{:.2} ms", health.p99_during_ms),
            health.ratio(),
            Goal::Reported,
        ));
    }
    Ok(match postgres {
        None => rows,
        Some(_) => {
            let note = format!(", {replicas} replica{}", if replicas == 1 { "" } else { "s" });
            rows.into_iter().map(|row| row.on_postgres(&note)).collect()
        }
    })
}
