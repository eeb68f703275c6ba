//! Background workers that run inside every server replica.

pub mod grace;
pub mod outbox;
