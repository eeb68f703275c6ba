//! Black-box API tests: a spawned server on a free port, a fresh SQLite file per test, real HTTP.

mod audit;
mod deletion;
mod devices;
mod export;
mod grace;
mod hardening;
mod helpers;
mod openapi;
mod property;
mod purge;
mod session;
mod verify;
