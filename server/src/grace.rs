//! The grace period between "close my account" and the purge: cancel links, cancelling,
//! reminders, and the purge with its signed receipt.

use std::{
    collections::HashMap,
    fmt,
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
    store::{
        self, Backend, audit::Event, outbox::NewMessage, purge::DELETED_TABLES,
        write_gate::WriteGate,
    },
};

/// Rows per purge statement: short writes keep the API responsive during a purge.
const BATCH: i64 = 500;

/// Accounts per purge round. A round's accounts share their statements (a table's rows go
/// in one `DELETE` for all of them) and their last transaction, so a round costs about what
/// one account did.
const ROUND: i64 = 32;

/// A fresh one-time cancel link for the account, stored as a hash inside `tx`.
pub async fn cancel_link(
    state: &AppState,
    tx: &mut store::Conn,
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
    let mut tx = state.begin_write().await?;
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
    store::audit::record(&mut *tx, now, Some(account), Event::DeletionCancelled, None).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
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
        let mut tx = state.begin_write().await?;
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
    /// The longest of its writes, named so that a long one can be looked into; `None` when
    /// it wrote nothing.
    pub longest_write: Option<TimedWrite>,
}

/// One of the purge's writes and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedWrite {
    pub write: PurgeWrite,
    pub took: Duration,
}

/// One of the purge's writes, as its report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeWrite {
    Claim,
    Release,
    RecordCounts,
    Delete(&'static str),
    ExtendLeases,
    AnonymizePosts,
    Finish,
}

impl fmt::Display for PurgeWrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Claim => f.write_str("claiming due accounts"),
            Self::Release => f.write_str("handing claims back"),
            Self::RecordCounts => f.write_str("recording what the accounts held"),
            Self::Delete(table) => write!(f, "deleting from {table}"),
            Self::ExtendLeases => f.write_str("extending the claims"),
            Self::AnonymizePosts => f.write_str("anonymizing forum posts"),
            Self::Finish => f.write_str("the last transaction (tombstones, receipts, emails)"),
        }
    }
}

impl PurgeReport {
    /// Awaits one write of the purge in its turn at the write gate, so that a person's own
    /// writes queue fairly with the purge's; keeps the longest (the turn's wait excluded).
    async fn timed<T>(
        &mut self,
        gate: &WriteGate,
        what: PurgeWrite,
        write: impl Future<Output = T>,
    ) -> T {
        let _turn = gate.enter().await;
        let started = Instant::now();
        let out = write.await;
        let took = started.elapsed();
        if self.longest_write.is_none_or(|longest| took > longest.took) {
            self.longest_write = Some(TimedWrite { write: what, took });
        }
        out
    }
}

/// Purges every due account this worker can claim.
pub async fn purge_due(state: &AppState) -> anyhow::Result<PurgeReport> {
    let mut report = PurgeReport::default();
    // One connection for the whole round: a purge makes many statements, and taking each
    // one's connection from the pool would queue it behind every API request.
    let mut db = state.db.pool().acquire().await?;
    let backend = Backend::of(&state.db);
    while !state.shutdown.is_cancelled() {
        let now = state.clock.unix();
        let lease = state.config.purge_lease_secs;
        let claimed = report
            .timed(
                &state.writes,
                PurgeWrite::Claim,
                store::purge::claim_due(&mut *db, backend, now, lease, ROUND),
            )
            .await?;
        if claimed.is_empty() {
            break;
        }
        let accounts: Vec<AccountId> =
            claimed.iter().filter_map(|id| AccountId::parse(id)).collect();
        let lease = Lease { until: now + lease, secs: lease };
        match purge_round(state, &mut db, &accounts, lease, &mut report).await? {
            Some(purged) => report.purged += purged,
            // Stopping: another replica need not wait for these leases to run out. What was
            // deleted stays deleted; the counts taken first keep the receipt whole.
            None => {
                report
                    .timed(
                        &state.writes,
                        PurgeWrite::Release,
                        store::purge::release(&mut db, &claimed),
                    )
                    .await?;
            }
        }
    }
    Ok(report)
}

/// How long a round's accounts stay claimed.
#[derive(Debug, Clone, Copy)]
struct Lease {
    until: i64,
    secs: i64,
}

impl Lease {
    /// Whether half the lease (rounded down) has gone by, so it is renewed. A round takes
    /// milliseconds and a lease a minute: renewing after every full batch cost a write (on
    /// PostgreSQL three of a round's twenty statements, ~8% of its time in the database) that
    /// almost never mattered.
    fn runs_low(&self, now: i64) -> bool {
        self.until - now <= self.secs - self.secs / 2
    }
}

/// Purges one round's claimed accounts; `None` when the server began stopping first. Safe to
/// repeat after a crash at any point.
async fn purge_round(
    state: &AppState,
    db: &mut AnyConnection,
    accounts: &[AccountId],
    mut lease: Lease,
    report: &mut PurgeReport,
) -> anyhow::Result<Option<usize>> {
    if accounts.is_empty() {
        return Ok(Some(0));
    }
    let now = state.clock.unix();
    let held = store::purge::held(&mut *db, accounts).await?;
    let counted = counts(db, accounts, &held, now).await?;
    // The receipt tells what the account held when its purge began, however often it resumes.
    let counted: Vec<(&AccountId, String)> = accounts
        .iter()
        .zip(&counted)
        .map(|(account, counts)| Ok((account, serde_json::to_string(counts)?)))
        .collect::<serde_json::Result<_>>()?;
    let recorded: HashMap<String, String> = report
        .timed(
            &state.writes,
            PurgeWrite::RecordCounts,
            store::purge::record_counts(&mut *db, &counted),
        )
        .await?
        .into_iter()
        .collect();

    // Archive files first: their rows are how we find them.
    let holds = |table: &str| held.iter().any(|h| h.category == table);
    for held in held.iter().filter(|h| h.category == "exports") {
        let Some(account) = AccountId::parse(&held.account_id) else { continue };
        for id in store::exports::ids(&mut *db, &account).await? {
            let archive = export::archive_path(state, &id);
            for path in [archive.with_extension("zip.part"), archive] {
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
        }
    }
    // Only tables that still hold rows cost a statement, and a batch short of BATCH was the
    // table's last. (Rows added since counting cannot outlive the account: every table's
    // `account_id` cascades from the account row.)
    for table in DELETED_TABLES.into_iter().filter(|table| holds(table)) {
        loop {
            if state.shutdown.is_cancelled() {
                return Ok(None);
            }
            let deleted = report
                .timed(
                    &state.writes,
                    PurgeWrite::Delete(table),
                    store::purge::delete_batch(&mut *db, table, accounts, BATCH),
                )
                .await?;
            if deleted < BATCH as u64 {
                break;
            }
            let now = state.clock.unix();
            if lease.runs_low(now) {
                lease.until = now + lease.secs;
                report
                    .timed(
                        &state.writes,
                        PurgeWrite::ExtendLeases,
                        store::purge::extend_leases(&mut *db, accounts, lease.until),
                    )
                    .await?;
            }
        }
    }
    // Always: posts outlive the account (their link is set null, not cascaded), so a post
    // written since counting must not keep the name.
    while report
        .timed(
            &state.writes,
            PurgeWrite::AnonymizePosts,
            store::purge::anonymize_posts_batch(&mut *db, accounts, BATCH),
        )
        .await?
        == BATCH as u64
    {}
    if state.shutdown.is_cancelled() {
        return Ok(None);
    }

    let leaving = store::purge::leaving(&mut *db, accounts).await?;
    // Signing a round's receipts and writing their emails is 1–2 ms of CPU: on the blocking
    // pool, not between two awaits on a runtime worker whose queue holds API requests, which
    // would wait behind it.
    let signer = state.clone();
    let purges = tokio::task::spawn_blocking(move || {
        let mut purges = Vec::with_capacity(leaving.len());
        for leaving in leaving {
            let Some(counts) = recorded.get(&leaving.id) else { continue };
            purges.push(Purge::new(&signer, leaving, &serde_json::from_str(counts)?)?);
        }
        anyhow::Ok(purges)
    })
    .await??;
    report.timed(&state.writes, PurgeWrite::Finish, finish(state, db, &purges)).await.map(Some)
}

/// What the last transaction writes for one account.
struct Purge {
    id: String,
    email: String,
    email_hash: Vec<u8>,
    requested_at: i64,
    language: Language,
    /// The receipt email. Queued before the address is erased: its only copy goes to the
    /// person.
    mail: messages::Rendered,
}

impl Purge {
    /// Signs the receipt and writes the email that carries it, in the person's language.
    fn new(
        state: &AppState,
        leaving: store::purge::Leaving,
        counts: &Counts,
    ) -> anyhow::Result<Self> {
        let now = state.clock.unix();
        let at = rfc3339(now)?;
        let requested_at = leaving.confirmed_at.unwrap_or(now);
        let receipt = receipt(counts, leaving.reference.unwrap_or_default(), requested_at, &at)?;
        let signed = receipt.sign(&state.receipt_key);
        let language = Language::from_tag(&leaving.language);
        let summary: Vec<(String, u64, &'static str)> = receipt
            .categories
            .iter()
            .map(|c| (c.category.clone(), c.count, action_word(c.action)))
            .collect();
        let key_url = format!("{}/api/v1/receipt-key", state.public_url);
        let mail = messages::receipt(
            language,
            &messages::ReceiptMail {
                name: &leaving.name,
                reference: &receipt.reference,
                summary: &summary,
                json: &signed.json,
                signature: &signed.signature,
                key_url: &key_url,
            },
        );
        Ok(Self {
            email_hash: email_hash(&state.tombstone_key, &leaving.email),
            id: leaving.id,
            email: leaving.email,
            requested_at,
            language,
            mail,
        })
    }
}

/// The round's last transaction: the account rows, their tombstones, and the receipt emails.
/// Returns how many accounts it purged.
async fn finish(
    state: &AppState,
    db: &mut AnyConnection,
    purges: &[Purge],
) -> anyhow::Result<usize> {
    if purges.is_empty() {
        return Ok(0);
    }
    let now = state.clock.unix();
    let tombstones: Vec<store::purge::Tombstone> = purges
        .iter()
        .map(|p| store::purge::Tombstone {
            account: &p.id,
            email_hash: &p.email_hash,
            requested_at: p.requested_at,
        })
        .collect();
    let mut tx = db.begin().await?;
    let gone = store::purge::finish(&mut tx, &tombstones, now).await?;
    // An account missing from `gone` was finished by another worker, which sent its receipt.
    let mails: Vec<NewMessage> = purges
        .iter()
        .filter(|p| gone.contains(&p.id))
        .map(|p| NewMessage::email(None, &p.email, p.language, &p.mail))
        .collect();
    store::outbox::enqueue_then_erase(&mut *tx, &mails, now).await?;
    store::audit::record_anonymous(&mut *tx, now, Event::AccountPurged, mails.len()).await?;
    tx.commit().await?;
    if !mails.is_empty() {
        state.outbox_wake.notify_one();
    }
    Ok(mails.len())
}

/// Each account's counts for its receipt, in the order of `accounts`.
async fn counts(
    db: &mut AnyConnection,
    accounts: &[AccountId],
    held: &[store::purge::Held],
    now: i64,
) -> anyhow::Result<Vec<Counts>> {
    // Looked up for every account and category of the round (a dozen each), so by key rather
    // than by a walk through all of the round's rows.
    let rows_held: HashMap<(&str, &str), i64> =
        held.iter().map(|h| ((h.account_id.as_str(), h.category.as_str()), h.rows_held)).collect();
    let wallets: HashMap<String, (i64, String)> = store::purge::wallets(&mut *db, accounts)
        .await?
        .into_iter()
        .map(|(id, minor, currency)| (id, (minor, currency)))
        .collect();
    let mut all = Vec::with_capacity(accounts.len());
    for account in accounts {
        let rows = |category: &str| {
            rows_held
                .get(&(account.as_str(), category))
                .map_or(0, |n| u64::try_from(*n).unwrap_or(0))
        };
        let (wallet_minor, wallet_currency) = wallets
            .get(account.as_str())
            .map_or((0, "USD".to_owned()), |(minor, currency)| (*minor, currency.clone()));
        let export_sha256 = match rows("exports") {
            0 => None,
            _ => store::exports::downloaded_sha256(&mut *db, account, now).await?,
        };
        all.push(Counts {
            tables: DELETED_TABLES.iter().map(|t| ((*t).to_owned(), rows(t))).collect(),
            forum_posts: rows("forum_posts"),
            wallet_minor,
            wallet_currency,
            export_sha256,
        });
    }
    Ok(all)
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

#[cfg(test)]
mod tests {
    use super::{Lease, PurgeWrite};

    #[test]
    fn a_purge_write_is_named_for_the_table_it_deletes_from() {
        assert_eq!(PurgeWrite::Delete("photos").to_string(), "deleting from photos");
        assert_eq!(
            PurgeWrite::Finish.to_string(),
            "the last transaction (tombstones, receipts, emails)"
        );
    }

    #[test]
    fn a_lease_is_renewed_once_half_of_it_has_gone_by() {
        let lease = Lease { until: 1_060, secs: 60 };
        assert!(!lease.runs_low(1_000), "just claimed");
        assert!(!lease.runs_low(1_029));
        assert!(lease.runs_low(1_030), "half gone");
        assert!(lease.runs_low(1_070), "run out");
        // Seconds are whole: a lease of one second is renewed every time, as before.
        assert!(Lease { until: 1_001, secs: 1 }.runs_low(1_000));
        assert!(!Lease { until: 1_002, secs: 2 }.runs_low(1_000));
        assert!(Lease { until: 1_002, secs: 2 }.runs_low(1_001));
    }
}
