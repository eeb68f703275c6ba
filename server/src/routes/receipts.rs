//! `GET /receipt-key`: the public key anyone can verify a deletion receipt with.

use axum::{Json, extract::State};
use base64::{Engine, engine::general_purpose::STANDARD};
use farewell_api::ReceiptKey;

use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/receipt-key",
    tag = "deletion",
    responses((status = 200, body = ReceiptKey)),
)]
pub async fn receipt_key(State(state): State<AppState>) -> Json<ReceiptKey> {
    Json(ReceiptKey {
        algorithm: "Ed25519".to_owned(),
        public_key: STANDARD.encode(state.receipt_key.verifying_key().as_bytes()),
    })
}
