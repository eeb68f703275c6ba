//! The inventory follows the rows other services write: added, moved, changed, removed and
//! rolled back. On SQLite it reads counts that triggers keep (`holdings`), which also begin
//! with what a database from before them already holds.

use std::{borrow::Cow, str::FromStr};

use farewell_server::seed;
use serde_json::Value;
use sqlx::{
    AnyPool,
    any::{AnyConnectOptions, AnyPoolOptions},
};

use crate::helpers::{Browser, spawn_app};

const DEMO: &str = "1876543210";
const OTHER: &str = "1876543211";

async fn inventory(browser: &mut Browser<'_>) -> Value {
    browser.get("/inventory").await.json().await.unwrap()
}

fn count(inventory: &Value, category: &str) -> i64 {
    inventory[category].as_i64().unwrap()
}

/// What the tables hold for `account`, counted the slow way.
async fn counted(db: &AnyPool, account: &str) -> [i64; 5] {
    let row: (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM photos WHERE account_id = $1),
                (SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM photos WHERE account_id = $1),
                (SELECT COUNT(*) FROM contacts WHERE account_id = $1),
                (SELECT COUNT(*) FROM notes WHERE account_id = $1),
                (SELECT COUNT(*) FROM messages WHERE account_id = $1)",
    )
    .bind(account)
    .fetch_one(db)
    .await
    .unwrap();
    [row.0, row.1, row.2, row.3, row.4]
}

fn shown(inventory: &Value) -> [i64; 5] {
    ["photos", "photo_bytes", "contacts", "notes", "messages"].map(|c| count(inventory, c))
}

#[tokio::test]
async fn the_inventory_follows_rows_as_other_services_add_move_change_and_remove_them() {
    let app = spawn_app().await;
    let db = app.state.db.pool().clone();
    let mut demo = app.browser();
    demo.sign_in_demo().await;
    let before = inventory(&mut demo).await;
    assert_eq!(shown(&before), counted(&db, DEMO).await);

    let mut tx = db.begin().await.unwrap();
    // Two photos in one statement, a contact, ten messages gone, a note moved to another
    // account, and a photo that grew.
    sqlx::query(
        "INSERT INTO photos (account_id, file_name, mime_type, bytes, taken_at, content)
         VALUES ($1, 'new-1.png', 'image/png', 1000, 0, $2),
                ($1, 'new-2.png', 'image/png', 24, 0, $2)",
    )
    .bind(DEMO)
    .bind(&[1_u8][..])
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("INSERT INTO contacts (account_id, full_name) VALUES ($1, 'New Friend')")
        .bind(DEMO)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "DELETE FROM messages WHERE id IN
             (SELECT id FROM messages WHERE account_id = $1 ORDER BY id LIMIT 10)",
    )
    .bind(DEMO)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE notes SET account_id = $2
         WHERE id = (SELECT MIN(id) FROM notes WHERE account_id = $1)",
    )
    .bind(DEMO)
    .bind(OTHER)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE photos SET bytes = bytes + 5 WHERE account_id = $1 AND file_name = 'new-1.png'",
    )
    .bind(DEMO)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let after = inventory(&mut demo).await;
    assert_eq!(count(&after, "photos"), count(&before, "photos") + 2);
    assert_eq!(count(&after, "photo_bytes"), count(&before, "photo_bytes") + 1029);
    assert_eq!(count(&after, "contacts"), count(&before, "contacts") + 1);
    assert_eq!(count(&after, "messages"), count(&before, "messages") - 10);
    assert_eq!(count(&after, "notes"), count(&before, "notes") - 1);
    assert_eq!(shown(&after), counted(&db, DEMO).await);

    let mut other = app.browser();
    other.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    assert_eq!(shown(&inventory(&mut other).await), counted(&db, OTHER).await);

    // A write that is rolled back leaves the counts as they were.
    let mut tx = db.begin().await.unwrap();
    sqlx::query("DELETE FROM photos WHERE account_id = $1")
        .bind(DEMO)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(shown(&inventory(&mut demo).await), shown(&after));
}

#[tokio::test]
async fn counts_begin_with_what_a_database_from_before_them_already_holds() {
    // Only SQLite keeps counts (see `store::inventory`), so this runs there on every run.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/farewell.db?mode=rwc", dir.path().display());
    sqlx::any::install_default_drivers();
    let db = AnyPoolOptions::new()
        .max_connections(1)
        .connect_with(AnyConnectOptions::from_str(&url).unwrap())
        .await
        .unwrap();
    let mut migrator = sqlx::migrate!("./migrations/sqlite");
    migrator.migrations =
        Cow::Owned(migrator.migrations.iter().filter(|m| m.version < 11).cloned().collect());
    migrator.run(&db).await.unwrap();
    sqlx::query(
        "INSERT INTO accounts (id, email, password_hash, name, region, created_at)
         VALUES ('3000000002', 'older@example.com', 'not-a-hash', 'Older', 'US', 0)",
    )
    .execute(&db)
    .await
    .unwrap();
    for (name, bytes) in [("a.png", 300_i64), ("b.png", 700)] {
        sqlx::query(
            "INSERT INTO photos (account_id, file_name, mime_type, bytes, taken_at, content)
             VALUES ('3000000002', $1, 'image/png', $2, 0, $3)",
        )
        .bind(name)
        .bind(bytes)
        .bind(&[1_u8][..])
        .execute(&db)
        .await
        .unwrap();
    }
    sqlx::query("INSERT INTO messages (account_id, peer, outgoing, body, sent_at) VALUES ('3000000002', 'Ann', 1, 'Hi', 0)")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;

    let store = farewell_server::store::connect(&url).await.unwrap();
    let inventory = farewell_server::store::inventory::inventory(
        &store,
        &farewell_server::domain::AccountId::parse("3000000002").unwrap(),
        0,
    )
    .await
    .unwrap();
    assert_eq!(
        (inventory.photos, inventory.photo_bytes, inventory.contacts, inventory.messages),
        (2, 1000, 0, 1)
    );
    let kept: i64 =
        sqlx::query_scalar("SELECT photos FROM holdings WHERE account_id = '3000000002'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(kept, 2, "the count is kept, not worked out on reading");
}
