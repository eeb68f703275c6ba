//! What a person types in the sign-in form's first field: an email address or a phone number.

use super::{Email, Phone};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Email(Email),
    Phone(Phone),
}

impl Login {
    pub fn parse(text: &str) -> Option<Self> {
        if text.contains('@') {
            Email::parse(text).map(Self::Email)
        } else {
            Phone::parse(text).map(Self::Phone)
        }
    }

    /// The normalized form, the same however it was typed.
    pub fn key(&self) -> String {
        match self {
            Self::Email(email) => email.to_string(),
            Self::Phone(phone) => phone.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_at_sign_means_email_otherwise_phone() {
        assert!(matches!(Login::parse("demo@example.com"), Some(Login::Email(_))));
        assert!(matches!(Login::parse("+1 555 0100"), Some(Login::Phone(_))));
        assert_eq!(Login::parse("neither"), None);
    }
}
