//! Step 4, "Verify it's you": the password again, then a one-time code.
//!
//! Rules (SPEC §4): a password check counts for 10 minutes and rotates the session token; a
//! code is 6 digits from a CSPRNG, stored as a keyed hash bound to this request and channel,
//! single use, valid 10 minutes, 5 wrong tries; a new code after 60 s, at most 5 an hour;
//! 100 wrong codes in a row lock verification for an hour, and a resend does not reset that.

use axum::{Json, extract::State};
use axum_extra::extract::CookieJar;
use farewell_api::{
    Channel, DeletionState, ProblemCode, ReauthRequest, SendCodeRequest, VerifyCodeRequest,
    WizardStep,
};

use super::{current, require_step, usable};
use crate::{
    domain::{
        Email, Phone, SecretToken, VerificationCode,
        verification::{self, CODE_MAX_ATTEMPTS, CODE_TTL_SECS, LOCK_AFTER_FAILURES, LOCK_SECS},
    },
    error::{AppError, AppResult},
    extract::{AppJson, CurrentSession},
    messages::{self, Language},
    openapi::Refusals,
    routes::session::session_cookie,
    state::AppState,
    store::{
        self,
        audit::Event,
        codes::NewCode,
        outbox::{Medium, NewMessage},
    },
};

/// `POST /deletion/reauth`: a fresh password check, and a new session token.
#[utoipa::path(
    post,
    path = "/deletion/reauth",
    tag = "deletion",
    request_body = ReauthRequest,
    responses(
        (status = 200, body = DeletionState, description = "Checked; a new session cookie."),
        Refusals,
    ),
    security(("session" = [])),
)]
pub async fn reauth(
    State(state): State<AppState>,
    session: CurrentSession,
    jar: CookieJar,
    AppJson(request): AppJson<ReauthRequest>,
) -> AppResult<(CookieJar, Json<DeletionState>)> {
    let account = &session.account_id;
    require_step(&current(&state, account).await?, WizardStep::Verify)?;
    let row = store::accounts::find(&state.db, account).await?.ok_or(AppError::Unauthenticated)?;
    if !state.passwords.verify(Some(row.password_hash), request.password).await? {
        state.audit(account, Event::ReauthFailed).await?;
        return Err(AppError::WrongPassword);
    }
    // A session that proved the password again gets a new token: one stolen before is dead.
    let now = state.clock.unix();
    let token = SecretToken::generate();
    let mut tx = state.begin_write().await?;
    store::deletion::set_reauth(&mut *tx, account, now).await?;
    store::sessions::replace(&mut tx, &session.token_hash, &token.hash(), account, now).await?;
    store::audit::record(&mut *tx, now, Some(account), Event::Reauthenticated, None).await?;
    tx.commit().await?;
    Ok((jar.add(session_cookie(token.encode())), Json(current(&state, account).await?)))
}

/// `POST /deletion/code`: sends (or re-sends) a code to the chosen channel.
#[utoipa::path(
    post,
    path = "/deletion/code",
    tag = "deletion",
    request_body = SendCodeRequest,
    responses((status = 200, body = DeletionState), Refusals),
    security(("session" = [])),
)]
pub async fn send_code(
    State(state): State<AppState>,
    session: CurrentSession,
    AppJson(request): AppJson<SendCodeRequest>,
) -> AppResult<Json<DeletionState>> {
    let account = &session.account_id;
    let deletion = current(&state, account).await?;
    require_step(&deletion, WizardStep::Verify)?;
    require_fresh_reauth(&deletion)?;
    if let Some(code) = &deletion.verification.code
        && code.resend_in > 0
    {
        return Err(AppError::TooManyRequests {
            code: ProblemCode::TooManyRequests,
            retry_after: code.resend_in,
        });
    }
    let row = store::accounts::find(&state.db, account).await?.ok_or(AppError::Unauthenticated)?;
    let language = Language::from_tag(&row.language);
    let code = VerificationCode::generate();
    let (medium, recipient, rendered) = match request.channel {
        Channel::Email => (
            Medium::Email,
            Email::parse(&row.email).map(|e| e.to_string()),
            messages::code_email(language, code.as_str()),
        ),
        Channel::Phone => (
            Medium::Sms,
            row.phone.as_deref().and_then(Phone::parse).map(|p| p.to_string()),
            messages::code_sms(language, code.as_str()),
        ),
    };
    let recipient = recipient.ok_or_else(|| {
        AppError::Validation(
            [("channel".to_owned(), "This account has no such contact".to_owned())].into(),
        )
    })?;
    let request_id = store::deletion::find(&state.db, account)
        .await?
        .map(|r| r.request_id)
        .ok_or_else(|| AppError::StepOutOfOrder(vec!["before_you_go".to_owned()]))?;
    let channel = request.channel.as_str();
    let now = state.clock.unix();
    let mut tx = state.begin_write().await?;
    let code_hash = verification::code_hash(&state.code_key, &request_id, channel, &code);
    let new_code = NewCode {
        request_id: &request_id,
        channel,
        code_hash: &code_hash,
        expires_at: now + CODE_TTL_SECS,
    };
    store::codes::insert(&mut *tx, account, &new_code, now).await?;
    let message = NewMessage {
        account_id: Some(account.as_str()),
        medium,
        recipient: &recipient,
        language: language.tag(),
        subject: &rendered.subject,
        body: &rendered.body,
    };
    store::outbox::enqueue(&mut *tx, &message, now).await?;
    store::audit::record(&mut *tx, now, Some(account), Event::CodeSent, None).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(Json(current(&state, account).await?))
}

/// `POST /deletion/code/verify`.
#[utoipa::path(
    post,
    path = "/deletion/code/verify",
    tag = "deletion",
    request_body = VerifyCodeRequest,
    responses((status = 200, body = DeletionState), Refusals),
    security(("session" = [])),
)]
pub async fn verify_code(
    State(state): State<AppState>,
    session: CurrentSession,
    AppJson(request): AppJson<VerifyCodeRequest>,
) -> AppResult<Json<DeletionState>> {
    let account = &session.account_id;
    let deletion = current(&state, account).await?;
    require_step(&deletion, WizardStep::Verify)?;
    require_fresh_reauth(&deletion)?;
    let now = state.clock.unix();
    let (_, locked_until) = store::codes::failures(&state.db, account).await?;
    if let Some(until) = locked_until.filter(|&until| until > now) {
        return Err(locked(until - now));
    }
    let request_id =
        store::deletion::find(&state.db, account).await?.map(|r| r.request_id).unwrap_or_default();
    let code = store::codes::latest(&state.db, account)
        .await?
        .filter(|code| code.request_id == request_id && usable(code, now))
        .ok_or(AppError::CodeExpired)?;
    let typed = VerificationCode::parse(&request.code);
    let right = typed.as_ref().is_some_and(|typed| {
        verification::code_matches(
            &state.code_key,
            &request_id,
            &code.channel,
            typed,
            &code.code_hash,
        )
    });

    let mut tx = state.begin_write().await?;
    if !right {
        store::codes::count_attempt(&mut *tx, code.id).await?;
        let lock =
            store::codes::record_failure(&mut *tx, account, LOCK_AFTER_FAILURES, now + LOCK_SECS)
                .await?;
        let event = if lock.is_some() { Event::CodeLocked } else { Event::CodeFailed };
        store::audit::record(&mut *tx, now, Some(account), event, None).await?;
        tx.commit().await?;
        if lock.is_some() {
            return Err(locked(LOCK_SECS));
        }
        let remaining = (CODE_MAX_ATTEMPTS - code.attempts - 1).max(0) as u32;
        return Err(AppError::CodeInvalid { remaining });
    }
    store::codes::mark_used(&mut *tx, code.id, now).await?;
    store::codes::reset_failures(&mut *tx, account).await?;
    store::deletion::set_verified(&mut *tx, account, &code.channel, now).await?;
    store::audit::record(&mut *tx, now, Some(account), Event::CodeVerified, None).await?;
    tx.commit().await?;
    Ok(Json(current(&state, account).await?))
}

fn require_fresh_reauth(deletion: &DeletionState) -> AppResult<()> {
    if deletion.verification.reauth_fresh {
        Ok(())
    } else {
        Err(AppError::StepOutOfOrder(vec!["reauth".to_owned()]))
    }
}

fn locked(retry_after: i64) -> AppError {
    AppError::TooManyRequests {
        code: ProblemCode::CodeLocked,
        retry_after: retry_after.max(1) as u64,
    }
}
