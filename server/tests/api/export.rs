//! Download your data: the archive is complete, checkable, parseable, safe, and only yours.

use std::{collections::BTreeMap, io::Read, path::Path, process::Command, time::Duration};

use farewell_server::{domain::hex, seed};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::{Browser, assert_problem, on_postgres, spawn_app};

async fn download(browser: &mut Browser<'_>, id: &str) -> Vec<u8> {
    let response = browser.get(&format!("/export/{id}/download")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    response.bytes().await.unwrap().to_vec()
}

/// Unzips with the system's `unzip`, as a person would; returns every file by relative path.
fn unzip(zip: &[u8], dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let file = dir.join("archive.zip");
    std::fs::write(&file, zip).unwrap();
    let out = dir.join("out");
    let status = Command::new("unzip").arg("-q").arg(&file).arg("-d").arg(&out).status().unwrap();
    assert!(status.success(), "unzip fails on the archive");
    let mut files = BTreeMap::new();
    collect(&out, &out, &mut files);
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        assert!(path.starts_with(root), "{} escapes the archive root", path.display());
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            files.insert(name, std::fs::read(&path).unwrap());
        }
    }
}

fn check_sums(files: &BTreeMap<String, Vec<u8>>) {
    let sums = String::from_utf8(files["SHA256SUMS"].clone()).unwrap();
    let mut listed = 0;
    for line in sums.lines() {
        let (sum, path) = line.split_once("  ").unwrap();
        assert_eq!(hex(&Sha256::digest(&files[path])), sum, "{path}");
        listed += 1;
    }
    assert_eq!(listed, files.len() - 1, "every file but SHA256SUMS itself is listed");
}

#[tokio::test]
async fn the_demo_archive_unzips_checks_out_parses_and_matches_the_inventory() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let inventory: Value = browser.get("/inventory").await.json().await.unwrap();
    let status = browser.ready_export().await;
    let zip = download(&mut browser, status["id"].as_str().unwrap()).await;
    assert_eq!(hex(&Sha256::digest(&zip)), status["sha256"].as_str().unwrap());
    assert_eq!(zip.len() as u64, status["bytes"].as_u64().unwrap());

    let dir = tempfile::tempdir().unwrap();
    let files = unzip(&zip, dir.path());
    check_sums(&files);
    for expected in [
        "contacts.vcf",
        "notes.json",
        "messages.json",
        "photos/manifest.csv",
        "purchases.csv",
        "warranties.csv",
        "devices.json",
        "forum_posts.json",
        "README.txt",
    ] {
        assert!(files.contains_key(expected), "{expected} missing");
    }

    let cards = vcard4::parse(String::from_utf8(files["contacts.vcf"].clone()).unwrap()).unwrap();
    assert_eq!(cards.len() as u64, inventory["contacts"].as_u64().unwrap());
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT full_name FROM contacts WHERE account_id = '1876543210' ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let parsed: Vec<String> = cards.iter().map(|c| c.formatted_name[0].value.clone()).collect();
    assert_eq!(parsed, names);

    let count = |prefix: &str, suffix: &str| {
        files.keys().filter(|k| k.starts_with(prefix) && k.ends_with(suffix)).count() as u64
    };
    assert_eq!(count("photos/", ".png"), inventory["photos"].as_u64().unwrap());
    assert_eq!(count("notes/", ".md"), inventory["notes"].as_u64().unwrap());
    let json_len =
        |name: &str| serde_json::from_slice::<Vec<Value>>(&files[name]).unwrap().len() as u64;
    assert_eq!(json_len("messages.json"), inventory["messages"].as_u64().unwrap());
    assert_eq!(json_len("devices.json"), inventory["devices"].as_u64().unwrap());
    assert_eq!(json_len("forum_posts.json"), inventory["forum_posts"].as_u64().unwrap());
    assert_eq!(json_len("notes.json"), inventory["notes"].as_u64().unwrap());
    let csv_rows = |name: &str| {
        csv::Reader::from_reader(&files[name][..]).records().map(Result::unwrap).count() as u64
    };
    assert_eq!(csv_rows("purchases.csv"), inventory["purchases"].as_u64().unwrap());
    assert_eq!(csv_rows("photos/manifest.csv"), inventory["photos"].as_u64().unwrap());
    assert!(csv_rows("warranties.csv") >= inventory["active_warranties"].as_u64().unwrap());

    // The download counts as the checklist's backup.
    let status: Value = browser.get("/export").await.json().await.unwrap();
    assert_eq!(status["downloaded"], true);
    browser.post("/deletion").await;
    let state: Value = browser.get("/deletion").await.json().await.unwrap();
    let backup = state["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "backup")
        .unwrap()
        .clone();
    assert_eq!(backup["ok"], true, "{backup}");
}

#[tokio::test]
async fn hostile_names_and_notes_make_a_valid_archive_with_nothing_outside_its_root() {
    let app = spawn_app().await;
    let long_line = "x".repeat(10_000);
    let hostile = [
        "../../etc/passwd",
        "nul\0inside",
        "emoji 🐱‍👤 and 汉字",
        "\u{202E}gnp.exe",
        "comma, \"quote\", semi;colon\\back",
        "line\nbreak\r\nand more",
        long_line.as_str(),
        "CON",
        "/absolute",
    ];
    // PostgreSQL text cannot hold a NUL at all, so only SQLite can be given one.
    for text in hostile.into_iter().filter(|text| !text.contains('\0') || !on_postgres()) {
        sqlx::query(
            "INSERT INTO contacts (account_id, full_name, note) VALUES ('1876543210', $1, $2)",
        )
        .bind(text)
        .bind(text)
        .execute(app.state.db.pool())
        .await
        .unwrap();
        sqlx::query("INSERT INTO notes (account_id, title, body, updated_at) VALUES ('1876543210', $1, $2, 0)")
            .bind(text)
            .bind(text)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        sqlx::query("INSERT INTO photos (account_id, file_name, mime_type, bytes, taken_at, content) VALUES ('1876543210', $1, 'image/png', 1, 0, $2)")
            .bind(text)
            .bind(&[0_u8][..])
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let status = browser.ready_export().await;
    let zip = download(&mut browser, status["id"].as_str().unwrap()).await;

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        assert!(entry.enclosed_name().is_some(), "{name:?} escapes");
        assert!(
            !name.starts_with('/')
                && !name.contains("..")
                && !name.contains('\\')
                && !name.contains('\0'),
            "{name:?}"
        );
        assert!(
            !name.contains('\u{202E}')
                && !name.contains(['\n', '\r', ':', '*', '?', '"', '<', '>', '|']),
            "{name:?}"
        );
        let mut sink = Vec::new();
        entry.read_to_end(&mut sink).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let files = unzip(&zip, dir.path());
    check_sums(&files);
    let cards = vcard4::parse(String::from_utf8(files["contacts.vcf"].clone()).unwrap()).unwrap();
    let parsed: Vec<String> = cards.iter().map(|c| c.formatted_name[0].value.clone()).collect();
    for text in hostile.iter().filter(|t| !t.contains(['\0', '\r'])) {
        assert!(parsed.iter().any(|p| p == text), "{text:?} did not round-trip");
    }
    let notes: Vec<Value> = serde_json::from_slice(&files["notes.json"]).unwrap();
    assert!(notes.iter().any(|n| n["body"] == long_line));
}

#[tokio::test]
async fn another_accounts_export_is_404() {
    let app = spawn_app().await;
    let mut owner = app.browser();
    owner.sign_in_demo().await;
    let status = owner.ready_export().await;
    let id = status["id"].as_str().unwrap();
    let mut other = app.browser();
    other.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    let response = other.get(&format!("/export/{id}/download")).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(other.get("/export").await, StatusCode::NOT_FOUND, "not_found").await;
    let mut anonymous = app.browser();
    let response = anonymous.get(&format!("/export/{id}/download")).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn an_archive_expires_after_7_days() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let status = browser.ready_export().await;
    let id = status["id"].as_str().unwrap().to_owned();
    app.advance(7 * 86_400 + 1);
    browser.sign_in_demo().await;
    let response = browser.get(&format!("/export/{id}/download")).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

/// `VmHWM` (peak resident memory) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn exporting_5000_photos_grows_the_servers_peak_memory_by_less_than_64_mb() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::database_url(&dir).await;
    let db = farewell_server::store::connect(&url).await.unwrap().pool().clone();
    let hash = farewell_server::password::Passwords::new()
        .await
        .unwrap()
        .hash("a long enough password".into())
        .await
        .unwrap();
    sqlx::query("INSERT INTO accounts (id, email, password_hash, name, region, created_at) VALUES ('3000000001', 'many@example.com', $1, 'Many Photos', 'US', 0)")
        .bind(&hash)
        .execute(&db)
        .await
        .unwrap();
    // 5,000 photos of 16 KiB each: 80 MB of pictures, more than the allowed growth.
    let picture = vec![0x5au8; 16 * 1024];
    let mut tx = db.begin().await.unwrap();
    for n in 0..5_000 {
        sqlx::query("INSERT INTO photos (account_id, file_name, mime_type, bytes, taken_at, content) VALUES ('3000000001', $1, 'image/png', $2, 0, $3)")
            .bind(format!("IMG_{n}.png"))
            .bind(picture.len() as i64)
            .bind(&picture)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_farewell-server"))
        .env("PORT", port.to_string())
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    let mut cookie = None;
    for _ in 0..100 {
        if let Ok(response) = http
            .post(format!("{base}/session"))
            .header("x-requested-with", "farewell")
            .json(&serde_json::json!({ "login": "many@example.com", "password": "a long enough password" }))
            .send()
            .await
        {
            cookie = crate::helpers::session_cookie(&response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cookie = cookie.expect("signed in");
    let before = peak_rss_kib(server.id());
    let queued = http
        .post(format!("{base}/export"))
        .header("x-requested-with", "farewell")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let mut ready = false;
    for _ in 0..1_200 {
        let status: Value = http
            .get(format!("{base}/export"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if status["state"] == "ready" {
            assert!(status["bytes"].as_u64().unwrap() > 80_000_000, "{status}");
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let growth_mib = (peak_rss_kib(server.id()).saturating_sub(before)) / 1024;
    let _ = server.kill();
    let _ = server.wait();
    assert!(ready, "the export finished");
    println!("peak RSS growth while exporting 5,000 photos (80 MB): {growth_mib} MiB");
    assert!(growth_mib < 64, "peak RSS grew by {growth_mib} MiB");
}

#[tokio::test]
async fn the_confirmation_records_the_sha256_of_the_downloaded_archive() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let status = browser.ready_export().await;
    download(&mut browser, status["id"].as_str().unwrap()).await;
    browser.demo_ready_for_verification().await;
    browser.verify_by_email().await;
    let confirm = browser
        .post_json("/deletion/confirm", serde_json::json!({ "confirmation": seed::DEMO_EMAIL }))
        .await;
    assert_eq!(confirm.status(), StatusCode::ACCEPTED);
    let confirmation: Value = confirm.json().await.unwrap();
    assert_eq!(confirmation["export_sha256"], status["sha256"]);
}
