// Traits for dependency injection: the service is handed its clock and its
// repository.
//
// `AccountService<C, R>` is generic over the two traits: production passes
// `SystemClock` and a real repository, tests pass a clock stopped at a known
// instant and a repository they can inspect. Generics cost nothing at run time;
// `Box<dyn Clock>` would work as well and keeps the type shorter, at the price of
// a heap allocation and a virtual call — either is fine for this. No global is
// left, so tests that run in parallel cannot see each other's users.

use std::time::{Duration, SystemTime};

/// A user who has not logged in for longer than this is inactive.
pub const INACTIVE_AFTER: Duration = Duration::from_secs(90 * 24 * 60 * 60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    pub email: String,
    pub last_login: SystemTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownUser(pub u64);

/// Where "now" comes from.
pub trait Clock {
    fn now(&self) -> SystemTime;
}

/// The wall clock, for production.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Where users are kept.
pub trait UserRepository {
    fn all(&self) -> Vec<User>;
    /// `false` when there is no user `id`.
    fn set_last_login(&mut self, id: u64, at: SystemTime) -> bool;
}

/// A repository in memory (production would put SQL behind the same trait).
#[derive(Debug, Default)]
pub struct InMemoryUsers(pub Vec<User>);

impl UserRepository for InMemoryUsers {
    fn all(&self) -> Vec<User> {
        self.0.clone()
    }

    fn set_last_login(&mut self, id: u64, at: SystemTime) -> bool {
        match self.0.iter_mut().find(|u| u.id == id) {
            Some(user) => {
                user.last_login = at;
                true
            }
            None => false,
        }
    }
}

pub struct AccountService<C, R> {
    clock: C,
    users: R,
}

impl<C: Clock, R: UserRepository> AccountService<C, R> {
    pub fn new(clock: C, users: R) -> Self {
        AccountService { clock, users }
    }

    /// Ids of the users whose last login is more than `INACTIVE_AFTER` ago.
    pub fn inactive_users(&self) -> Vec<u64> {
        let now = self.clock.now();
        self.users
            .all()
            .into_iter()
            // A login in the future (clock skew) is not inactivity.
            .filter(|u| {
                now.duration_since(u.last_login)
                    .is_ok_and(|age| age > INACTIVE_AFTER)
            })
            .map(|u| u.id)
            .collect()
    }

    /// Remember that user `id` logged in just now.
    pub fn record_login(&mut self, id: u64) -> Result<(), UnknownUser> {
        let now = self.clock.now();
        if self.users.set_last_login(id, now) {
            Ok(())
        } else {
            Err(UnknownUser(id))
        }
    }
}

fn main() {
    const DAY: Duration = Duration::from_secs(24 * 60 * 60);
    let now = SystemTime::now();
    let users = InMemoryUsers(vec![
        User {
            id: 1,
            email: "ada@example.com".into(),
            last_login: now - 3 * DAY,
        },
        User {
            id: 2,
            email: "bob@example.com".into(),
            last_login: now - 120 * DAY,
        },
    ]);
    let mut service = AccountService::new(SystemClock, users);
    println!("inactive: {:?}", service.inactive_users());
    service.record_login(2).expect("user 2 exists");
    println!("after bob logs in: {:?}", service.inactive_users());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::UNIX_EPOCH;

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    /// 2023-11-14 22:13:20 UTC: any fixed instant will do.
    fn t0() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    /// A clock that reads a time the test controls; clones share it.
    #[derive(Clone)]
    struct TestClock(Rc<Cell<SystemTime>>);

    impl TestClock {
        fn at(time: SystemTime) -> Self {
            TestClock(Rc::new(Cell::new(time)))
        }

        fn advance(&self, by: Duration) {
            self.0.set(self.0.get() + by);
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> SystemTime {
            self.0.get()
        }
    }

    /// A repository whose contents the test can still read after handing a
    /// clone to the service.
    #[derive(Clone, Default)]
    struct FakeUsers(Rc<RefCell<Vec<User>>>);

    impl FakeUsers {
        /// One user per entry, ids from 1, last seen that many days before t0.
        fn last_seen_days_ago(days: &[u32]) -> Self {
            let users = days
                .iter()
                .zip(1..)
                .map(|(&days, id)| User {
                    id,
                    email: format!("user{id}@example.com"),
                    last_login: t0() - DAY * days,
                })
                .collect();
            FakeUsers(Rc::new(RefCell::new(users)))
        }

        fn last_login(&self, id: u64) -> Option<SystemTime> {
            self.0.borrow().iter().find(|u| u.id == id).map(|u| u.last_login)
        }
    }

    impl UserRepository for FakeUsers {
        fn all(&self) -> Vec<User> {
            self.0.borrow().clone()
        }

        fn set_last_login(&mut self, id: u64, at: SystemTime) -> bool {
            let mut users = self.0.borrow_mut();
            match users.iter_mut().find(|u| u.id == id) {
                Some(user) => {
                    user.last_login = at;
                    true
                }
                None => false,
            }
        }
    }

    #[test]
    fn users_unseen_for_more_than_90_days_are_inactive() {
        let service = AccountService::new(TestClock::at(t0()), FakeUsers::last_seen_days_ago(&[10, 91, 365]));
        assert_eq!(
            service.inactive_users(),
            [2, 3],
            "the service must use the clock and the users it was given"
        );
    }

    #[test]
    fn exactly_90_days_is_still_active() {
        let service = AccountService::new(TestClock::at(t0()), FakeUsers::last_seen_days_ago(&[90]));
        assert_eq!(service.inactive_users(), Vec::<u64>::new());
    }

    #[test]
    fn a_login_is_recorded_at_the_clock_time() {
        let users = FakeUsers::last_seen_days_ago(&[30, 30]);
        let mut service = AccountService::new(TestClock::at(t0()), users.clone());
        service.record_login(2).expect("user 2 exists");
        assert_eq!(
            users.last_login(2),
            Some(t0()),
            "the login time comes from the injected clock"
        );
        assert_eq!(
            users.last_login(1),
            Some(t0() - 30 * DAY),
            "other users are untouched"
        );
    }

    #[test]
    fn recording_a_login_for_an_unknown_user_fails() {
        let mut service = AccountService::new(TestClock::at(t0()), FakeUsers::last_seen_days_ago(&[1]));
        assert_eq!(service.record_login(99), Err(UnknownUser(99)));
    }

    #[test]
    fn inactivity_moves_with_the_clock() {
        let clock = TestClock::at(t0());
        let mut service = AccountService::new(clock.clone(), FakeUsers::last_seen_days_ago(&[60, 100]));
        assert_eq!(service.inactive_users(), [2]);
        clock.advance(31 * DAY);
        assert_eq!(
            service.inactive_users(),
            [1, 2],
            "31 days later, user 1 is 91 days out"
        );
        service.record_login(1).expect("user 1 exists");
        assert_eq!(service.inactive_users(), [2], "a login makes user 1 active again");
    }

    #[test]
    fn random_last_logins_match_a_naive_check() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        let users: Vec<User> = (1..=200)
            .map(|id| {
                // splitmix64
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                let seconds_ago = (z ^ (z >> 31)) % (180 * 24 * 60 * 60);
                User {
                    id,
                    email: format!("user{id}@example.com"),
                    last_login: t0() - Duration::from_secs(seconds_ago),
                }
            })
            .collect();
        let expected: Vec<u64> = users
            .iter()
            .filter(|u| t0().duration_since(u.last_login).unwrap() > Duration::from_secs(90 * 86_400))
            .map(|u| u.id)
            .collect();
        let service = AccountService::new(TestClock::at(t0()), FakeUsers(Rc::new(RefCell::new(users))));
        assert_eq!(service.inactive_users(), expected);
    }
}
