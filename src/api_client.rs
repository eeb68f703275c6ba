//! The one typed client of the `/api/v1` JSON API. Only pages call it.

use farewell_api::{API_PREFIX, CSRF_HEADER, CSRF_HEADER_VALUE, Me, Problem, SignInRequest};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached (offline, DNS, connection refused).
    Network,
    /// The server answered with a problem document.
    Problem(Problem),
}

impl ApiError {
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, Self::Problem(p) if p.status == 401)
    }
}

fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

/// Marks a state-changing request as ours (the server's CSRF rule).
fn write(builder: RequestBuilder) -> RequestBuilder {
    builder.header(CSRF_HEADER, CSRF_HEADER_VALUE)
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    Err(ApiError::Problem(
        response.json::<Problem>().await.unwrap_or_else(|_| {
            // A proxy or a crash may answer without a problem document; keep the status.
            Problem {
                kind: "about:blank".into(),
                title: response.status_text(),
                status,
                code: farewell_api::ProblemCode::Internal,
                detail: None,
                fields: Default::default(),
                retry_after: None,
            }
        }),
    ))
}

async fn json<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    send(request)
        .await?
        .json()
        .await
        .map_err(|_| ApiError::Network)
}

fn with_body(builder: RequestBuilder, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
    write(builder).json(body)
}

pub async fn sign_in(request: &SignInRequest) -> Result<Me, ApiError> {
    json(with_body(Request::post(&url("/session")), request)).await
}

pub async fn me() -> Result<Me, ApiError> {
    json(Request::get(&url("/me")).build()).await
}

pub async fn sign_out() -> Result<(), ApiError> {
    send(write(Request::delete(&url("/session"))).build())
        .await
        .map(drop)
}

pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    send(write(Request::delete(&url("/sessions"))).build())
        .await
        .map(drop)
}
