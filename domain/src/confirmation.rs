//! The text a person types on the last step to confirm that they are closing this account.

use super::{AccountId, Email};

/// Accepts the account ID, or the account's email in any case and with surrounding spaces;
/// nothing looser, since this is the last deliberate act before the account goes.
pub fn matches(typed: &str, account: &AccountId, email: &Email) -> bool {
    let typed = typed.trim();
    typed == account.as_str() || Email::parse(typed).is_some_and(|typed| typed == *email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (AccountId, Email) {
        (AccountId::parse("1876543210").unwrap(), Email::parse("demo@example.com").unwrap())
    }

    #[test]
    fn the_id_or_the_email_in_any_case_confirms() {
        let (id, email) = demo();
        for typed in ["1876543210", " 1876543210 ", "demo@example.com", "DEMO@Example.com "] {
            assert!(matches(typed, &id, &email), "{typed}");
        }
    }

    #[test]
    fn anything_else_does_not() {
        let (id, email) = demo();
        for typed in ["", "187654321", "18765432100", "demo@example.co", "demo", "d***@example.com"]
        {
            assert!(!matches(typed, &id, &email), "{typed}");
        }
    }
}
