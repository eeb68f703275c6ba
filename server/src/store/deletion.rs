//! The close-account request: when it started, the ticks given, re-authentication, code
//! verification and, once confirmed, its reference and purge date.

use std::sync::LazyLock;

use sqlx::{AnyExecutor, FromRow};

use crate::domain::{
    AccountId,
    checklist::{Facts, Ticks},
};

use super::{
    Db,
    codes::CodeRow,
    inventory::{FACT_COLUMNS, FactRow},
};

#[derive(Debug, Clone, FromRow)]
pub struct DeletionRow {
    pub request_id: String,
    pub started_at: i64,
    #[sqlx(try_from = "super::flag::Flag")]
    pub balance_forfeit: bool,
    #[sqlx(try_from = "super::flag::Flag")]
    pub purchases_erased: bool,
    #[sqlx(try_from = "super::flag::Flag")]
    pub no_backup: bool,
    #[sqlx(try_from = "super::flag::Flag")]
    pub terms_accepted: bool,
    pub reauth_at: Option<i64>,
    pub verified_at: Option<i64>,
    pub verified_channel: Option<String>,
    pub confirmed_at: Option<i64>,
    pub reference: Option<String>,
    pub scheduled_for: Option<i64>,
    pub confirmed_by: Option<Vec<u8>>,
}

impl DeletionRow {
    pub fn ticks(&self) -> Ticks {
        Ticks {
            balance_forfeit: self.balance_forfeit,
            purchases_erased: self.purchases_erased,
            no_backup: self.no_backup,
        }
    }
}

/// `DeletionRow`'s columns, each with what it reads as when the request is missing (the right
/// side of a `LEFT JOIN`) if it cannot be null: `DeletionRow` has no way to say "none" there.
const REQUEST_COLUMNS: [(&str, Option<&str>); 13] = [
    ("request_id", Some("''")),
    ("started_at", Some("0")),
    ("balance_forfeit", Some("0")),
    ("purchases_erased", Some("0")),
    ("no_backup", Some("0")),
    ("terms_accepted", Some("0")),
    ("reauth_at", None),
    ("verified_at", None),
    ("verified_channel", None),
    ("confirmed_at", None),
    ("reference", None),
    ("scheduled_for", None),
    ("confirmed_by", None),
];

/// `DeletionRow`'s columns of the request `d`.
fn columns_of_d() -> String {
    REQUEST_COLUMNS.iter().map(|(column, _)| format!("d.{column}")).collect::<Vec<_>>().join(", ")
}

/// `DeletionRow`'s columns of a request `d` that may be missing: its columns that cannot be
/// null read as zero or empty then, and `has_request` says whether there was a row.
fn columns_of_d_if_any() -> String {
    let columns = REQUEST_COLUMNS.iter().map(|(column, if_missing)| match if_missing {
        Some(value) => format!("COALESCE(d.{column}, {value}) AS {column}"),
        None => format!("d.{column}"),
    });
    std::iter::once("d.request_id IS NOT NULL AS has_request".to_owned())
        .chain(columns)
        .collect::<Vec<_>>()
        .join(", ")
}

static FIND: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {} FROM deletion_requests d WHERE account_id = $1", columns_of_d())
});

pub async fn find(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
) -> sqlx::Result<Option<DeletionRow>> {
    sqlx::query_as(FIND.as_str()).bind(account.as_str()).fetch_optional(db).await
}

/// Where the account's close-account request stands.
pub struct Standing {
    pub request: Option<DeletionRow>,
    /// The account's newest code, of whichever request.
    pub latest_code: Option<CodeRow>,
    /// Codes sent since the time asked about, and when the first of them went.
    pub codes_sent_since: (i64, Option<i64>),
    pub facts: Facts,
}

/// The statement behind [`standing`]: `$1` the account, `$2` now, `$3` since when codes
/// are counted. The single-row count is what the rest joins onto, so a row comes back
/// whether or not there is a request.
static STANDING: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}, {FACT_COLUMNS},
                c.id AS code_id, c.request_id AS code_request_id, c.channel AS code_channel,
                c.code_hash, c.created_at AS code_created_at, c.expires_at AS code_expires_at,
                c.attempts AS code_attempts, c.used_at AS code_used_at,
                sent.codes_sent, sent.first_sent
         FROM (SELECT COUNT(*) AS codes_sent, MIN(created_at) AS first_sent
               FROM verification_codes WHERE account_id = $1 AND created_at > $3) AS sent
         LEFT JOIN deletion_requests d ON d.account_id = $1
         LEFT JOIN verification_codes c ON c.id =
             (SELECT MAX(id) FROM verification_codes WHERE account_id = $1)",
        columns_of_d_if_any()
    )
});

/// The request, the account's newest code, the codes sent since `since` and the checklist's
/// facts, in one statement: every wizard step reads them all, and on PostgreSQL each
/// statement is a round trip to another process.
pub async fn standing(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    now: i64,
    since: i64,
) -> sqlx::Result<Standing> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(try_from = "super::flag::Flag")]
        has_request: bool,
        #[sqlx(flatten)]
        request: DeletionRow,
        #[sqlx(flatten)]
        facts: FactRow,
        code_id: Option<i64>,
        code_request_id: Option<String>,
        code_channel: Option<String>,
        code_hash: Option<Vec<u8>>,
        code_created_at: Option<i64>,
        code_expires_at: Option<i64>,
        code_attempts: Option<i64>,
        code_used_at: Option<i64>,
        codes_sent: i64,
        first_sent: Option<i64>,
    }
    let row: Row = sqlx::query_as(STANDING.as_str())
        .bind(account.as_str())
        .bind(now)
        .bind(since)
        .fetch_one(db)
        .await?;
    let latest_code = match (row.code_id, row.code_request_id, row.code_channel, row.code_hash) {
        (Some(id), Some(request_id), Some(channel), Some(code_hash)) => Some(CodeRow {
            id,
            request_id,
            channel,
            code_hash,
            created_at: row.code_created_at.unwrap_or_default(),
            expires_at: row.code_expires_at.unwrap_or_default(),
            attempts: row.code_attempts.unwrap_or_default(),
            used_at: row.code_used_at,
        }),
        _ => None,
    };
    Ok(Standing {
        request: row.has_request.then_some(row.request),
        latest_code,
        codes_sent_since: (row.codes_sent, row.first_sent),
        facts: row.facts.into(),
    })
}

/// Starts the request under a fresh `request_id`; starting again keeps what was recorded.
pub async fn start(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    request_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO deletion_requests (account_id, request_id, started_at, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO NOTHING",
    )
    .bind(account.as_str())
    .bind(request_id)
    .bind(now)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_ticks(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    ticks: &Ticks,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests
         SET balance_forfeit = $1, purchases_erased = $2, no_backup = $3, updated_at = $4
         WHERE account_id = $5",
    )
    .bind(i64::from(ticks.balance_forfeit))
    .bind(i64::from(ticks.purchases_erased))
    .bind(i64::from(ticks.no_backup))
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_terms(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    accepted: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests SET terms_accepted = $1, updated_at = $2 WHERE account_id = $3",
    )
    .bind(i64::from(accepted))
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_reauth(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests SET reauth_at = $1, updated_at = $2 WHERE account_id = $3",
    )
    .bind(now)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_verified(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    channel: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests SET verified_at = $1, verified_channel = $2, updated_at = $3
         WHERE account_id = $4",
    )
    .bind(now)
    .bind(channel)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub struct Confirmed<'a> {
    pub reference: &'a str,
    pub scheduled_for: i64,
    pub confirmed_by: &'a [u8],
}

pub async fn confirm(
    db: impl AnyExecutor<'_>,
    account: &AccountId,
    confirmed: &Confirmed<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deletion_requests
         SET confirmed_at = $1, reference = $2, scheduled_for = $3,
             confirmed_by = $4, updated_at = $5
         WHERE account_id = $6",
    )
    .bind(now)
    .bind(confirmed.reference)
    .bind(confirmed.scheduled_for)
    .bind(confirmed.confirmed_by)
    .bind(now)
    .bind(account.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// The account whose confirmed request was confirmed by the session `token_hash`.
pub async fn confirmed_by(db: &Db, token_hash: &[u8]) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT account_id FROM deletion_requests WHERE confirmed_by = $1")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// Forgets a request that was being prepared, with its codes.
pub async fn abandon(tx: &mut super::Conn, account: &AccountId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM verification_codes WHERE account_id = $1")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM deletion_requests WHERE account_id = $1 AND confirmed_at IS NULL")
        .bind(account.as_str())
        .execute(&mut *tx)
        .await?;
    Ok(())
}
