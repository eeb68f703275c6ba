//! Background workers that run inside every server replica.

pub mod outbox;
