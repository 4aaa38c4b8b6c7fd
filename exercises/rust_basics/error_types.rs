// Error types: one enum per module, `From` so that `?` converts for you.
//
// Read: The Rust Book, section 9.2, "Recoverable Errors with Result", the part
// "A Shortcut for Propagating Errors: the ? Operator"
// (https://doc.rust-lang.org/book/ch09-02-recoverable-errors-with-result.html).
//
// A function that reads a setting can fail in two unrelated ways: the
// variable is missing, or its text is not a number (`std::num::ParseIntError`,
// which is not your type). Returning `Result<T, String>` loses the difference
// for the caller; returning `Box<dyn Error>` everywhere makes it un-matchable.
// The usual shape: an enum of this module's failures, wrapping the foreign
// error it came from, with `impl From<ParseIntError> for ConfigError` — then
// `?` converts a `ParseIntError` into your enum by itself. `Display` is the
// sentence; `Error::source()` hands out the wrapped cause for logs.
//
// Implement `From`, `Display` and `source` for `ConfigError`, then write
// `read_port` with `?` and no `map_err`.

use std::error::Error;
use std::fmt;
use std::num::ParseIntError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The variable is not set.
    Missing(&'static str),
    /// The variable is set but not a number; holds why.
    NotANumber(ParseIntError),
    /// A number, but 0 (the operating system would choose a port at random).
    Zero,
}

// TODO: `impl From<ParseIntError> for ConfigError` (into `NotANumber`).

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("\"PORT is not set\", \"PORT is not a number\", \"PORT must not be 0\"")
    }
}

impl Error for ConfigError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        todo!("the wrapped ParseIntError for NotANumber, None otherwise")
    }
}

/// PORT, read through `lookup` (the environment in production, a map in tests).
pub fn read_port(lookup: impl Fn(&str) -> Option<String>) -> Result<u16, ConfigError> {
    let text = lookup("PORT").ok_or(ConfigError::Missing("PORT"))?;
    let port = text.trim().parse::<u16>()?;
    if port == 0 {
        return Err(ConfigError::Zero);
    }
    Ok(port)
}

fn main() -> Result<(), Box<dyn Error>> {
    // `Box<dyn Error>` at the very top: any error converts into it with `?`.
    let port = read_port(|_| Some("8080".to_string()))?;
    println!("listening on port {port}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runner's seed: every run checks other values, and a failure can be replayed.
    fn seed() -> u64 {
        std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED)
    }

    /// splitmix64: a tiny deterministic generator.
    fn random(state: &mut u64, below: u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }

    fn port_from(value: Option<&str>) -> Result<u16, ConfigError> {
        let value = value.map(str::to_string);
        read_port(move |name| if name == "PORT" { value.clone() } else { None })
    }

    #[test]
    fn reads_a_valid_port() {
        let mut state = seed();
        let port = 1 + random(&mut state, 65_535) as u16;
        assert_eq!(port_from(Some(&format!(" {port}\n"))), Ok(port));
    }

    #[test]
    fn a_parse_failure_converts_into_not_a_number() {
        let cause = "http".parse::<u16>().unwrap_err();
        assert_eq!(
            ConfigError::from(cause.clone()),
            ConfigError::NotANumber(cause.clone())
        );
        assert_eq!(port_from(Some("http")), Err(ConfigError::NotANumber(cause)));
        assert!(matches!(
            port_from(Some("70000")),
            Err(ConfigError::NotANumber(_))
        ));
    }

    #[test]
    fn missing_and_zero_are_their_own_errors() {
        assert_eq!(port_from(None), Err(ConfigError::Missing("PORT")));
        assert_eq!(port_from(Some("0")), Err(ConfigError::Zero));
    }

    #[test]
    fn each_error_reads_as_one_sentence() {
        let not_a_number = port_from(Some("eighty")).unwrap_err();
        assert_eq!(ConfigError::Missing("PORT").to_string(), "PORT is not set");
        assert_eq!(not_a_number.to_string(), "PORT is not a number");
        assert_eq!(ConfigError::Zero.to_string(), "PORT must not be 0");
    }

    #[test]
    fn the_parse_error_is_the_source() {
        let err = port_from(Some("eighty")).unwrap_err();
        let source = err.source().expect("NotANumber has a source");
        assert_eq!(
            source.to_string(),
            "eighty".parse::<u16>().unwrap_err().to_string()
        );
        assert!(ConfigError::Zero.source().is_none());
        assert!(ConfigError::Missing("PORT").source().is_none());
    }
}
