// Option, Result and `?`: absence and failure are values.
//
// Read: The Rust Book, section 6.1, "Defining an Enum" (the `Option` part,
// https://doc.rust-lang.org/book/ch06-01-defining-an-enum.html) and section
// 9.2, "Recoverable Errors with Result"
// (https://doc.rust-lang.org/book/ch09-02-recoverable-errors-with-result.html).
//
// Rust has no null and no exceptions. A lookup that may find nothing returns
// `Option<T>` (`Some(user)` or `None`); an operation that may fail returns
// `Result<T, E>` (`Ok(value)` or `Err(why)`). The compiler makes the caller
// look before using the value, so "user not found" cannot turn into a crash
// three functions later. `?` is the short way to say "if this failed, return
// the failure to my caller", and `ok_or` turns an `Option` into a `Result`
// when absence is an error at this level.
//
// Write `find_user`, `parse_id` and `user_name_for` (the last one in three
// lines, with `?`). No `unwrap`: a bad id from a client is not a reason to
// crash the server.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// The text is not a positive whole number; holds it as written.
    BadId(String),
    /// A well-formed id that belongs to nobody.
    NoSuchUser(u64),
}

/// The user with this id, if there is one.
pub fn find_user(users: &[User], id: u64) -> Option<&User> {
    todo!("`iter().find(…)` returns exactly this type")
}

/// The id in `text` (spaces around it allowed): a whole number above 0.
pub fn parse_id(text: &str) -> Result<u64, LookupError> {
    todo!("`str::parse::<u64>()` gives a Result; 0 is refused too")
}

/// The name of the user whose id is written in `text`.
pub fn user_name_for(users: &[User], text: &str) -> Result<String, LookupError> {
    todo!("parse_id(text)?, then find_user(…).ok_or(…)?")
}

fn main() {
    let users = vec![User {
        id: 1,
        name: "Ada".to_string(),
    }];
    for text in ["1", "2", "one"] {
        println!("{text:?} → {:?}", user_name_for(&users, text));
    }
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

    /// A pronounceable word drawn from the seed: "bodaniru".
    fn word(state: &mut u64) -> String {
        let consonants = b"bdfgklmnprstvz";
        let vowels = b"aeiou";
        (0..4)
            .flat_map(|_| {
                let c = consonants[random(state, consonants.len() as u64) as usize];
                let v = vowels[random(state, vowels.len() as u64) as usize];
                [c as char, v as char]
            })
            .collect()
    }

    /// Users with seeded, scattered ids and names.
    fn users(state: &mut u64) -> Vec<User> {
        let mut id = 0;
        (0..3 + random(state, 6))
            .map(|_| {
                id += 1 + random(state, 50);
                User {
                    id,
                    name: word(state),
                }
            })
            .collect()
    }

    #[test]
    fn find_user_finds_each_user_and_nothing_else() {
        let mut state = seed();
        let users = users(&mut state);
        for user in &users {
            assert_eq!(find_user(&users, user.id), Some(user));
        }
        let missing = users.last().map_or(1, |u| u.id + 1);
        assert_eq!(find_user(&users, missing), None);
        assert_eq!(find_user(&[], 1), None);
    }

    #[test]
    fn parse_id_accepts_positive_numbers() {
        let mut state = seed();
        let id = 1 + random(&mut state, 1_000_000);
        assert_eq!(parse_id(&id.to_string()), Ok(id));
        assert_eq!(parse_id(&format!("  {id} ")), Ok(id));
    }

    #[test]
    fn parse_id_refuses_everything_else_and_keeps_the_text() {
        for text in ["", "abc", "-3", "0", "1.5", "99999999999999999999"] {
            assert_eq!(
                parse_id(text),
                Err(LookupError::BadId(text.to_string())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn user_name_for_combines_both() {
        let mut state = seed();
        let users = users(&mut state);
        let user = &users[random(&mut state, users.len() as u64) as usize];
        assert_eq!(user_name_for(&users, &user.id.to_string()), Ok(user.name.clone()));
        let missing = users.last().map_or(1, |u| u.id + 1);
        assert_eq!(
            user_name_for(&users, &missing.to_string()),
            Err(LookupError::NoSuchUser(missing))
        );
        assert_eq!(
            user_name_for(&users, "x1"),
            Err(LookupError::BadId("x1".to_string()))
        );
    }
}
