//! State shared by every request handler.

use std::sync::Arc;

use crate::{clock::Clock, config::Config, password::Passwords, store::Db};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub passwords: Passwords,
    pub config: Arc<Config>,
}
