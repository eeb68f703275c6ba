//! Linked devices and their fixes: remote sign-out, and turning Find My Device off.
//!
//! A device with Find My Device on cannot be signed out remotely — it would leave the phone
//! locked to an account that is about to disappear. Turning it off needs the password again,
//! because it is exactly what a thief with a stolen session would want.

use axum::{
    Json,
    extract::{Path, State},
};
use farewell_api::{Device, PasswordConfirmation};

use crate::{
    error::{AppError, AppResult},
    extract::{AppJson, CurrentSession},
    openapi::Refusals,
    state::AppState,
    store::{self, accounts::AccountRow, audit::Event},
};

#[utoipa::path(
    get,
    path = "/devices",
    tag = "devices",
    responses((status = 200, body = Vec<Device>), Refusals),
    security(("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<Vec<Device>>> {
    let rows = store::devices::list(&state.db, &session.account_id).await?;
    let devices = rows.iter().map(|row| row.to_wire()).collect::<anyhow::Result<_>>()?;
    Ok(Json(devices))
}

/// Signs one device out. Repeating it is harmless; with Find My Device on it is `409`.
#[utoipa::path(
    post,
    path = "/devices/{id}/sign-out",
    tag = "devices",
    params(("id" = String, Path, description = "The device ID from `GET /devices`.")),
    responses((status = 200, body = Device), Refusals),
    security(("session" = [])),
)]
pub async fn sign_out(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<String>,
) -> AppResult<Json<Device>> {
    let device = store::devices::find(&state.db, &session.account_id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    active_account(&session)?;
    if device.find_my_device {
        return Err(AppError::FindMyDeviceOn);
    }
    let account = &session.account_id;
    let mut tx = state.begin_write().await?;
    if store::devices::sign_out(&mut *tx, account, &id).await? && device.signed_in {
        let now = state.clock.unix();
        store::audit::record(&mut *tx, now, Some(account), Event::DeviceSignedOut, None).await?;
    }
    tx.commit().await?;
    current(&state, &session, &id).await
}

/// Turns Find My Device off after checking the password; a wrong one changes nothing.
#[utoipa::path(
    post,
    path = "/devices/{id}/find-my-device/off",
    tag = "devices",
    params(("id" = String, Path, description = "The device ID from `GET /devices`.")),
    request_body = PasswordConfirmation,
    responses((status = 200, body = Device), Refusals),
    security(("session" = [])),
)]
pub async fn find_my_device_off(
    State(state): State<AppState>,
    session: CurrentSession,
    Path(id): Path<String>,
    AppJson(request): AppJson<PasswordConfirmation>,
) -> AppResult<Json<Device>> {
    store::devices::find(&state.db, &session.account_id, &id).await?.ok_or(AppError::NotFound)?;
    let account = active_account(&session)?;
    if !state.passwords.verify(Some(account.password_hash.clone()), request.password).await? {
        state.audit(&session.account_id, Event::FindMyDeviceOffRefused).await?;
        return Err(AppError::WrongPassword);
    }
    let account = &session.account_id;
    let mut tx = state.begin_write().await?;
    store::devices::turn_off_find_my_device(&mut *tx, account, &id).await?;
    let now = state.clock.unix();
    store::audit::record(&mut *tx, now, Some(account), Event::FindMyDeviceOff, None).await?;
    tx.commit().await?;
    current(&state, &session, &id).await
}

/// During the grace period devices stay as they were at confirmation, so that cancelling
/// restores the account exactly.
fn active_account(session: &CurrentSession) -> AppResult<&AccountRow> {
    if session.account.state == "pending_deletion" {
        return Err(AppError::PendingDeletion);
    }
    Ok(&session.account)
}

async fn current(state: &AppState, session: &CurrentSession, id: &str) -> AppResult<Json<Device>> {
    let device = store::devices::find(&state.db, &session.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(device.to_wire()?))
}
