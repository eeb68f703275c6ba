//! The data export at scale (SPEC §5): an account with 5,000 photos of 16 KiB (80 MB of
//! pictures) asks for its archive from a running release server. Prints one JSON line: the
//! server's peak resident memory growth while it builds the archive, and the build and
//! download speeds in MB/s. `cargo xtask bench` runs it.
//!
//! `cargo bench -p farewell-server --bench export -- [PHOTOS]` (default 5,000).

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use farewell_server::{password::Passwords, store};
use serde_json::{Value, json};

const PHOTO_BYTES: usize = 16 * 1024;
const LOGIN: &str = "many@example.com";
const PASSWORD: &str = "a long enough password";

/// Stops the server however the bench ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let photos: u32 =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).map_or(Ok(5_000), |a| a.parse())?;
    let data = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}/farewell.db", data.path().display());
    seed(&database_url, photos).await?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_farewell-server"))
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &database_url)
            .env("FAREWELL_EXPORT_DIR", data.path().join("exports"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?,
    );
    let api = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &api).await?;

    let before = peak_rss_kib(server.0.id())?;
    let started = Instant::now();
    let queued = http
        .post(format!("{api}/export"))
        .header("x-requested-with", "farewell")
        .header("cookie", &cookie)
        .send()
        .await?;
    anyhow::ensure!(queued.status().as_u16() == 202, "export not queued: {}", queued.status());
    let status = loop {
        let status: Value = http
            .get(format!("{api}/export"))
            .header("cookie", &cookie)
            .send()
            .await?
            .json()
            .await?;
        if status["state"] == "ready" {
            break status;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(300), "no archive: {status}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let built = started.elapsed().as_secs_f64();
    let growth_mib = peak_rss_kib(server.0.id())?.saturating_sub(before) as f64 / 1024.0;

    let id = status["id"].as_str().unwrap_or_default();
    let started = Instant::now();
    let mut download =
        http.get(format!("{api}/export/{id}/download")).header("cookie", &cookie).send().await?;
    anyhow::ensure!(download.status().is_success(), "download: {}", download.status());
    let mut bytes = 0_u64;
    while let Some(chunk) = download.chunk().await? {
        bytes += chunk.len() as u64;
    }
    let downloaded = started.elapsed().as_secs_f64();
    let pictures_mb = f64::from(photos) * PHOTO_BYTES as f64 / 1e6;
    println!(
        "{}",
        json!({
            "photos": photos,
            "pictures_mb": pictures_mb,
            "archive_mb": bytes as f64 / 1e6,
            "peak_rss_growth_mib": growth_mib,
            "build_mb_per_s": pictures_mb / built,
            "download_mb_per_s": bytes as f64 / 1e6 / downloaded,
        })
    );
    Ok(())
}

/// One account with `photos` photos, written straight to the database before the server
/// starts, so that the server's memory holds nothing of the seeding.
async fn seed(database_url: &str, photos: u32) -> anyhow::Result<()> {
    let db = store::connect(database_url).await?.pool().clone();
    let hash = Passwords::new().await?.hash(PASSWORD.into()).await?;
    sqlx::query(
        "INSERT INTO accounts (id, email, password_hash, name, region, created_at)
         VALUES ('3000000001', $1, $2, 'Many Photos', 'US', 0)",
    )
    .bind(LOGIN)
    .bind(&hash)
    .execute(&db)
    .await?;
    let picture = vec![0x5a_u8; PHOTO_BYTES];
    let mut tx = db.begin().await?;
    for n in 0..photos {
        sqlx::query(
            "INSERT INTO photos (account_id, file_name, mime_type, bytes, taken_at, content)
             VALUES ('3000000001', $1, 'image/jpeg', $2, 0, $3)",
        )
        .bind(format!("IMG_{n:05}.jpg"))
        .bind(PHOTO_BYTES as i64)
        .bind(&picture)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    db.close().await;
    Ok(())
}

/// Signs in once the server answers.
async fn sign_in(http: &reqwest::Client, api: &str) -> anyhow::Result<String> {
    for _ in 0..200 {
        let Ok(answer) = http
            .post(format!("{api}/session"))
            .header("x-requested-with", "farewell")
            .json(&json!({ "login": LOGIN, "password": PASSWORD }))
            .send()
            .await
        else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let cookie = answer
            .error_for_status()?
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        return cookie.ok_or_else(|| anyhow::anyhow!("no session cookie"));
    }
    anyhow::bail!("the server did not start")
}

/// `VmHWM` (peak resident memory) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or_else(|| anyhow::anyhow!("no VmHWM"))?;
    Ok(line.split_whitespace().nth(1).unwrap_or("0").parse()?)
}
