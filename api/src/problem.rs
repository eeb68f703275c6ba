//! RFC 9457 problem documents: the one error shape of the API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes. Clients branch on these, never on `title`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    InvalidCredentials,
    Unauthenticated,
    Csrf,
    BadRequest,
    Validation,
    PayloadTooLarge,
    UnsupportedMediaType,
    NotFound,
    MethodNotAllowed,
    TooManyRequests,
    /// A later step was asked for while an earlier one is unfinished; see `unmet`.
    StepOutOfOrder,
    /// A device action that must wait for another (Find My Device is still on).
    FindMyDeviceOn,
    /// The one-time code is wrong; see `remaining_attempts`.
    CodeInvalid,
    /// The code expired, was used, or ran out of tries: send a new one.
    CodeExpired,
    /// Too many wrong codes: verification is locked for a while; see `retry_after`.
    CodeLocked,
    /// The typed confirmation does not match the account's email or ID.
    ConfirmationMismatch,
    /// The account is in its grace period: only cancelling, reading and signing out work.
    AccountPendingDeletion,
    Conflict,
    Internal,
    Unavailable,
}

/// `application/problem+json` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field messages for forms: `{field name: message}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// What is still missing before this request can succeed (checklist item or step ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<String>,
    /// Tries left for the current one-time code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_attempts: Option<u32>,
    /// Seconds until a throttled request may be retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub const CONTENT_TYPE: &'static str = "application/problem+json";
}
