// Errors as values: `Result`, a custom error enum, and `?`.
//
// A CSV import endpoint that `unwrap()`s every field works in the demo, then takes
// the worker down the first time a customer uploads "three" instead of "3": a panic,
// a 500, and nobody knows which line was wrong. Returning `Result<T, E>` with an
// error enum turns bad input into a value: the caller can `match` on it (a 400 that
// names the line, a metric per variant), and `?` passes it up without a pyramid of
// `match`es. `Display` is the sentence for humans; the variants are for code.
//
// Make the tests pass: `parse_line` must return the right `LineError` instead of
// panicking, `parse_order` must stop at the first bad line and say which one (use
// `?`), and both error types need a hand-written `Display`.

use std::error::Error;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub sku: String,
    pub quantity: u32,
    pub unit_price_cents: u64,
}

/// Why one line of an upload was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineError {
    /// The line does not have exactly three comma-separated fields.
    WrongFieldCount { found: usize },
    /// The SKU field is blank.
    EmptySku,
    /// The quantity is not a whole number; holds the text as written.
    InvalidQuantity(String),
    /// A quantity of zero: there is nothing to order.
    ZeroQuantity,
    /// The unit price is not a whole number of cents; holds the text as written.
    InvalidPrice(String),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!(
            "one sentence per variant (the test `errors_read_well_for_humans` has them), written with `write!(f, ...)`"
        )
    }
}

impl Error for LineError {}

/// A bad line in an upload: which line (counting from 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub line: usize,
    pub error: LineError,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("\"line 7 is invalid\": the cause is not repeated here, `source()` hands it out")
    }
}

// The cause is exposed ONCE, through `source()`, and kept out of `Display`:
// reporters (anyhow's `{:#}`, tracing, the `main` below) walk `source()` and
// print every link, so a Display that also included the cause would print it
// twice ("line 7: quantity must be at least 1: quantity must be at least 1").
impl Error for ImportError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.error)
    }
}

/// Parse `sku,quantity,unit_price_cents`. Fields may have spaces around them.
pub fn parse_line(line: &str) -> Result<OrderLine, LineError> {
    // Fine for the happy path; every `unwrap` and `[i]` is a crash on bad input.
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    let quantity: u32 = fields[1].parse().unwrap();
    let unit_price_cents: u64 = fields[2].parse().unwrap();
    Ok(OrderLine {
        sku: fields[0].to_string(),
        quantity,
        unit_price_cents,
    })
}

/// Parse a whole upload, one order line per line. Blank lines are skipped, but
/// line numbers count them, so they match what the customer sees in an editor.
pub fn parse_order(text: &str) -> Result<Vec<OrderLine>, ImportError> {
    todo!(
        "parse each non-blank line of `text` with `parse_line`; on the first error, return it with its line number (use `map_err` and `?`)"
    )
}

fn main() {
    let upload = "SKU-1, 2, 1999\nSKU-2, three, 500\n";
    match parse_order(upload) {
        Ok(lines) => println!("imported {} lines", lines.len()),
        Err(err) => {
            println!("rejected upload: {err}");
            let mut cause = err.source();
            while let Some(error) = cause {
                println!("  caused by: {error}");
                cause = error.source();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_valid_line() {
        assert_eq!(
            parse_line(" SKU-42 , 3 , 1999 "),
            Ok(OrderLine {
                sku: "SKU-42".into(),
                quantity: 3,
                unit_price_cents: 1999
            })
        );
    }

    #[test]
    fn rejects_wrong_field_count() {
        assert_eq!(
            parse_line("SKU-1,3"),
            Err(LineError::WrongFieldCount { found: 2 })
        );
        assert_eq!(
            parse_line("SKU-1,3,100,x"),
            Err(LineError::WrongFieldCount { found: 4 })
        );
    }

    #[test]
    fn rejects_empty_sku() {
        assert_eq!(parse_line("  ,3,100"), Err(LineError::EmptySku));
    }

    #[test]
    fn rejects_non_numeric_quantity() {
        assert_eq!(
            parse_line("SKU-1,three,100"),
            Err(LineError::InvalidQuantity("three".into()))
        );
        assert_eq!(
            parse_line("SKU-1,-2,100"),
            Err(LineError::InvalidQuantity("-2".into()))
        );
    }

    #[test]
    fn rejects_zero_quantity() {
        assert_eq!(parse_line("SKU-1,0,100"), Err(LineError::ZeroQuantity));
    }

    #[test]
    fn rejects_non_numeric_price() {
        assert_eq!(
            parse_line("SKU-1,1,19.99"),
            Err(LineError::InvalidPrice("19.99".into()))
        );
    }

    #[test]
    fn errors_read_well_for_humans() {
        assert_eq!(
            LineError::WrongFieldCount { found: 2 }.to_string(),
            "expected 3 fields (sku,quantity,unit_price_cents), found 2"
        );
        assert_eq!(LineError::EmptySku.to_string(), "the SKU is empty");
        assert_eq!(
            LineError::InvalidQuantity("three".into()).to_string(),
            "quantity \"three\" is not a whole number"
        );
        assert_eq!(LineError::ZeroQuantity.to_string(), "quantity must be at least 1");
        assert_eq!(
            LineError::InvalidPrice("19.99".into()).to_string(),
            "unit price \"19.99\" is not a whole number of cents"
        );
        let err = ImportError {
            line: 7,
            error: LineError::ZeroQuantity,
        };
        assert_eq!(err.to_string(), "line 7 is invalid");
    }

    #[test]
    fn the_cause_is_the_source_not_part_of_the_message() {
        let err = ImportError {
            line: 3,
            error: LineError::InvalidPrice("1e3".into()),
        };
        assert!(
            !err.to_string().contains("unit price"),
            "the cause is printed by whoever walks source()"
        );
        let cause = err.source().expect("the line error is the source");
        assert_eq!(
            cause.to_string(),
            "unit price \"1e3\" is not a whole number of cents"
        );
    }

    #[test]
    fn import_reports_the_first_bad_line_number() {
        let upload = "SKU-1,1,100\n\nSKU-2,x,100\nSKU-3,0,100\n";
        assert_eq!(
            parse_order(upload),
            Err(ImportError {
                line: 3,
                error: LineError::InvalidQuantity("x".into())
            })
        );
    }

    #[test]
    fn import_skips_blank_lines() {
        let lines = parse_order("SKU-1,1,100\n   \nSKU-2,2,250\n").expect("a valid upload");
        let skus: Vec<&str> = lines.iter().map(|l| l.sku.as_str()).collect();
        assert_eq!(skus, ["SKU-1", "SKU-2"]);
    }

    /// splitmix64: a tiny deterministic generator, seeded by the runner.
    struct Rng(u64);

    impl Rng {
        fn from_env() -> Self {
            let seed = std::env::var("BACKLINGS_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0x5EED);
            Rng(seed)
        }

        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn random_uploads_fail_at_the_injected_line() {
        let mut rng = Rng::from_env();
        for round in 0..50 {
            let count = 1 + rng.below(12) as usize;
            let mut text = String::new();
            let mut expected = Vec::new();
            for i in 0..count {
                let line = OrderLine {
                    sku: format!("SKU-{}", rng.below(1000)),
                    quantity: 1 + rng.below(99) as u32,
                    unit_price_cents: rng.below(100_000),
                };
                text.push_str(&format!(
                    "{},{},{}\n",
                    line.sku, line.quantity, line.unit_price_cents
                ));
                if i % 3 == 2 {
                    text.push('\n');
                }
                expected.push(line);
            }
            assert_eq!(
                parse_order(&text).as_ref(),
                Ok(&expected),
                "round {round}: upload\n{text}"
            );

            let mut lines: Vec<&str> = text.lines().collect();
            let bad_at = rng.below(lines.len() as u64 + 1) as usize;
            let (bad_line, error) = match rng.below(4) {
                0 => ("SKU-9,1", LineError::WrongFieldCount { found: 2 }),
                1 => (" ,1,100", LineError::EmptySku),
                2 => ("SKU-9,many,100", LineError::InvalidQuantity("many".into())),
                _ => ("SKU-9,1,1e3", LineError::InvalidPrice("1e3".into())),
            };
            lines.insert(bad_at, bad_line);
            let text = lines.join("\n");
            let expected = ImportError {
                line: bad_at + 1,
                error,
            };
            assert_eq!(parse_order(&text), Err(expected), "round {round}: upload\n{text}");
        }
    }
}
