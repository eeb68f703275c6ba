//! The purge at scale: the server's own `purge` bench (release build, a running server, `/me`
//! under load beside it) prints one JSON line; this turns it into rows.

use anyhow::Context;
use serde::Deserialize;

use super::Row;
use crate::process::cmd;

#[derive(Debug, Deserialize)]
struct Measured {
    accounts: u32,
    accounts_per_second: f64,
    longest_write_ms: f64,
    me_p99_without_ms: f64,
    me_p99_during_ms: f64,
}

/// The purge on SQLite, or with `replicas` workers on the PostgreSQL database `postgres`.
pub fn purge(accounts: u32, postgres: Option<&str>, replicas: usize) -> anyhow::Result<Vec<Row>> {
    let mut bench = cmd("cargo");
    bench
        .args(["bench", "--locked", "-p", "farewell-server", "--bench", "purge", "--"])
        .arg(accounts.to_string())
        .args(["--replicas", &replicas.to_string()]);
    if let Some(url) = postgres {
        bench.env("FAREWELL_BENCH_DATABASE_URL", url);
    }
    let out = bench.output().context("cannot run the purge bench")?;
    anyhow::ensure!(
        out.status.success(),
        "the purge bench failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().rev().find(|l| l.starts_with('{')).context("no purge figures")?;
    let m: Measured = serde_json::from_str(line)?;
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
            "/me p99 during the purge (16 connections)",
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
