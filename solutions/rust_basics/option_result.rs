// Option, Result and `?`: absence and failure are values.
//
// `find_user` says "maybe"; `parse_id` says "or why not"; `user_name_for`
// chains them with `?`, converting the absent user into an error of its own
// with `ok_or`, so its caller gets one `Result` that names what went wrong.

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
    users.iter().find(|user| user.id == id)
}

/// The id in `text` (spaces around it allowed): a whole number above 0.
pub fn parse_id(text: &str) -> Result<u64, LookupError> {
    let bad = || LookupError::BadId(text.to_string());
    let id: u64 = text.trim().parse().map_err(|_| bad())?;
    if id == 0 { Err(bad()) } else { Ok(id) }
}

/// The name of the user whose id is written in `text`.
pub fn user_name_for(users: &[User], text: &str) -> Result<String, LookupError> {
    let id = parse_id(text)?;
    let user = find_user(users, id).ok_or(LookupError::NoSuchUser(id))?;
    Ok(user.name.clone())
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
