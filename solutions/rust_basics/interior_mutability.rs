// Rc, Cell and RefCell: change what is shared, when the borrow checker
// cannot see it is safe.
//
// The mailer keeps its list in a `RefCell`, borrowed mutably for exactly one
// `push`; the clock keeps its time in an `Rc<Cell<u64>>`, so every clone reads
// and moves the same instant. Later exercises use both: kv_store_ttl's clock,
// fakes_in_tests' mailer.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

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
    sent: RefCell<Vec<(String, String)>>,
}

impl Mailer for RecordingMailer {
    fn send(&self, to: &str, body: &str) {
        // The mutable borrow lives for this one statement, so no other
        // borrow can ever overlap it.
        self.sent.borrow_mut().push((to.to_string(), body.to_string()));
    }
}

impl RecordingMailer {
    /// Every mail so far, oldest first, as (to, body).
    pub fn sent(&self) -> Vec<(String, String)> {
        self.sent.borrow().clone()
    }
}

/// A clock tests move by hand. Clones share one time: moving one moves them all.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    // `Rc`: every clone owns the same cell. `Cell`: a `u64` is `Copy`, so
    // `get`/`set` suffice and no borrow can be left dangling.
    now_ms: Rc<Cell<u64>>,
}

impl ManualClock {
    pub fn now_ms(&self) -> u64 {
        self.now_ms.get()
    }

    pub fn advance(&self, ms: u64) {
        self.now_ms.set(self.now_ms.get() + ms);
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
