//! Signing in and the signed-in person's own information.

use serde::{Deserialize, Serialize};

/// `POST /session`: `login` is an email address or a phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub login: String,
    pub password: String,
}

/// Why `/signin` came back after its plain HTML form was posted (a press before the app had
/// started): the page's `?error=`, with `?retry_after=` seconds when throttled. The server
/// writes it, the app explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    /// A field was empty.
    Missing,
    /// Any wrong pair, known account or not.
    Invalid,
    /// Too many failures: try again after `retry_after`.
    Throttled,
}

impl SignInFailure {
    /// The query parameters that carry it.
    pub const PARAM: &str = "error";
    pub const RETRY_AFTER_PARAM: &str = "retry_after";

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Invalid => "invalid",
            Self::Throttled => "throttled",
        }
    }

    pub const ALL: [Self; 3] = [Self::Missing, Self::Invalid, Self::Throttled];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == value)
    }

    /// The minutes the pre-rendered throttled page says, with a space either side: the server
    /// puts the real number in their place (an asset's content hash has no spaces).
    pub const PRERENDERED_MINUTES: &str = " 999999 ";
}

/// The sign-in page's query parameter saying the person has just signed out (`?signed_out=1`).
pub const SIGNED_OUT_PARAM: &str = "signed_out";

/// Lifecycle of an account as the person sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    Active,
    PendingDeletion,
}

/// `GET /me` and the body of a successful sign-in. Contact details are masked: the full
/// values never leave the server once stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub account_id: String,
    pub name: String,
    pub email_masked: String,
    pub phone_masked: Option<String>,
    /// ISO 3166-1 alpha-2 region code, localized by the app.
    pub region: String,
    /// RFC 3339 timestamp.
    pub member_since: String,
    /// BCP 47 language tag of the account's language: `en` or `zh-CN`.
    #[cfg_attr(feature = "openapi", schema(schema_with = language_schema))]
    pub language: String,
    pub state: AccountState,
}

/// `GET /session`: who this browser is signed in as, if anyone. Apps ask on load; being signed
/// out is an answer, not an error, so a browser logs no failed request for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionStatus {
    /// `null` when no live session came with the request.
    pub me: Option<Me>,
}

/// `PUT /me/language`: the language of the account's emails and messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LanguageRequest {
    /// `en` or `zh-CN`.
    #[cfg_attr(feature = "openapi", schema(schema_with = language_schema))]
    pub language: String,
}

/// `POST /accounts`: a new account (API only, no email verification in this product yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// With its country code, e.g. `+1 555 0100`.
    #[serde(default)]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 256))]
    pub password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
}

/// The languages the product speaks, as a schema: the field stays a plain tag on the wire.
#[cfg(feature = "openapi")]
fn language_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(crate::LANGUAGES))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_request_rejects_unknown_fields() {
        let err = serde_json::from_str::<SignInRequest>(
            r#"{"login":"a@example.com","password":"x","admin":true}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field"));
    }

    #[test]
    fn a_sign_in_failure_reads_back_as_written() {
        for failure in SignInFailure::ALL {
            assert_eq!(SignInFailure::parse(failure.as_str()), Some(failure));
        }
        assert_eq!(SignInFailure::parse("other"), None);
    }
}
