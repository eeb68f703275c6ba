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
        checklist::{self, Facts, Progress, Ticks},
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
    store::{self, accounts::AccountRow, audit::Event, codes::CodeRow, deletion::DeletionRow},
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
    Ok(Json(Snapshot::read(&state, &session.account_id, &session.account).await?.render(&state)))
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
    let (account, now) = (&session.account_id, state.clock.unix());
    let mut tx = state.begin_write().await?;
    let before = Snapshot::load(&mut *tx, now, account, &session.account).await?.render(&state);
    if before.status != DeletionStatus::None {
        return Ok(Json(before));
    }
    store::deletion::start(&mut *tx, account, &random_id(), now).await?;
    store::audit::record(&mut *tx, now, Some(account), Event::DeletionStarted, None).await?;
    let after = Snapshot::load(&mut *tx, now, account, &session.account).await?.render(&state);
    tx.commit().await?;
    Ok(Json(after))
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
    let ticks = Ticks {
        balance_forfeit: request.balance_forfeit,
        purchases_erased: request.purchases_erased,
        no_backup: request.no_backup,
    };
    let now = state.clock.unix();
    let account = &session.account_id;
    let mut tx = state.begin_write().await?;
    let before = Snapshot::load(&mut *tx, now, account, &session.account).await?;
    require_step(&before.render(&state), WizardStep::Checklist)?;
    store::deletion::set_ticks(&mut *tx, account, &ticks, now).await?;
    store::audit::record(&mut *tx, now, Some(account), Event::DeletionAcknowledged, None).await?;
    tx.commit().await?;
    Ok(Json(before.with_ticks(&ticks).render(&state)))
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
    let now = state.clock.unix();
    let account = &session.account_id;
    let mut tx = state.begin_write().await?;
    let before = Snapshot::load(&mut *tx, now, account, &session.account).await?;
    require_step(&before.render(&state), WizardStep::Terms)?;
    store::deletion::set_terms(&mut *tx, account, request.accepted, now).await?;
    if request.accepted {
        store::audit::record(&mut *tx, now, Some(account), Event::DeletionTermsAccepted, None)
            .await?;
    }
    tx.commit().await?;
    Ok(Json(before.with_terms(request.accepted).render(&state)))
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
            let now = state.clock.unix();
            let mut tx = state.begin_write().await?;
            store::deletion::abandon(&mut tx, account).await?;
            store::audit::record(&mut *tx, now, Some(account), Event::DeletionAbandoned, None)
                .await?;
            tx.commit().await?;
        }
        DeletionStatus::None => {}
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The request's state as the server sees it now.
pub async fn current(state: &AppState, account: &AccountId) -> AppResult<DeletionState> {
    let account_row =
        store::accounts::find(&state.db, account).await?.ok_or(AppError::Unauthenticated)?;
    Ok(Snapshot::read(state, account, &account_row).await?.render(state))
}

/// Everything the close-account state is computed from, read at one moment. A step that
/// changes the request updates the snapshot in memory after its write instead of reading it
/// all again: every wizard step reads it, and round trips are what a request costs.
pub struct Snapshot<'a> {
    account: &'a AccountRow,
    request: Option<DeletionRow>,
    code: Option<CodeRow>,
    /// Codes sent in the last hour and when the oldest of them went, when there is a code.
    sent_last_hour: (i64, Option<i64>),
    facts: Facts,
    now: i64,
}

impl<'a> Snapshot<'a> {
    /// Reads the snapshot outside any write. `account` is the row of `id`, as the session or
    /// the caller already read it.
    pub async fn read(
        state: &AppState,
        id: &AccountId,
        account: &'a AccountRow,
    ) -> AppResult<Self> {
        Self::load(&state.db, state.clock.unix(), id, account).await
    }

    /// Reads the snapshot on `db`, in one statement, so it is of one moment. A step reads it
    /// inside its write transaction, so the check of the steps before it and its own write see
    /// the same state; on SQLite that is the writer's connection, whose page cache no other
    /// connection's writes invalidate, inside a transaction that is usually open already
    /// (`store::write_gate`).
    pub async fn load(
        db: impl sqlx::AnyExecutor<'_>,
        now: i64,
        id: &AccountId,
        account: &'a AccountRow,
    ) -> AppResult<Self> {
        let store::deletion::Standing { request, latest_code, codes_sent_since, facts } =
            store::deletion::standing(db, id, now, now - 3_600).await?;
        // Only a code of this request counts; an older request's is history.
        let code = latest_code
            .filter(|code| request.as_ref().is_some_and(|r| r.request_id == code.request_id));
        let sent_last_hour = match &code {
            Some(_) => codes_sent_since,
            None => (0, None),
        };
        Ok(Self { account, request, code, sent_last_hour, facts, now })
    }

    /// The state after this request's ticks were stored as `ticks`.
    fn with_ticks(mut self, ticks: &Ticks) -> Self {
        if let Some(request) = &mut self.request {
            request.balance_forfeit = ticks.balance_forfeit;
            request.purchases_erased = ticks.purchases_erased;
            request.no_backup = ticks.no_backup;
        }
        self
    }

    /// The state after the terms were stored as `accepted`.
    fn with_terms(mut self, accepted: bool) -> Self {
        if let Some(request) = &mut self.request {
            request.terms_accepted = accepted;
        }
        self
    }

    pub fn render(&self, state: &AppState) -> DeletionState {
        let row = self.request.as_ref();
        let ticks = row.map(DeletionRow::ticks).unwrap_or_default();
        let items = checklist::checklist(&self.facts, &ticks);
        let status = match (row, self.account.state.as_str()) {
            (_, "pending_deletion") => DeletionStatus::PendingDeletion,
            (Some(_), _) => DeletionStatus::InProgress,
            (None, _) => DeletionStatus::None,
        };
        let verification = self.verification();
        let progress = Progress {
            terms_accepted: row.is_some_and(|r| r.terms_accepted),
            reauth_fresh: verification.reauth_fresh,
            verified: verification.verified,
        };
        let timestamp = |t: i64| rfc3339(t).ok();
        DeletionState {
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
            reference: row.and_then(|r| r.reference.clone()),
            scheduled_for: row.and_then(|r| r.scheduled_for).and_then(timestamp),
            requested_at: row.and_then(|r| r.confirmed_at).and_then(timestamp),
            reminders: row
                .and_then(|r| r.scheduled_for)
                .map(|at| {
                    grace::reminder_times(state, at).into_iter().filter_map(timestamp).collect()
                })
                .unwrap_or_default(),
        }
    }

    fn verification(&self) -> Verification {
        let channels = channels(self.account);
        let Some(row) = &self.request else {
            return Verification { channels, ..Verification::default() };
        };
        let now = self.now;
        let code = self.code.as_ref().map(|code| {
            let channel = channel_of(&code.channel).unwrap_or(Channel::Email);
            CodeStatus {
                channel,
                sent_to: channels
                    .iter()
                    .find(|c| c.channel == channel)
                    .map(|c| c.masked.clone())
                    .unwrap_or_default(),
                resend_in: self.resend_in(code),
                expires_in: if usable(code, now) {
                    (code.expires_at - now).max(0) as u64
                } else {
                    0
                },
                attempts_left: (CODE_MAX_ATTEMPTS - code.attempts).max(0) as u32,
            }
        });
        Verification {
            reauth_fresh: row.reauth_at.is_some_and(|at| now - at <= REAUTH_FRESH_SECS),
            channels,
            code,
            verified: row.verified_at.is_some(),
            verified_channel: row.verified_channel.as_deref().and_then(channel_of),
        }
    }

    /// Seconds until another code may be sent: 60 s after the last, and no more than five an
    /// hour.
    fn resend_in(&self, latest: &CodeRow) -> u64 {
        let after_last = latest.created_at + RESEND_AFTER_SECS - self.now;
        let hourly = match self.sent_last_hour {
            (sent, Some(oldest)) if sent >= MAX_SENDS_PER_HOUR => oldest + 3_600 - self.now,
            _ => 0,
        };
        after_last.max(hourly).max(0) as u64
    }
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

/// A code can still be verified: unused, unexpired, tries left.
fn usable(code: &CodeRow, now: i64) -> bool {
    code.used_at.is_none() && code.expires_at > now && code.attempts < CODE_MAX_ATTEMPTS
}
