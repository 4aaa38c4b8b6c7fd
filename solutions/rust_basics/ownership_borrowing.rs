// Ownership and borrowing: lend a value, do not give it away.
//
// `word_count` only reads, so it borrows (`&str` accepts a `&String` too);
// `add_tag` changes the caller's vector through `&mut`; `longest_line` returns
// a slice of the text it was lent, so nothing is copied; and `handle_upload`
// moves the body exactly once, into the store, after lending it out.

/// How many words a request body holds. Reads the body, nothing more.
pub fn word_count(body: &str) -> usize {
    body.split_whitespace().count()
}

/// Counts the upload's words, then keeps the upload in `store`.
pub fn handle_upload(store: &mut Vec<String>, body: String) -> usize {
    // Lent to the counting, then moved into the store: one owner at a time.
    let words = word_count(&body);
    store.push(body);
    words
}

/// Adds `tag` to the caller's `tags`, in place, unless it is already there.
pub fn add_tag(tags: &mut Vec<String>, tag: &str) {
    if !tags.iter().any(|existing| existing == tag) {
        tags.push(tag.to_string());
    }
}

/// The longest line of `text` (the first one on a tie), borrowed from `text`
/// rather than copied; "" when there is no line.
pub fn longest_line(text: &str) -> &str {
    // `max_by_key` would return the LAST of equally long lines.
    text.lines()
        .fold("", |best, line| if line.len() > best.len() { line } else { best })
}

fn main() {
    let mut store = Vec::new();
    let words = handle_upload(&mut store, "hello backend world".to_string());
    let mut tags = vec!["rust".to_string()];
    add_tag(&mut tags, "backend");
    println!("{words} words; {} stored; tags {tags:?}", store.len());
    println!("longest line: {:?}", longest_line("GET /\nGET /health\n"));
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
    fn handle_upload_counts_then_stores_the_same_body() {
        let mut state = seed();
        let words: Vec<String> = (0..1 + random(&mut state, 20))
            .map(|_| word(&mut state))
            .collect();
        let body = words.join("  ");
        let mut store = vec!["earlier upload".to_string()];
        assert_eq!(handle_upload(&mut store, body.clone()), words.len());
        assert_eq!(store, ["earlier upload".to_string(), body]);
        assert_eq!(
            handle_upload(
                &mut store,
                " 
 "
                .to_string()
            ),
            0,
            "blank text has no words"
        );
    }

    #[test]
    fn add_tag_changes_the_callers_vector_in_place() {
        let mut state = seed();
        let fresh = word(&mut state);
        let mut tags = vec!["rust".to_string()];
        add_tag(&mut tags, "backend");
        add_tag(&mut tags, "rust");
        add_tag(&mut tags, &fresh);
        add_tag(&mut tags, &fresh);
        assert_eq!(tags, ["rust".to_string(), "backend".to_string(), fresh]);
    }

    #[test]
    fn longest_line_is_a_slice_of_the_text() {
        let mut state = seed();
        let lines: Vec<String> = (0..2 + random(&mut state, 8))
            .map(|i| "x".repeat(1 + (i as usize * 7 + random(&mut state, 5) as usize) % 13))
            .collect();
        let text = lines.join("\n");
        let expected = lines
            .iter()
            .fold("", |best, l| if l.len() > best.len() { l } else { best });
        let longest = longest_line(&text);
        assert_eq!(longest, expected, "the longest line of {text:?}");
        assert!(
            text.as_bytes().as_ptr_range().contains(&longest.as_ptr()),
            "the answer should point into `text` (a slice), not be a copy"
        );
        assert_eq!(longest_line("ab\ncd\ne"), "ab", "on a tie, the first one");
        assert_eq!(longest_line(""), "");
    }
}
