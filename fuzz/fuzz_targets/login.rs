//! The sign-in form's first field: whatever is typed, parsing never panics, and a parsed login
//! normalizes to a key that parses back to the same login.
#![no_main]

use farewell_domain::Login;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    if let Some(login) = Login::parse(typed) {
        let key = login.key();
        assert_eq!(Login::parse(&key).as_ref(), Some(&login), "{typed:?} → {key:?}");
        assert!(!key.chars().any(char::is_whitespace), "{key:?}");
    }
});
