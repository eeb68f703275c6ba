//! The one-time cancel link from the emails: `/cancel/{token}` works without signing in. A
//! used, expired (purged) or forged token says so plainly and changes nothing.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use farewell_api::CancelPreview;

use crate::{
    clock::rfc3339,
    domain::{AccountId, Email, SecretToken},
    error::{AppError, AppResult},
    grace,
    openapi::Refusals,
    state::AppState,
    store,
};

async fn account_of(state: &AppState, token: &str) -> AppResult<AccountId> {
    let token = SecretToken::parse(token).ok_or(AppError::NotFound)?;
    store::cancel_tokens::account_of(&state.db, &token.hash())
        .await?
        .and_then(|id| AccountId::parse(&id))
        .ok_or(AppError::NotFound)
}

/// `GET /cancel/{token}`: whose request the link would cancel, masked, and when it is due.
#[utoipa::path(
    get,
    path = "/cancel/{token}",
    tag = "deletion",
    params(("token" = String, Path, description = "The one-time token from the cancel link.")),
    responses((status = 200, body = CancelPreview), Refusals),
)]
pub async fn preview(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<CancelPreview>> {
    let account = account_of(&state, &token).await?;
    let row = store::accounts::find(&state.db, &account).await?.ok_or(AppError::NotFound)?;
    let request = store::deletion::find(&state.db, &account).await?.ok_or(AppError::NotFound)?;
    let scheduled = request.scheduled_for.ok_or(AppError::NotFound)?;
    Ok(Json(CancelPreview {
        email_masked: Email::parse(&row.email).map(|e| e.masked()).unwrap_or_default(),
        scheduled_for: rfc3339(scheduled)?,
    }))
}

/// `POST /cancel/{token}`: keeps the account.
#[utoipa::path(
    post,
    path = "/cancel/{token}",
    tag = "deletion",
    params(("token" = String, Path, description = "The one-time token from the cancel link.")),
    responses(
        (status = 204, description = "The deletion is cancelled; the account is kept."),
        Refusals,
    ),
)]
pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<StatusCode> {
    let account = account_of(&state, &token).await?;
    grace::cancel(&state, &account).await?;
    Ok(StatusCode::NO_CONTENT)
}
