//! Step 5, "Check and confirm": the typed account ID or email, then the request is accepted.
//!
//! Confirming needs every earlier step (checklist, terms, a password check under 10 minutes
//! old, a verified code). It moves the account to `pending_deletion` with its purge date,
//! queues the confirmation email with a one-time cancel link, and ends every session of the
//! account, all in one transaction. A retry with the same (now ended) session cookie answers
//! the same reference, so a double-click or a lost response cannot confuse anyone.

use anyhow::Context;
use axum::{Json, extract::State, http::StatusCode};
use axum_extra::extract::CookieJar;
use farewell_api::{ConfirmRequest, Confirmation, DeletionStatus, WizardStep};
use rand::{Rng, rngs::OsRng};
use time::OffsetDateTime;

use super::{current, require_step};
use crate::{
    clock::rfc3339,
    domain::{AccountId, Email, SecretToken, confirmation},
    error::{AppError, AppResult},
    extract::{AppJson, CurrentSession, SESSION_COOKIE},
    grace,
    messages::{self, DeletionConfirmed, Language},
    openapi::Refusals,
    routes::session::expired_session_cookie,
    state::AppState,
    store::{self, accounts::AccountRow, audit::Event, deletion::Confirmed, outbox::NewMessage},
};

#[utoipa::path(
    post,
    path = "/deletion/confirm",
    tag = "deletion",
    request_body = ConfirmRequest,
    responses(
        (status = 202, body = Confirmation, description = "Accepted: every session has ended."),
        Refusals,
    ),
    security((), ("session" = [])),
)]
pub async fn confirm(
    State(state): State<AppState>,
    session: Option<CurrentSession>,
    jar: CookieJar,
    AppJson(request): AppJson<ConfirmRequest>,
) -> AppResult<(StatusCode, CookieJar, Json<Confirmation>)> {
    let Some(session) = session else {
        let confirmation = retried(&state, &jar).await?;
        return Ok((StatusCode::ACCEPTED, jar.add(expired_session_cookie()), Json(confirmation)));
    };
    let jar = jar.add(expired_session_cookie());
    let account = &session.account_id;
    let row = store::accounts::find(&state.db, account).await?.ok_or(AppError::Unauthenticated)?;
    let deletion = current(&state, account).await?;
    if deletion.status == DeletionStatus::PendingDeletion {
        return Ok((StatusCode::ACCEPTED, jar, Json(confirmation(&state, &row).await?)));
    }
    require_step(&deletion, WizardStep::Confirm)?;
    let email = Email::parse(&row.email).context("a stored email is valid")?;
    if !confirmation::matches(&request.confirmation, account, &email) {
        return Err(AppError::ConfirmationMismatch);
    }

    let now = state.clock.unix();
    let scheduled_for = now + i64::try_from(state.config.grace.as_secs()).unwrap_or(i64::MAX / 2);
    let reference = reference();
    let mut tx = state.begin_write().await?;
    let cancel_url = grace::cancel_link(&state, &mut tx, account, now).await?;
    let language = Language::from_tag(&row.language);
    let email = messages::deletion_confirmed(
        language,
        &DeletionConfirmed {
            name: &row.name,
            reference: &reference,
            scheduled_for: OffsetDateTime::from_unix_timestamp(scheduled_for)
                .map_err(anyhow::Error::from)?,
            cancel_url: &cancel_url,
        },
    );

    store::accounts::set_state(&mut *tx, account, "pending_deletion").await?;
    let confirmed =
        Confirmed { reference: &reference, scheduled_for, confirmed_by: &session.token_hash.0 };
    store::deletion::confirm(&mut *tx, account, &confirmed, now).await?;
    let message = NewMessage::email(Some(account.as_str()), &row.email, language, &email);
    store::outbox::enqueue(&mut *tx, &message, now).await?;
    store::sessions::delete_all(&mut *tx, account).await?;
    store::audit::record(&mut *tx, now, Some(account), Event::DeletionRequested, None).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok((StatusCode::ACCEPTED, jar, Json(confirmation(&state, &row).await?)))
}

/// A repeat from the session that confirmed: its cookie no longer signs in, but it may learn
/// the answer it already got.
async fn retried(state: &AppState, jar: &CookieJar) -> AppResult<Confirmation> {
    let hash = jar
        .get(SESSION_COOKIE)
        .and_then(|c| SecretToken::parse(c.value()))
        .map(|t| t.hash())
        .ok_or(AppError::Unauthenticated)?;
    let account_id = store::deletion::confirmed_by(&state.db, &hash.0)
        .await?
        .and_then(|id| AccountId::parse(&id))
        .ok_or(AppError::Unauthenticated)?;
    let row =
        store::accounts::find(&state.db, &account_id).await?.ok_or(AppError::Unauthenticated)?;
    confirmation(state, &row).await
}

async fn confirmation(state: &AppState, account: &AccountRow) -> AppResult<Confirmation> {
    let id = AccountId::parse(&account.id).ok_or_else(|| anyhow::anyhow!("bad stored id"))?;
    let row = store::deletion::find(&state.db, &id)
        .await?
        .filter(|r| r.confirmed_at.is_some())
        .ok_or(AppError::NotFound)?;
    let date = |t: Option<i64>| {
        rfc3339(t.ok_or_else(|| anyhow::anyhow!("confirmed request without dates"))?)
    };
    Ok(Confirmation {
        reference: row.reference.clone().unwrap_or_default(),
        requested_at: date(row.confirmed_at)?,
        scheduled_for: date(row.scheduled_for)?,
        email_masked: Email::parse(&account.email).map(|e| e.masked()).unwrap_or_default(),
        export_sha256: store::exports::downloaded_sha256(&state.db, &id, state.clock.unix())
            .await?,
    })
}

/// `DEL-7K3M-9Q2X`: easy to read aloud to support, no 0/O or 1/I confusion.
fn reference() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut pick = || ALPHABET[OsRng.gen_range(0..ALPHABET.len())] as char;
    let group = |pick: &mut dyn FnMut() -> char| (0..4).map(|_| pick()).collect::<String>();
    format!("DEL-{}-{}", group(&mut pick), group(&mut pick))
}
