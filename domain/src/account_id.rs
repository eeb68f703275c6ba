//! The public account ID: ten digits, like the IDs people see in the ecosystem's apps.

use std::fmt;

use rand::Rng;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0'))
            .then(|| Self(text.to_owned()))
    }

    pub fn generate() -> Self {
        Self(rand::thread_rng().gen_range(1_000_000_000u64..=9_999_999_999).to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back() {
        for _ in 0..100 {
            let id = AccountId::generate();
            assert_eq!(AccountId::parse(id.as_str()), Some(id));
        }
    }

    #[test]
    fn ids_of_the_wrong_shape_are_refused() {
        for bad in ["", "123", "0123456789", "12345678901", "12345abcde"] {
            assert!(AccountId::parse(bad).is_none(), "{bad:?}");
        }
    }
}
