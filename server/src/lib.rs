//! The Farewell server: JSON API under `/api/v1`, the built app from `dist/`, and workers.

pub mod clock;
pub mod config;
pub use farewell_domain as domain;
pub mod error;
pub mod export;
pub mod extract;
pub mod grace;
pub mod messages;
pub mod openapi;
pub mod operator;
pub mod password;
pub mod routes;
pub mod security;
pub mod seed;
pub mod sign_in_page;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod store;
pub mod workers;
