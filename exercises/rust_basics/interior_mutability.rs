// Rc, Cell and RefCell: change what is shared, when the borrow checker
// cannot see it is safe.
//
// Read: The Rust Book, chapter 15, sections 15.4 "Rc<T>" and 15.5 "RefCell<T>
// and the Interior Mutability Pattern"
// (https://doc.rust-lang.org/book/ch15-05-interior-mutability.html).
//
// Test doubles run into this first. A `Mailer` trait takes `&self`, because
// the real one is shared by every handler; a FAKE mailer in a test must still
// remember what it was asked to send — a change through a shared reference,
// which `&self` forbids. `RefCell<T>` moves that check from compile time to
// run time: `borrow_mut()` hands out one exclusive borrow at a time and panics
// on a second. `Cell<T>` does the same for small `Copy` values with `get` and
// `set`. And `Rc<T>` gives one value several owners, so that two clones of a
// test clock see the same time. (All three are single-thread tools; across
// threads their counterparts are `Mutex` and `Arc`, next exercise.)
//
// Write `RecordingMailer::send` and `sent`, and `ManualClock::now_ms` and
// `advance`, changing the fields' types where you need to.

/// Sends mail. `&self`: one mailer is shared by every part of the program.
pub trait Mailer {
    fn send(&self, to: &str, body: &str);
}

/// The code under test: welcomes every new user through whichever mailer it is given.
pub fn welcome_all(mailer: &impl Mailer, users: &[&str]) {
    for user in users {
        mailer.send(user, &format!("Welcome, {user}!"));
    }
}

/// A fake for tests: remembers every mail instead of sending it.
#[derive(Debug, Default)]
pub struct RecordingMailer {
    sent: Vec<(String, String)>,
}

impl Mailer for RecordingMailer {
    fn send(&self, to: &str, body: &str) {
        todo!("remember (to, body) in `sent` — through `&self`")
    }
}

impl RecordingMailer {
    /// Every mail so far, oldest first, as (to, body).
    pub fn sent(&self) -> Vec<(String, String)> {
        todo!("a copy of what `send` recorded")
    }
}

/// A clock tests move by hand. Clones share one time: moving one moves them all.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now_ms: u64,
}

impl ManualClock {
    pub fn now_ms(&self) -> u64 {
        todo!("read the shared time")
    }

    pub fn advance(&self, ms: u64) {
        todo!("move the shared time forward by `ms`")
    }
}

fn main() {
    let mailer = RecordingMailer::default();
    welcome_all(&mailer, &["ada@example.com", "grace@example.com"]);
    println!("{} mails recorded", mailer.sent().len());
    let clock = ManualClock::default();
    let seen_by_cache = clock.clone();
    clock.advance(1500);
    println!("the cache sees t = {} ms", seen_by_cache.now_ms());
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

    #[test]
    fn the_fake_records_every_mail_in_order() {
        let mut state = seed();
        let users: Vec<String> = (0..1 + random(&mut state, 6))
            .map(|_| format!("{}@example.com", word(&mut state)))
            .collect();
        let names: Vec<&str> = users.iter().map(String::as_str).collect();
        let mailer = RecordingMailer::default();
        welcome_all(&mailer, &names);
        let expected: Vec<(String, String)> = users
            .iter()
            .map(|u| (u.clone(), format!("Welcome, {u}!")))
            .collect();
        assert_eq!(mailer.sent(), expected);
    }

    #[test]
    fn one_fake_shared_by_two_callers_sees_both() {
        let mailer = RecordingMailer::default();
        let (signup, billing) = (&mailer, &mailer);
        signup.send("ada@example.com", "hello");
        billing.send("ada@example.com", "your invoice");
        assert_eq!(
            mailer.sent(),
            [
                ("ada@example.com".to_string(), "hello".to_string()),
                ("ada@example.com".to_string(), "your invoice".to_string()),
            ]
        );
        assert!(RecordingMailer::default().sent().is_empty());
    }

    #[test]
    fn the_clock_starts_at_zero_and_moves_only_when_told() {
        let mut state = seed();
        let (a, b) = (random(&mut state, 10_000), random(&mut state, 10_000));
        let clock = ManualClock::default();
        assert_eq!(clock.now_ms(), 0);
        clock.advance(a);
        clock.advance(b);
        assert_eq!(clock.now_ms(), a + b);
    }

    #[test]
    fn clones_of_the_clock_share_one_time() {
        let mut state = seed();
        let step = 1 + random(&mut state, 10_000);
        let clock = ManualClock::default();
        let seen_by_cache = clock.clone();
        clock.advance(step);
        assert_eq!(seen_by_cache.now_ms(), step, "a clone must see the time move");
        seen_by_cache.advance(step);
        assert_eq!(clock.now_ms(), 2 * step, "and moving a clone moves the original");
    }
}
