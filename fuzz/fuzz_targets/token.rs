//! Cancel links and session cookies: a token parses only from its one canonical encoding.
#![no_main]

use farewell_domain::{AccountId, SecretToken};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Some(token) = SecretToken::parse(text) {
        assert_eq!(token.encode(), text, "two spellings of one token");
    }
    if let Some(id) = AccountId::parse(text) {
        assert_eq!(id.as_str(), text.trim());
    }
});
