//! `GET /me`: the signed-in person's own information, contact details masked.

use anyhow::anyhow;
use axum::{Json, extract::State};
use farewell_api::{AccountState, LanguageRequest, Me};

use crate::{
    clock::rfc3339,
    domain::{Email, Phone},
    error::{AppError, AppResult},
    extract::{AppJson, CurrentSession},
    openapi::Refusals,
    state::AppState,
    store::{self, accounts::AccountRow},
};

#[utoipa::path(
    get,
    path = "/me",
    tag = "account",
    responses((status = 200, body = Me), Refusals),
    security(("session" = [])),
)]
pub async fn me(session: CurrentSession) -> AppResult<Json<Me>> {
    Ok(Json(personal_info(&session.account)?))
}

/// The personal-info view of an account, as `GET /me` and a sign-in answer it.
pub fn personal_info(account: &AccountRow) -> anyhow::Result<Me> {
    let email = Email::parse(&account.email).ok_or_else(|| anyhow!("stored email is invalid"))?;
    let phone = account
        .phone
        .as_deref()
        .map(|p| Phone::parse(p).ok_or_else(|| anyhow!("stored phone is invalid")))
        .transpose()?;
    let member_since = rfc3339(account.created_at)?;
    Ok(Me {
        account_id: account.id.clone(),
        name: account.name.clone(),
        email_masked: email.masked(),
        phone_masked: phone.map(|p| p.masked()),
        region: account.region.clone(),
        member_since,
        language: account.language.clone(),
        state: match account.state.as_str() {
            "pending_deletion" => AccountState::PendingDeletion,
            _ => AccountState::Active,
        },
    })
}

/// `PUT /me/language`: emails and messages follow the language the person reads the app in.
#[utoipa::path(
    put,
    path = "/me/language",
    tag = "account",
    request_body = LanguageRequest,
    responses((status = 200, body = Me), Refusals),
    security(("session" = [])),
)]
pub async fn set_language(
    State(state): State<AppState>,
    session: CurrentSession,
    AppJson(request): AppJson<LanguageRequest>,
) -> AppResult<Json<Me>> {
    let language = match request.language.as_str() {
        tag @ ("en" | "zh-CN") => tag,
        _ => {
            let message = "Choose en or zh-CN".to_owned();
            return Err(AppError::Validation([("language".to_owned(), message)].into()));
        }
    };
    let mut db = state.write_connection().await?;
    store::accounts::set_language(&mut *db, &session.account_id, language).await?;
    drop(db);
    let account = store::accounts::find(&state.db, &session.account_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Json(personal_info(&account)?))
}
