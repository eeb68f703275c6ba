//! Commands for operators, run beside a live server against the same database.

use anyhow::{Context, bail};
use serde_json::json;
use time::OffsetDateTime;

use crate::{
    clock,
    config::{Config, parse_duration},
    store,
};

pub const USAGE: &str = "usage: farewell-server [audit [--since 24h] [--account ID]]

  (no command)  serve the API and the app
  audit         print the security audit trail as JSON lines, oldest first";

/// `farewell-server audit`: who did what and when, never a password, code or token.
pub async fn audit(args: &[String], config: &Config) -> anyhow::Result<()> {
    let mut since = parse_duration("24h").map_err(anyhow::Error::msg)?;
    let mut account = None;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().with_context(|| format!("{flag} needs a value\n\n{USAGE}"));
        match flag.as_str() {
            "--since" => since = parse_duration(value?).map_err(anyhow::Error::msg)?,
            "--account" => account = Some(value?.clone()),
            other => bail!("unknown option {other}\n\n{USAGE}"),
        }
    }
    let db = store::connect_with(&config.database_url, config.postgres_connections).await?;
    let from = OffsetDateTime::now_utc().unix_timestamp() - since.as_secs() as i64;
    for entry in store::audit::since(&db, from, account.as_deref()).await? {
        let line = json!({
            "at": clock::rfc3339(entry.at)?,
            "event": entry.event,
            "account_id": entry.account_id,
            "client_ip": entry.client_ip,
        });
        println!("{line}");
    }
    Ok(())
}
