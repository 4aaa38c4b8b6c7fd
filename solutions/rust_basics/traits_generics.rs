// Traits and generics: one function for every type that can do the job.
//
// `report` works for any list of `T: HealthCheck`; `worst` needs only that
// its items can be ordered and copied. A `&[Box<dyn HealthCheck>]` would let
// one list mix databases and caches, at the price of a virtual call: generics
// when the type is known, trait objects when it varies at run time.

/// Something a readiness probe can ask "are you all right?".
pub trait HealthCheck {
    /// A short name for the report: "db", "cache".
    fn name(&self) -> String;
    /// `true` when it can serve requests.
    fn is_healthy(&self) -> bool;
}

pub struct Database {
    pub connections_open: u32,
    pub max_connections: u32,
}

pub struct Cache {
    pub region: String,
    pub reachable: bool,
}

impl HealthCheck for Database {
    fn name(&self) -> String {
        "db".to_string()
    }

    /// A full pool cannot serve one more request.
    fn is_healthy(&self) -> bool {
        self.connections_open < self.max_connections
    }
}

impl HealthCheck for Cache {
    fn name(&self) -> String {
        format!("cache-{}", self.region)
    }

    fn is_healthy(&self) -> bool {
        self.reachable
    }
}

/// One line per item: "db: ok" or "cache-eu: failing".
pub fn report<T: HealthCheck>(items: &[T]) -> Vec<String> {
    items
        .iter()
        .map(|item| {
            let state = if item.is_healthy() { "ok" } else { "failing" };
            format!("{}: {state}", item.name())
        })
        .collect()
}

/// The largest of `values` (the slowest latency, the fullest queue); `None` when empty.
pub fn worst<T: PartialOrd + Copy>(values: &[T]) -> Option<T> {
    // `Iterator::max` needs `Ord`, which f64 latencies do not have.
    let (first, rest) = values.split_first()?;
    Some(
        rest.iter()
            .fold(*first, |largest, &v| if v > largest { v } else { largest }),
    )
}

fn main() {
    let databases = [Database {
        connections_open: 3,
        max_connections: 10,
    }];
    let caches = [Cache {
        region: "eu".to_string(),
        reachable: false,
    }];
    println!("{:?} {:?}", report(&databases), report(&caches));
    println!("slowest: {:?} ms", worst(&[12, 40, 7]));
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
    fn a_database_is_healthy_while_its_pool_has_room() {
        let mut state = seed();
        let max = 2 + random(&mut state, 50) as u32;
        let db = |open| Database {
            connections_open: open,
            max_connections: max,
        };
        assert_eq!(db(0).name(), "db");
        assert!(db(max - 1).is_healthy());
        assert!(!db(max).is_healthy());
    }

    #[test]
    fn a_cache_is_named_after_its_region() {
        let mut state = seed();
        let region = word(&mut state);
        let cache = Cache {
            region: region.clone(),
            reachable: true,
        };
        assert_eq!(cache.name(), format!("cache-{region}"));
        assert!(cache.is_healthy());
        assert!(
            !Cache {
                region,
                reachable: false
            }
            .is_healthy()
        );
    }

    #[test]
    fn report_works_for_any_health_check() {
        let caches = [
            Cache {
                region: "eu".to_string(),
                reachable: true,
            },
            Cache {
                region: "us".to_string(),
                reachable: false,
            },
        ];
        assert_eq!(report(&caches), ["cache-eu: ok", "cache-us: failing"]);
        let databases = [Database {
            connections_open: 5,
            max_connections: 5,
        }];
        assert_eq!(report(&databases), ["db: failing"]);
        assert!(report::<Database>(&[]).is_empty());
    }

    #[test]
    fn worst_works_for_integers_and_floats() {
        let mut state = seed();
        let values: Vec<u64> = (0..1 + random(&mut state, 20))
            .map(|_| random(&mut state, 1000))
            .collect();
        assert_eq!(worst(&values), values.iter().copied().max());
        assert_eq!(worst(&[0.25, 1.5, 0.75]), Some(1.5));
        assert_eq!(worst::<u8>(&[]), None);
    }
}
