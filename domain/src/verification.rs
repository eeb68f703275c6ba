//! The numbers of SPEC §4 for proving it is really you, and the keyed hash codes are kept as.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::VerificationCode;

/// A password check counts for this long.
pub const REAUTH_FRESH_SECS: i64 = 10 * 60;
/// A code works for this long.
pub const CODE_TTL_SECS: i64 = 10 * 60;
/// Wrong tries before a code stops working.
pub const CODE_MAX_ATTEMPTS: i64 = 5;
/// Wait between two sends.
pub const RESEND_AFTER_SECS: i64 = 60;
/// Sends allowed in any hour.
pub const MAX_SENDS_PER_HOUR: i64 = 5;
/// Consecutive wrong codes, across codes, that lock verification...
pub const LOCK_AFTER_FAILURES: i64 = 100;
/// ...for this long.
pub const LOCK_SECS: i64 = 60 * 60;

/// Keys a code to its request and channel: the same six digits for another request or
/// channel hash differently, and a stolen table is useless without the server's key.
pub fn code_hash(key: &[u8], request_id: &str, channel: &str, code: &VerificationCode) -> Vec<u8> {
    mac(key, request_id, channel, code).finalize().into_bytes().to_vec()
}

/// Compares in constant time.
pub fn code_matches(
    key: &[u8],
    request_id: &str,
    channel: &str,
    code: &VerificationCode,
    stored: &[u8],
) -> bool {
    mac(key, request_id, channel, code).verify_slice(stored).is_ok()
}

fn mac(key: &[u8], request_id: &str, channel: &str, code: &VerificationCode) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in [request_id, channel, code.as_str()] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_only_its_own_request_and_channel() {
        let key = b"server secret";
        let code = VerificationCode::parse("123456").unwrap();
        let stored = code_hash(key, "req-a", "email", &code);
        assert!(code_matches(key, "req-a", "email", &code, &stored));
        assert!(!code_matches(key, "req-b", "email", &code, &stored));
        assert!(!code_matches(key, "req-a", "phone", &code, &stored));
        let other = VerificationCode::parse("123457").unwrap();
        assert!(!code_matches(key, "req-a", "email", &other, &stored));
        assert!(!code_matches(b"another key", "req-a", "email", &code, &stored));
    }
}
