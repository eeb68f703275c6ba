//! An email address, normalized to lower case.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces or control characters, within RFC 5321's
    /// length limits. Deliverability is proven by the codes we send, not by a regex.
    pub fn parse(text: &str) -> Option<Self> {
        // Lower-case first, then check: some letters lower-case to more than one character
        // (`İ` becomes `i` plus a combining dot), and the stored form must itself be valid.
        let text = text.trim().to_lowercase();
        if text.len() > 254 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let (local, domain) = text.rsplit_once('@')?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return None;
        }
        Some(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `m***@example.com`: enough for the owner to recognise, useless to anyone else.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').expect("an Email always has an @");
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_that_lower_cases_into_an_invalid_one_is_refused() {
        // Found by the `login` fuzz target: the stored form did not parse back.
        assert_eq!(Email::parse("6@a.İ"), None);
    }

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Demo@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "demo@example.com");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "demo",
            "@example.com",
            "demo@",
            "demo@example",
            "demo@.example.com",
            "demo@example..com",
            "de mo@example.com",
            "demo@exa_mple.com",
            "a@b@example.com",
            "demo@example.com\0",
        ] {
            assert!(Email::parse(bad).is_none(), "{bad:?} should be refused");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_none());
    }

    #[test]
    fn masking_keeps_the_first_letter_and_the_domain() {
        assert_eq!(Email::parse("mei@example.com").unwrap().masked(), "m***@example.com");
    }
}
