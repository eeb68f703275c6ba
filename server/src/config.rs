//! Configuration read from the environment (SPEC §3), validated once at start.

use std::{net::IpAddr, num::NonZeroU32, path::PathBuf, time::Duration};

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: IpAddr,
    pub port: u16,
    pub database_url: String,
    /// At most this many connections to PostgreSQL (`DATABASE_MAX_CONNECTIONS`); default
    /// `store::default_postgres_connections`.
    pub postgres_connections: Option<NonZeroU32>,
    /// Dev mode: seeds demo data into an empty database and exposes the dev outbox.
    pub dev: bool,
    /// How long a closed account waits before it is purged.
    pub grace: Duration,
    pub smtp_url: Option<String>,
    /// Folder holding the built app (`trunk build` output).
    pub dist_dir: PathBuf,
    /// The address people reach the app at, for links in emails; default the bound address.
    pub public_url: Option<String>,
    /// Run the background workers (outbox, reminders, purge) in this process.
    pub workers: bool,
    /// How long a purge worker's claim on an account lasts; another replica takes over a
    /// crashed worker's accounts when it runs out.
    pub purge_lease_secs: i64,
    /// Folder of export archives; see `AppState::config_export_dir` for the default.
    pub export_dir: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`FAREWELL_TRUSTED_PROXIES`,
    /// comma-separated addresses); none by default.
    pub trusted_proxies: Vec<IpAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let invalid = |name, reason: String| ConfigError::Invalid { name, reason };
        let port = match lookup("PORT") {
            Some(v) => v.parse().map_err(|e| invalid("PORT", format!("{e}")))?,
            None => 8080,
        };
        let bind = match lookup("BIND") {
            Some(v) => v.parse().map_err(|e| invalid("BIND", format!("{e}")))?,
            None => IpAddr::from([127, 0, 0, 1]),
        };
        let grace = match lookup("FAREWELL_GRACE") {
            Some(v) => parse_duration(&v).map_err(|e| invalid("FAREWELL_GRACE", e))?,
            None => Duration::from_secs(30 * 86_400),
        };
        Ok(Self {
            bind,
            port,
            database_url: lookup("DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/farewell.db".to_owned()),
            postgres_connections: lookup("DATABASE_MAX_CONNECTIONS")
                .map(|v| {
                    v.parse()
                        .map_err(|e| invalid("DATABASE_MAX_CONNECTIONS", format!("`{v}`: {e}")))
                })
                .transpose()?,
            dev: lookup("FAREWELL_DEV").is_some_and(|v| v == "1" || v == "true"),
            grace,
            smtp_url: lookup("SMTP_URL").filter(|v| !v.is_empty()),
            dist_dir: lookup("FAREWELL_DIST")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("dist")),
            public_url: lookup("FAREWELL_PUBLIC_URL").filter(|v| !v.is_empty()),
            workers: lookup("FAREWELL_WORKERS").is_none_or(|v| v != "0" && v != "false"),
            purge_lease_secs: match lookup("FAREWELL_PURGE_LEASE") {
                Some(v) => i64::try_from(
                    parse_duration(&v).map_err(|e| invalid("FAREWELL_PURGE_LEASE", e))?.as_secs(),
                )
                .map_err(|e| invalid("FAREWELL_PURGE_LEASE", e.to_string()))?,
                None => 60,
            },
            export_dir: lookup("FAREWELL_EXPORT_DIR").filter(|v| !v.is_empty()).map(PathBuf::from),
            trusted_proxies: lookup("FAREWELL_TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| {
                    v.parse()
                        .map_err(|e| invalid("FAREWELL_TRUSTED_PROXIES", format!("`{v}`: {e}")))
                })
                .collect::<Result<_, _>>()?,
        })
    }
}

/// Parses durations such as `30d`, `12h`, `15m` or `40s`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` needs a unit: s, m, h or d"))?;
    let (number, unit) = text.split_at(split);
    let number: u64 =
        number.parse().map_err(|_| format!("`{text}` must start with a whole number"))?;
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        other => return Err(format!("unknown unit `{other}`; use s, m, h or d")),
    };
    number
        .checked_mul(seconds_per_unit)
        .filter(|&s| s > 0)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{text}` must be a positive duration"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit_parse() {
        assert_eq!(parse_duration("40s"), Ok(Duration::from_secs(40)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(2_592_000)));
    }

    #[test]
    fn durations_without_unit_or_number_or_value_are_refused() {
        for bad in ["30", "d", "0s", "-1d", "3w", "", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn trusted_proxies_are_addresses_or_the_server_does_not_start() {
        let lookup = |value: &'static str| {
            move |name: &str| (name == "FAREWELL_TRUSTED_PROXIES").then(|| value.to_owned())
        };
        let config = Config::from_lookup(lookup("127.0.0.1, ::1")).unwrap();
        assert_eq!(config.trusted_proxies.len(), 2);
        assert!(Config::from_lookup(lookup("127.0.0.1, proxy.internal")).is_err());
    }

    #[test]
    fn connections_are_a_positive_number_or_the_server_does_not_start() {
        let lookup = |value: &'static str| {
            move |name: &str| (name == "DATABASE_MAX_CONNECTIONS").then(|| value.to_owned())
        };
        let config = Config::from_lookup(lookup("12")).unwrap();
        assert_eq!(config.postgres_connections.map(NonZeroU32::get), Some(12));
        for bad in ["0", "-1", "many", ""] {
            assert!(Config::from_lookup(lookup(bad)).is_err(), "{bad} should be refused");
        }
        assert_eq!(Config::from_lookup(|_| None).unwrap().postgres_connections, None);
    }

    #[test]
    fn defaults_follow_the_spec() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.port, 8080);
        assert_eq!(config.bind.to_string(), "127.0.0.1");
        assert_eq!(config.database_url, "sqlite://data/farewell.db");
        assert!(!config.dev);
        assert_eq!(config.grace, Duration::from_secs(30 * 86_400));
    }
}
