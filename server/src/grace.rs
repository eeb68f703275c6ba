//! The grace period between "close my account" and the purge: cancel links, cancelling,
//! reminders, and the purge with its signed receipt.

use std::{
    sync::LazyLock,
    time::{Duration, Instant},
};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::{AnyConnection, Connection};
use time::OffsetDateTime;

use crate::{
    clock::rfc3339,
    domain::{
        AccountId, Email, SecretToken,
        receipt::{Action, Category, Receipt},
    },
    error::{AppError, AppResult},
    export,
    messages::{self, Language},
    state::AppState,
    store::{self, Backend, audit::Event, outbox::NewMessage, purge::DELETED_TABLES},
};

/// Rows per purge transaction: short transactions keep the API responsive during a purge.
const BATCH: i64 = 500;

/// A fresh one-time cancel link for the account, stored as a hash inside `tx`.
pub async fn cancel_link(
    state: &AppState,
    tx: &mut sqlx::AnyConnection,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<String> {
    let token = SecretToken::generate();
    store::cancel_tokens::insert(&mut *tx, account, &token.hash(), now).await?;
    Ok(format!("{}/cancel/{}", state.public_url, token.encode()))
}

/// Cancels a pending request: the account is active again exactly as it was (nothing is
/// touched before the purge), every cancel link dies, and an email says so.
pub async fn cancel(state: &AppState, account: &AccountId) -> AppResult<()> {
    let row = store::accounts::find(&state.db, account).await?.ok_or(AppError::NotFound)?;
    if row.state != "pending_deletion" {
        return Err(AppError::StepOutOfOrder(vec!["not_pending".to_owned()]));
    }
    let now = state.clock.unix();
    let language = Language::from_tag(&row.language);
    let email = messages::cancelled(language, &row.name);
    let mut tx = state.db.begin().await?;
    store::accounts::set_state(&mut *tx, account, "active").await?;
    for sql in [
        "DELETE FROM cancel_tokens WHERE account_id = $1",
        "DELETE FROM verification_codes WHERE account_id = $1",
        "DELETE FROM deletion_requests WHERE account_id = $1",
    ] {
        sqlx::query(sql).bind(account.as_str()).execute(&mut *tx).await?;
    }
    let message = NewMessage::email(Some(account.as_str()), &row.email, language, &email);
    store::outbox::enqueue(&mut *tx, &message, now).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    state.audit(account, Event::DeletionCancelled).await?;
    Ok(())
}

/// How long before the purge each reminder goes: a week and a day for the default 30-day grace
/// period, scaled to shorter ones (a 40 s grace reminds ~9 s and ~1 s before).
fn reminder_leads(state: &AppState) -> [(&'static str, i64); 2] {
    let grace = i64::try_from(state.config.grace.as_secs()).unwrap_or(i64::MAX / 2);
    [
        ("reminder_week_sent_at", (grace * 7 / 30).max(1)),
        ("reminder_day_sent_at", (grace / 30).max(1)),
    ]
}

/// When the reminders for a purge at `scheduled_for` go out.
pub fn reminder_times(state: &AppState, scheduled_for: i64) -> Vec<i64> {
    reminder_leads(state).iter().map(|(_, lead)| scheduled_for - lead).collect()
}

/// Sends the reminders that are due: a week and a day before the purge for the default 30-day
/// grace period, scaled to shorter ones (so a 40 s grace reminds at ~9 s and ~1 s before).
pub async fn send_reminders(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.unix();
    let mut sent = 0;
    for (column, lead) in reminder_leads(state) {
        let mut tx = state.db.begin().await?;
        let due = store::purge::claim_reminders(&mut tx, column, lead, now).await?;
        for (account_id, scheduled_for) in &due {
            let Some(account) = AccountId::parse(account_id) else { continue };
            let Some(row) = store::accounts::find(&mut *tx, &account).await? else { continue };
            let url = cancel_link(state, &mut tx, &account, now).await?;
            let language = Language::from_tag(&row.language);
            let reminder = messages::reminder(
                language,
                &messages::Reminder {
                    name: &row.name,
                    scheduled_for: OffsetDateTime::from_unix_timestamp(*scheduled_for)?,
                    cancel_url: &url,
                },
            );
            let message =
                NewMessage::email(Some(account.as_str()), &row.email, language, &reminder);
            store::outbox::enqueue(&mut *tx, &message, now).await?;
            store::audit::record(&mut *tx, now, Some(&account), Event::DeletionReminded, None)
                .await?;
        }
        tx.commit().await?;
        sent += due.len();
    }
    if sent > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(sent)
}

/// Counts taken when a purge begins, for the receipt.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counts {
    pub tables: Vec<(String, u64)>,
    pub forum_posts: u64,
    pub wallet_minor: i64,
    pub wallet_currency: String,
    #[serde(default)]
    pub export_sha256: Option<String>,
}

/// What a purge round did. Its longest write (a statement or a transaction) is how long it
/// could have held up a person's own writes, which wait for the database's one writer.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PurgeReport {
    pub purged: usize,
    pub longest_write: Duration,
}

impl PurgeReport {
    /// Awaits one write of the purge, keeping the longest.
    async fn timed<T>(&mut self, write: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let out = write.await;
        self.longest_write = self.longest_write.max(started.elapsed());
        out
    }
}

/// Purges every due account this worker can claim.
pub async fn purge_due(state: &AppState) -> anyhow::Result<PurgeReport> {
    let mut report = PurgeReport::default();
    // One connection for the whole round: a purge makes dozens of statements per account, and
    // taking each one's connection from the pool would queue it behind every API request.
    let mut db = state.db.acquire().await?;
    let backend = Backend::of(&state.db);
    loop {
        let now = state.clock.unix();
        let lease = state.config.purge_lease_secs;
        let claimed =
            report.timed(store::purge::claim_due(&mut *db, backend, now, lease, 16)).await?;
        if claimed.is_empty() {
            return Ok(report);
        }
        for (n, id) in claimed.iter().enumerate() {
            if state.shutdown.is_cancelled() {
                // Another replica need not wait for these leases to run out.
                store::purge::release(&mut db, &claimed[n..]).await?;
                return Ok(report);
            }
            let Some(account) = AccountId::parse(id) else { continue };
            if purge_one(state, &mut db, &account, &mut report).await? {
                report.purged += 1;
            }
        }
    }
}

/// Purges one claimed account. Safe to repeat after a crash at any point.
async fn purge_one(
    state: &AppState,
    db: &mut AnyConnection,
    account: &AccountId,
    report: &mut PurgeReport,
) -> anyhow::Result<bool> {
    let left = counts(state, db, account).await?;
    // The receipt tells what the account held when its purge began, however often it resumes.
    let counts: Counts = serde_json::from_str(
        &report
            .timed(store::purge::record_counts(&mut *db, account, &serde_json::to_string(&left)?))
            .await?,
    )?;
    // Only tables that still hold rows cost a statement. (Rows added since cannot outlive the
    // account: every table's `account_id` cascades from the account row.)
    let holds = |table: &str| left.tables.iter().any(|(name, n)| name == table && *n > 0);
    // Archive files first: their rows are how we find them.
    let archives = match holds("exports") {
        true => store::exports::ids(&mut *db, account).await?,
        false => Vec::new(),
    };
    for id in archives {
        for path in [
            export::archive_path(state, &id),
            export::archive_path(state, &id).with_extension("zip.part"),
        ] {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
    }
    // A batch short of BATCH was the table's last: no statement is spent finding it empty.
    for table in DELETED_TABLES.into_iter().filter(|table| holds(table)) {
        while report.timed(store::purge::delete_batch(&mut *db, table, account, BATCH)).await?
            == BATCH as u64
        {
            let until = state.clock.unix() + state.config.purge_lease_secs;
            report.timed(store::purge::extend_lease(&mut *db, account, until)).await?;
        }
    }
    // Always: posts outlive the account (their link is set null, not cascaded), so a post
    // written since counting must not keep the name.
    while report.timed(store::purge::anonymize_posts_batch(&mut *db, account, BATCH)).await?
        == BATCH as u64
    {}

    let Some(row) = store::accounts::find(&mut *db, account).await? else { return Ok(false) };
    let Some(request) = store::deletion::find(&mut *db, account).await? else { return Ok(false) };
    let now = state.clock.unix();
    let at = rfc3339(now)?;
    let receipt = receipt(
        &counts,
        request.reference.clone().unwrap_or_default(),
        request.confirmed_at.unwrap_or(now),
        &at,
    )?;
    let signed = receipt.sign(&state.receipt_key);
    let language = Language::from_tag(&row.language);
    let summary: Vec<(String, u64, &'static str)> = receipt
        .categories
        .iter()
        .map(|c| (c.category.clone(), c.count, action_word(c.action)))
        .collect();
    let key_url = format!("{}/api/v1/receipt-key", state.public_url);
    let mail = messages::receipt(
        language,
        &messages::ReceiptMail {
            name: &row.name,
            reference: &receipt.reference,
            summary: &summary,
            json: &signed.json,
            signature: &signed.signature,
            key_url: &key_url,
        },
    );

    let email_hash = email_hash(&state.tombstone_key, &row.email);
    report.timed(finish(state, db, account, &row, &request, &email_hash, &mail)).await
}

/// The purge's last transaction: tombstone, the account row, and the receipt email queued
/// before the address is erased.
async fn finish(
    state: &AppState,
    db: &mut AnyConnection,
    account: &AccountId,
    row: &store::accounts::AccountRow,
    request: &store::deletion::DeletionRow,
    email_hash: &[u8],
    mail: &messages::Rendered,
) -> anyhow::Result<bool> {
    let now = state.clock.unix();
    let language = Language::from_tag(&row.language);
    let mut tx = db.begin().await?;
    let tombstone = store::purge::insert_tombstone(
        &mut *tx,
        email_hash,
        request.confirmed_at.unwrap_or(now),
        now,
    )
    .await?;
    if !store::purge::finish(&mut tx, account, tombstone).await? {
        // Another worker finished it first; nothing of ours is kept.
        tx.rollback().await?;
        return Ok(false);
    }
    let message = NewMessage::email(None, &row.email, language, mail);
    store::outbox::enqueue_then_erase(&mut *tx, &message, now).await?;
    store::audit::record(&mut *tx, now, None, Event::AccountPurged, None).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(true)
}

/// Rows per table of one account, in one statement: a purge is many small statements, and
/// each is a round trip that waits its turn behind the API's. Written once, not per account.
static COUNTS_SQL: LazyLock<String> = LazyLock::new(|| {
    DELETED_TABLES
        .map(|table| format!("SELECT '{table}', COUNT(*) FROM {table} WHERE account_id = $1"))
        .join(" UNION ALL ")
});

async fn counts(
    state: &AppState,
    db: &mut AnyConnection,
    account: &AccountId,
) -> anyhow::Result<Counts> {
    let counted: Vec<(String, i64)> =
        sqlx::query_as(&COUNTS_SQL).bind(account.as_str()).fetch_all(&mut *db).await?;
    let tables = DELETED_TABLES
        .iter()
        .map(|table| {
            let n = counted.iter().find(|(name, _)| name == table).map_or(0, |(_, n)| *n);
            ((*table).to_owned(), u64::try_from(n).unwrap_or(0))
        })
        .collect();
    let now = state.clock.unix();
    let inventory = store::inventory::inventory(&mut *db, account, now).await?;
    Ok(Counts {
        tables,
        forum_posts: u64::from(inventory.forum_posts),
        wallet_minor: inventory.wallet.minor,
        wallet_currency: inventory.wallet.currency,
        export_sha256: store::exports::downloaded_sha256(&mut *db, account, now).await?,
    })
}

fn receipt(
    counts: &Counts,
    reference: String,
    requested_at: i64,
    at: &str,
) -> anyhow::Result<Receipt> {
    let category = |name: &str, count: u64, action| Category {
        category: name.to_owned(),
        count,
        action,
        at: at.to_owned(),
    };
    let mut categories: Vec<Category> = counts
        .tables
        .iter()
        .map(|(table, n)| {
            let (name, action) = match table.as_str() {
                "photos" => ("cloud_photos", Action::Deleted),
                "devices" => ("device_links", Action::Deleted),
                "app_grants" => ("third_party_grants", Action::Revoked),
                "exports" => ("export_archives", Action::Deleted),
                other => (other, Action::Deleted),
            };
            category(name, *n, action)
        })
        .collect();
    categories.push(category("forum_posts", counts.forum_posts, Action::Anonymized));
    categories.push(category(
        &format!("wallet_balance_{}_minor", counts.wallet_currency.to_lowercase()),
        counts.wallet_minor.max(0) as u64,
        Action::Forfeited,
    ));
    Ok(Receipt {
        version: 1,
        reference,
        requested_at: rfc3339(requested_at)?,
        purged_at: at.to_owned(),
        categories,
        export_sha256: counts.export_sha256.clone(),
    })
}

fn action_word(action: Action) -> &'static str {
    match action {
        Action::Deleted => "deleted",
        Action::Anonymized => "anonymized",
        Action::Revoked => "revoked",
        Action::Forfeited => "forfeited",
    }
}

/// The tombstone's only link to the person: a keyed hash of the normalized email. It cannot be
/// reversed, and without the server's key it cannot even be checked against a guess.
pub fn email_hash(key: &[u8], email: &str) -> Vec<u8> {
    let normalized = Email::parse(email).map_or_else(|| email.to_lowercase(), |e| e.to_string());
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(normalized.as_bytes());
    mac.finalize().into_bytes().to_vec()
}
