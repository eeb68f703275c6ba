//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers themselves.
//!
//! Routes are registered through `utoipa_axum::routes!`, which adds a handler to the router and
//! its `#[utoipa::path]` to the document in one step: a route cannot be served without being
//! documented, and the CSRF, authorization and fuzzing tests enumerate routes from here.

use farewell_api::{CSRF_HEADER, CSRF_HEADER_VALUE, Problem};
use utoipa::{
    IntoResponses, Modify, OpenApi, ToSchema,
    openapi::{
        ObjectBuilder, Server, Type,
        path::{Parameter, ParameterBuilder, ParameterIn},
        security::{ApiKey, ApiKeyValue, SecurityScheme},
    },
};

use crate::extract::SESSION_COOKIE;

/// Security scheme of the session cookie.
pub const SESSION: &str = "session";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Farewell API",
        description = "Sign in, personal info, and closing an account with a grace period. \
            Errors are RFC 9457 problem documents with a stable `code`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    modifiers(&Schemes),
    components(schemas(Problem)),
)]
pub struct ApiDoc;

struct Schemes;

impl Modify for Schemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.servers = Some(vec![Server::new(farewell_api::API_PREFIX)]);
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "Set by `POST /session`; HttpOnly, SameSite=Lax.",
            ))),
        );
    }
}

/// Documents the header [`crate::security::csrf_guard`] demands of every state-changing
/// request. Added to the finished document, so no handler can leave it out.
pub fn require_csrf_header(document: &mut utoipa::openapi::OpenApi) {
    for item in document.paths.paths.values_mut() {
        let unsafe_operations = [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for operation in unsafe_operations.into_iter().flatten() {
            operation.parameters.get_or_insert_with(Vec::new).push(csrf_header().into());
        }
    }
}

fn csrf_header() -> Parameter {
    let only_value = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([CSRF_HEADER_VALUE]))
        .build();
    ParameterBuilder::new()
        .name(CSRF_HEADER)
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::True)
        .description(Some("Proves the request comes from our own pages; else `403` `csrf`."))
        .schema(Some(only_value))
        .build()
}

/// What any route may answer instead of success.
#[derive(IntoResponses)]
pub enum Refusals {
    /// Refused: a problem document whose `code` says why (`csrf`, `unauthenticated`,
    /// `not_found`, `step_out_of_order`, `too_many_requests` with `Retry-After`, …).
    #[response(status = "4XX", content_type = "application/problem+json")]
    Refused(#[to_schema] Problem),
    /// The server could not answer; nothing was changed.
    #[response(status = "5XX", content_type = "application/problem+json")]
    Failed(#[to_schema] Problem),
}

/// `GET /health` and `GET /ready`.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Status {
    /// `ok` or `ready`.
    pub status: &'static str,
}
