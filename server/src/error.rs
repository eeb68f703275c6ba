//! `AppError`: the one error type of the server, turned into RFC 9457 problem documents here
//! and nowhere else.

use std::collections::BTreeMap;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use farewell_api::{Problem, ProblemCode};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Any wrong login/password pair, including unknown and malformed logins.
    #[error("the login or password is wrong")]
    InvalidCredentials,
    #[error("not signed in")]
    Unauthenticated,
    #[error("cross-site request refused")]
    Csrf,
    #[error("{detail}")]
    BadRequest { status: StatusCode, detail: String },
    #[error("form fields are invalid")]
    Validation(BTreeMap<String, String>),
    /// The password typed to confirm a sensitive change is wrong.
    #[error("the password is wrong")]
    WrongPassword,
    /// A later step was asked for while earlier ones are unfinished.
    #[error("unfinished: {0:?}")]
    StepOutOfOrder(Vec<String>),
    /// A device cannot be signed out while Find My Device is on.
    #[error("find my device is on")]
    FindMyDeviceOn,
    #[error("wrong code, {remaining} tries left")]
    CodeInvalid { remaining: u32 },
    #[error("the code expired, was used or ran out of tries")]
    CodeExpired,
    #[error("the typed confirmation does not match")]
    ConfirmationMismatch,
    /// Throttled: `code` says which limit, `retry_after` when it lifts.
    #[error("too many requests; retry in {retry_after}s")]
    TooManyRequests { code: ProblemCode, retry_after: u64 },
    /// The account waits for its purge; it changes only by cancelling.
    #[error("the account is pending deletion")]
    PendingDeletion,
    /// The export archive is still being built.
    #[error("the archive is not ready yet")]
    NotReady,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        Self::Unexpected(err.into())
    }
}

impl AppError {
    fn parts(&self) -> (StatusCode, ProblemCode, &'static str) {
        use ProblemCode as C;
        use StatusCode as S;
        match self {
            Self::InvalidCredentials => (
                S::UNAUTHORIZED,
                C::InvalidCredentials,
                "The email, phone number or password is incorrect",
            ),
            Self::Unauthenticated => (S::UNAUTHORIZED, C::Unauthenticated, "You are not signed in"),
            Self::Csrf => (S::FORBIDDEN, C::Csrf, "The request was refused"),
            Self::BadRequest { status, .. } => match *status {
                S::PAYLOAD_TOO_LARGE => {
                    (*status, C::PayloadTooLarge, "The request body is too large")
                }
                S::UNSUPPORTED_MEDIA_TYPE => (
                    *status,
                    C::UnsupportedMediaType,
                    "The request body is not of a type this route takes",
                ),
                _ => (*status, C::BadRequest, "The request is not valid"),
            },
            Self::Validation(_) => {
                (S::UNPROCESSABLE_ENTITY, C::Validation, "Some answers need fixing")
            }
            Self::WrongPassword => {
                (S::UNAUTHORIZED, C::InvalidCredentials, "The password is incorrect")
            }
            Self::StepOutOfOrder(_) => {
                (S::CONFLICT, C::StepOutOfOrder, "Finish the earlier steps first")
            }
            Self::FindMyDeviceOn => {
                (S::CONFLICT, C::FindMyDeviceOn, "Turn off Find My Device on this device first")
            }
            Self::CodeInvalid { .. } => {
                (S::UNPROCESSABLE_ENTITY, C::CodeInvalid, "The code is incorrect")
            }
            Self::CodeExpired => (
                S::UNPROCESSABLE_ENTITY,
                C::CodeExpired,
                "This code no longer works; send a new one",
            ),
            Self::ConfirmationMismatch => (
                S::UNPROCESSABLE_ENTITY,
                C::ConfirmationMismatch,
                "Type your account ID or email address exactly",
            ),
            Self::TooManyRequests { code, .. } => {
                (S::TOO_MANY_REQUESTS, *code, "Too many attempts")
            }
            Self::PendingDeletion => (
                S::CONFLICT,
                C::AccountPendingDeletion,
                "This account is scheduled for deletion; cancel the deletion first",
            ),
            Self::NotReady => (S::CONFLICT, C::Conflict, "The archive is not ready yet"),
            Self::NotFound => (S::NOT_FOUND, C::NotFound, "Not found"),
            Self::MethodNotAllowed => {
                (S::METHOD_NOT_ALLOWED, C::MethodNotAllowed, "This method is not allowed here")
            }
            Self::Unexpected(_) => (S::INTERNAL_SERVER_ERROR, C::Internal, "Something went wrong"),
        }
    }

    fn problem(self) -> Problem {
        let (status, code, title) = self.parts();
        let mut problem = Problem {
            kind: "about:blank".to_owned(),
            title: title.to_owned(),
            status: status.as_u16(),
            code,
            detail: None,
            fields: BTreeMap::new(),
            unmet: Vec::new(),
            remaining_attempts: None,
            retry_after: None,
        };
        let field =
            |name: &str, message: &str| BTreeMap::from([(name.to_owned(), message.to_owned())]);
        match self {
            Self::BadRequest { detail, .. } => problem.detail = Some(detail),
            Self::Validation(fields) => problem.fields = fields,
            Self::WrongPassword => problem.fields = field("password", title),
            Self::StepOutOfOrder(unmet) => problem.unmet = unmet,
            Self::CodeInvalid { remaining } => {
                problem.fields = field("code", title);
                problem.remaining_attempts = Some(remaining);
            }
            Self::CodeExpired => problem.fields = field("code", title),
            Self::ConfirmationMismatch => problem.fields = field("confirmation", title),
            Self::TooManyRequests { retry_after, .. } => problem.retry_after = Some(retry_after),
            Self::Unexpected(err) => {
                // The cause goes to the log only; 5xx bodies never carry internal text.
                tracing::error!(error = ?err, "request failed");
            }
            _ => {}
        }
        problem
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = problem.retry_after;
        let mut response = (status, Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(Problem::CONTENT_TYPE));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
