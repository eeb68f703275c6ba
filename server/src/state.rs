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

impl AppState {
    /// Records a security event of a signed-in account in the audit log.
    pub async fn audit(
        &self,
        account: &crate::domain::AccountId,
        event: crate::store::audit::Event,
    ) -> sqlx::Result<()> {
        crate::store::audit::record(&self.db, self.clock.unix(), Some(account), event, None).await
    }
}
