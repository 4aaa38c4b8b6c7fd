//! A quiz's answer: the first line of the answer file that is not blank and
//! not a `#` comment, compared with a commit a step named or with text.

use super::{Answer, Context, Matcher, Verdict};

/// The answer is the first line of the file that is not blank and not a
/// `#` comment: the starter can explain what to write.
pub(super) fn verdict(answer: &Answer, file: &str, ctx: &Context<'_>) -> Verdict {
    let what = format!("your answer in `{file}`");
    let expected = match answer {
        Answer::Commit(_) => "the hash of the right commit (7 characters or more)",
        Answer::Text(_) => "the right answer",
    }
    .to_string();
    let given = ctx
        .answers
        .get(file)
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| {
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
        });
    let Some(given) = given else {
        let message = format!("{what}: no answer yet (write it on a line of its own)");
        let mut verdict = Verdict::new(false, what, expected, "no answer".into());
        verdict.message = Some(message);
        return verdict;
    };
    let (passed, found) = match answer {
        Answer::Commit(id) => {
            let hash = ctx.commits.get(id).map(String::as_str).unwrap_or_default();
            let candidate = given.to_ascii_lowercase();
            if candidate.len() < 7 || !candidate.bytes().all(|b| b.is_ascii_hexdigit()) {
                (
                    false,
                    format!("{given:?}, which is not a commit hash (copy 7 or more of its characters)"),
                )
            } else {
                let passed = !hash.is_empty() && hash.starts_with(&candidate);
                (
                    passed,
                    if passed {
                        given
                    } else {
                        format!("{given}, another commit")
                    },
                )
            }
        }
        Answer::Text(Matcher::Exact(want)) => {
            (want.trim().eq_ignore_ascii_case(&given), format!("{given:?}"))
        }
        Answer::Text(matcher) => (matcher.matches(&given), format!("{given:?}")),
    };
    Verdict::new(passed, what, expected, found)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn answers_accept_a_hash_prefix_and_ignore_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answer.txt");
        let commits = BTreeMap::from([("bad".to_string(), "0123456789abcdef0123".to_string())]);
        let answers = BTreeMap::from([("answer.txt".to_string(), path.clone())]);
        let ctx = Context {
            commits: &commits,
            answers: &answers,
        };
        let answer = Answer::Commit("bad".into());
        let judge = |text: &str| {
            std::fs::write(&path, text).unwrap();
            verdict(&answer, "answer.txt", &ctx)
        };
        assert!(!judge("# Write the hash below\n\n").passed);
        assert!(judge("# Write the hash below\n0123456\n").passed);
        assert!(judge("0123456789ABCDEF\n").passed);
        let short = judge("01234");
        assert!(!short.passed && short.found.contains("not a commit hash"));
        let wrong = judge("abcdef0");
        assert!(
            !wrong.passed && !wrong.message().contains("0123456"),
            "the answer must not leak"
        );
    }
}
