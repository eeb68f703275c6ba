//! The purge at scale (SPEC §5): `accounts` due accounts of 100 rows each are purged by one
//! worker inside a running server while `/me` is read under load. Prints one JSON line:
//! accounts per second, the purge's longest write, and the p99 and rate of `/me` (wrk, 16
//! connections) without and during the purge. `cargo xtask bench` runs it.
//!
//! The accounts fall due in slices, a few minutes of the server's clock apart, and the bench
//! moves the clock to each in turn: `/me` is read without a purge before and after every
//! slice, for as long as the slice took, and during each slice for exactly its purge. So the
//! baseline is interleaved with what it is compared to, as the machine's own load drifts
//! (a baseline taken once before the purge read anywhere from 0.8 to 1.8 ms).
//!
//! With `--health-control`, every other slice reads `GET /health` instead, the same way: a
//! request that touches neither session nor database, so what the purge costs it is what
//! sharing the machine's cores costs, not anything `/me` does.
//!
//! `cargo bench -p farewell-server --bench purge -- [ACCOUNTS] [--replicas N]
//! [--health-control]` (default 10,000 accounts, one replica) on SQLite, or on
//! `FAREWELL_BENCH_DATABASE_URL` (PostgreSQL).

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use farewell_server::{
    config::Config, grace, seed, startup::Application, state::AppState,
    workers::checkpoint::checkpoint,
};
use serde_json::json;

// The server runs inside this process, so it allocates as the shipped binary does
// (`src/main.rs`): with the system allocator, `/me` and the purge measured a server the
// release build is not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rows each due account holds, by table; 100 in all.
const ROWS: [(&str, u32); 5] =
    [("photos", 30), ("contacts", 30), ("notes", 15), ("messages", 20), ("forum_posts", 5)];
/// Due accounts in a slice (the last may have fewer): a second's work at the goal's rate.
const PER_SLICE: u32 = 1_000;
/// Seconds of the server's clock between one slice falling due and the next: well inside a
/// session's idle timeout, so the reader of `/me` stays signed in throughout.
const GAP_SECS: u64 = 120;
/// How long wrk is given to start before it may be stopped (until it has set up its SIGINT
/// handler, the signal ends it without a report).
const WRK_START: Duration = Duration::from_millis(100);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let accounts: u32 =
        args.iter().find(|a| !a.starts_with('-')).map_or(Ok(10_000), |a| a.parse())?;
    let replicas: usize = match args.iter().position(|a| a == "--replicas") {
        Some(i) => args.get(i + 1).map_or(Ok(1), |n| n.parse())?,
        None => 1,
    };
    let control = args.iter().any(|a| a == "--health-control");
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

    let slices = accounts.div_ceil(PER_SLICE).max(1);
    seed_due(&states[0], accounts, slices).await?;
    if database_url.starts_with("postgres") {
        // Statistics, as autovacuum keeps them on a database in use: without them, the planner
        // takes the freshly seeded tables for empty ones and scans them whole.
        sqlx::query("ANALYZE").execute(&states[0].db).await?;
    }
    let cookie = sign_in(&me_url.replace("/me", "/session")).await?;
    // The control reads the bare health check (no session, no database) instead of `/me` on
    // every other slice: what the purge costs a request that does nothing but be answered.
    let mut readers = [
        Reader::new(Wrk { url: me_url.replace("/me", "/health"), cookie: cookie.clone() }),
        Reader::new(Wrk { url: me_url, cookie }),
    ];
    let (health, me) = (0, 1);

    let (mut purged, mut longest_write, mut took) = (0, None, Duration::ZERO);
    // The reader and length of the slice before: its reading without a purge after it is the
    // next slice's before, when both read the same.
    let mut last: Option<(usize, Duration)> = None;
    for slice in 0..slices {
        let reader = if control && slice % 2 == 1 { health } else { me };
        // On SQLite, what was written so far copied into the database file: no baseline is
        // read while the checkpoint worker copies the seed or a slice's last writes.
        checkpoint(&states[0].db).await?;
        let length = match last {
            Some((previous, length)) if previous != reader => {
                readers[previous].read_without(length).await?;
                length
            }
            Some((_, length)) => length,
            None => Duration::from_secs(1),
        };
        readers[reader].read_without(length).await?;
        if slice > 0 {
            for state in &states {
                state.clock.advance(Duration::from_secs(GAP_SECS));
            }
            // The jump makes the reader's session due for its once-a-minute touch, a write.
            // Left to the first requests of the reading during the purge, every slice's
            // "during" would hold the 16 connections' touches queued behind the purge's
            // writes, and no "without" any: a person's touch falls at any time, not at each
            // purge's start.
            readers[me].wrk.request().await?;
        }
        let reading = readers[reader].wrk.start()?;
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
        // The slice's time is its last worker's own.
        let mut this_slice = Duration::ZERO;
        for worker in workers {
            let (report, finished) = worker.await?;
            let report = report?;
            purged += report.purged;
            longest_write = longest_write
                .into_iter()
                .chain(report.longest_write)
                .max_by_key(|w: &grace::TimedWrite| w.took);
            this_slice = this_slice.max(finished);
        }
        readers[reader].read_during(reading).await?;
        took += this_slice;
        last = Some((reader, this_slice));
    }
    if let Some((previous, length)) = last {
        checkpoint(&states[0].db).await?;
        readers[previous].read_without(length).await?;
    }
    anyhow::ensure!(purged == accounts as usize, "purged {purged} of {accounts}");

    let seconds = took.as_secs_f64();
    println!(
        "{}",
        json!({
            "accounts": accounts,
            "replicas": replicas,
            "slices": slices,
            "seconds": seconds,
            "accounts_per_second": f64::from(accounts) / seconds,
            "longest_write_ms": longest_write.map_or(0.0, |w| w.took.as_secs_f64() * 1e3),
            "longest_write_was": longest_write.map(|w| w.write.to_string()),
            "me": readers[me].summary(),
            "health": control.then(|| readers[health].summary()),
        })
    );
    Ok(())
}

/// Due accounts with a request confirmed, written in one statement per table, in SQL both
/// backends run. Account `i` falls due in slice `i % slices`: the first now, each next one
/// `GAP_SECS` later.
async fn seed_due(state: &AppState, accounts: u32, slices: u32) -> anyhow::Result<()> {
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
         SELECT {id}, 'r', $2, $2, $2, 'DEL-B' || i, $5 + (i % $3) * $4 FROM n"
    ))
    .bind(i64::from(accounts))
    .bind(now - 60)
    .bind(i64::from(slices))
    .bind(GAP_SECS as i64)
    .bind(now)
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

/// wrk reading one address with 16 connections, as one signed-in user's many requests.
struct Wrk {
    url: String,
    cookie: String,
}

impl Wrk {
    /// Starts reading until stopped.
    fn start(&self) -> anyhow::Result<Reading> {
        let child = Command::new("wrk")
            .args(["-t1", "-c16", "-d1h", "--latency", "-H"])
            .arg(format!("Cookie: {}", self.cookie))
            .arg(&self.url)
            .stdout(Stdio::piped())
            .spawn()?;
        Ok(Reading { child: Some(child), started: Instant::now() })
    }

    /// Stops a run (wrk reports on SIGINT as at the end of its duration).
    async fn stop(&self, mut reading: Reading) -> anyhow::Result<Run> {
        tokio::time::sleep(WRK_START.saturating_sub(reading.started.elapsed())).await;
        let pid = reading.child.as_ref().map(Child::id).expect("a reading is stopped once");
        let pid = i32::try_from(pid)?;
        // SAFETY: `kill` only sends a signal, to a child this process started and still owns.
        anyhow::ensure!(unsafe { libc::kill(pid, libc::SIGINT) } == 0, "cannot stop wrk");
        let child = reading.child.take().expect("a reading is stopped once");
        let out = tokio::task::spawn_blocking(move || child.wait_with_output()).await??;
        Run::from_report(&String::from_utf8_lossy(&out.stdout))
    }

    /// One request, as a person's own: its answer must be a success.
    async fn request(&self) -> anyhow::Result<()> {
        reqwest::Client::new()
            .get(&self.url)
            .header("Cookie", &self.cookie)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// A run of `length`.
    async fn run_for(&self, length: Duration) -> anyhow::Result<Run> {
        let run = self.start()?;
        tokio::time::sleep(length).await;
        self.stop(run).await
    }
}

/// A wrk run under way. Killed if dropped unstopped (the bench failed meanwhile): it would
/// otherwise read `/me` for an hour.
struct Reading {
    child: Option<Child>,
    started: Instant,
}

impl Drop for Reading {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One address read beside the purge, with its runs without and during a purge.
struct Reader {
    wrk: Wrk,
    without: Vec<Run>,
    during: Vec<Run>,
}

impl Reader {
    fn new(wrk: Wrk) -> Self {
        Self { wrk, without: Vec::new(), during: Vec::new() }
    }

    /// A run of `length` with no purge under way.
    async fn read_without(&mut self, length: Duration) -> anyhow::Result<()> {
        self.without.push(self.wrk.run_for(length).await?);
        Ok(())
    }

    /// Ends the run that read while a purge went on.
    async fn read_during(&mut self, reading: Reading) -> anyhow::Result<()> {
        self.during.push(self.wrk.stop(reading).await?);
        Ok(())
    }

    /// Medians of p99 and rate each way, and every run's p99.
    fn summary(&self) -> serde_json::Value {
        let p99 = |runs: &[Run]| runs.iter().map(|r| r.p99_ms).collect::<Vec<_>>();
        let rate = |runs: &[Run]| median(runs.iter().map(|r| r.per_second));
        let (without, during) = (p99(&self.without), p99(&self.during));
        json!({
            "p99_without_ms": median(without.iter().copied()),
            "p99_during_ms": median(during.iter().copied()),
            "per_second_without": rate(&self.without),
            "per_second_during": rate(&self.during),
            "p99_without_runs_ms": without,
            "p99_during_runs_ms": during,
        })
    }
}

/// What one wrk run measured.
struct Run {
    p99_ms: f64,
    per_second: f64,
}

impl Run {
    fn from_report(report: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(!report.contains("Non-2xx"), "wrk saw failures:\n{report}");
        let field = |prefix: &str| {
            report
                .lines()
                .find_map(|l| l.trim().strip_prefix(prefix))
                .map(str::trim)
                .ok_or_else(|| anyhow::anyhow!("no {prefix} in:\n{report}"))
        };
        let p99 = field("99%")?;
        let split = p99.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(p99.len());
        let (number, unit) = p99.split_at(split);
        let number: f64 = number.parse()?;
        let p99_ms = match unit {
            "us" => number / 1e3,
            "s" => number * 1e3,
            _ => number,
        };
        Ok(Self { p99_ms, per_second: field("Requests/sec:")?.parse()? })
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[mid],
        _ => (sorted[mid - 1] + sorted[mid]) / 2.0,
    }
}
