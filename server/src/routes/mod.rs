//! The `/api/v1` router: one module per resource.

pub mod accounts;
pub mod cancel;
pub mod deletion;
pub mod dev;
pub mod devices;
pub mod export;
pub mod health;
pub mod inventory;
pub mod me;
pub mod receipts;
pub mod session;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{delete, get, post, put},
};

use crate::{error::AppError, state::AppState};

/// Largest request body any route accepts; every JSON body we take is a small form.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/sessions", delete(session::sign_out_everywhere))
        .route("/me", get(me::me))
        .route("/me/language", put(me::set_language))
        .route("/inventory", get(inventory::inventory))
        .route("/devices", get(devices::list))
        .route("/devices/{id}/sign-out", post(devices::sign_out))
        .route("/devices/{id}/find-my-device/off", post(devices::find_my_device_off))
        .route("/deletion", get(deletion::state).post(deletion::start).delete(deletion::abandon))
        .route("/deletion/acknowledgements", put(deletion::acknowledgements))
        .route("/deletion/terms", put(deletion::terms))
        .route("/deletion/reauth", post(deletion::reauth))
        .route("/deletion/code", post(deletion::send_code))
        .route("/deletion/code/verify", post(deletion::verify_code))
        .route("/deletion/confirm", post(deletion::confirm))
        .route("/dev/outbox", get(dev::outbox))
        .route("/cancel/{token}", get(cancel::preview).post(cancel::cancel))
        .route("/receipt-key", get(receipts::receipt_key))
        .route("/export", get(export::latest).post(export::request))
        .route("/export/{id}/download", get(export::download))
        .route("/accounts", post(accounts::register))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}
