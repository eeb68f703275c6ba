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

use axum::{Json, Router, extract::DefaultBodyLimit, routing::get};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::AppError, openapi::ApiDoc, state::AppState};

/// Largest request body any route accepts; every JSON body we take is a small form.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Every documented route, and the OpenAPI document describing exactly those routes.
pub fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(session::sign_in, session::sign_out))
        .routes(routes!(session::sign_out_everywhere))
        .routes(routes!(me::me))
        .routes(routes!(me::set_language))
        .routes(routes!(inventory::inventory))
        .routes(routes!(devices::list))
        .routes(routes!(devices::sign_out))
        .routes(routes!(devices::find_my_device_off))
        .routes(routes!(deletion::state, deletion::start, deletion::abandon))
        .routes(routes!(deletion::acknowledgements))
        .routes(routes!(deletion::terms))
        .routes(routes!(deletion::verify::reauth))
        .routes(routes!(deletion::verify::send_code))
        .routes(routes!(deletion::verify::verify_code))
        .routes(routes!(deletion::confirm::confirm))
        .routes(routes!(dev::outbox))
        .routes(routes!(cancel::preview, cancel::cancel))
        .routes(routes!(receipts::receipt_key))
        .routes(routes!(export::latest, export::request))
        .routes(routes!(export::download))
        .routes(routes!(accounts::register))
        .split_for_parts()
}

pub fn api_router() -> Router<AppState> {
    let (router, document) = documented();
    let document = document.to_json().expect("the OpenAPI document serializes");
    let document: serde_json::Value =
        serde_json::from_str(&document).expect("the OpenAPI document is JSON");
    router
        .route("/openapi.json", get(move || async move { Json(document) }))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}
