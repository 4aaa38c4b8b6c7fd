// Pagination: cursors instead of offsets.
//
// `LIMIT 20 OFFSET 40` is the obvious way to serve page 3 of a feed, and it
// fails twice at scale:
// - Rows move while a client pages. Five new posts arrive between page 1 and
//   page 2, everything shifts down by five, and page 2 repeats five posts the
//   client already showed; a deleted post makes it skip one instead. Infinite
//   scroll shows duplicates, a sync job silently misses records.
// - The database still reads and throws away the 40 (or 4 million) rows it
//   skips, so deep pages get slower and slower.
//
// A cursor remembers WHERE the client stopped instead of HOW MANY rows it saw:
// the sort key of the last item returned. The next page is "the items after
// that key" — in SQL `WHERE (created_at, id) < (?1, ?2) ORDER BY created_at
// DESC, id DESC LIMIT 20`, served straight from an index. The `id` breaks
// ties between posts created in the same second. The cursor is handed out
// opaque (base64url), so clients pass it back instead of building their own
// and you stay free to change what is inside.
//
// Make the tests pass: `feed_page` must page with a cursor holding the last
// post's (created_at, id), not an offset.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: u64,
    /// Unix seconds; several posts can share one.
    pub created_at: u64,
    pub title: String,
}

#[derive(Debug)]
pub struct Page {
    pub posts: Vec<Post>,
    /// `None` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, PartialEq)]
pub enum CursorError {
    /// Not a cursor this server issued.
    Invalid,
}

/// The feed order: newest first, the higher id first among posts of the same second.
fn newest_first(a: &Post, b: &Post) -> std::cmp::Ordering {
    (b.created_at, b.id).cmp(&(a.created_at, a.id))
}

fn encode_offset(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(offset.to_string())
}

fn decode_offset(cursor: &str) -> Result<usize, CursorError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| CursorError::Invalid)?;
    let text = String::from_utf8(bytes).map_err(|_| CursorError::Invalid)?;
    text.parse().map_err(|_| CursorError::Invalid)
}

/// One page of at most `limit` posts of the feed, after `cursor` (from the
/// start when `None`). `posts` is the table: unsorted, as storage keeps it.
pub fn feed_page(posts: &[Post], cursor: Option<&str>, limit: usize) -> Result<Page, CursorError> {
    let offset = match cursor {
        Some(cursor) => decode_offset(cursor)?,
        None => 0,
    };
    let mut sorted: Vec<&Post> = posts.iter().collect();
    sorted.sort_by(|a, b| newest_first(a, b));
    let page: Vec<Post> = sorted
        .iter()
        .skip(offset)
        .take(limit)
        .map(|p| (*p).clone())
        .collect();
    let seen = offset + page.len();
    let next_cursor = (seen < sorted.len()).then(|| encode_offset(seen));
    Ok(Page {
        posts: page,
        next_cursor,
    })
}

fn main() {
    let posts: Vec<Post> = (1..=7)
        .map(|id| Post {
            id,
            created_at: 1_700_000_000 + id / 2,
            title: format!("post {id}"),
        })
        .collect();
    let mut cursor = None;
    loop {
        let page = feed_page(&posts, cursor.as_deref(), 3).expect("valid cursor");
        println!(
            "{:?} next={:?}",
            page.posts.iter().map(|p| p.id).collect::<Vec<_>>(),
            page.next_cursor
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn post(id: u64, created_at: u64) -> Post {
        Post {
            id,
            created_at,
            title: format!("post {id}"),
        }
    }

    /// Posts 1..=n, one per second, post n the newest.
    fn table(n: u64) -> Vec<Post> {
        (1..=n).map(|id| post(id, 1_000 + id)).collect()
    }

    fn ids(posts: &[Post]) -> Vec<u64> {
        posts.iter().map(|p| p.id).collect()
    }

    /// Walks the feed to its end, calling `between_pages` (with the page
    /// number) before each page after the first; returns every id served.
    fn walk(
        table: &mut Vec<Post>,
        limit: usize,
        mut between_pages: impl FnMut(usize, &mut Vec<Post>),
    ) -> Vec<u64> {
        let mut served = Vec::new();
        let mut cursor: Option<String> = None;
        for page_number in 0.. {
            assert!(
                page_number < 1_000,
                "the feed never ends: next_cursor is never None"
            );
            if page_number > 0 {
                between_pages(page_number, table);
            }
            let page =
                feed_page(table, cursor.as_deref(), limit).expect("a cursor we were given must be accepted");
            assert!(page.posts.len() <= limit);
            served.extend(ids(&page.posts));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return served,
            }
        }
        unreachable!()
    }

    fn assert_no_duplicates(served: &[u64]) {
        let mut seen = HashSet::new();
        for id in served {
            assert!(seen.insert(id), "post {id} was served twice: {served:?}");
        }
    }

    #[test]
    fn first_page_is_the_newest_posts() {
        let page = feed_page(&table(25), None, 10).unwrap();
        assert_eq!(ids(&page.posts), (16..=25).rev().collect::<Vec<_>>());
        assert!(page.next_cursor.is_some());
    }

    #[test]
    fn walking_every_page_serves_every_post_once() {
        let served = walk(&mut table(25), 10, |_, _| {});
        assert_eq!(served, (1..=25).rev().collect::<Vec<_>>());
    }

    #[test]
    fn last_page_has_no_next_cursor() {
        let first = feed_page(&table(20), None, 10).unwrap();
        let second = feed_page(&table(20), first.next_cursor.as_deref(), 10).unwrap();
        assert_eq!(ids(&second.posts), (1..=10).rev().collect::<Vec<_>>());
        assert_eq!(second.next_cursor, None, "nothing is left after post 1");
        let empty = feed_page(&[], None, 10).unwrap();
        assert!(empty.posts.is_empty() && empty.next_cursor.is_none());
    }

    #[test]
    fn new_posts_between_pages_cause_no_duplicates() {
        let mut table = table(30);
        let served = walk(&mut table, 10, |page_number, table| {
            for i in 0..3 {
                let id = 100 + 10 * page_number as u64 + i;
                table.push(post(id, 2_000 + id));
            }
        });
        assert_no_duplicates(&served);
        let original: Vec<u64> = served.iter().copied().filter(|id| *id <= 30).collect();
        assert_eq!(
            original,
            (1..=30).rev().collect::<Vec<_>>(),
            "every original post, once, in order"
        );
    }

    #[test]
    fn deleted_posts_between_pages_cause_no_skips() {
        let mut table = table(30);
        let served = walk(&mut table, 10, |page_number, table| {
            if page_number == 1 {
                // Two posts the client has already seen are deleted.
                table.retain(|p| p.id != 30 && p.id != 25);
            }
        });
        assert_eq!(
            served,
            (1..=30).rev().collect::<Vec<_>>(),
            "a post was skipped after a deletion"
        );
    }

    #[test]
    fn posts_of_the_same_second_are_neither_skipped_nor_repeated() {
        // 12 posts in the same second, and pages of 5 that end inside that second.
        let mut table: Vec<Post> = (1..=12).map(|id| post(id, 5_000)).collect();
        table.extend((13..=15).map(|id| post(id, 4_000)));
        let served = walk(&mut table, 5, |_, _| {});
        assert_eq!(served, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 15, 14, 13]);
    }

    #[test]
    fn cursors_are_url_safe_and_forgeries_are_rejected() {
        let page = feed_page(&table(25), None, 10).unwrap();
        let cursor = page.next_cursor.unwrap();
        assert!(
            cursor
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "cursor {cursor:?}"
        );
        for forged in ["not a cursor!", "aGVsbG8", ""] {
            assert_eq!(
                feed_page(&table(25), Some(forged), 10).unwrap_err(),
                CursorError::Invalid,
                "cursor {forged:?}"
            );
        }
    }

    /// Random inserts and deletes between pages, drawn from a seed: no post is
    /// served twice, and every original post that was never deleted is served.
    #[test]
    fn seeded_churn_between_pages_never_duplicates_or_skips() {
        let mut state: u64 = std::env::var("BACKLINGS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(37);
        let mut next = move |below: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % below
        };
        let mut table: Vec<Post> = (1..=200).map(|id| post(id, 10_000 + next(300))).collect();
        let mut next_id = 1_000;
        let mut deleted = HashSet::new();
        let mut churn: Vec<(u64, Option<u64>)> = (0..200)
            .map(|_| (next(12_000), (next(3) == 0).then(|| 1 + next(200))))
            .collect();
        let served = walk(&mut table, 1 + next(15) as usize, |_, table| {
            let Some((created_at, delete)) = churn.pop() else {
                return;
            };
            next_id += 1;
            table.push(post(next_id, created_at));
            if let Some(id) = delete {
                table.retain(|p| p.id != id);
                deleted.insert(id);
            }
        });
        assert_no_duplicates(&served);
        for id in (1..=200).filter(|id| !deleted.contains(id)) {
            assert!(
                served.contains(&id),
                "post {id} was never deleted but was skipped"
            );
        }
    }
}
