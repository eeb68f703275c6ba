//! The purge at scale (SPEC §5): `accounts` due accounts of 100 rows each are purged by one
//! worker inside a running server while `/me` is read under load. Prints one JSON line:
//! accounts per second, the purge's longest write, and the p99 of `/me` without and during
//! the purge (wrk, 16 connections, one-second runs). `cargo xtask bench` runs it.
//!
//! `cargo bench -p farewell-server --bench purge -- [ACCOUNTS]` (default 10,000).

use std::{process::Command, time::Instant};

use farewell_server::{config::Config, grace, seed, startup::Application, state::AppState};
use serde_json::json;

/// Rows each due account holds, by table; 100 in all.
const ROWS: [(&str, u32); 5] =
    [("photos", 30), ("contacts", 30), ("notes", 15), ("messages", 20), ("forum_posts", 5)];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let accounts: u32 =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).map_or(Ok(10_000), |a| a.parse())?;
    let data = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}/farewell.db", data.path().display());
    let config = Config::from_lookup(|name| match name {
        "PORT" => Some("0".into()),
        "DATABASE_URL" => Some(database_url.clone()),
        "FAREWELL_DEV" => Some("1".into()),
        "FAREWELL_WORKERS" => Some("0".into()),
        "FAREWELL_DIST" => Some(data.path().join("dist").display().to_string()),
        _ => None,
    })?;
    let app = Application::build(config).await?;
    let url = format!("http://{}/api/v1/me", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());

    seed_due(&state, accounts).await?;
    let cookie = sign_in(&url.replace("/me", "/session")).await?;

    let mut without = Vec::new();
    for _ in 0..3 {
        without.push(me_p99(&url, &cookie).await?);
    }

    let started = Instant::now();
    let purge = tokio::spawn({
        let state = state.clone();
        async move { grace::purge_due(&state).await }
    });
    let mut during = Vec::new();
    while !purge.is_finished() {
        during.push(me_p99(&url, &cookie).await?);
    }
    let report = purge.await??;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(report.purged == accounts as usize, "purged {} of {accounts}", report.purged);

    println!(
        "{}",
        json!({
            "accounts": accounts,
            "seconds": seconds,
            "accounts_per_second": f64::from(accounts) / seconds,
            "longest_write_ms": report.longest_write.as_secs_f64() * 1e3,
            "me_p99_without_ms": median(&mut without),
            "me_p99_during_ms": median(&mut during),
        })
    );
    Ok(())
}

/// Due accounts with a request confirmed, written in one statement per table.
async fn seed_due(state: &AppState, accounts: u32) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let numbers =
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)";
    let mut tx = state.db.begin().await?;
    sqlx::query(&format!(
        "{numbers} INSERT INTO accounts
             (id, email, phone, password_hash, name, region, language, state, created_at)
         SELECT printf('3%09d', i), printf('leaver%d@example.com', i), printf('+1666%07d', i),
                'not-a-hash', printf('Leaver %d', i), 'US', 'en', 'pending_deletion', $2 FROM n"
    ))
    .bind(i64::from(accounts))
    .bind(now - 86_400)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "{numbers} INSERT INTO deletion_requests
             (account_id, request_id, started_at, updated_at, confirmed_at, reference, scheduled_for)
         SELECT printf('3%09d', i), 'r', $2, $2, $2, printf('DEL-B%06d', i), $2 FROM n"
    ))
    .bind(i64::from(accounts))
    .bind(now - 60)
    .execute(&mut *tx)
    .await?;
    for (table, per_account) in ROWS {
        let (columns, values) = match table {
            "photos" => (
                "account_id, file_name, mime_type, bytes, taken_at, content",
                "printf('IMG_%d.png', j), 'image/png', 64, 0, randomblob(64)",
            ),
            "contacts" => ("account_id, full_name", "printf('Friend %d', j)"),
            "notes" => ("account_id, title, body, updated_at", "'Note', 'Remember the milk', 0"),
            "messages" => ("account_id, peer, outgoing, body, sent_at", "'+15550199', 1, 'Hi', 0"),
            _ => ("account_id, author_name, title, body, posted_at", "'Leaver', 'Hi', 'Hello', 0"),
        };
        sqlx::query(&format!(
            "{numbers}, k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $2 - 1)
             INSERT INTO {table} ({columns}) SELECT printf('3%09d', i), {values} FROM n, k"
        ))
        .bind(i64::from(accounts))
        .bind(i64::from(per_account))
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
