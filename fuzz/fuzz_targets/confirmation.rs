//! The last step's typed confirmation: only the account ID or the account's email confirm.
#![no_main]

use farewell_domain::{AccountId, Email, confirmation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    let id = AccountId::parse("1876543210").unwrap();
    let email = Email::parse("demo@example.com").unwrap();
    if confirmation::matches(typed, &id, &email) {
        let typed = typed.trim().to_lowercase();
        assert!(typed == id.as_str() || typed == email.as_str(), "{typed:?} confirmed");
    }
});
