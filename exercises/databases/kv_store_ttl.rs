// Key-value stores: time to live.
//
// Redis and Memcached are the first databases most backends add: sessions,
// one-time codes, rate-limit counters, cached pages. Nearly all of that data
// must disappear on its own — a password-reset code that never expires is a
// standing invitation. So every key carries a deadline, and the store has to
// honour it in two ways:
// - lazily: a read of an expired key answers "not found" and removes it;
// - periodically: a sweep removes expired keys nobody reads any more, or
//   memory fills up with dead sessions.
// Here, writing a key always gives it a new TTL: `set` takes one. Redis has
// three behaviours worth knowing: a plain `SET key value` drops the old TTL
// (the key then lives forever — a classic way to leak sessions), `SET … EX n`
// sets a new one, and `SET … KEEPTTL` keeps the old deadline.
//
// Time comes from a `Clock` the store is given, not from the system: tests (and
// you) can then move time forward by hand instead of sleeping.
//
// Make the tests pass: fix `set` and `get`, and write `evict_expired`.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// A source of "now", in milliseconds since some fixed start.
pub trait Clock {
    fn now_millis(&self) -> u64;
}

/// The real clock, for `main`.
pub struct SystemClock(Instant);

impl Clock for SystemClock {
    fn now_millis(&self) -> u64 {
        self.0.elapsed().as_millis() as u64
    }
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Clone, Default)]
pub struct ManualClock(Rc<Cell<u64>>);

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        self.0.set(self.0.get() + by.as_millis() as u64);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> u64 {
        self.0.get()
    }
}

struct Entry {
    value: String,
    /// The first instant (in clock millis) at which the key no longer exists.
    expires_at: u64,
}

pub struct KvStore<C: Clock> {
    clock: C,
    entries: HashMap<String, Entry>,
}

impl<C: Clock> KvStore<C> {
    pub fn new(clock: C) -> Self {
        KvStore {
            clock,
            entries: HashMap::new(),
        }
    }

    /// Stores `value` under `key` for `ttl`: set at t=0 with a 100 ms TTL, the
    /// key is readable up to t=99 and gone from t=100.
    pub fn set(&mut self, key: &str, value: &str, ttl: Duration) {
        let expires_at = self.clock.now_millis() + ttl.as_millis() as u64;
        match self.entries.get_mut(key) {
            // Overwrites keep the first deadline. Is that what a caller expects?
            Some(entry) => entry.value = value.to_string(),
            None => {
                self.entries.insert(
                    key.to_string(),
                    Entry {
                        value: value.to_string(),
                        expires_at,
                    },
                );
            }
        }
    }

    /// The value of `key`, unless it is missing or expired. An expired key is
    /// removed on the way.
    pub fn get(&mut self, key: &str) -> Option<String> {
        self.entries.get(key).map(|entry| entry.value.clone())
    }

    /// Removes every expired key; returns how many were removed.
    pub fn evict_expired(&mut self) -> usize {
        todo!("remove the entries whose deadline has passed")
    }

    /// Keys physically held, expired or not: what the store costs in memory.
    pub fn stored_keys(&self) -> usize {
        self.entries.len()
    }
}

fn main() {
    let mut store = KvStore::new(SystemClock(Instant::now()));
    store.set("session:42", "user=ada", Duration::from_millis(50));
    println!("now:   {:?}", store.get("session:42"));
    std::thread::sleep(Duration::from_millis(60));
    println!("later: {:?}", store.get("session:42"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn store() -> (KvStore<ManualClock>, ManualClock) {
        let clock = ManualClock::default();
        (KvStore::new(clock.clone()), clock)
    }

    #[test]
    fn a_key_is_readable_before_its_deadline() {
        let (mut store, clock) = store();
        store.set("otp:ada", "123456", ms(100));
        clock.advance(ms(99));
        assert_eq!(store.get("otp:ada").as_deref(), Some("123456"));
        assert_eq!(store.get("otp:grace"), None);
    }

    #[test]
    fn a_key_is_gone_at_its_deadline() {
        let (mut store, clock) = store();
        store.set("otp:ada", "123456", ms(100));
        clock.advance(ms(100));
        assert_eq!(
            store.get("otp:ada"),
            None,
            "the code expired at t=100 but was still served"
        );
    }

    #[test]
    fn reading_an_expired_key_removes_it() {
        let (mut store, clock) = store();
        store.set("a", "1", ms(10));
        store.set("b", "2", ms(1_000));
        clock.advance(ms(10));
        assert_eq!(store.get("a"), None);
        assert_eq!(
            store.stored_keys(),
            1,
            "the expired key should be dropped when it is read"
        );
    }

    #[test]
    fn overwriting_a_key_restarts_its_ttl() {
        let (mut store, clock) = store();
        store.set("session", "v1", ms(100));
        clock.advance(ms(80));
        store.set("session", "v2", ms(100));
        clock.advance(ms(80));
        assert_eq!(
            store.get("session").as_deref(),
            Some("v2"),
            "rewritten at t=80 with a 100 ms TTL, the key must live until t=180"
        );
        clock.advance(ms(20));
        assert_eq!(store.get("session"), None);
    }

    #[test]
    fn overwriting_can_also_shorten_a_ttl() {
        let (mut store, clock) = store();
        store.set("session", "v1", ms(1_000));
        store.set("session", "v2", ms(10));
        clock.advance(ms(10));
        assert_eq!(store.get("session"), None);
    }

    #[test]
    fn sweep_removes_only_expired_keys() {
        let (mut store, clock) = store();
        store.set("short", "1", ms(10));
        store.set("medium", "2", ms(50));
        store.set("long", "3", ms(500));
        clock.advance(ms(50));
        assert_eq!(store.evict_expired(), 2);
        assert_eq!(store.stored_keys(), 1);
        assert_eq!(store.get("long").as_deref(), Some("3"));
        assert_eq!(
            store.evict_expired(),
            0,
            "a second sweep has nothing left to remove"
        );
    }

    /// Many keys with TTLs drawn from a seed; the sweep must remove exactly the dead ones.
    #[test]
    fn seeded_sweep_matches_every_deadline() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(11);
        let mut next = move |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % below
        };
        let (mut store, clock) = store();
        let ttls: Vec<u64> = (0..300).map(|_| 1 + next(1_000)).collect();
        for (i, ttl) in ttls.iter().enumerate() {
            store.set(&format!("key:{i}"), &i.to_string(), ms(*ttl));
        }
        let elapsed = next(1_000);
        clock.advance(ms(elapsed));
        let dead = ttls.iter().filter(|ttl| **ttl <= elapsed).count();
        assert_eq!(
            store.evict_expired(),
            dead,
            "{elapsed} ms later, {dead} of 300 keys had expired"
        );
        assert_eq!(store.stored_keys(), 300 - dead);
        for (i, ttl) in ttls.iter().enumerate() {
            let expected = (*ttl > elapsed).then(|| i.to_string());
            assert_eq!(
                store.get(&format!("key:{i}")),
                expected,
                "key:{i} with a TTL of {ttl} ms"
            );
        }
    }
}
