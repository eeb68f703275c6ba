//! The purge at scale: the server's own `purge` bench (release build, a running server, `/me`
//! under load beside it) prints one JSON line; this turns it into rows.

use serde::Deserialize;

use super::{Row, server_bench};

#[derive(Debug, Deserialize)]
struct Measured {
    accounts: u32,
    accounts_per_second: f64,
    longest_write_ms: f64,
    me_p99_without_ms: f64,
    me_p99_during_ms: f64,
    me_per_second_without: f64,
    me_per_second_during: f64,
}

/// The purge on SQLite, or with `replicas` workers on the PostgreSQL database `postgres`.
pub fn purge(accounts: u32, postgres: Option<&str>, replicas: usize) -> anyhow::Result<Vec<Row>> {
    let args = [accounts.to_string(), "--replicas".to_owned(), replicas.to_string()];
    let env: Vec<_> =
        postgres.map(|url| ("FAREWELL_BENCH_DATABASE_URL", url)).into_iter().collect();
    let m: Measured = server_bench("purge", &args, &env)?;
    let ratio = m.me_p99_during_ms / m.me_p99_without_ms;
    let rows = vec![
        Row::absolute(
            "purge_rate",
            &format!("purge of {} due accounts of 100 rows: accounts/s", m.accounts),
            format!("{:.0} accounts/s", m.accounts_per_second),
            m.accounts_per_second,
            "≥ 1,000",
            m.accounts_per_second >= 1_000.0,
        ),
        Row::absolute(
            "purge_longest_write",
            "purge: longest write (statement or transaction)",
            format!("{:.1} ms", m.longest_write_ms),
            m.longest_write_ms,
            "≤ 50 ms",
            m.longest_write_ms <= 50.0,
        ),
        Row::ratio(
            "purge_api_p99",
            &format!(
                "/me p99 during the purge (16 connections; {:.0} req/s without, {:.0} during)",
                m.me_per_second_without, m.me_per_second_during
            ),
            format!("{:.2} ms", m.me_p99_without_ms),
            format!("{:.2} ms", m.me_p99_during_ms),
            ratio,
            "≤ 1.5×",
            ratio <= 1.5,
        ),
    ];
    Ok(match postgres {
        None => rows,
        Some(_) => {
            let note = format!(", {replicas} replica{}", if replicas == 1 { "" } else { "s" });
            rows.into_iter().map(|row| row.on_postgres(&note)).collect()
        }
    })
}
