// Property tests: state what must hold for every input, let proptest search.
//
// The shrunk counterexample was a title whose slug had a separator exactly at
// position 40: the old code trimmed dashes first and cut to 40 characters
// second, so the cut could expose a new trailing dash — and slugifying the slug
// again removed it, breaking idempotence. Cutting first and trimming last makes
// the result satisfy every rule at once, whatever the title.

pub const MAX_SLUG_CHARS: usize = 40;

/// A URL slug for `title`: lower-case ASCII letters and digits, each run of
/// anything else turned into a single '-', no '-' at either end, at most
/// `MAX_SLUG_CHARS` characters.
pub fn slugify(title: &str) -> String {
    let mut slug = String::with_capacity(title.len().min(MAX_SLUG_CHARS));
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    // Cut, then trim: trimming last guarantees that no cut leaves a dash at
    // the end. The slug is ASCII, so a byte length is a character count.
    slug.truncate(MAX_SLUG_CHARS);
    slug.trim_end_matches('-').to_string()
}

fn main() {
    for title in ["Hello, World!", "  Rust & Backend: the 2024 edition  "] {
        println!("{title:?} → {:?}", slugify(title));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;

    /// Titles as people type them: letters, digits, spaces and punctuation,
    /// often longer than a slug may be.
    const TITLE: &str = "[a-zA-Z0-9 ,.!?&'-]{0,80}";

    fn config() -> ProptestConfig {
        let seed = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED);
        ProptestConfig {
            cases: 256,
            // Never write proptest-regressions/ files next to the exercise.
            failure_persistence: None,
            // The runner's seed: a failure shows up again on the next run.
            rng_seed: RngSeed::Fixed(seed),
            ..ProptestConfig::default()
        }
    }

    #[test]
    fn slugs_of_typical_titles() {
        assert_eq!(slugify("Hello, World!"), "hello-world");
        assert_eq!(
            slugify("  Rust & Backend: the 2024 edition  "),
            "rust-backend-the-2024-edition"
        );
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn long_titles_are_cut_to_40_characters() {
        let title = "Quick Brown Foxes Jump Over Lazy Dogs Every Day";
        assert_eq!(slugify(title), "quick-brown-foxes-jump-over-lazy-dogs-ev");
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn slugs_use_only_lowercase_letters_digits_and_dashes(title in TITLE) {
            let slug = slugify(&title);
            prop_assert!(
                slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "slug {:?}", slug
            );
        }

        #[test]
        fn slugs_have_no_dash_at_the_ends_and_no_double_dash(title in TITLE) {
            let slug = slugify(&title);
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "slug {:?}", slug);
            prop_assert!(!slug.contains("--"), "slug {:?}", slug);
        }

        #[test]
        fn slugs_are_at_most_40_characters(title in TITLE) {
            prop_assert!(slugify(&title).len() <= MAX_SLUG_CHARS);
        }

        #[test]
        fn slugify_is_idempotent(title in TITLE) {
            let once = slugify(&title);
            prop_assert_eq!(slugify(&once), once);
        }

        #[test]
        fn any_unicode_text_gives_a_valid_slug(title in any::<String>()) {
            let slug = slugify(&title);
            prop_assert!(slug.len() <= MAX_SLUG_CHARS && !slug.ends_with('-'), "slug {:?}", slug);
        }
    }
}
