//! A phone number in E.164 form (`+15550100`).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts what people type: `+1 555 0100`, `+1 (555) 010-0`, `+86.138...`. Spaces, dots,
    /// dashes and brackets are dropped; the result must be `+` and 7 to 15 digits.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let rest = text.strip_prefix('+')?;
        let mut digits = String::with_capacity(16);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return None,
            }
        }
        if !(7..=15).contains(&digits.len()) || digits.starts_with('0') {
            return None;
        }
        Some(Self(format!("+{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `+1******00`: the country code's first digit and the last two digits.
    pub fn masked(&self) -> String {
        let digits = &self.0[1..];
        let (head, tail) = (&digits[..1], &digits[digits.len() - 2..]);
        format!("+{head}{}{tail}", "*".repeat(digits.len() - 3))
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_people_type_are_dropped() {
        for typed in ["+1 555 0100", "+1-555-0100", "+1 (555) 0100", "+1.555.0100"] {
            assert_eq!(Phone::parse(typed).unwrap().as_str(), "+15550100", "{typed}");
        }
    }

    #[test]
    fn numbers_without_country_code_or_with_letters_are_refused() {
        for bad in ["5550100", "+1 555 01OO", "+123", "+0 555 0100", "+1234567890123456", "+"] {
            assert!(Phone::parse(bad).is_none(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn masking_shows_only_the_ends() {
        assert_eq!(Phone::parse("+1 555 0100").unwrap().masked(), "+1*****00");
    }
}
