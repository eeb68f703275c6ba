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
    Router, body::Bytes, extract::DefaultBodyLimit, http::header, middleware, routing::get,
};
use utoipa::OpenApi;
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouter},
    routes,
};

use crate::{
    error::AppError,
    openapi::{self, ApiDoc},
    security,
    state::AppState,
};

/// Largest request body any route accepts; every JSON body we take is a small form.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Every documented route, and the OpenAPI document describing exactly those routes.
pub fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let routes: [UtoipaMethodRouter<AppState>; 23] = [
        routes!(health::health),
        routes!(health::ready),
        routes!(session::status, session::sign_in, session::sign_out),
        routes!(session::sign_out_everywhere),
        routes!(me::me),
        routes!(me::set_language),
        routes!(inventory::inventory),
        routes!(devices::list),
        routes!(devices::sign_out),
        routes!(devices::find_my_device_off),
        routes!(deletion::state, deletion::start, deletion::abandon),
        routes!(deletion::acknowledgements),
        routes!(deletion::terms),
        routes!(deletion::verify::reauth),
        routes!(deletion::verify::send_code),
        routes!(deletion::verify::verify_code),
        routes!(deletion::confirm::confirm),
        routes!(dev::outbox),
        routes!(cancel::preview, cancel::cancel),
        routes!(receipts::receipt_key),
        routes!(export::latest, export::request),
        routes!(export::download),
        routes!(accounts::register),
    ];
    let (router, mut document) = routes
        .into_iter()
        .fold(OpenApiRouter::with_openapi(ApiDoc::openapi()), |router, routes| {
            router.routes(guarded(routes))
        })
        .split_for_parts();
    openapi::require_csrf_header(&mut document);
    (router, document)
}

/// The CSRF guard on each method a route serves, not around the route: a method it does not
/// serve stays a plain `405`, whatever headers came with it.
fn guarded(routes: UtoipaMethodRouter<AppState>) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, methods) = routes;
    (schemas, paths, methods.route_layer(middleware::from_fn(security::csrf_guard)))
}

pub fn api_router() -> Router<AppState> {
    let (router, document) = documented();
    // Serialized once at start-up; each request gets a cheap clone of the same bytes.
    let document = Bytes::from(document.to_json().expect("the OpenAPI document serializes"));
    let serve = move || {
        let document = document.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], document) }
    };
    router
        .route("/openapi.json", get(serve))
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}
