// Threads, channels and Arc<Mutex<T>>: work in parallel, safely.
//
// Read: The Rust Book, chapter 16, "Fearless Concurrency"
// (https://doc.rust-lang.org/book/ch16-00-concurrency.html).
//
// A server answers many requests at once. Rust gives two ways to share work
// between threads, and the compiler rejects the unsafe versions of both:
// - send messages: each worker `send`s its result down an `mpsc` channel and
//   one receiver collects them — nothing is shared, so nothing needs a lock;
// - share state: `Arc<Mutex<T>>` — `Arc` so that several threads own the
//   value, `Mutex` so that only one at a time changes it. (`Rc` and a plain
//   `&mut` do not compile across threads: the compiler knows they are not
//   `Send`.)
// `thread::spawn` needs `move` closures: each thread takes its own data or
// its own clone of the `Arc`. Joining a thread waits for it to finish.
//
// Write `checksum_in_parallel` with one thread per chunk and a channel, and
// `count_in_parallel` with a shared `Arc<Mutex<u64>>`.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

/// The sum of every number in every chunk, each chunk summed on its own thread.
pub fn checksum_in_parallel(chunks: Vec<Vec<u64>>) -> u64 {
    let (sender, receiver) = mpsc::channel::<u64>();
    for chunk in chunks {
        let sender = sender.clone();
        thread::spawn(move || todo!("sum `chunk` and send the sum with `sender`"));
    }
    // The receiver's iterator ends when every sender is gone: drop ours first.
    drop(sender);
    todo!("add up what arrives on `receiver`")
}

/// `threads` threads each add 1 to a shared counter `per_thread` times; the total.
pub fn count_in_parallel(threads: usize, per_thread: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<thread::JoinHandle<()>> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || todo!("lock `counter` and add 1 to it, `per_thread` times"))
        })
        .collect();
    todo!("join every handle, then read the counter")
}

fn main() {
    let chunks = vec![vec![1, 2, 3], vec![4, 5], vec![6]];
    println!("checksum {}", checksum_in_parallel(chunks));
    println!("counted {}", count_in_parallel(4, 1000));
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

    #[test]
    fn checksum_adds_every_chunk() {
        let mut state = seed();
        let chunks: Vec<Vec<u64>> = (0..1 + random(&mut state, 8))
            .map(|_| {
                (0..random(&mut state, 50))
                    .map(|_| random(&mut state, 1_000_000))
                    .collect()
            })
            .collect();
        let expected: u64 = chunks.iter().flatten().sum();
        assert_eq!(checksum_in_parallel(chunks), expected);
        assert_eq!(checksum_in_parallel(Vec::new()), 0);
    }

    #[test]
    fn no_increment_is_lost() {
        let mut state = seed();
        let threads = 2 + random(&mut state, 6) as usize;
        let per_thread = 1000 + random(&mut state, 4000);
        assert_eq!(
            count_in_parallel(threads, per_thread),
            threads as u64 * per_thread
        );
        assert_eq!(count_in_parallel(0, 10), 0);
    }
}
