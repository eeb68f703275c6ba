//! Domain newtypes and rules: once constructed, a value is valid. No I/O, so the fuzz
//! targets and the server share exactly the same parsers.

pub mod account_id;
pub mod checklist;
pub mod code;
pub mod confirmation;
pub mod email;
pub mod login;
pub mod phone;
pub mod receipt;
pub mod token;
pub mod verification;

pub use account_id::AccountId;
pub use code::VerificationCode;
pub use email::Email;
pub use login::Login;
pub use phone::Phone;
pub use token::{SecretToken, TokenHash, hex, random_id};
