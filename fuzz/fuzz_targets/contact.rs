//! Email and phone newtypes: parsing is idempotent, and masking a valid value never panics
//! and never shows it whole.
#![no_main]

use farewell_domain::{Email, Phone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    if let Some(email) = Email::parse(typed) {
        assert_eq!(Email::parse(email.as_str()).as_ref(), Some(&email));
        assert_eq!(email.as_str().matches('@').count(), 1, "{email}");
        let masked = email.masked();
        assert!(masked.contains("***@"), "{masked}");
    }
    if let Some(phone) = Phone::parse(typed) {
        assert_eq!(Phone::parse(phone.as_str()).as_ref(), Some(&phone));
        assert!(phone.as_str().starts_with('+'), "{phone}");
        assert_ne!(phone.masked(), phone.as_str());
    }
});
