//! Liveness and readiness probes for load balancers and orchestrators.

use axum::{Json, extract::State};
use serde_json::{Value, json};

use crate::{error::AppResult, state::AppState};

/// The process is up.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process can serve: its database answers.
pub async fn ready(State(state): State<AppState>) -> AppResult<Json<Value>> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    Ok(Json(json!({ "status": "ready" })))
}
