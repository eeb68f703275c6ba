//! Several server replicas on one database: nothing a person relies on lives in one process.
//! Run on SQLite (replicas sharing a file) and, in `cargo xtask test`, on PostgreSQL.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use farewell_server::seed;
use reqwest::{Method, StatusCode};

use crate::{
    helpers::{Browser, assert_problem, spawn_app, spawn_on},
    purge::{Seeded, TOMBSTONES, count, start_server, start_server_with_lease, wait_for},
};

#[tokio::test]
async fn a_session_from_one_replica_works_on_the_other_until_signed_out_there() {
    let first = spawn_app().await;
    let second = spawn_on(first.data.clone(), &[]).await;
    let mut on_first = first.browser();
    on_first.sign_in_demo().await;
    let mut on_second = Browser { app: &second, cookie: on_first.cookie.clone() };

    let mine: serde_json::Value = on_first.get("/me").await.json().await.unwrap();
    let me = on_second.get("/me").await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["account_id"], mine["account_id"]);
    assert!(me["account_id"].is_string());

    let request = on_second.request(Method::DELETE, "/session");
    assert_eq!(on_second.send(request).await.status(), StatusCode::NO_CONTENT);
    assert_problem(on_first.get("/me").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn wrong_passwords_on_either_replica_count_toward_one_throttle() {
    let first = spawn_app().await;
    let second = spawn_on(first.data.clone(), &[]).await;
    let (mut on_first, mut on_second) = (first.browser(), second.browser());
    for attempt in 0..10 {
        let browser = if attempt % 2 == 0 { &mut on_first } else { &mut on_second };
        let response = browser.sign_in(seed::DEMO_EMAIL, "wrong password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    for browser in [&mut on_first, &mut on_second] {
        let throttled = browser.sign_in(seed::DEMO_EMAIL, seed::DEMO_PASSWORD).await;
        assert_problem(throttled, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    }
}

#[tokio::test]
async fn two_replicas_purge_2000_accounts_once_and_one_finishes_when_the_other_is_killed() {
    let due = 2_000;
    let seeded = Seeded::new(due, 50).await;

    let mut doomed = start_server(&seeded.url);
    let _survivor = start_server(&seeded.url);
    let started = wait_for(&seeded.db, TOMBSTONES, |n| n >= 100, Duration::from_secs(120)).await;
    assert!(started >= 100, "both replicas began purging");
    // SIGKILL: the killed replica's claimed accounts wait out their lease, then the survivor
    // takes them over.
    doomed.0.kill().unwrap();
    doomed.0.wait().unwrap();
    let at_kill = count(&seeded.db, TOMBSTONES).await;
    assert!(at_kill < due as i64, "killed before the end ({at_kill} of {due})");

    seeded.assert_all_purged_once(Duration::from_secs(300)).await;
}

#[tokio::test]
async fn a_replica_stopped_with_sigterm_hands_back_its_claims_and_exits_cleanly() {
    let due = 2_000;
    let seeded = Seeded::new(due, 10).await;

    // Leases of an hour: had the stopped replica kept its claims, nobody could finish for that
    // long.
    let mut stopping = start_server_with_lease(&seeded.url, "1h");
    let started = wait_for(&seeded.db, TOMBSTONES, |n| n >= 20, Duration::from_secs(120)).await;
    assert!(started >= 20, "the purge began");
    let pid = stopping.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = stopping.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 30 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
    let at_stop = count(&seeded.db, TOMBSTONES).await;
    assert!(at_stop < due as i64, "stopped before the end ({at_stop} of {due})");
    let held = "SELECT COUNT(*) FROM deletion_requests WHERE purge_lease_until IS NOT NULL";
    assert_eq!(count(&seeded.db, held).await, 0, "no claim outlives the replica");

    let _next = start_server_with_lease(&seeded.url, "1h");
    seeded.assert_all_purged_once(Duration::from_secs(300)).await;
}
