// Closures and iterators: say what you want from a list, not how to loop.
//
// Each function is one chain. `slower_than` returns a closure that captures
// `limit_ms` by value (`move`), so the rule outlives the call that built it.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub path: String,
    pub status: u16,
    pub duration_ms: u64,
    pub bytes: u64,
}

/// The bytes of every successful answer (status 200 to 299) added up.
pub fn bytes_served(lines: &[LogLine]) -> u64 {
    lines
        .iter()
        .filter(|line| (200..300).contains(&line.status))
        .map(|line| line.bytes)
        .sum()
}

/// The paths of the answers with a status of 500 or more, in log order.
pub fn failing_paths(lines: &[LogLine]) -> Vec<String> {
    lines
        .iter()
        .filter(|line| line.status >= 500)
        .map(|line| line.path.clone())
        .collect()
}

/// A rule that says whether a line took longer than `limit_ms`.
pub fn slower_than(limit_ms: u64) -> impl Fn(&LogLine) -> bool {
    move |line| line.duration_ms > limit_ms
}

fn main() {
    let lines = vec![
        LogLine {
            path: "/".to_string(),
            status: 200,
            duration_ms: 12,
            bytes: 512,
        },
        LogLine {
            path: "/search".to_string(),
            status: 500,
            duration_ms: 950,
            bytes: 64,
        },
    ];
    let slow = slower_than(100);
    println!(
        "{} bytes served; errors on {:?}",
        bytes_served(&lines),
        failing_paths(&lines)
    );
    println!(
        "slow: {:?}",
        lines
            .iter()
            .filter(|l| slow(l))
            .map(|l| &l.path)
            .collect::<Vec<_>>()
    );
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

    fn log(state: &mut u64) -> Vec<LogLine> {
        let statuses = [200, 201, 204, 299, 300, 304, 404, 499, 500, 503];
        (0..5 + random(state, 30))
            .map(|_| LogLine {
                path: format!("/{}", word(state)),
                status: statuses[random(state, statuses.len() as u64) as usize],
                duration_ms: random(state, 2000),
                bytes: random(state, 100_000),
            })
            .collect()
    }

    #[test]
    fn bytes_served_counts_only_2xx_answers() {
        let mut state = seed();
        let lines = log(&mut state);
        let mut expected = 0;
        for line in &lines {
            if (200..=299).contains(&line.status) {
                expected += line.bytes;
            }
        }
        assert_eq!(bytes_served(&lines), expected);
        assert_eq!(bytes_served(&[]), 0);
    }

    #[test]
    fn failing_paths_keeps_5xx_in_order() {
        let mut state = seed();
        let lines = log(&mut state);
        let mut expected = Vec::new();
        for line in &lines {
            if line.status >= 500 {
                expected.push(line.path.clone());
            }
        }
        assert_eq!(failing_paths(&lines), expected);
    }

    #[test]
    fn slower_than_builds_a_rule_from_its_argument() {
        let mut state = seed();
        let limit = 1 + random(&mut state, 1000);
        let rule = slower_than(limit);
        let line = |duration_ms| LogLine {
            path: "/".to_string(),
            status: 200,
            duration_ms,
            bytes: 0,
        };
        assert!(!rule(&line(limit)), "exactly the limit is not slower");
        assert!(rule(&line(limit + 1)));
        assert!(!rule(&line(0)));
        let strict = slower_than(0);
        assert!(strict(&line(1)), "each rule keeps its own limit");
    }
}
