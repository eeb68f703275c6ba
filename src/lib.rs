//! Farewell's web app: sign in, personal info, and closing an account (or signing out).

pub mod api_client;
pub mod app;
pub mod auth;
pub mod components;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod prerendered;
pub mod rehearsal;
pub mod routes;
pub mod sign_in_app;
pub mod timing;
