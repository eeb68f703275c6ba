//! The purge under pressure: several workers at once, and a server killed in the middle.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use farewell_server::{grace, store};
use sqlx::AnyPool;
use tempfile::TempDir;

use crate::helpers::{spawn_app_with, spawn_on};

/// `due` accounts whose grace period ended, and `waiting` ones due in an hour, each holding a
/// little of every category: one statement per table, in SQL both backends run.
pub async fn seed_accounts(db: &AnyPool, due: usize, waiting: usize, now: i64) {
    let numbers =
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $1 - 1)";
    let id = "CAST(2000000000 + i AS TEXT)";
    let per_account = "k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 19)";
    let statements = [
        format!(
            "{numbers} INSERT INTO accounts
                 (id, email, phone, password_hash, name, region, language, state, created_at)
             SELECT {id}, 'person' || i || '@example.com',
                    '+1555' || SUBSTR(CAST(10000000 + i AS TEXT), 2), 'not-a-hash',
                    'Person Number' || i, 'US', 'en', 'pending_deletion', $2 - 1000 FROM n"
        ),
        format!(
            "{numbers} INSERT INTO deletion_requests (account_id, request_id, started_at,
                 updated_at, confirmed_at, reference, scheduled_for)
             SELECT {id}, 'r', $2 - 100, $2 - 100, $2 - 100, 'DEL-T' || i,
                    CASE WHEN i < $3 THEN $2 - 1 ELSE $2 + 3600 END FROM n"
        ),
        format!(
            "{numbers}, {per_account} INSERT INTO photos
                 (account_id, file_name, mime_type, bytes, taken_at, content)
             SELECT {id}, 'IMG_' || j || '.png', 'image/png', 1, 0, $4 FROM n, k"
        ),
        format!(
            "{numbers}, {per_account} INSERT INTO contacts (account_id, full_name)
             SELECT {id}, 'Friend ' || j FROM n, k"
        ),
        format!(
            "{numbers} INSERT INTO forum_posts (account_id, author_name, title, body, posted_at)
             SELECT {id}, 'Person Number' || i, 'Hi', 'Hello', 0 FROM n"
        ),
    ];
    let mut tx = db.begin().await.unwrap();
    for statement in &statements {
        // Every statement binds the same four values; each uses those it needs.
        sqlx::query(statement)
            .bind((due + waiting) as i64)
            .bind(now)
            .bind(due as i64)
            .bind(&[0_u8][..])
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// A database of its own holding `due` accounts whose grace period ended and `waiting` ones.
pub struct Seeded {
    _dir: TempDir,
    pub url: String,
    pub db: AnyPool,
    due: i64,
    waiting: i64,
}

impl Seeded {
    pub async fn new(due: usize, waiting: usize) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::helpers::database_url(&dir).await;
        // Seeded and watched from outside the servers under test.
        let db = store::connect(&url).await.unwrap().pool().clone();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        seed_accounts(&db, due, waiting, now).await;
        Self { _dir: dir, url, db, due: due as i64, waiting: waiting as i64 }
    }

    /// Waits up to `limit` for every due account to go, lets a last worker round pass, and
    /// checks that none went twice and nothing else was touched.
    pub async fn assert_all_purged_once(&self, limit: Duration) {
        let done = wait_for(&self.db, TOMBSTONES, |n| n >= self.due, limit).await;
        assert_eq!(done, self.due);
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_purged_exactly_once(&self.db, self.due, self.waiting).await;
    }
}

pub const TOMBSTONES: &str = "SELECT COUNT(*) FROM tombstones";

pub async fn count(db: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// Every due account purged exactly once; every waiting one untouched.
pub async fn assert_purged_exactly_once(db: &AnyPool, due: i64, waiting: i64) {
    assert_eq!(count(db, "SELECT COUNT(*) FROM tombstones").await, due, "one tombstone each");
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM outbox WHERE erase_after_delivery = 1").await,
        due,
        "one receipt each"
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM accounts WHERE id LIKE '2%'").await, waiting);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM photos").await,
        waiting * 20,
        "waiting accounts keep their photos"
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM contacts WHERE account_id LIKE '2%'").await,
        waiting * 20
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM forum_posts WHERE author_name = 'Former member'").await,
        due
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM forum_posts WHERE author_name LIKE 'Person Number%'").await,
        waiting
    );
}

#[tokio::test]
async fn two_workers_in_parallel_purge_each_account_once() {
    let settings = [("FAREWELL_WORKERS", "0"), ("FAREWELL_DEV", "0")];
    let first = spawn_app_with(&settings).await;
    let second = spawn_on(first.data.clone(), &settings).await;
    let now = first.state.clock.unix();
    seed_accounts(first.state.db.pool(), 150, 20, now).await;
    let (a, b) = tokio::join!(grace::purge_due(&first.state), grace::purge_due(&second.state));
    let (a, b) = (a.unwrap(), b.unwrap());
    for report in [a, b] {
        let longest = report.longest_write.expect("a worker that purged names its longest write");
        assert!(longest.took > std::time::Duration::ZERO, "{} took no time", longest.write);
    }
    let (a, b) = (a.purged, b.purged);
    assert_eq!(a + b, 150, "{a} + {b}");
    assert!(a > 0 && b > 0, "both workers took part: {a} and {b}");
    assert_purged_exactly_once(first.state.db.pool(), 150, 20).await;
}

pub struct Killable(pub Child);

impl Drop for Killable {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn start_server(database_url: &str) -> Killable {
    start_server_with_lease(database_url, "2s")
}

pub fn start_server_with_lease(database_url: &str, lease: &str) -> Killable {
    Killable(
        Command::new(env!("CARGO_BIN_EXE_farewell-server"))
            .env("PORT", "0")
            .env("DATABASE_URL", database_url)
            .env("FAREWELL_PURGE_LEASE", lease)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts"),
    )
}

pub async fn wait_for(
    db: &AnyPool,
    sql: &str,
    until: impl Fn(i64) -> bool,
    limit: Duration,
) -> i64 {
    let deadline = Instant::now() + limit;
    loop {
        let n = count(db, sql).await;
        if until(n) || Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_server_killed_mid_purge_finishes_the_work_after_a_restart() {
    let (due, waiting) = (400, 25);
    let seeded = Seeded::new(due, waiting).await;

    let mut server = start_server(&seeded.url);
    let started = wait_for(&seeded.db, TOMBSTONES, |n| n > 0, Duration::from_secs(60)).await;
    assert!(started > 0, "the purge began");
    // SIGKILL: no shutdown, no cleanup, mid-transaction if it happens to be in one.
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let at_kill = count(&seeded.db, TOMBSTONES).await;
    assert!(at_kill < due as i64, "killed before the end ({at_kill} of {due})");

    let _restarted = start_server(&seeded.url);
    seeded.assert_all_purged_once(Duration::from_secs(120)).await;
}
