//! Wire types of the `/api/v1` JSON contract, shared by the app and the server.
//!
//! Request types reject unknown fields so a typo in a client is a `400`, not a silently
//! ignored value. Timestamps travel as RFC 3339 strings; the app localizes them.

pub mod deletion;
pub mod devices;
pub mod inventory;
pub mod problem;
pub mod session;

pub use deletion::{
    Acknowledgements, CancelPreview, Channel, ChannelOption, ChecklistItem, CodeStatus,
    ConfirmRequest, Confirmation, DeletionState, DeletionStatus, ItemId, ItemKind, ReauthRequest,
    ReceiptKey, SendCodeRequest, TermsRequest, Verification, VerifyCodeRequest, WizardStep,
};
pub use devices::{Device, DeviceKind, PasswordConfirmation};
pub use inventory::{ExportState, ExportStatus, Inventory, Money};
pub use problem::{Problem, ProblemCode};
pub use session::{
    AccountState, LanguageRequest, Me, RegisterRequest, SIGNED_OUT_PARAM, SessionStatus,
    SignInFailure, SignInRequest,
};

/// The whole minutes a person is told to wait, from a `retry_after` of seconds (a minute
/// when the server did not say, and never none).
pub fn minutes_to_wait(retry_after: Option<u64>) -> u64 {
    retry_after.unwrap_or(60).div_ceil(60).max(1)
}

/// Every state-changing request must carry this header with the value [`CSRF_HEADER_VALUE`].
pub const CSRF_HEADER: &str = "x-requested-with";
pub const CSRF_HEADER_VALUE: &str = "farewell";

/// The languages of the product, as BCP 47 tags; the first is the default.
pub const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// Path prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

/// The cookie in which the app keeps the reader's language, so that the server can send the
/// sign-in page already written in it.
pub const LANGUAGE_COOKIE: &str = "lang";

/// The product language a BCP 47 tag asks for, as one of [`LANGUAGES`]: any Chinese reads the
/// Simplified Chinese pages, any English the English ones; other languages none. The app
/// (from the browser's language) and the server (from `Accept-Language`) both decide by it,
/// so the page the server sends is the page the app would draw.
pub fn language_for(tag: &str) -> Option<&'static str> {
    let tag = tag.trim().to_ascii_lowercase();
    if tag.starts_with("zh") {
        Some(LANGUAGES[1])
    } else if tag.starts_with("en") {
        Some(LANGUAGES[0])
    } else {
        None
    }
}

/// Whether `path` stays on this site: a sign-in may send the person on to it. `//host` and
/// `/\host` are other sites to a browser.
pub fn is_own_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// The personal info page, where a sign-in leads by default.
pub const PERSONAL_INFO_PATH: &str = "/account";
/// The sign-out page, where a sign-in never leads back to.
pub const SIGN_OUT_PATH: &str = "/signout";

/// Where a sign-in leads, in the app and from the sign-in page's plain form alike: where the
/// person was heading (`?next=`) when that is a page of this site other than signing out,
/// else their personal info.
pub fn after_sign_in(next: Option<&str>) -> &str {
    let signing_out = |next: &str| next.split(['?', '#']).next() == Some(SIGN_OUT_PATH);
    match next {
        Some(next) if is_own_path(next) && !signing_out(next) => next,
        _ => PERSONAL_INFO_PATH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_said_in_whole_minutes_and_never_none() {
        let minutes = minutes_to_wait;
        assert_eq!([minutes(Some(150)), minutes(Some(60)), minutes(Some(61))], [3, 1, 2]);
        assert_eq!([minutes(Some(0)), minutes(None)], [1, 1]);
    }

    #[test]
    fn languages_are_read_from_tags_of_any_region() {
        for (tag, expected) in [
            ("zh-CN", Some("zh-CN")),
            ("zh-TW", Some("zh-CN")),
            ("ZH", Some("zh-CN")),
            ("en-GB", Some("en")),
            ("en", Some("en")),
            ("fr-FR", None),
            ("", None),
        ] {
            assert_eq!(language_for(tag), expected, "{tag}");
        }
    }

    #[test]
    fn a_sign_in_stays_on_this_site_and_never_leads_back_to_signing_out() {
        assert_eq!(after_sign_in(Some("/account/close")), "/account/close");
        assert_eq!(after_sign_in(Some("/account/devices")), "/account/devices");
        for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "account"] {
            assert_eq!(after_sign_in(Some(hostile)), "/account", "{hostile}");
        }
        assert_eq!(after_sign_in(Some("/signout")), "/account");
        assert_eq!(after_sign_in(Some("/signout?everywhere=1")), "/account");
        assert_eq!(after_sign_in(None), "/account");
    }

    #[test]
    fn only_paths_of_this_site_are_own() {
        assert!(is_own_path("/account/close?x=1"));
        for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "account", ""]
        {
            assert!(!is_own_path(hostile), "{hostile}");
        }
    }
}
