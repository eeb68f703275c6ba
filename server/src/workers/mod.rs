//! Background workers that run inside every server replica.

pub mod checkpoint;
pub mod export;
pub mod grace;
pub mod outbox;
