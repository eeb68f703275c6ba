//! The close-account request: its state, and the steps that move it forward.
//!
//! Every step checks that the ones before it are done and answers `409` with what is unmet
//! otherwise, so a client that skips the wizard gets nowhere. The checklist is recomputed
//! from the account's data on every request: fixing a device or paying an instalment shows
//! up at once, and undoing it reopens the gate.

pub mod confirm;
pub mod verify;

use axum::{Json, extract::State, http::StatusCode};
use farewell_api::{
    Acknowledgements, Channel, ChannelOption, CodeStatus, DeletionState, DeletionStatus,
    TermsRequest, Verification, WizardStep,
};

use crate::{
    clock::rfc3339,
    domain::{
        AccountId, Email, Phone,
        checklist::{self, Progress, Ticks},
        random_id,
        verification::{
            CODE_MAX_ATTEMPTS, MAX_SENDS_PER_HOUR, REAUTH_FRESH_SECS, RESEND_AFTER_SECS,
        },
    },
    error::{AppError, AppResult},
    extract::{AppJson, CurrentSession},
    grace,
    openapi::Refusals,
    state::AppState,
    store::{self, audit::Event, codes::CodeRow, deletion::DeletionRow},
};

/// `GET /deletion`.
#[utoipa::path(
    get,
    path = "/deletion",
    tag = "deletion",
    responses((status = 200, body = DeletionState), Refusals),
    security(("session" = [])),
)]
pub async fn state(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<DeletionState>> {
    Ok(Json(current(&state, &session.account_id).await?))
}

/// `POST /deletion`: the person read "Before you go" and chose to continue.
#[utoipa::path(
    post,
    path = "/deletion",
    tag = "deletion",
    responses((status = 200, body = DeletionState), Refusals),
    security(("session" = [])),
)]
pub async fn start(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<DeletionState>> {
    let before = current(&state, &session.account_id).await?;
    if before.status == DeletionStatus::None {
        let request_id = random_id();
        store::deletion::start(&state.db, &session.account_id, &request_id, state.clock.unix())
            .await?;
        state.audit(&session.account_id, Event::DeletionStarted).await?;
    }
    Ok(Json(current(&state, &session.account_id).await?))
}

/// `PUT /deletion/acknowledgements`: the checklist's ticks.
#[utoipa::path(
    put,
    path = "/deletion/acknowledgements",
    tag = "deletion",
    request_body = Acknowledgements,
    responses((status = 200, body = DeletionState), Refusals),
    security(("session" = [])),
)]
pub async fn acknowledgements(
    State(state): State<AppState>,
    session: CurrentSession,
    AppJson(request): AppJson<Acknowledgements>,
) -> AppResult<Json<DeletionState>> {
    require_step(&current(&state, &session.account_id).await?, WizardStep::Checklist)?;
    let ticks = Ticks {
        balance_forfeit: request.balance_forfeit,
        purchases_erased: request.purchases_erased,
        no_backup: request.no_backup,
    };
    store::deletion::set_ticks(&state.db, &session.account_id, &ticks, state.clock.unix()).await?;
    state.audit(&session.account_id, Event::DeletionAcknowledged).await?;
    Ok(Json(current(&state, &session.account_id).await?))
}

/// `PUT /deletion/terms`: only once every checklist item passes.
#[utoipa::path(
    put,
    path = "/deletion/terms",
    tag = "deletion",
    request_body = TermsRequest,
    responses((status = 200, body = DeletionState), Refusals),
    security(("session" = [])),
)]
pub async fn terms(
    State(state): State<AppState>,
    session: CurrentSession,
    AppJson(request): AppJson<TermsRequest>,
) -> AppResult<Json<DeletionState>> {
    require_step(&current(&state, &session.account_id).await?, WizardStep::Terms)?;
    store::deletion::set_terms(
        &state.db,
        &session.account_id,
        request.accepted,
        state.clock.unix(),
    )
    .await?;
    if request.accepted {
        state.audit(&session.account_id, Event::DeletionTermsAccepted).await?;
    }
    Ok(Json(current(&state, &session.account_id).await?))
}

/// Refuses a request for `step` while an earlier step is unfinished, naming what is missing:
/// the open checklist items, or the unfinished step itself.
pub fn require_step(deletion: &DeletionState, step: WizardStep) -> AppResult<()> {
    if deletion.status == DeletionStatus::PendingDeletion {
        return Err(AppError::StepOutOfOrder(vec!["already_requested".to_owned()]));
    }
    if deletion.next_step >= step {
        return Ok(());
    }
    let unmet = match deletion.next_step {
        WizardStep::Checklist => deletion.unmet().map(|item| item.id.as_str().to_owned()).collect(),
        earlier => vec![step_name(earlier).to_owned()],
    };
    Err(AppError::StepOutOfOrder(unmet))
}

fn step_name(step: WizardStep) -> &'static str {
    match step {
        WizardStep::BeforeYouGo => "before_you_go",
        WizardStep::Checklist => "checklist",
        WizardStep::Terms => "terms",
        WizardStep::Verify => "verify",
        WizardStep::Confirm => "confirm",
        WizardStep::Done => "done",
    }
}

/// `DELETE /deletion`: while preparing, the person walks away (ticks, verification and codes
/// of this request are forgotten); while pending, the request is cancelled and the account is
/// kept as it was.
#[utoipa::path(
    delete,
    path = "/deletion",
    tag = "deletion",
    responses(
        (status = 204, description = "Abandoned, or cancelled during the grace period."),
        Refusals,
    ),
    security(("session" = [])),
)]
pub async fn abandon(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<StatusCode> {
    let account = &session.account_id;
    match current(&state, account).await?.status {
        DeletionStatus::PendingDeletion => grace::cancel(&state, account).await?,
        DeletionStatus::InProgress => {
            store::deletion::abandon(&state.db, account).await?;
            state.audit(account, Event::DeletionAbandoned).await?;
        }
        DeletionStatus::None => {}
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The request's state as the server sees it now.
pub async fn current(state: &AppState, account: &AccountId) -> AppResult<DeletionState> {
    let now = state.clock.unix();
    let account_row =
        store::accounts::find(&state.db, account).await?.ok_or(AppError::Unauthenticated)?;
    let row = store::deletion::find(&state.db, account).await?;
    let facts = store::inventory::checklist_facts(&state.db, account, now).await?;
    let ticks = row.as_ref().map(DeletionRow::ticks).unwrap_or_default();
    let items = checklist::checklist(&facts, &ticks);
    let status = match (&row, account_row.state.as_str()) {
        (_, "pending_deletion") => DeletionStatus::PendingDeletion,
        (Some(_), _) => DeletionStatus::InProgress,
        (None, _) => DeletionStatus::None,
    };
    let verification = verification(state, account, &account_row, row.as_ref(), now).await?;
    let progress = Progress {
        terms_accepted: row.as_ref().is_some_and(|r| r.terms_accepted),
        reauth_fresh: verification.reauth_fresh,
        verified: verification.verified,
    };
    let timestamp = |t: i64| rfc3339(t).ok();
    Ok(DeletionState {
        status,
        next_step: checklist::next_step(status, &items, progress),
        checklist: items,
        acknowledgements: Acknowledgements {
            balance_forfeit: ticks.balance_forfeit,
            purchases_erased: ticks.purchases_erased,
            no_backup: ticks.no_backup,
        },
        terms_accepted: progress.terms_accepted,
        verification,
        reference: row.as_ref().and_then(|r| r.reference.clone()),
        scheduled_for: row.as_ref().and_then(|r| r.scheduled_for).and_then(timestamp),
        requested_at: row.as_ref().and_then(|r| r.confirmed_at).and_then(timestamp),
        reminders: row
            .as_ref()
            .and_then(|r| r.scheduled_for)
            .map(|at| grace::reminder_times(state, at).into_iter().filter_map(timestamp).collect())
            .unwrap_or_default(),
    })
}

/// Where a code can go, for the person to choose.
pub fn channels(account: &store::accounts::AccountRow) -> Vec<ChannelOption> {
    let email = Email::parse(&account.email)
        .map(|e| ChannelOption { channel: Channel::Email, masked: e.masked() });
    let phone = account
        .phone
        .as_deref()
        .and_then(Phone::parse)
        .map(|p| ChannelOption { channel: Channel::Phone, masked: p.masked() });
    email.into_iter().chain(phone).collect()
}

fn channel_of(name: &str) -> Option<Channel> {
    match name {
        "email" => Some(Channel::Email),
        "phone" => Some(Channel::Phone),
        _ => None,
    }
}

async fn verification(
    state: &AppState,
    account: &AccountId,
    account_row: &store::accounts::AccountRow,
    row: Option<&DeletionRow>,
    now: i64,
) -> AppResult<Verification> {
    let channels = channels(account_row);
    let Some(row) = row else {
        return Ok(Verification { channels, ..Verification::default() });
    };
    let latest = store::codes::latest(&state.db, account)
        .await?
        .filter(|code| code.request_id == row.request_id);
    let code = match latest {
        Some(code) => {
            let resend_in = resend_in(state, account, &code, now).await?;
            let channel = channel_of(&code.channel).unwrap_or(Channel::Email);
            Some(CodeStatus {
                channel,
                sent_to: channels
                    .iter()
                    .find(|c| c.channel == channel)
                    .map(|c| c.masked.clone())
                    .unwrap_or_default(),
                resend_in,
                expires_in: if usable(&code, now) {
                    (code.expires_at - now).max(0) as u64
                } else {
                    0
                },
                attempts_left: (CODE_MAX_ATTEMPTS - code.attempts).max(0) as u32,
            })
        }
        None => None,
    };
    Ok(Verification {
        reauth_fresh: row.reauth_at.is_some_and(|at| now - at <= REAUTH_FRESH_SECS),
        channels,
        code,
        verified: row.verified_at.is_some(),
        verified_channel: row.verified_channel.as_deref().and_then(channel_of),
    })
}

/// A code can still be verified: unused, unexpired, tries left.
fn usable(code: &CodeRow, now: i64) -> bool {
    code.used_at.is_none() && code.expires_at > now && code.attempts < CODE_MAX_ATTEMPTS
}

/// Seconds until another code may be sent: 60 s after the last, and no more than five an hour.
async fn resend_in(
    state: &AppState,
    account: &AccountId,
    latest: &CodeRow,
    now: i64,
) -> AppResult<u64> {
    let after_last = latest.created_at + RESEND_AFTER_SECS - now;
    let (sent, oldest) = store::codes::sent_since(&state.db, account, now - 3_600).await?;
    let hourly = match oldest {
        Some(oldest) if sent >= MAX_SENDS_PER_HOUR => oldest + 3_600 - now,
        _ => 0,
    };
    Ok(after_last.max(hourly).max(0) as u64)
}
