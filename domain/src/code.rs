//! One-time verification codes: six digits from the operating system's CSPRNG.

use std::fmt;

use rand::{Rng, rngs::OsRng};

#[derive(Clone, PartialEq, Eq)]
pub struct VerificationCode(String);

impl VerificationCode {
    pub fn generate() -> Self {
        Self(format!("{:06}", OsRng.gen_range(0..1_000_000u32)))
    }

    /// Accepts what people paste: six digits, with spaces or dashes between groups.
    pub fn parse(text: &str) -> Option<Self> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Codes never reach logs by accident.
impl fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerificationCode(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_six_digits_and_vary() {
        let codes: Vec<_> = (0..50).map(|_| VerificationCode::generate()).collect();
        assert!(codes.iter().all(|c| VerificationCode::parse(c.as_str()).as_ref() == Some(c)));
        assert!(codes.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn pasted_codes_with_separators_parse() {
        assert_eq!(VerificationCode::parse("123 456").unwrap().as_str(), "123456");
        assert_eq!(VerificationCode::parse(" 123-456 ").unwrap().as_str(), "123456");
    }

    #[test]
    fn anything_else_is_not_a_code() {
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", "123 45x"] {
            assert!(VerificationCode::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn debug_output_hides_the_digits() {
        let code = VerificationCode::parse("123456").unwrap();
        assert!(!format!("{code:?}").contains("123456"));
    }
}
