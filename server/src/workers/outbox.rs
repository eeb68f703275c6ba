//! Delivers the outbox: email through SMTP when `SMTP_URL` is set; SMS, and email without
//! SMTP, to the server log (there is no SMS carrier here). Claims are leases in the database,
//! so several replicas can run this side by side.

use std::{sync::Arc, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message as Email, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::{
    clock::Clock,
    store::{self, Backend, Db, outbox::Message, write_gate::WriteGate},
};

/// How long a claimed message is reserved for one worker.
const LEASE_SECS: i64 = 60;
const BATCH: i64 = 20;
const SENDER: &str = "Farewell <no-reply@farewell.example>";

pub struct OutboxWorker {
    pub db: Db,
    /// Its claims and receipts queue with every other write (`AppState::writes`).
    pub writes: WriteGate,
    pub clock: Clock,
    pub wake: Arc<Notify>,
    pub smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    /// Cancelled when the server stops; see `AppState::shutdown`.
    pub stop: CancellationToken,
}

impl OutboxWorker {
    pub fn new(
        db: Db,
        writes: WriteGate,
        clock: Clock,
        wake: Arc<Notify>,
        smtp_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        let smtp = smtp_url
            .map(|url| AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map(|b| b.build()))
            .transpose()?;
        Ok(Self { db, writes, clock, wake, smtp, stop: CancellationToken::new() })
    }

    pub fn stopping_on(self, stop: CancellationToken) -> Self {
        Self { stop, ..self }
    }

    /// Runs until the server stops: deliver what is due, then wait for a wake-up or a second.
    pub async fn run(self) {
        loop {
            if let Err(err) = self.deliver_due().await {
                tracing::warn!(error = ?err, "outbox delivery round failed");
            }
            tokio::select! {
                () = self.stop.cancelled() => return,
                () = self.wake.notified() => {},
                () = tokio::time::sleep(Duration::from_secs(1)) => {},
            }
        }
    }

    /// Delivers everything due now (tests call this to run one round by hand).
    pub async fn deliver_due(&self) -> anyhow::Result<()> {
        while !self.stop.is_cancelled() {
            let backend = Backend::of(&self.db);
            let batch = store::outbox::claim(
                &mut *self.write().await?,
                backend,
                self.clock.unix(),
                LEASE_SECS,
                BATCH,
            )
            .await?;
            if batch.is_empty() {
                return Ok(());
            }
            for (n, message) in batch.iter().enumerate() {
                if self.stop.is_cancelled() {
                    for rest in &batch[n..] {
                        store::outbox::release(&mut *self.write().await?, rest.id).await?;
                    }
                    return Ok(());
                }
                match self.deliver(message).await {
                    Ok(()) => {
                        let now = self.clock.unix();
                        store::outbox::delivered(&mut *self.write().await?, message.id, now).await?
                    }
                    Err(err) => {
                        tracing::warn!(id = message.id, error = %err, "message not delivered; will retry");
                        let retry_at = self.clock.unix() + 30;
                        let error = err.to_string();
                        store::outbox::failed(
                            &mut *self.write().await?,
                            message.id,
                            retry_at,
                            &error,
                        )
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn write(&self) -> sqlx::Result<store::write_gate::WriteConnection> {
        self.writes.connection(&self.db).await
    }

    async fn deliver(&self, message: &Message) -> anyhow::Result<()> {
        match (&self.smtp, message.channel.as_str()) {
            (Some(smtp), "email") => {
                let email = Email::builder()
                    .from(SENDER.parse::<Mailbox>()?)
                    .to(message.recipient.parse::<Mailbox>()?)
                    .subject(&message.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(message.body.clone())?;
                smtp.send(email).await?;
            }
            _ => {
                // No carrier for SMS, and no SMTP configured: the log is the delivery.
                tracing::info!(
                    channel = %message.channel,
                    to = %message.recipient,
                    subject = %message.subject,
                    "outbox message:\n{}",
                    message.body
                );
            }
        }
        Ok(())
    }
}
