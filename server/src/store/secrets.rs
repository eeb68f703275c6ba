//! Server-wide secrets, created once on first start and kept in the database so every replica
//! shares them.

use rand::{RngCore, rngs::OsRng};

use super::Db;

/// The secret called `name`, creating `len` random bytes the first time.
pub async fn get_or_create(db: &Db, name: &str, len: usize) -> sqlx::Result<Vec<u8>> {
    let mut fresh = vec![0u8; len];
    OsRng.fill_bytes(&mut fresh);
    // Two replicas starting together both try; the first insert wins and both read it. This
    // runs at start-up, before there is a write gate to queue at.
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(&fresh)
    .execute(db.pool())
    .await?;
    sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(db)
        .await
}
