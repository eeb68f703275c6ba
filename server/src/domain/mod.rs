//! Domain newtypes: once constructed, a value is valid.

pub mod account_id;
pub mod checklist;
pub mod email;
pub mod login;
pub mod phone;
pub mod session_token;

pub use account_id::AccountId;
pub use email::Email;
pub use login::Login;
pub use phone::Phone;
pub use session_token::{SessionToken, TokenHash};
