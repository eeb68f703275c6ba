//! The security audit trail: who did what, when, from where. Never a password or token.

use serde::Serialize;

use crate::domain::AccountId;

#[derive(Debug, Clone, Copy)]
pub enum Event {
    SignIn,
    SignInFailed,
    SignInThrottled,
    SignOut,
    SignOutEverywhere,
    DeviceSignedOut,
    FindMyDeviceOff,
    FindMyDeviceOffRefused,
    DeletionStarted,
    DeletionAcknowledged,
    DeletionTermsAccepted,
    DeletionAbandoned,
    Reauthenticated,
    ReauthFailed,
    CodeSent,
    CodeFailed,
    CodeLocked,
    CodeVerified,
    DeletionRequested,
    DeletionReminded,
    DeletionCancelled,
    AccountPurged,
}

impl Event {
    fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignInThrottled => "sign_in_throttled",
            Self::SignOut => "sign_out",
            Self::SignOutEverywhere => "sign_out_everywhere",
            Self::DeviceSignedOut => "device_signed_out",
            Self::FindMyDeviceOff => "find_my_device_off",
            Self::FindMyDeviceOffRefused => "find_my_device_off_refused",
            Self::DeletionStarted => "deletion_started",
            Self::DeletionAcknowledged => "deletion_acknowledged",
            Self::DeletionTermsAccepted => "deletion_terms_accepted",
            Self::DeletionAbandoned => "deletion_abandoned",
            Self::Reauthenticated => "reauthenticated",
            Self::ReauthFailed => "reauth_failed",
            Self::CodeSent => "code_sent",
            Self::CodeFailed => "code_failed",
            Self::CodeLocked => "code_locked",
            Self::CodeVerified => "code_verified",
            Self::DeletionRequested => "deletion_requested",
            Self::DeletionReminded => "deletion_reminded",
            Self::DeletionCancelled => "deletion_cancelled",
            Self::AccountPurged => "account_purged",
        }
    }
}

pub async fn record(
    db: impl sqlx::AnyExecutor<'_>,
    now: i64,
    account: Option<&AccountId>,
    event: Event,
    client_ip: Option<&str>,
) -> sqlx::Result<()> {
    // Also to the log, where operators' tooling already looks (target `farewell::audit`).
    tracing::info!(
        target: "farewell::audit",
        event = event.as_str(),
        account = account.map(AccountId::as_str),
        client_ip,
    );
    sqlx::query("INSERT INTO audit_log (at, account_id, event, client_ip) VALUES ($1, $2, $3, $4)")
        .bind(now)
        .bind(account.map(AccountId::as_str))
        .bind(event.as_str())
        .bind(client_ip)
        .execute(db)
        .await?;
    Ok(())
}

/// Records `event` `times` over, for no account (the purge's, whose accounts are gone), in
/// one statement.
pub async fn record_anonymous(
    db: impl sqlx::AnyExecutor<'_>,
    now: i64,
    event: Event,
    times: usize,
) -> sqlx::Result<()> {
    if times == 0 {
        return Ok(());
    }
    for _ in 0..times {
        tracing::info!(target: "farewell::audit", event = event.as_str());
    }
    let rows = vec!["($1, NULL, $2, NULL)"; times].join(", ");
    sqlx::query(&format!("INSERT INTO audit_log (at, account_id, event, client_ip) VALUES {rows}"))
        .bind(now)
        .bind(event.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// One row of the trail as operators read it (`farewell-server audit`).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Entry {
    pub at: i64,
    pub account_id: Option<String>,
    pub event: String,
    pub client_ip: Option<String>,
}

/// Entries since `since` (Unix seconds), oldest first, of one account or all.
pub async fn since(
    db: impl sqlx::AnyExecutor<'_>,
    since: i64,
    account: Option<&str>,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(
        "SELECT at, account_id, event, client_ip FROM audit_log \
         WHERE at >= $1 AND ($2 IS NULL OR account_id = $3) ORDER BY id",
    )
    .bind(since)
    .bind(account)
    .bind(account)
    .fetch_all(db)
    .await
}
