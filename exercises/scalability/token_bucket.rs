// Rate limiting: the token bucket.
//
// One client in a retry loop, a scraper, or a bug in a partner's cron job can
// send more requests than the whole rest of your traffic. A rate limiter caps
// each client so one of them cannot take the service down for everyone.
//
// A token bucket holds up to `capacity` tokens and gains one every
// `refill_every`. Each request takes a token; with none left it is refused
// with 429 Too Many Requests and a `Retry-After` saying when the next token
// arrives. Bursts up to `capacity` pass at once; the long-run rate is one
// request per `refill_every`. (AWS API Gateway and Stripe describe their
// limits this way.)
//
// Two details make or break it:
// - Time already spent towards the next token must not be thrown away when a
//   token is added, or a client that polls often is slowed down for nothing.
// - `Retry-After` must be exact: too short and well-behaved clients retry into
//   another refusal, too long and they wait for nothing.
//
// Time comes from a `Clock`, so the tests move it by hand. Make the tests pass
// by fixing `refill` and `try_acquire`.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Time elapsed since some fixed start.
pub trait Clock {
    fn now(&self) -> Duration;
}

pub struct SystemClock(Instant);

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A clock that only moves when told to. Clones share the same time.
#[derive(Clone, Default)]
pub struct ManualClock(Rc<Cell<Duration>>);

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        self.0.set(self.0.get() + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.0.get()
    }
}

/// Refused: try again after this long.
#[derive(Debug, PartialEq)]
pub struct RetryAfter(pub Duration);

pub struct TokenBucket<C: Clock> {
    clock: C,
    capacity: u32,
    /// One token is added every `refill_every`.
    refill_every: Duration,
    tokens: u32,
    /// When the token now being earned started accruing.
    last_refill: Duration,
}

impl<C: Clock> TokenBucket<C> {
    /// A full bucket.
    pub fn new(clock: C, capacity: u32, refill_every: Duration) -> Self {
        assert!(
            capacity > 0 && !refill_every.is_zero(),
            "a bucket needs room and a refill rate"
        );
        let last_refill = clock.now();
        TokenBucket {
            clock,
            capacity,
            refill_every,
            tokens: capacity,
            last_refill,
        }
    }

    /// Adds the tokens earned since `last_refill`.
    fn refill(&mut self) {
        let now = self.clock.now();
        let earned = (now - self.last_refill).as_nanos() / self.refill_every.as_nanos();
        if earned > 0 {
            self.tokens = (u128::from(self.tokens) + earned).min(u128::from(self.capacity)) as u32;
            self.last_refill = now;
        }
    }

    /// Takes a token, or says how long until one is available.
    pub fn try_acquire(&mut self) -> Result<(), RetryAfter> {
        self.refill();
        if self.tokens > 0 {
            self.tokens -= 1;
            Ok(())
        } else {
            Err(RetryAfter(self.refill_every))
        }
    }
}

fn main() {
    let mut bucket = TokenBucket::new(SystemClock(Instant::now()), 3, Duration::from_millis(200));
    for i in 1..=5 {
        println!("request {i}: {:?}", bucket.try_acquire());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY: Duration = Duration::from_millis(100);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn bucket(capacity: u32) -> (TokenBucket<ManualClock>, ManualClock) {
        let clock = ManualClock::default();
        (TokenBucket::new(clock.clone(), capacity, EVERY), clock)
    }

    fn drain(bucket: &mut TokenBucket<ManualClock>) {
        while bucket.try_acquire().is_ok() {}
    }

    #[test]
    fn a_full_bucket_allows_a_burst_of_its_capacity() {
        let (mut bucket, _clock) = bucket(5);
        for i in 1..=5 {
            assert_eq!(bucket.try_acquire(), Ok(()), "request {i} of a burst of 5");
        }
        assert!(
            bucket.try_acquire().is_err(),
            "the 6th request of the burst should be refused"
        );
    }

    #[test]
    fn an_empty_bucket_says_exactly_when_to_retry() {
        let (mut bucket, clock) = bucket(5);
        drain(&mut bucket);
        assert_eq!(bucket.try_acquire(), Err(RetryAfter(ms(100))));
        clock.advance(ms(30));
        assert_eq!(
            bucket.try_acquire(),
            Err(RetryAfter(ms(70))),
            "30 ms into a 100 ms refill, 70 ms remain"
        );
    }

    #[test]
    fn tokens_come_back_at_the_refill_rate() {
        let (mut bucket, clock) = bucket(5);
        drain(&mut bucket);
        clock.advance(ms(250));
        assert_eq!(bucket.try_acquire(), Ok(()));
        assert_eq!(bucket.try_acquire(), Ok(()));
        assert_eq!(
            bucket.try_acquire(),
            Err(RetryAfter(ms(50))),
            "250 ms earn two tokens and half of the third: it arrives in 50 ms"
        );
    }

    #[test]
    fn progress_towards_the_next_token_is_not_lost() {
        let (mut bucket, clock) = bucket(5);
        drain(&mut bucket);
        clock.advance(ms(120));
        assert_eq!(bucket.try_acquire(), Ok(()), "a token was earned at t=100");
        clock.advance(ms(80));
        assert_eq!(
            bucket.try_acquire(),
            Ok(()),
            "the next token was earned at t=200, not t=220"
        );
    }

    #[test]
    fn an_idle_bucket_refills_only_up_to_its_capacity() {
        let (mut bucket, clock) = bucket(5);
        drain(&mut bucket);
        clock.advance(Duration::from_secs(3_600));
        for _ in 0..5 {
            assert_eq!(bucket.try_acquire(), Ok(()));
        }
        assert_eq!(
            bucket.try_acquire(),
            Err(RetryAfter(ms(100))),
            "an hour of idling does not bank more than 5"
        );
    }

    /// Random traffic drawn from a seed. Every refusal is checked against its
    /// own promise: one nanosecond before the announced time the bucket is still
    /// empty, at that time a token is there.
    #[test]
    fn seeded_traffic_gets_exact_retry_times_and_respects_the_rate() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(31);
        let mut next = move |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % below
        };
        let (mut bucket, clock) = bucket(4);
        let mut granted = 0u128;
        for _ in 0..300 {
            clock.advance(Duration::from_micros(next(150_000)));
            for _ in 0..next(4) {
                match bucket.try_acquire() {
                    Ok(()) => granted += 1,
                    Err(RetryAfter(wait)) => {
                        assert!(
                            !wait.is_zero() && wait <= EVERY,
                            "Retry-After {wait:?} outside (0, 100 ms]"
                        );
                        clock.advance(wait - Duration::from_nanos(1));
                        assert_eq!(
                            bucket.try_acquire(),
                            Err(RetryAfter(Duration::from_nanos(1))),
                            "1 ns before the announced Retry-After ({wait:?}) the token must still be 1 ns away"
                        );
                        clock.advance(Duration::from_nanos(1));
                        assert_eq!(
                            bucket.try_acquire(),
                            Ok(()),
                            "at the announced Retry-After ({wait:?}) a token must be there"
                        );
                        granted += 1;
                    }
                }
            }
        }
        let ceiling = 4 + clock.now().as_nanos() / EVERY.as_nanos();
        assert!(
            granted <= ceiling,
            "{granted} requests granted where capacity and rate allow {ceiling}"
        );
    }
}
