//! The purge at scale (SPEC §5): `accounts` due accounts of 100 rows each are purged by one
//! worker inside a running server while `/me` is read under load. Prints one JSON line:
//! accounts per second, the purge's longest write, and the p99 of `/me` without and during
//! the purge (wrk, 16 connections, one-second runs). `cargo xtask bench` runs it.
//!
//! `cargo bench -p farewell-server --bench purge -- [ACCOUNTS] [--replicas N]` (default 10,000
//! accounts, one replica) on SQLite, or on `FAREWELL_BENCH_DATABASE_URL` (PostgreSQL).

use std::{
    process::Command,
    time::{Duration, Instant},
};

use farewell_server::{config::Config, grace, seed, startup::Application, state::AppState};
use serde_json::json;

/// Rows each due account holds, by table; 100 in all.
const ROWS: [(&str, u32); 5] =
    [("photos", 30), ("contacts", 30), ("notes", 15), ("messages", 20), ("forum_posts", 5)];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let accounts: u32 =
        args.iter().find(|a| !a.starts_with('-')).map_or(Ok(10_000), |a| a.parse())?;
    let replicas: usize = match args.iter().position(|a| a == "--replicas") {
        Some(i) => args.get(i + 1).map_or(Ok(1), |n| n.parse())?,
        None => 1,
    };
    let data = tempfile::tempdir()?;
    let database_url = std::env::var("FAREWELL_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/farewell.db", data.path().display()));
    let mut states = Vec::new();
    let mut me_url = String::new();
    for _ in 0..replicas {
        let config = Config::from_lookup(|name| match name {
            "PORT" => Some("0".into()),
            "DATABASE_URL" => Some(database_url.clone()),
            "FAREWELL_DEV" => Some("1".into()),
            "FAREWELL_WORKERS" => Some("0".into()),
            "FAREWELL_DIST" => Some(data.path().join("dist").display().to_string()),
            _ => None,
        })?;
        let app = Application::build(config).await?;
        me_url = format!("http://{}/api/v1/me", app.address());
        states.push(app.state().clone());
        tokio::spawn(app.run_until_stopped());
    }

    seed_due(&states[0], accounts).await?;
    if database_url.starts_with("postgres") {
        // Statistics, as autovacuum keeps them on a database in use: without them, the planner
        // takes the freshly seeded tables for empty ones and scans them whole.
        sqlx::query("ANALYZE").execute(&states[0].db).await?;
    }
    let cookie = sign_in(&me_url.replace("/me", "/session")).await?;

    let mut without = Vec::new();
    for _ in 0..3 {
        without.push(me_p99(&me_url, &cookie).await?);
    }

    let started = Instant::now();
    // Each replica's worker purges beside the others, as on separate machines.
    let workers: Vec<_> = states
        .iter()
        .map(|state| {
            let state = state.clone();
            tokio::spawn(async move {
                let report = grace::purge_due(&state).await;
                (report, started.elapsed())
            })
        })
        .collect();
    // Each `/me` run with when it began and ended.
    let mut runs = Vec::new();
    while !workers.iter().all(|w| w.is_finished()) {
        let from = started.elapsed();
        let p99 = me_p99(&me_url, &cookie).await?;
        runs.push((p99, from, started.elapsed()));
    }
    // The purge's time is the last worker's own: `/me` is measured in whole seconds, so the
    // loop above notices the end up to a second late.
    let (mut purged, mut longest_write, mut took) = (0, Duration::ZERO, Duration::ZERO);
    for worker in workers {
        let (report, finished) = worker.await?;
        let report = report?;
        purged += report.purged;
        longest_write = longest_write.max(report.longest_write);
        took = took.max(finished);
    }
    let seconds = took.as_secs_f64();
    // Only runs that were at least half inside the purge measure `/me` during it: the last one
    // may have run mostly after it (the first always counts).
    let mut during: Vec<f64> = runs
        .iter()
        .enumerate()
        .filter(|(i, (_, from, to))| *i == 0 || took.saturating_sub(*from) * 2 >= *to - *from)
        .map(|(_, (p99, _, _))| *p99)
        .collect();
    anyhow::ensure!(purged == accounts as usize, "purged {purged} of {accounts}");

    println!(
        "{}",
        json!({
            "accounts": accounts,
            "replicas": replicas,
            "seconds": seconds,
            "accounts_per_second": f64::from(accounts) / seconds,
            "longest_write_ms": longest_write.as_secs_f64() * 1e3,
            "me_p99_without_ms": median(&mut without),
            "me_p99_during_ms": median(&mut during),
        })
    );
    Ok(())
}

/// Due accounts with a request confirmed, written in one statement per table, in SQL both
/// backends run.
async fn seed_due(state: &AppState, accounts: u32) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let numbers =
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)";
    let id = "CAST(3000000000 + i AS TEXT)";
    let mut tx = state.db.pool().begin().await?;
    sqlx::query(&format!(
        "{numbers} INSERT INTO accounts
             (id, email, phone, password_hash, name, region, language, state, created_at)
         SELECT {id}, 'leaver' || i || '@example.com',
                '+1666' || SUBSTR(CAST(10000000 + i AS TEXT), 2), 'not-a-hash',
                'Leaver ' || i, 'US', 'en', 'pending_deletion', $2 FROM n"
    ))
    .bind(i64::from(accounts))
    .bind(now - 86_400)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "{numbers} INSERT INTO deletion_requests
             (account_id, request_id, started_at, updated_at, confirmed_at, reference, scheduled_for)
         SELECT {id}, 'r', $2, $2, $2, 'DEL-B' || i, $2 FROM n"
    ))
    .bind(i64::from(accounts))
    .bind(now - 60)
    .execute(&mut *tx)
    .await?;
    for (table, per_account) in ROWS {
        let (columns, values) = match table {
            "photos" => (
                "account_id, file_name, mime_type, bytes, taken_at, content",
                "'IMG_' || j || '.png', 'image/png', 64, 0, $3",
            ),
            "contacts" => ("account_id, full_name", "'Friend ' || j"),
            "notes" => ("account_id, title, body, updated_at", "'Note', 'Remember the milk', 0"),
            "messages" => ("account_id, peer, outgoing, body, sent_at", "'+15550199', 1, 'Hi', 0"),
            _ => ("account_id, author_name, title, body, posted_at", "'Leaver', 'Hi', 'Hello', 0"),
        };
        sqlx::query(&format!(
            "{numbers}, k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $2 - 1)
             INSERT INTO {table} ({columns}) SELECT {id}, {values} FROM n, k"
        ))
        .bind(i64::from(accounts))
        .bind(i64::from(per_account))
        .bind(&[7_u8; 64][..])
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn sign_in(url: &str) -> anyhow::Result<String> {
    let answer = reqwest::Client::new()
        .post(url)
        .header("X-Requested-With", "farewell")
        .json(&json!({"login": seed::DEMO_EMAIL, "password": seed::DEMO_PASSWORD}))
        .send()
        .await?
        .error_for_status()?;
    let cookie = answer
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
    Ok(cookie.to_owned())
}

/// The p99 of `/me` over one second of wrk with 16 connections, in milliseconds.
async fn me_p99(url: &str, cookie: &str) -> anyhow::Result<f64> {
    let mut wrk = Command::new("wrk");
    wrk.args(["-t1", "-c16", "-d1s", "--latency", "-H", &format!("Cookie: {cookie}"), url]);
    let out = tokio::task::spawn_blocking(move || wrk.output()).await??;
    let report = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(!report.contains("Non-2xx"), "wrk saw failures:\n{report}");
    let p99 = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))
        .ok_or_else(|| anyhow::anyhow!("no 99% latency in:\n{report}"))?
        .trim();
    let split = p99.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(p99.len());
    let (number, unit) = p99.split_at(split);
    let number: f64 = number.parse()?;
    Ok(match unit {
        "us" => number / 1e3,
        "s" => number * 1e3,
        _ => number,
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}
