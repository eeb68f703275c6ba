//! `GET /inventory`: what the account holds, per category.

use axum::{Json, extract::State};
use farewell_api::Inventory;

use crate::{
    openapi::Refusals,
    {error::AppResult, extract::CurrentSession, state::AppState, store},
};

#[utoipa::path(
    get,
    path = "/inventory",
    tag = "account",
    responses((status = 200, body = Inventory), Refusals),
    security(("session" = [])),
)]
pub async fn inventory(
    State(state): State<AppState>,
    session: CurrentSession,
) -> AppResult<Json<Inventory>> {
    let inventory =
        store::inventory::inventory(&state.db, &session.account_id, state.clock.unix()).await?;
    Ok(Json(inventory))
}
