// Property tests: state what must hold for every input, and let proptest search.
//
// `slugify` turns an article title into the URL `/posts/<slug>`, and its example
// tests pass. In production, one title in a few hundred got a slug ending in '-';
// the CMS slugified it again on the next save, got a different slug, and every
// link to the article broke. Nobody had thought of that example. A property test
// states a rule for EVERY input — "a slug never ends with '-'", "slugifying a
// slug changes nothing" (idempotence) — and proptest generates hundreds of inputs
// to break it. When one does, proptest shrinks it to a small counterexample and
// prints it as `minimal failing input: title = "..."`.
//
// Run the tests, take the minimal failing input, work out by hand what `slugify`
// does with it, and fix `slugify`. The properties are right: leave them as they are.

pub const MAX_SLUG_CHARS: usize = 40;

/// A URL slug for `title`: lower-case ASCII letters and digits, each run of
/// anything else turned into a single '-', no '-' at either end, at most
/// `MAX_SLUG_CHARS` characters.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(MAX_SLUG_CHARS).collect()
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
