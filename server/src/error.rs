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
        match self {
            Self::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                C::InvalidCredentials,
                "The email, phone number or password is incorrect",
            ),
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                C::Unauthenticated,
                "You are not signed in",
            ),
            Self::Csrf => (StatusCode::FORBIDDEN, C::Csrf, "The request was refused"),
            Self::BadRequest { status, .. } => match *status {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    (*status, C::PayloadTooLarge, "The request body is too large")
                }
                StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                    (*status, C::UnsupportedMediaType, "The request must be JSON")
                }
                _ => (*status, C::BadRequest, "The request is not valid"),
            },
            Self::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                C::Validation,
                "Some answers need fixing",
            ),
            Self::WrongPassword => (
                StatusCode::UNAUTHORIZED,
                C::InvalidCredentials,
                "The password is incorrect",
            ),
            Self::StepOutOfOrder(_) => (
                StatusCode::CONFLICT,
                C::StepOutOfOrder,
                "Finish the earlier steps first",
            ),
            Self::FindMyDeviceOn => (
                StatusCode::CONFLICT,
                C::FindMyDeviceOn,
                "Turn off Find My Device on this device first",
            ),
            Self::NotFound => (StatusCode::NOT_FOUND, C::NotFound, "Not found"),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                C::MethodNotAllowed,
                "This method is not allowed here",
            ),
            Self::Unexpected(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                C::Internal,
                "Something went wrong",
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, title) = self.parts();
        if let Self::Unexpected(err) = &self {
            // The cause goes to the log only; 5xx bodies never carry internal text.
            tracing::error!(error = ?err, "request failed");
        }
        let detail = match &self {
            Self::BadRequest { detail, .. } => Some(detail.clone()),
            _ => None,
        };
        let (fields, unmet) = match self {
            Self::Validation(fields) => (fields, Vec::new()),
            Self::WrongPassword => (
                BTreeMap::from([(
                    "password".to_owned(),
                    "The password is incorrect".to_owned(),
                )]),
                Vec::new(),
            ),
            Self::StepOutOfOrder(unmet) => (BTreeMap::new(), unmet),
            _ => (BTreeMap::new(), Vec::new()),
        };
        let problem = Problem {
            kind: "about:blank".to_owned(),
            title: title.to_owned(),
            status: status.as_u16(),
            code,
            detail,
            fields,
            unmet,
            retry_after: None,
        };
        let mut response = (status, Json(problem)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(Problem::CONTENT_TYPE),
        );
        response
    }
}
