// Configuration from the environment: required keys, defaults, and errors that
// name the key.
//
// The incident: a deploy sets `PORT=80800` (a typo) and forgets `DATABASE_URL`. The
// service reads both with `.unwrap_or(default)`, starts happily on port 8080 —
// which the load balancer does not route to — and talks to the default database
// on localhost. Nothing in the logs. A service should refuse to start on a bad
// configuration, with a message that names the variable: required keys are
// errors when absent, optional keys take a default only when absent, and a value
// that is present but wrong is always an error.
//
// Rewrite `Config::from_lookup` so it follows the rules written on `Config`'s
// fields and returns the right `ConfigError` (the tests pass a lookup closure
// over a HashMap, so nothing touches the real environment).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    /// `"warn"`, `"WARN"`… → `Warn`; anything else → `None`.
    pub fn from_name(name: &str) -> Option<LogLevel> {
        match name.to_ascii_lowercase().as_str() {
            "error" => Some(LogLevel::Error),
            "warn" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `DATABASE_URL`, required.
    pub database_url: String,
    /// `PORT`, default 8080, between 1 and 65535.
    pub port: u16,
    /// `LOG_LEVEL`, default `info`, one of error, warn, info, debug (any case).
    pub log_level: LogLevel,
    /// `MAX_CONNECTIONS`, default 10, at least 1.
    pub max_connections: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    Missing {
        key: &'static str,
    },
    Invalid {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing { key } => write!(f, "{key} is required but not set"),
            ConfigError::Invalid { key, value, expected } => {
                write!(f, "{key}={value:?} is invalid: expected {expected}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

pub const EXPECTED_PORT: &str = "a port between 1 and 65535";
pub const EXPECTED_LOG_LEVEL: &str = "one of error, warn, info, debug";
pub const EXPECTED_POOL_SIZE: &str = "a whole number of at least 1";

impl Config {
    /// Build the configuration from `get(key)`. When several keys are wrong,
    /// the first in field order is reported.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        // Never fails: whatever is missing or unreadable quietly becomes a default.
        Ok(Config {
            database_url: get("DATABASE_URL").unwrap_or_else(|| "postgres://localhost/dev".to_string()),
            port: get("PORT").and_then(|v| v.parse().ok()).unwrap_or(8080),
            log_level: get("LOG_LEVEL")
                .and_then(|v| LogLevel::from_name(&v))
                .unwrap_or(LogLevel::Info),
            max_connections: get("MAX_CONNECTIONS").and_then(|v| v.parse().ok()).unwrap_or(10),
        })
    }

    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|key| std::env::var(key).ok())
    }
}

fn main() {
    match Config::from_env() {
        Ok(config) => println!("starting with {config:?}"),
        Err(err) => {
            // Refuse to start: a server with a wrong configuration does damage.
            eprintln!("configuration error: {err}");
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// The configuration built from exactly these variables.
    fn config_from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|key| vars.get(key).cloned())
    }

    const DB: (&str, &str) = ("DATABASE_URL", "postgres://db.internal/shop");

    fn invalid(key: &'static str, value: &str, expected: &'static str) -> ConfigError {
        ConfigError::Invalid {
            key,
            value: value.to_string(),
            expected,
        }
    }

    #[test]
    fn reads_every_key() {
        let config = config_from(&[
            DB,
            ("PORT", "3000"),
            ("LOG_LEVEL", "debug"),
            ("MAX_CONNECTIONS", "25"),
        ]);
        assert_eq!(
            config,
            Ok(Config {
                database_url: "postgres://db.internal/shop".into(),
                port: 3000,
                log_level: LogLevel::Debug,
                max_connections: 25,
            })
        );
    }

    #[test]
    fn optional_keys_take_their_defaults() {
        let config = config_from(&[DB]).expect("only DATABASE_URL is required");
        assert_eq!(config.port, 8080);
        assert_eq!(config.log_level, LogLevel::Info);
        assert_eq!(config.max_connections, 10);
    }

    #[test]
    fn missing_database_url_is_an_error() {
        let result = config_from(&[("PORT", "3000")]);
        assert_eq!(
            result,
            Err(ConfigError::Missing { key: "DATABASE_URL" }),
            "a missing DATABASE_URL must stop the start, not fall back to some default database"
        );
    }

    #[test]
    fn blank_values_count_as_not_set() {
        assert_eq!(
            config_from(&[("DATABASE_URL", "  ")]),
            Err(ConfigError::Missing { key: "DATABASE_URL" })
        );
        let config = config_from(&[DB, ("PORT", ""), ("LOG_LEVEL", " ")]).expect("blank optional keys");
        assert_eq!((config.port, config.log_level), (8080, LogLevel::Info));
    }

    #[test]
    fn values_are_trimmed() {
        let config =
            config_from(&[("DATABASE_URL", " sqlite://app.db\n"), ("PORT", " 9000 ")]).expect("valid");
        assert_eq!(config.database_url, "sqlite://app.db");
        assert_eq!(config.port, 9000);
    }

    #[test]
    fn port_out_of_range_is_invalid_and_named() {
        for port in ["0", "65536", "80800", "-1"] {
            assert_eq!(
                config_from(&[DB, ("PORT", port)]),
                Err(invalid("PORT", port, EXPECTED_PORT)),
                "PORT={port}"
            );
        }
    }

    #[test]
    fn non_numeric_port_is_invalid() {
        assert_eq!(
            config_from(&[DB, ("PORT", "http")]),
            Err(invalid("PORT", "http", EXPECTED_PORT))
        );
    }

    #[test]
    fn log_level_is_case_insensitive_and_checked() {
        let config = config_from(&[DB, ("LOG_LEVEL", "WARN")]).expect("WARN is a level");
        assert_eq!(config.log_level, LogLevel::Warn);
        assert_eq!(
            config_from(&[DB, ("LOG_LEVEL", "verbose")]),
            Err(invalid("LOG_LEVEL", "verbose", EXPECTED_LOG_LEVEL))
        );
    }

    #[test]
    fn zero_max_connections_is_invalid() {
        assert_eq!(
            config_from(&[DB, ("MAX_CONNECTIONS", "0")]),
            Err(invalid("MAX_CONNECTIONS", "0", EXPECTED_POOL_SIZE))
        );
    }

    #[test]
    fn error_messages_name_the_key() {
        assert_eq!(
            ConfigError::Missing { key: "DATABASE_URL" }.to_string(),
            "DATABASE_URL is required but not set"
        );
        assert_eq!(
            invalid("PORT", "80800", EXPECTED_PORT).to_string(),
            "PORT=\"80800\" is invalid: expected a port between 1 and 65535"
        );
    }

    #[test]
    fn random_ports_are_accepted_exactly_in_range() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        for _ in 0..200 {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let port = (z ^ (z >> 31)) % 140_000;
            let text = port.to_string();
            let result = config_from(&[DB, ("PORT", &text)]).map(|c| c.port);
            if (1..=65535).contains(&port) {
                assert_eq!(result, Ok(port as u16), "PORT={port}");
            } else {
                assert_eq!(result, Err(invalid("PORT", &text, EXPECTED_PORT)), "PORT={port}");
            }
        }
    }
}
