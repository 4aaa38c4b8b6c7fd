// async/await with tokio: wait for many things at once, and never forever.
//
// `join!` polls both lookups concurrently on one task; `spawn` gives each
// item a task of its own, so they may also run in parallel on the runtime's
// threads; `timeout` turns "maybe never" into an error; `select!` drops the
// branch that lost, which cancels it — a future that is not polled does no work.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::timeout;

/// A pretend user service: answers after `delay`.
pub async fn fetch_name(id: u64, delay: Duration) -> String {
    tokio::time::sleep(delay).await;
    format!("user {id}")
}

/// A pretend order service: answers after `delay`.
pub async fn fetch_order_count(id: u64, delay: Duration) -> u64 {
    tokio::time::sleep(delay).await;
    id * 3
}

/// The user's name and order count, both services asked AT THE SAME TIME.
pub async fn profile(id: u64, delay: Duration) -> (String, u64) {
    tokio::join!(fetch_name(id, delay), fetch_order_count(id, delay))
}

/// Each number squared in a task of its own; the results in input order.
pub async fn squares_in_tasks(numbers: Vec<u64>) -> Vec<u64> {
    let handles: Vec<JoinHandle<u64>> = numbers
        .into_iter()
        .map(|n| tokio::spawn(async move { n * n }))
        .collect();
    let mut squares = Vec::with_capacity(handles.len());
    for handle in handles {
        // An Err here means the task panicked: pass the panic on.
        squares.push(handle.await.expect("a squaring task panicked"));
    }
    squares
}

/// `work`'s answer, or `Err(Elapsed)` when it is not ready within `limit`.
pub async fn with_deadline<F: Future<Output = u64>>(
    work: F,
    limit: Duration,
) -> Result<u64, tokio::time::error::Elapsed> {
    timeout(limit, work).await
}

/// The answer of whichever of `a` and `b` finishes first.
pub async fn first_of(a: impl Future<Output = String>, b: impl Future<Output = String>) -> String {
    tokio::select! {
        answer = a => answer,
        answer = b => answer,
    }
}

#[tokio::main]
async fn main() {
    let (name, orders) = profile(7, Duration::from_millis(20)).await;
    println!("{name} has {orders} orders");
    println!("{:?}", squares_in_tasks(vec![1, 2, 3]).await);
    println!(
        "{:?}",
        with_deadline(std::future::pending::<u64>(), Duration::from_millis(10)).await
    );
    println!(
        "{}",
        first_of(fetch_name(1, Duration::from_millis(5)), std::future::pending()).await
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::pending;
    use tokio::time::Instant;

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

    #[tokio::test(start_paused = true)]
    async fn profile_asks_both_services_concurrently() {
        let mut state = seed();
        let id = 1 + random(&mut state, 1000);
        let delay = Duration::from_millis(300);
        let started = Instant::now();
        let (name, orders) = profile(id, delay).await;
        let took = started.elapsed();
        assert_eq!((name, orders), (format!("user {id}"), id * 3));
        assert!(
            took < delay * 2,
            "took {took:?}: one {delay:?} wait after the other instead of both at once"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn squares_come_back_in_input_order() {
        let mut state = seed();
        let numbers: Vec<u64> = (0..random(&mut state, 30))
            .map(|_| random(&mut state, 100_000))
            .collect();
        let expected: Vec<u64> = numbers.iter().map(|n| n * n).collect();
        assert_eq!(squares_in_tasks(numbers).await, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn a_ready_answer_beats_the_deadline() {
        let mut state = seed();
        let value = random(&mut state, 1_000_000);
        let answer = with_deadline(async move { value }, Duration::from_secs(5)).await;
        assert_eq!(answer.ok(), Some(value));
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_that_never_comes_times_out() {
        let answer = with_deadline(pending::<u64>(), Duration::from_millis(20)).await;
        assert!(answer.is_err(), "a future that never finishes must time out");
    }

    #[tokio::test(start_paused = true)]
    async fn select_takes_whichever_finishes() {
        let mut state = seed();
        let id = random(&mut state, 1000);
        let quick = fetch_name(id, Duration::from_millis(1));
        assert_eq!(first_of(quick, pending()).await, format!("user {id}"));
        let quick = fetch_name(id + 1, Duration::from_millis(1));
        assert_eq!(first_of(pending(), quick).await, format!("user {}", id + 1));
    }
}
