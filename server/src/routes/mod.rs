//! The `/api/v1` router: one module per resource.

pub mod health;
pub mod me;
pub mod session;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{delete, get, post},
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
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}
