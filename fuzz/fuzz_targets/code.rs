//! A typed or pasted verification code is six ASCII digits, or nothing.
#![no_main]

use farewell_domain::VerificationCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    if let Some(code) = VerificationCode::parse(typed) {
        let digits = code.as_str();
        assert!(digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()), "{typed:?}");
        assert!(VerificationCode::parse(digits) == Some(code));
    }
});
