//! Secret tokens (session cookies, one-time cancel links): 256 random bits; only their SHA-256
//! reaches the database.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{RngCore, rngs::OsRng};
use sha2::{Digest, Sha256};

/// The secret a browser or an email link holds. Never stored, never logged.
pub struct SecretToken([u8; 32]);

/// What the database keeps to recognise a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHash(pub [u8; 32]);

impl SecretToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses the encoded form; anything but 43 base64url characters is not a token.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 43 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0).into())
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random 128-bit identifier in hex, for requests and archives: unguessable, so an ID seen
/// once tells nothing about the next.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_their_cookie_form() {
        let token = SecretToken::generate();
        let parsed = SecretToken::parse(&token.encode()).unwrap();
        assert_eq!(parsed.hash(), token.hash());
    }

    #[test]
    fn two_tokens_differ() {
        assert_ne!(SecretToken::generate().hash(), SecretToken::generate().hash());
    }

    #[test]
    fn garbage_is_not_a_token() {
        for bad in ["", "abc", &"!".repeat(43), &"A".repeat(44)] {
            assert!(SecretToken::parse(bad).is_none(), "{bad:?}");
        }
    }
}
