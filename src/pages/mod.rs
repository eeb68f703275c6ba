//! One module per screen. Pages are the only callers of the API client.

pub mod cancel_link;
pub mod close_account;
pub mod data;
pub mod devices;
pub mod not_found;
pub mod pending;
pub mod personal_info;
pub mod sign_in;
pub mod sign_out;
