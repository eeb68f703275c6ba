//! The one typed client of the `/api/v1` JSON API. Only pages call it.

use farewell_api::{
    API_PREFIX, Acknowledgements, CSRF_HEADER, CSRF_HEADER_VALUE, CancelPreview, Channel,
    ConfirmRequest, Confirmation, DeletionState, Device, ExportStatus, Inventory, LanguageRequest,
    Me, PasswordConfirmation, Problem, ReauthRequest, SendCodeRequest, SessionStatus,
    SignInRequest, TermsRequest, VerifyCodeRequest,
};
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
    /// The session is gone (expired, signed out elsewhere): sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, Self::Problem(p) if p.code == farewell_api::ProblemCode::Unauthenticated)
    }

    pub fn code(&self) -> Option<farewell_api::ProblemCode> {
        match self {
            Self::Problem(p) => Some(p.code),
            Self::Network => None,
        }
    }
}

fn url(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

/// Marks a state-changing request as ours (the server's CSRF rule).
fn write(builder: RequestBuilder) -> RequestBuilder {
    builder.header(CSRF_HEADER, CSRF_HEADER_VALUE)
}

thread_local! {
    /// When the server last answered a request (ms since the epoch): each one keeps the
    /// session alive, so the idle-timeout warning counts from here.
    static LAST_ANSWER: std::cell::Cell<f64> = std::cell::Cell::new(js_sys::Date::now());
}

/// Milliseconds since the epoch of the server's last answer.
pub fn last_answer_at() -> f64 {
    LAST_ANSWER.with(std::cell::Cell::get)
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response =
        request.map_err(|_| ApiError::Network)?.send().await.map_err(|_| ApiError::Network)?;
    if response.ok() {
        LAST_ANSWER.with(|at| at.set(js_sys::Date::now()));
        return Ok(response);
    }
    let status = response.status();
    Err(ApiError::Problem(response.json::<Problem>().await.unwrap_or_else(|_| {
        // A proxy or a crash may answer without a problem document; keep the status.
        Problem {
            kind: "about:blank".into(),
            title: response.status_text(),
            status,
            code: farewell_api::ProblemCode::Internal,
            detail: None,
            fields: Default::default(),
            unmet: Vec::new(),
            remaining_attempts: None,
            retry_after: None,
        }
    })))
}

async fn json<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiError> {
    let body = send(request).await?.text().await.map_err(|_| ApiError::Network)?;
    // The answer is in once its body is (the browser hands the body over in tasks of its own,
    // after the headers); from here on, reading it and drawing the next step is the app's
    // time, which SPEC §5's step transition measures.
    crate::timing::answered();
    serde_json::from_str(&body).map_err(|_| ApiError::Network)
}

/// A request whose success has no body: the answer is in with its status.
async fn empty(request: Result<Request, gloo_net::Error>) -> Result<(), ApiError> {
    send(request).await?;
    crate::timing::answered();
    Ok(())
}

fn with_body(builder: RequestBuilder, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
    write(builder).json(body)
}

pub async fn sign_in(request: &SignInRequest) -> Result<Me, ApiError> {
    json(with_body(Request::post(&url("/session")), request)).await
}

/// Who this browser is signed in as; `None` when nobody is (an answer, not an error).
pub async fn session() -> Result<Option<Me>, ApiError> {
    json(Request::get(&url("/session")).build()).await.map(|status: SessionStatus| status.me)
}

pub async fn me() -> Result<Me, ApiError> {
    json(Request::get(&url("/me")).build()).await
}

pub async fn sign_out() -> Result<(), ApiError> {
    empty(write(Request::delete(&url("/session"))).build()).await
}

pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    empty(write(Request::delete(&url("/sessions"))).build()).await
}

pub async fn inventory() -> Result<Inventory, ApiError> {
    json(Request::get(&url("/inventory")).build()).await
}

pub async fn devices() -> Result<Vec<Device>, ApiError> {
    json(Request::get(&url("/devices")).build()).await
}

pub async fn sign_out_device(id: &str) -> Result<Device, ApiError> {
    let path = format!("/devices/{}/sign-out", js_sys::encode_uri_component(id));
    json(write(Request::post(&url(&path))).build()).await
}

pub async fn turn_off_find_my_device(id: &str, password: String) -> Result<Device, ApiError> {
    let path = format!("/devices/{}/find-my-device/off", js_sys::encode_uri_component(id));
    json(with_body(Request::post(&url(&path)), &PasswordConfirmation { password })).await
}

pub async fn deletion() -> Result<DeletionState, ApiError> {
    json(Request::get(&url("/deletion")).build()).await
}

pub async fn start_deletion() -> Result<DeletionState, ApiError> {
    json(write(Request::post(&url("/deletion"))).build()).await
}

pub async fn acknowledge(ticks: &Acknowledgements) -> Result<DeletionState, ApiError> {
    json(with_body(Request::put(&url("/deletion/acknowledgements")), ticks)).await
}

pub async fn accept_terms(accepted: bool) -> Result<DeletionState, ApiError> {
    json(with_body(Request::put(&url("/deletion/terms")), &TermsRequest { accepted })).await
}

pub async fn reauth(password: String) -> Result<DeletionState, ApiError> {
    json(with_body(Request::post(&url("/deletion/reauth")), &ReauthRequest { password })).await
}

pub async fn send_code(channel: Channel) -> Result<DeletionState, ApiError> {
    json(with_body(Request::post(&url("/deletion/code")), &SendCodeRequest { channel })).await
}

pub async fn verify_code(code: String) -> Result<DeletionState, ApiError> {
    json(with_body(Request::post(&url("/deletion/code/verify")), &VerifyCodeRequest { code })).await
}

pub async fn confirm(confirmation: String) -> Result<Confirmation, ApiError> {
    json(with_body(Request::post(&url("/deletion/confirm")), &ConfirmRequest { confirmation }))
        .await
}

pub async fn set_language(language: &str) -> Result<Me, ApiError> {
    let body = LanguageRequest { language: language.to_owned() };
    json(with_body(Request::put(&url("/me/language")), &body)).await
}

pub async fn cancel_deletion() -> Result<(), ApiError> {
    empty(write(Request::delete(&url("/deletion"))).build()).await
}

fn cancel_path(token: &str) -> String {
    url(&format!("/cancel/{}", js_sys::encode_uri_component(token)))
}

pub async fn cancel_preview(token: &str) -> Result<CancelPreview, ApiError> {
    json(Request::get(&cancel_path(token)).build()).await
}

pub async fn cancel_by_link(token: &str) -> Result<(), ApiError> {
    empty(write(Request::post(&cancel_path(token))).build()).await
}

/// The newest export archive, or `None` when there is none yet.
pub async fn export_status() -> Result<Option<ExportStatus>, ApiError> {
    match json(Request::get(&url("/export")).build()).await {
        Ok(status) => Ok(Some(status)),
        Err(ApiError::Problem(p)) if p.status == 404 => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn request_export() -> Result<ExportStatus, ApiError> {
    json(write(Request::post(&url("/export"))).build()).await
}

pub fn export_download_url(id: &str) -> String {
    url(&format!("/export/{}/download", js_sys::encode_uri_component(id)))
}
