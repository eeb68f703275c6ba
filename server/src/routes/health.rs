//! Liveness and readiness probes for load balancers and orchestrators.

use axum::{Json, extract::State};

use crate::{
    error::AppResult,
    openapi::{Refusals, Status},
    state::AppState,
};

/// The process is up.
#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    responses((status = 200, body = Status, description = "The process is up.")),
)]
pub async fn health() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// The process can serve: its database answers.
#[utoipa::path(
    get,
    path = "/ready",
    tag = "health",
    responses((status = 200, body = Status, description = "The database answers."), Refusals),
)]
pub async fn ready(State(state): State<AppState>) -> AppResult<Json<Status>> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    Ok(Json(Status { status: "ready" }))
}
