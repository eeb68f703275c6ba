//! Black-box API tests: a spawned server on a free port, a fresh database per test (a SQLite
//! file, or a PostgreSQL database when `FAREWELL_TEST_POSTGRES` is set), real HTTP.

mod audit;
mod deletion;
mod devices;
mod export;
mod grace;
mod hardening;
mod helpers;
mod holdings;
mod openapi;
mod pages;
mod property;
mod purge;
mod replicas;
mod session;
mod sign_in_form;
mod verify;
