// Collections: Vec, String and HashMap, the everyday three.
//
// Read: The Rust Book, chapter 8, "Common Collections"
// (https://doc.rust-lang.org/book/ch08-00-common-collections.html).
//
// Most backend code is shuffling records between these: a `Vec<T>` for an
// ordered list, a `String` for text you own and build, a `HashMap<K, V>` to
// find a value by its key in constant time. The `entry` API of a map does
// "insert if absent, then update" in one lookup: `*counts.entry(key)
// .or_insert(0) += 1` is how every "per user", "per endpoint" counter in a
// backend starts. A HashMap has no order: when the answer needs one, sort.
//
// Write `hits_per_path` and `top_paths` (the dashboard's "busiest endpoints").

use std::collections::HashMap;

/// How many times each path appears in `requests`.
pub fn hits_per_path(requests: &[&str]) -> HashMap<String, usize> {
    todo!("one `entry(…).or_insert(0)` per request")
}

/// The `n` busiest paths with their counts, busiest first; paths with equal
/// counts in alphabetical order. Fewer than `n` when there are fewer paths.
pub fn top_paths(hits: &HashMap<String, usize>, n: usize) -> Vec<(String, usize)> {
    todo!("collect into a Vec, sort it, keep the first n")
}

fn main() {
    let log = ["/", "/search", "/", "/health", "/", "/search"];
    println!("{:?}", top_paths(&hits_per_path(&log), 2));
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
    fn counts_every_path() {
        let hits = hits_per_path(&["/", "/a", "/", "/b", "/"]);
        assert_eq!(hits.len(), 3);
        assert_eq!(hits["/"], 3);
        assert_eq!(hits["/a"], 1);
        assert!(hits_per_path(&[]).is_empty());
    }

    #[test]
    fn counts_a_seeded_log() {
        let mut state = seed();
        let paths: Vec<String> = (0..5).map(|_| format!("/{}", word(&mut state))).collect();
        let mut expected = vec![0usize; paths.len()];
        let mut log: Vec<&str> = Vec::new();
        for _ in 0..200 {
            let i = random(&mut state, paths.len() as u64) as usize;
            expected[i] += 1;
            log.push(&paths[i]);
        }
        let hits = hits_per_path(&log);
        for (path, count) in paths.iter().zip(&expected) {
            assert_eq!(hits.get(path).copied().unwrap_or(0), *count, "{path}");
        }
    }

    #[test]
    fn top_paths_ranks_by_count_then_name() {
        let hits = hits_per_path(&["/b", "/c", "/a", "/c", "/b", "/d", "/c"]);
        assert_eq!(
            top_paths(&hits, 3),
            [
                ("/c".to_string(), 3),
                ("/b".to_string(), 2),
                ("/a".to_string(), 1)
            ]
        );
        assert_eq!(top_paths(&hits, 10).len(), 4, "only 4 paths exist");
        assert!(top_paths(&hits, 0).is_empty());
    }

    #[test]
    fn top_paths_of_a_seeded_log() {
        let mut state = seed();
        let mut log = Vec::new();
        for _ in 0..300 {
            log.push(format!("/p{}", random(&mut state, 12)));
        }
        let log: Vec<&str> = log.iter().map(String::as_str).collect();
        let hits = hits_per_path(&log);
        let top = top_paths(&hits, 5);
        assert_eq!(top.len(), 5.min(hits.len()));
        for pair in top.windows(2) {
            let ((a, ca), (b, cb)) = (&pair[0], &pair[1]);
            assert!(
                ca > cb || (ca == cb && a < b),
                "{a} ({ca}) must come before {b} ({cb})"
            );
        }
        let least_shown = top.last().map_or(0, |(_, c)| *c);
        let hidden_max = hits
            .iter()
            .filter(|(p, _)| !top.iter().any(|(t, _)| t == *p))
            .map(|(_, c)| *c)
            .max()
            .unwrap_or(0);
        assert!(hidden_max <= least_shown, "a busier path was left out");
    }
}
