// Threads, channels and Arc<Mutex<T>>: work in parallel, safely.
//
// The checksum sends each partial result down a channel: no shared state.
// The counter shares one `Mutex<u64>` through an `Arc`; each increment holds
// the lock only for the `+= 1`. For a plain counter an `AtomicU64` would do
// without a lock; a Mutex is the general tool for anything bigger.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

/// The sum of every number in every chunk, each chunk summed on its own thread.
pub fn checksum_in_parallel(chunks: Vec<Vec<u64>>) -> u64 {
    let (sender, receiver) = mpsc::channel::<u64>();
    for chunk in chunks {
        let sender = sender.clone();
        thread::spawn(move || {
            // The receiver only goes away once every sum arrived: sending cannot fail.
            sender.send(chunk.iter().sum()).expect("the receiver is waiting");
        });
    }
    // The receiver's iterator ends when every sender is gone: drop ours first.
    drop(sender);
    receiver.iter().sum()
}

/// `threads` threads each add 1 to a shared counter `per_thread` times; the total.
pub fn count_in_parallel(threads: usize, per_thread: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<thread::JoinHandle<()>> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    *counter.lock().expect("no thread panics holding the lock") += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    *counter.lock().expect("no thread panics holding the lock")
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
