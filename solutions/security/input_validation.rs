// Input validation: check every field, report every problem, allow-list
// characters.
//
// The username rule names the characters it accepts (ASCII lowercase,
// digits, `_`) rather than a Unicode class that keeps growing with every
// Unicode release. A product that wants names in every script needs more than
// a character class: Unicode's confusables data (UTS #39) and a normalised
// "skeleton" to compare names by.

use std::collections::BTreeMap;

use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub struct SignupRequest {
    pub email: String,
    pub password: String,
    pub username: String,
    /// Signed on purpose: clients send -1 too.
    pub age: i64,
}

/// A signup that passed validation: the only kind the rest of the code accepts.
#[derive(Debug, PartialEq)]
pub struct ValidSignup {
    /// Trimmed and lowercased, local part too: this product's choice (RFC 5321
    /// lets the local part differ by case; see newtype_ids).
    pub email: String,
    pub password: String,
    pub username: String,
    pub age: u8,
}

/// Field name → what is wrong with it.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// The email, normalised, if it has the shape `local@domain.tld`.
pub fn check_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    let well_formed = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && domain.split('.').all(|label| !label.is_empty())
                && !email.chars().any(char::is_whitespace)
                && email.len() <= 254
        }
        None => false,
    };
    if well_formed {
        Ok(email)
    } else {
        Err("must look like name@example.com".to_string())
    }
}

/// Length in characters, not bytes: "é" is one character and two bytes.
pub fn check_password(password: &str) -> Result<(), String> {
    match password.chars().count() {
        0..12 => Err("must be at least 12 characters".to_string()),
        12..=128 => Ok(()),
        _ => Err("must be at most 128 characters".to_string()),
    }
}

pub fn check_username(username: &str) -> Result<(), String> {
    let length_ok = (3..=20).contains(&username.chars().count());
    let charset_ok = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if length_ok && charset_ok {
        Ok(())
    } else {
        Err("must be 3 to 20 characters: lowercase letters a-z, digits, _".to_string())
    }
}

pub fn check_age(age: i64) -> Result<u8, String> {
    match age {
        13..=120 => Ok(age as u8),
        _ => Err("must be between 13 and 120".to_string()),
    }
}

/// The value of a passed check; a failed one leaves its message in `errors`.
fn record<T>(errors: &mut FieldErrors, field: &'static str, checked: Result<T, String>) -> Option<T> {
    checked
        .map_err(|message| {
            errors.insert(field, message);
        })
        .ok()
}

pub fn validate(request: &SignupRequest) -> Result<ValidSignup, FieldErrors> {
    let mut errors = FieldErrors::new();
    let email = record(&mut errors, "email", check_email(&request.email));
    let password = record(&mut errors, "password", check_password(&request.password));
    let username = record(&mut errors, "username", check_username(&request.username));
    let age = record(&mut errors, "age", check_age(request.age));
    match (email, password, username, age) {
        (Some(email), Some(()), Some(()), Some(age)) => Ok(ValidSignup {
            email,
            password: request.password.clone(),
            username: request.username.clone(),
            age,
        }),
        _ => Err(errors),
    }
}

/// The body of the 422 response for `errors`.
pub fn error_body(errors: &FieldErrors) -> Value {
    json!({ "errors": errors })
}

fn main() {
    let request = SignupRequest {
        email: "ada@".into(),
        password: "short".into(),
        username: "Ada!".into(),
        age: 9,
    };
    match validate(&request) {
        Ok(valid) => println!("welcome, {}", valid.username),
        Err(errors) => println!("422 {}", error_body(&errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SignupRequest {
        SignupRequest {
            email: "ada@example.com".into(),
            password: "correct horse battery".into(),
            username: "ada_1815".into(),
            age: 36,
        }
    }

    fn fields(errors: &FieldErrors) -> Vec<&'static str> {
        errors.keys().copied().collect()
    }

    #[test]
    fn valid_signup_is_accepted_and_email_normalised() {
        let request = SignupRequest {
            email: "  Ada@Example.COM ".into(),
            ..good()
        };
        let valid = validate(&request).expect("a valid signup was rejected");
        assert_eq!(valid.email, "ada@example.com");
        assert_eq!(valid.username, "ada_1815");
        assert_eq!(valid.age, 36);
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let request = SignupRequest {
            email: "ada".into(),
            password: "hunter2".into(),
            username: "A!".into(),
            age: 7,
        };
        let errors = validate(&request).unwrap_err();
        assert_eq!(
            fields(&errors),
            ["age", "email", "password", "username"],
            "all four fields are wrong: the client should learn it from one response"
        );
        assert_eq!(errors["age"], "must be between 13 and 120");
        assert_eq!(errors["password"], "must be at least 12 characters");
    }

    #[test]
    fn valid_fields_are_not_reported() {
        let request = SignupRequest {
            password: "short".into(),
            age: 200,
            ..good()
        };
        assert_eq!(fields(&validate(&request).unwrap_err()), ["age", "password"]);
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for email in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "ada@@example.com",
            "a da@example.com",
            "ada@.com",
            "ada@example.",
        ] {
            let errors = validate(&SignupRequest {
                email: email.into(),
                ..good()
            })
            .unwrap_err();
            assert_eq!(fields(&errors), ["email"], "email {email:?}");
        }
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert!(
            validate(&SignupRequest {
                password: "é".repeat(12),
                ..good()
            })
            .is_ok()
        );
        let errors = validate(&SignupRequest {
            password: "é".repeat(11),
            ..good()
        })
        .unwrap_err();
        assert_eq!(fields(&errors), ["password"]);
        let errors = validate(&SignupRequest {
            password: "x".repeat(129),
            ..good()
        })
        .unwrap_err();
        assert_eq!(errors["password"], "must be at most 128 characters");
    }

    #[test]
    fn usernames_are_ascii_lowercase_digits_and_underscore() {
        for ok in ["ada", "ada_1815", "a_b", "x".repeat(20).as_str()] {
            assert!(
                validate(&SignupRequest {
                    username: ok.into(),
                    ..good()
                })
                .is_ok(),
                "username {ok:?}"
            );
        }
        for bad in [
            "ad",
            "Ada",
            "ada-1815",
            "ada lovelace",
            "ada;drop",
            "x".repeat(21).as_str(),
        ] {
            let errors = validate(&SignupRequest {
                username: bad.into(),
                ..good()
            })
            .unwrap_err();
            assert_eq!(fields(&errors), ["username"], "username {bad:?}");
        }
    }

    #[test]
    fn lookalike_unicode_usernames_are_rejected() {
        // "аdmin" starts with U+0430 CYRILLIC SMALL LETTER A.
        for lookalike in ["\u{430}dmin", "zoë", "ａｄｍｉｎ", "adminⅰ"] {
            let errors = validate(&SignupRequest {
                username: lookalike.into(),
                ..good()
            })
            .expect_err("a username outside a-z 0-9 _ was accepted");
            assert_eq!(fields(&errors), ["username"], "username {lookalike:?}");
        }
    }

    #[test]
    fn age_range_boundaries() {
        for (age, ok) in [(-1, false), (12, false), (13, true), (120, true), (121, false)] {
            assert_eq!(
                validate(&SignupRequest { age, ..good() }).is_ok(),
                ok,
                "age {age}"
            );
        }
    }

    #[test]
    fn error_body_lists_every_field() {
        let request = SignupRequest {
            email: "nope".into(),
            username: "NOPE".into(),
            ..good()
        };
        let body = error_body(&validate(&request).unwrap_err());
        assert_eq!(body["errors"]["email"], "must look like name@example.com");
        assert!(
            body["errors"]["username"].is_string(),
            "the username error is missing from {body}"
        );
    }

    /// A random subset of the fields is broken; exactly that subset must be reported.
    #[test]
    fn seeded_random_broken_fields_are_all_reported() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(17);
        for _ in 0..50 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mask = (state >> 40) & 0b1111;
            let mut request = good();
            let mut expected = Vec::new();
            if mask & 1 != 0 {
                request.age = 5;
                expected.push("age");
            }
            if mask & 2 != 0 {
                request.email = "no-at-sign".into();
                expected.push("email");
            }
            if mask & 4 != 0 {
                request.password = "1234".into();
                expected.push("password");
            }
            if mask & 8 != 0 {
                request.username = "Bad Name".into();
                expected.push("username");
            }
            match validate(&request) {
                Ok(_) => assert!(expected.is_empty(), "accepted although {expected:?} are invalid"),
                Err(errors) => assert_eq!(fields(&errors), expected),
            }
        }
    }
}
