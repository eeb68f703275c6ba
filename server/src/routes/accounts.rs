//! `POST /accounts`: creating an account (API only). An address freed by a purge can be used
//! again here.

use std::collections::BTreeMap;

use axum::{Json, extract::State, http::StatusCode};
use farewell_api::{Me, RegisterRequest};

use crate::{
    domain::{AccountId, Email, Phone},
    error::{AppError, AppResult},
    extract::AppJson,
    openapi::Refusals,
    routes::me::personal_info,
    state::AppState,
    store::{self, accounts::NewAccount},
};

#[utoipa::path(
    post,
    path = "/accounts",
    tag = "account",
    request_body = RegisterRequest,
    responses((status = 201, body = Me), Refusals),
)]
pub async fn register(
    State(state): State<AppState>,
    AppJson(request): AppJson<RegisterRequest>,
) -> AppResult<(StatusCode, Json<Me>)> {
    let mut fields = BTreeMap::new();
    let email = Email::parse(&request.email);
    if email.is_none() {
        fields
            .insert("email".to_owned(), "Enter an email address like name@example.com".to_owned());
    }
    let phone = match request.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => {
            let phone = Phone::parse(text);
            if phone.is_none() {
                fields.insert(
                    "phone".to_owned(),
                    "Enter a phone number with its country code".to_owned(),
                );
            }
            phone
        }
        None => None,
    };
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        fields.insert("name".to_owned(), "Enter a name of up to 100 characters".to_owned());
    }
    if !(8..=256).contains(&request.password.chars().count()) {
        fields.insert("password".to_owned(), "Use 8 to 256 characters".to_owned());
    }
    let Some(email) = email.filter(|_| fields.is_empty()) else {
        return Err(AppError::Validation(fields));
    };
    let password_hash = state.passwords.hash(request.password).await?;
    let id = AccountId::generate();
    let account = NewAccount {
        id: &id,
        email: &email,
        phone: phone.as_ref(),
        password_hash: &password_hash,
        name,
        region: "US",
        language: "en",
        created_at: state.clock.unix(),
    };
    let inserted = store::accounts::insert(&mut *state.write_connection().await?, &account).await;
    match inserted {
        Ok(()) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            let taken =
                [("email".to_owned(), "This email or phone number is already in use".to_owned())];
            return Err(AppError::Validation(taken.into()));
        }
        Err(e) => return Err(e.into()),
    }
    let row = store::accounts::find(&state.db, &id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(personal_info(&row)?)))
}
