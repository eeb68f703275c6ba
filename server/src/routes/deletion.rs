//! The close-account request: its state, and the steps that move it forward.
//!
//! Every step checks that the ones before it are done and answers `409` with what is unmet
//! otherwise, so a client that skips the wizard gets nowhere. The checklist is recomputed
//! from the account's data on every request: fixing a device or paying an instalment shows
//! up at once, and undoing it reopens the gate.

use axum::{Json, extract::State};
use farewell_api::{Acknowledgements, DeletionState, DeletionStatus, TermsRequest, WizardStep};

use crate::{
    domain::{
        AccountId,
        checklist::{self, Ticks},
    },
    error::{AppError, AppResult},
    extract::{AppJson, CurrentSession},
    state::AppState,
    store::{self, audit::Event},
};

/// `GET /deletion`.
pub async fn state(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<DeletionState>> {
    Ok(Json(current(&state, &session.account_id).await?))
}

/// `POST /deletion`: the person read "Before you go" and chose to continue.
pub async fn start(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<DeletionState>> {
    let before = current(&state, &session.account_id).await?;
    if before.status == DeletionStatus::None {
        store::deletion::start(&state.db, &session.account_id, state.clock.unix()).await?;
        state
            .audit(&session.account_id, Event::DeletionStarted)
            .await?;
    }
    Ok(Json(current(&state, &session.account_id).await?))
}

/// `PUT /deletion/acknowledgements`: the checklist's ticks.
pub async fn acknowledgements(
    State(state): State<AppState>,
    session: CurrentSession,
    AppJson(request): AppJson<Acknowledgements>,
) -> AppResult<Json<DeletionState>> {
    require_step(
        &current(&state, &session.account_id).await?,
        WizardStep::Checklist,
    )?;
    let ticks = Ticks {
        balance_forfeit: request.balance_forfeit,
        purchases_erased: request.purchases_erased,
        no_backup: request.no_backup,
    };
    store::deletion::set_ticks(&state.db, &session.account_id, &ticks, state.clock.unix()).await?;
    state
        .audit(&session.account_id, Event::DeletionAcknowledged)
        .await?;
    Ok(Json(current(&state, &session.account_id).await?))
}

/// `PUT /deletion/terms`: only once every checklist item passes.
pub async fn terms(
    State(state): State<AppState>,
    session: CurrentSession,
    AppJson(request): AppJson<TermsRequest>,
) -> AppResult<Json<DeletionState>> {
    require_step(
        &current(&state, &session.account_id).await?,
        WizardStep::Terms,
    )?;
    store::deletion::set_terms(
        &state.db,
        &session.account_id,
        request.accepted,
        state.clock.unix(),
    )
    .await?;
    if request.accepted {
        state
            .audit(&session.account_id, Event::DeletionTermsAccepted)
            .await?;
    }
    Ok(Json(current(&state, &session.account_id).await?))
}

/// Refuses a request for `step` while an earlier step is unfinished, naming what is missing:
/// the open checklist items, or the unfinished step itself.
pub fn require_step(deletion: &DeletionState, step: WizardStep) -> AppResult<()> {
    if deletion.status == DeletionStatus::PendingDeletion {
        return Err(AppError::StepOutOfOrder(vec![
            "already_requested".to_owned(),
        ]));
    }
    if deletion.next_step >= step {
        return Ok(());
    }
    let unmet = match deletion.next_step {
        WizardStep::Checklist => deletion
            .unmet()
            .map(|item| item.id.as_str().to_owned())
            .collect(),
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

/// The request's state as the server sees it now.
pub async fn current(state: &AppState, account: &AccountId) -> AppResult<DeletionState> {
    let row = store::deletion::find(&state.db, account).await?;
    let facts = store::inventory::checklist_facts(&state.db, account).await?;
    let ticks = row.as_ref().map(|r| r.ticks()).unwrap_or_default();
    let items = checklist::checklist(&facts, &ticks);
    let status = if row.is_some() {
        DeletionStatus::InProgress
    } else {
        DeletionStatus::None
    };
    let terms_accepted = row.as_ref().is_some_and(|r| r.terms_accepted);
    Ok(DeletionState {
        status,
        next_step: checklist::next_step(status, &items, terms_accepted),
        checklist: items,
        acknowledgements: Acknowledgements {
            balance_forfeit: ticks.balance_forfeit,
            purchases_erased: ticks.purchases_erased,
            no_backup: ticks.no_backup,
        },
        terms_accepted,
        scheduled_for: None,
    })
}
