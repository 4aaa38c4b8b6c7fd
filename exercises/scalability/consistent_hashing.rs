// Consistent hashing: add a cache node without moving every key.
//
// Spreading keys over N cache (or shard) nodes with `hash(key) % N` works
// until N changes. Add a fifth node and `% 5` sends about 80% of the keys to a
// different node than `% 4` did: nearly every cache lookup misses at once,
// and the whole load lands on the database behind it — an outage caused by
// scaling up. Sharded data is worse: 80% of it has to be copied.
//
// A hash ring fixes this. Nodes and keys are hashed onto the same circle of
// u64 values; a key belongs to the first node at or after its position,
// wrapping around at the end. A new node takes over only the arc just before
// it: about 1/N of the keys move, all of them to the new node. Each node is
// placed many times ("virtual nodes") so that the arcs even out and every
// node gets a similar share.
//
// The hash must be STABLE: the same key must land on the same node in every
// process, on every machine, after every restart and upgrade. std's
// `RandomState` is seeded randomly on purpose (against HashDoS): two maps,
// let alone two processes, hash the same key differently. FNV-1a is a tiny
// stable hash; its output for similar short strings ("cache-a#1",
// "cache-a#2") clusters, so positions go through `mix64` (MurmurHash3's
// finaliser) to spread them over the ring.
//
// Make the tests pass: implement `fnv1a_64`, and replace the modulo placement
// with a ring of virtual nodes (a `BTreeMap<u64, String>` from position to
// node): virtual node `i` of node `n` sits at `ring_hash(format!("{n}#{i}"))`,
// a key at `ring_hash(key)`.

use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};

/// 64-bit FNV-1a: start from the offset basis 0xcbf29ce484222325; for each
/// byte, XOR it in, then multiply (wrapping) by the prime 0x100000001b3.
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    todo!("fold the bytes as described above")
}

/// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
pub fn mix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// A position on the ring.
pub fn ring_hash(bytes: &[u8]) -> u64 {
    mix64(fnv1a_64(bytes))
}

pub struct HashRing {
    vnodes_per_node: usize,
    nodes: Vec<String>,
    hasher: RandomState,
}

impl HashRing {
    pub fn new(vnodes_per_node: usize) -> Self {
        HashRing {
            vnodes_per_node,
            nodes: Vec::new(),
            hasher: RandomState::new(),
        }
    }

    pub fn add_node(&mut self, node: &str) {
        if !self.nodes.iter().any(|n| n == node) {
            self.nodes.push(node.to_string());
        }
    }

    pub fn remove_node(&mut self, node: &str) {
        self.nodes.retain(|n| n != node);
    }

    /// The node that owns `key`; `None` when the ring is empty.
    pub fn node_for(&self, key: &str) -> Option<&str> {
        if self.nodes.is_empty() {
            return None;
        }
        let slot = self.hasher.hash_one(key) % self.nodes.len() as u64;
        Some(&self.nodes[slot as usize])
    }
}

fn main() {
    let mut ring = HashRing::new(100);
    for node in ["cache-a", "cache-b", "cache-c"] {
        ring.add_node(node);
    }
    for key in ["user:1", "user:2", "session:abc"] {
        println!("{key} -> {:?}", ring.node_for(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const NODES: [&str; 4] = ["cache-a", "cache-b", "cache-c", "cache-d"];

    fn ring_of(nodes: &[&str]) -> HashRing {
        let mut ring = HashRing::new(100);
        for node in nodes {
            ring.add_node(node);
        }
        ring
    }

    /// 10,000 keys drawn from the seed.
    fn seeded_keys() -> Vec<String> {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(43);
        (0..10_000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("user:{}", state >> 20)
            })
            .collect()
    }

    fn placement<'r>(ring: &'r HashRing, keys: &[String]) -> Vec<&'r str> {
        keys.iter()
            .map(|k| {
                ring.node_for(k)
                    .expect("a non-empty ring has a node for every key")
            })
            .collect()
    }

    #[test]
    fn fnv1a_matches_published_test_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn an_empty_ring_has_no_node() {
        assert_eq!(HashRing::new(10).node_for("user:1"), None);
    }

    #[test]
    fn rings_built_alike_agree_whatever_the_order_of_nodes() {
        let keys = seeded_keys();
        let first = ring_of(&NODES);
        let second = ring_of(&["cache-c", "cache-a", "cache-d", "cache-b"]);
        let differences = placement(&first, &keys)
            .iter()
            .zip(placement(&second, &keys))
            .filter(|(a, b)| *a != b)
            .count();
        assert_eq!(
            differences, 0,
            "two servers with the same nodes disagree on {differences} of 10000 keys"
        );
    }

    #[test]
    fn placement_follows_the_documented_ring() {
        // Holds in every process, on every machine: nothing here is random.
        let ring = ring_of(&NODES);
        let expected = [
            ("user:1", "cache-b"),
            ("user:2", "cache-d"),
            ("user:42", "cache-d"),
            ("session:abc", "cache-a"),
            ("cart:7", "cache-c"),
            ("order:1001", "cache-d"),
        ];
        for (key, node) in expected {
            assert_eq!(ring.node_for(key), Some(node), "key {key}");
        }
    }

    #[test]
    fn adding_a_node_moves_only_the_keys_it_takes_over() {
        let keys = seeded_keys();
        let mut ring = ring_of(&NODES);
        let before: Vec<String> = placement(&ring, &keys).into_iter().map(String::from).collect();
        ring.add_node("cache-e");
        let after = placement(&ring, &keys);
        let mut moved = 0;
        for ((key, old), new) in keys.iter().zip(&before).zip(&after) {
            if old != new {
                assert_eq!(
                    *new, "cache-e",
                    "{key} moved from {old} to {new}, not to the new node"
                );
                moved += 1;
            }
        }
        let fraction = moved as f64 / keys.len() as f64;
        assert!(
            (0.10..=0.30).contains(&fraction),
            "{:.0}% of the keys moved when a fifth node was added; about 20% should",
            fraction * 100.0
        );
    }

    #[test]
    fn removing_a_node_moves_only_its_own_keys() {
        let keys = seeded_keys();
        let mut ring = ring_of(&NODES);
        let before: Vec<String> = placement(&ring, &keys).into_iter().map(String::from).collect();
        ring.remove_node("cache-b");
        for ((key, old), new) in keys.iter().zip(&before).zip(placement(&ring, &keys)) {
            assert_ne!(new, "cache-b", "{key} still maps to the removed node");
            if old != "cache-b" {
                assert_eq!(old, new, "{key} was on {old}, which stayed, but moved to {new}");
            }
        }
    }

    #[test]
    fn virtual_nodes_spread_keys_evenly() {
        let keys = seeded_keys();
        let ring = ring_of(&["cache-a", "cache-b", "cache-c", "cache-d", "cache-e"]);
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for node in placement(&ring, &keys) {
            *counts.entry(node).or_default() += 1;
        }
        for node in ["cache-a", "cache-b", "cache-c", "cache-d", "cache-e"] {
            let share = counts.get(node).copied().unwrap_or(0) as f64 / keys.len() as f64;
            assert!(
                (0.12..=0.28).contains(&share),
                "{node} holds {:.1}% of the keys; 20% is even",
                share * 100.0
            );
        }
    }
}
