// Constant-time comparison: do not let the clock reveal a secret.
//
// `subtle` compares every element and folds the results into a `Choice`
// without branching on them, and it takes care that the optimiser cannot
// rebuild an early exit. Only a length mismatch returns early, which is why
// `api_key_matches` compares fixed-size digests.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// True when `a` and `b` hold the same elements. Generic over the element type
/// so the tests can count comparisons; production code passes bytes.
pub fn constant_time_eq<T: ConstantTimeEq>(a: &[T], b: &[T]) -> bool {
    a.ct_eq(b).into()
}

/// Checks an API key presented by a client against the one on record.
/// Hashing both first gives two 32-byte values: the comparison then takes the
/// same time whatever the length of the presented key.
pub fn api_key_matches(presented: &str, on_record: &str) -> bool {
    let presented = Sha256::digest(presented.as_bytes());
    let on_record = Sha256::digest(on_record.as_bytes());
    constant_time_eq(presented.as_slice(), on_record.as_slice())
}

fn main() {
    let on_record = "sk_live_4f9a1c0e7b2d";
    for presented in ["sk_live_4f9a1c0e7b2d", "sk_live_0000", ""] {
        println!(
            "{presented:?} accepted: {}",
            api_key_matches(presented, on_record)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use subtle::Choice;

    thread_local! {
        static COMPARISONS: Cell<usize> = const { Cell::new(0) };
    }

    /// A byte that counts how often it is compared, by either trait.
    #[derive(Clone, Copy, Debug)]
    struct Counted(u8);

    fn count_one() {
        COMPARISONS.with(|c| c.set(c.get() + 1));
    }

    impl PartialEq for Counted {
        fn eq(&self, other: &Self) -> bool {
            count_one();
            self.0 == other.0
        }
    }

    impl ConstantTimeEq for Counted {
        fn ct_eq(&self, other: &Self) -> Choice {
            count_one();
            self.0.ct_eq(&other.0)
        }
    }

    /// The verdict, and how many element comparisons it took.
    fn compare_counting(a: &[u8], b: &[u8]) -> (bool, usize) {
        let a: Vec<Counted> = a.iter().copied().map(Counted).collect();
        let b: Vec<Counted> = b.iter().copied().map(Counted).collect();
        COMPARISONS.with(|c| c.set(0));
        let verdict = constant_time_eq(&a, &b);
        (verdict, COMPARISONS.with(Cell::get))
    }

    /// A 32-byte key drawn from the seed.
    fn seeded_key() -> Vec<u8> {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        (0..32)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect()
    }

    #[test]
    fn equal_keys_match() {
        let key = seeded_key();
        assert!(constant_time_eq(&key, &key.clone()));
        assert!(constant_time_eq::<u8>(&[], &[]), "two empty inputs are equal");
    }

    #[test]
    fn keys_differing_in_any_one_byte_do_not_match() {
        let key = seeded_key();
        for at in 0..key.len() {
            let mut other = key.clone();
            other[at] ^= 0x01;
            assert!(
                !constant_time_eq(&key, &other),
                "keys differing at byte {at} were accepted"
            );
        }
    }

    #[test]
    fn keys_of_different_length_do_not_match() {
        let key = seeded_key();
        assert!(
            !constant_time_eq(&key[..31], &key),
            "a prefix of the key is not the key"
        );
        assert!(!constant_time_eq(&key, &[]));
    }

    #[test]
    fn api_key_check_accepts_only_the_exact_key() {
        assert!(api_key_matches("sk_live_4f9a1c0e7b2d", "sk_live_4f9a1c0e7b2d"));
        assert!(!api_key_matches("sk_live_4f9a1c0e7b2e", "sk_live_4f9a1c0e7b2d"));
        assert!(!api_key_matches("sk_live_4f9a1c0e7b2", "sk_live_4f9a1c0e7b2d"));
        assert!(!api_key_matches("", "sk_live_4f9a1c0e7b2d"));
    }

    #[test]
    fn every_byte_is_compared_even_when_the_first_one_differs() {
        let key = seeded_key();
        let mut guess = key.clone();
        guess[0] ^= 0xFF;
        let (verdict, comparisons) = compare_counting(&guess, &key);
        assert!(!verdict);
        assert_eq!(
            comparisons, 32,
            "the comparison stopped after {comparisons} of 32 bytes: the response time tells an attacker where the first wrong byte is"
        );
    }

    #[test]
    fn work_does_not_depend_on_where_the_keys_differ() {
        let key = seeded_key();
        let (_, when_equal) = compare_counting(&key, &key);
        for at in [0, 1, 15, 30, 31] {
            let mut guess = key.clone();
            guess[at] ^= 0x80;
            let (verdict, comparisons) = compare_counting(&guess, &key);
            assert!(!verdict);
            assert_eq!(
                comparisons, when_equal,
                "a difference at byte {at} took {comparisons} comparisons, a correct key {when_equal}"
            );
        }
    }
}
