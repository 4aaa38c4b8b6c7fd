// Password hashing: store a slow, salted hash — never the password.
//
// Databases leak: a backup left public, an SQL injection, a laptop. When the
// users table holds plaintext, every password is instantly in the attackers'
// hands — and since people reuse passwords, so are their mail and bank
// accounts. A fast hash (SHA-256) barely helps: GPUs try billions per second,
// and identical passwords give identical hashes, so one cracked row cracks all
// its twins.
//
// A password hash fixes both: Argon2id is deliberately slow and memory-hungry,
// and each hash gets its own random salt, so two users with the same password
// store different strings. The result is a PHC string that records the
// algorithm, its parameters and the salt next to the hash:
//     $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
// so verifying later needs nothing else.
//
// Make the tests pass: `register` stores an Argon2id PHC string, `login`
// verifies the password against it.
//
// The argon2 0.6 API: `Argon2::default().hash_password(bytes)` (it draws a
// random salt itself) and `verify_password(bytes, phc_str)`, both from the
// `PasswordHasher` / `PasswordVerifier` traits.

use std::collections::HashMap;

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

impl UserStore {
    pub fn register(&mut self, username: &str, password: &str) -> Result<(), AuthError> {
        if self.credentials.contains_key(username) {
            return Err(AuthError::UsernameTaken);
        }
        self.credentials
            .insert(username.to_string(), password.to_string());
        Ok(())
    }

    pub fn login(&self, username: &str, password: &str) -> Result<(), AuthError> {
        match self.credentials.get(username) {
            Some(stored) if stored == password => Ok(()),
            _ => Err(AuthError::InvalidCredentials),
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
