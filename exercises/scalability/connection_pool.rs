// Connection pools: return on Drop, wait with a timeout.
//
// Opening a database connection costs a TCP handshake, TLS and
// authentication — milliseconds — and the database accepts only a few hundred
// of them. So a service opens a fixed set once and lends them out: a pool
// (r2d2, deadpool, sqlx's PgPool, HikariCP).
//
// Pools cause two classic outages:
// - Leaks. A handler that borrows a connection and returns early (`?`, a
//   panic) without giving it back shrinks the pool by one; after enough
//   errors the pool is empty and every request hangs. In Rust the borrower
//   gets a guard whose `Drop` gives the connection back — on every path,
//   unwinding included.
// - Waiting forever, or not at all. When every connection is out, `acquire`
//   should wait for one to come back, but only up to a timeout: then fail
//   fast (503) instead of piling up requests behind a stuck database.
//
// Make the tests pass: return the connection when a `PooledConnection` is
// dropped, and make `acquire` wait — on the `returned` Condvar, never by
// spinning — until a connection is free or the timeout has passed.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, PartialEq)]
pub enum PoolError {
    /// No connection came back within the timeout.
    Timeout,
}

struct Shared<C> {
    idle: Mutex<Vec<C>>,
    /// Signalled whenever a connection goes back into `idle`.
    returned: Condvar,
}

/// A fixed set of connections. Clones are handles to the same pool.
pub struct Pool<C> {
    shared: Arc<Shared<C>>,
}

impl<C> Clone for Pool<C> {
    fn clone(&self) -> Self {
        Pool {
            shared: Arc::clone(&self.shared),
        }
    }
}

/// A borrowed connection; use it through `*` / auto-deref.
pub struct PooledConnection<C> {
    /// Always `Some` until the guard is dropped.
    conn: Option<C>,
    shared: Arc<Shared<C>>,
}

impl<C> Deref for PooledConnection<C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl<C> DerefMut for PooledConnection<C> {
    fn deref_mut(&mut self) -> &mut C {
        self.conn.as_mut().expect("present until dropped")
    }
}

impl<C> Pool<C> {
    pub fn new(connections: Vec<C>) -> Self {
        Pool {
            shared: Arc::new(Shared {
                idle: Mutex::new(connections),
                returned: Condvar::new(),
            }),
        }
    }

    /// Borrows a connection, waiting up to `timeout` for one to be returned.
    pub fn acquire(&self, timeout: Duration) -> Result<PooledConnection<C>, PoolError> {
        let conn = self
            .shared
            .idle
            .lock()
            .expect("pool lock")
            .pop()
            .ok_or(PoolError::Timeout)?;
        Ok(PooledConnection {
            conn: Some(conn),
            shared: Arc::clone(&self.shared),
        })
    }

    /// Connections currently in the pool, not lent out.
    pub fn idle(&self) -> usize {
        self.shared.idle.lock().expect("pool lock").len()
    }
}

/// Stands in for a database connection.
#[derive(Debug)]
pub struct FakeConnection {
    pub id: usize,
    pub queries_run: u64,
}

fn main() {
    let pool = Pool::new((0..2).map(|id| FakeConnection { id, queries_run: 0 }).collect());
    for _ in 0..3 {
        match pool.acquire(Duration::from_millis(100)) {
            Ok(mut conn) => {
                conn.queries_run += 1;
                println!("got connection {}", conn.id);
            }
            Err(e) => println!("no connection: {e:?}"),
        }
    }
    println!("idle afterwards: {}", pool.idle());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::thread;

    fn pool(size: usize) -> Pool<FakeConnection> {
        Pool::new(
            (0..size)
                .map(|id| FakeConnection { id, queries_run: 0 })
                .collect(),
        )
    }

    #[test]
    fn acquire_hands_out_a_connection() {
        let pool = pool(2);
        let mut conn = pool.acquire(Duration::from_millis(10)).unwrap();
        conn.queries_run += 1;
        assert!(conn.id < 2);
        assert_eq!(pool.idle(), 1);
    }

    #[test]
    fn dropping_the_guard_returns_the_connection() {
        let pool = pool(1);
        for round in 1..=5 {
            let conn = pool.acquire(Duration::from_millis(10));
            assert!(
                conn.is_ok(),
                "round {round}: the only connection was never given back"
            );
        }
        assert_eq!(pool.idle(), 1);
    }

    #[test]
    fn a_connection_comes_back_even_when_its_holder_panics() {
        let pool = pool(1);
        let holder = pool.clone();
        let crashed = thread::spawn(move || {
            let _conn = holder.acquire(Duration::from_millis(10)).unwrap();
            panic!("deliberate panic while holding a connection (this message is expected)");
        })
        .join();
        assert!(crashed.is_err());
        assert!(
            pool.acquire(Duration::from_millis(100)).is_ok(),
            "the panicking handler leaked the connection"
        );
    }

    #[test]
    fn acquire_waits_for_a_connection_released_by_another_thread() {
        let pool = pool(1);
        let holder = pool.clone();
        let (taken, wait_taken) = mpsc::channel();
        let worker = thread::spawn(move || {
            let _conn = holder.acquire(Duration::from_millis(10)).unwrap();
            taken.send(()).unwrap();
            thread::sleep(Duration::from_millis(50));
        });
        wait_taken.recv().unwrap();
        let conn = pool.acquire(Duration::from_secs(5));
        assert!(
            conn.is_ok(),
            "acquire gave up although the connection came back within 50 ms"
        );
        worker.join().unwrap();
    }

    #[test]
    fn acquire_gives_up_after_the_timeout() {
        let pool = pool(1);
        let _held = pool.acquire(Duration::from_millis(10)).unwrap();
        let started = Instant::now();
        let result = pool.acquire(Duration::from_millis(50));
        let waited = started.elapsed();
        assert!(matches!(result, Err(PoolError::Timeout)));
        assert!(
            waited >= Duration::from_millis(50),
            "gave up after {waited:?} instead of waiting 50 ms"
        );
        assert!(
            waited < Duration::from_secs(5),
            "waited {waited:?} for a 50 ms timeout"
        );
    }

    #[test]
    fn many_threads_share_a_small_pool_without_losing_connections() {
        let pool = pool(3);
        let in_use = Arc::new(AtomicUsize::new(0));
        let most_in_use = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (pool, in_use, most_in_use) =
                    (pool.clone(), Arc::clone(&in_use), Arc::clone(&most_in_use));
                thread::spawn(move || {
                    for _ in 0..25 {
                        let mut conn = pool
                            .acquire(Duration::from_secs(5))
                            .expect("a connection within 5 s");
                        let now = in_use.fetch_add(1, Ordering::SeqCst) + 1;
                        most_in_use.fetch_max(now, Ordering::SeqCst);
                        conn.queries_run += 1;
                        thread::sleep(Duration::from_micros(500));
                        in_use.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("a borrower thread failed");
        }
        assert!(most_in_use.load(Ordering::SeqCst) <= 3);
        assert_eq!(pool.idle(), 3, "connections went missing");
        let all: Vec<_> = (0..3)
            .map(|_| pool.acquire(Duration::from_millis(10)).unwrap())
            .collect();
        let queries: u64 = all.iter().map(|conn| conn.queries_run).sum();
        assert_eq!(
            queries, 200,
            "every checkout should have used, and given back, a real connection"
        );
    }
}
