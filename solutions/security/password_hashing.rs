// Password hashing: store a slow, salted hash — never the password.
//
// `hash_password` draws a fresh random salt for every call, so the same
// password stored twice gives two different PHC strings; `verify_password`
// reads the algorithm, parameters and salt back from the PHC string, so
// raising the cost parameters later does not break existing users.
// An unknown user still costs one hash computation: answering instantly would
// let anyone tell registered usernames apart by the response time.

use std::collections::HashMap;
use std::sync::LazyLock;

use argon2::password_hash::Error as HashError;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

#[derive(Debug, PartialEq)]
pub enum AuthError {
    UsernameTaken,
    /// Deliberately the same for an unknown user and a wrong password: telling
    /// them apart lets attackers find out who has an account.
    InvalidCredentials,
    /// Something on our side went wrong (a corrupt stored hash, no randomness).
    Internal(String),
}

#[derive(Default)]
pub struct UserStore {
    /// username → stored credential
    credentials: HashMap<String, String>,
}

/// A valid hash of a password nobody has, verified when the username is
/// unknown so that both failures take the same time.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    Argon2::default()
        .hash_password(b"no user has this password")
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

impl UserStore {
    pub fn register(&mut self, username: &str, password: &str) -> Result<(), AuthError> {
        if self.credentials.contains_key(username) {
            return Err(AuthError::UsernameTaken);
        }
        let hash = Argon2::default()
            .hash_password(password.as_bytes())
            .map_err(|e| AuthError::Internal(format!("hashing failed: {e}")))?;
        self.credentials.insert(username.to_string(), hash.to_string());
        Ok(())
    }

    pub fn login(&self, username: &str, password: &str) -> Result<(), AuthError> {
        let Some(stored) = self.credentials.get(username) else {
            let _ = Argon2::default().verify_password(password.as_bytes(), DUMMY_HASH.as_str());
            return Err(AuthError::InvalidCredentials);
        };
        match Argon2::default().verify_password(password.as_bytes(), stored.as_str()) {
            Ok(()) => Ok(()),
            Err(HashError::PasswordInvalid) => Err(AuthError::InvalidCredentials),
            // A stored string that does not parse is our bug, not the user's typo.
            Err(e) => Err(AuthError::Internal(format!(
                "stored hash for {username} is unusable: {e}"
            ))),
        }
    }

    /// What a leaked database would reveal about `username`.
    pub fn stored_credential(&self, username: &str) -> Option<&str> {
        self.credentials.get(username).map(String::as_str)
    }
}

fn main() {
    let mut users = UserStore::default();
    users
        .register("ada", "correct horse battery staple")
        .expect("register");
    println!("stored: {}", users.stored_credential("ada").unwrap_or("-"));
    println!("login:  {:?}", users.login("ada", "correct horse battery staple"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHash;

    /// A password drawn from the seed, so no stored string can be prepared in advance.
    fn seeded_password() -> String {
        let seed: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5);
        format!("tr0ub4dor-{:x}", seed.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    #[test]
    fn registered_user_can_log_in() {
        let password = seeded_password();
        let mut users = UserStore::default();
        users.register("ada", &password).unwrap();
        assert_eq!(users.login("ada", &password), Ok(()));
    }

    #[test]
    fn wrong_password_is_rejected() {
        let mut users = UserStore::default();
        users.register("ada", &seeded_password()).unwrap();
        assert_eq!(users.login("ada", "hunter2"), Err(AuthError::InvalidCredentials));
        assert_eq!(users.login("ada", ""), Err(AuthError::InvalidCredentials));
    }

    #[test]
    fn unknown_user_gets_the_same_error_as_a_wrong_password() {
        let users = UserStore::default();
        assert_eq!(
            users.login("nobody", "whatever"),
            Err(AuthError::InvalidCredentials)
        );
    }

    #[test]
    fn username_cannot_be_registered_twice() {
        let mut users = UserStore::default();
        users.register("ada", "first password").unwrap();
        assert_eq!(
            users.register("ada", "second password"),
            Err(AuthError::UsernameTaken)
        );
        assert_eq!(users.login("ada", "first password"), Ok(()));
    }

    #[test]
    fn plaintext_is_never_stored() {
        let password = seeded_password();
        let mut users = UserStore::default();
        users.register("ada", &password).unwrap();
        let stored = users.stored_credential("ada").unwrap();
        assert!(
            !stored.contains(&password),
            "the stored credential contains the password itself: {stored}"
        );
    }

    #[test]
    fn stored_credential_is_an_argon2id_phc_string() {
        let mut users = UserStore::default();
        users.register("ada", &seeded_password()).unwrap();
        let stored = users.stored_credential("ada").unwrap();
        assert!(
            stored.starts_with("$argon2id$"),
            "expected a PHC string like $argon2id$v=19$..., got {stored}"
        );
    }

    #[test]
    fn same_password_is_salted_differently_for_each_user() {
        let password = seeded_password();
        let mut users = UserStore::default();
        users.register("ada", &password).unwrap();
        users.register("grace", &password).unwrap();
        assert_ne!(
            users.stored_credential("ada"),
            users.stored_credential("grace"),
            "two users with the same password store the same string: crack one, crack both"
        );
        assert_eq!(users.login("grace", &password), Ok(()));
    }

    #[test]
    fn stored_hash_verifies_with_a_fresh_argon2() {
        let password = seeded_password();
        let mut users = UserStore::default();
        users.register("ada", &password).unwrap();
        let stored = users.stored_credential("ada").unwrap();
        let parsed = PasswordHash::new(stored).expect("the stored credential should parse as a PHC string");
        assert!(
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"not the password", &parsed)
                .is_err()
        );
    }
}
