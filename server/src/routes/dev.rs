//! `GET /dev/outbox` (dev mode only): the messages "sent", so a person can finish the flow on
//! a machine without mail or an SMS carrier. Anywhere else it does not exist.

use axum::{
    Json,
    extract::{Query, State},
};
use serde::Deserialize;

use crate::{
    error::{AppError, AppResult},
    openapi::Refusals,
    state::AppState,
    store::{self, outbox::Message},
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only messages to this email address or E.164 phone number.
    to: Option<String>,
}

#[utoipa::path(
    get,
    path = "/dev/outbox",
    tag = "dev",
    params(OutboxQuery),
    responses((status = 200, body = Vec<Message>), Refusals),
)]
pub async fn outbox(
    State(state): State<AppState>,
    Query(query): Query<OutboxQuery>,
) -> AppResult<Json<Vec<Message>>> {
    if !state.config.dev {
        return Err(AppError::NotFound);
    }
    Ok(Json(store::outbox::recent(&state.db, query.to.as_deref(), 50).await?))
}
