//! Prose laid out for a width: paragraphs re-flowed (their source line breaks
//! are the author's editor width, not the reader's), lists wrapped item by
//! item with a hanging indent, code and tables (indented by two spaces or
//! more, or fenced) kept as written.

use textwrap::{Options, WordSplitter};

/// `text` as lines of at most `width` columns (code lines excepted), each
/// starting with `indent`.
pub fn reflow(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.max(indent.len() + 8);
    let mut out: Vec<String> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut item: Option<(String, Vec<&str>)> = None;
    let mut fenced = false;

    let flush = |out: &mut Vec<String>, paragraph: &mut Vec<&str>, item: &mut Option<(String, Vec<&str>)>| {
        if !paragraph.is_empty() {
            let joined = paragraph.join(" ");
            let options = Options::new(width)
                .initial_indent(indent)
                .subsequent_indent(indent)
                .word_splitter(WordSplitter::NoHyphenation);
            out.extend(
                textwrap::wrap(&joined, &options)
                    .into_iter()
                    .map(std::borrow::Cow::into_owned),
            );
            paragraph.clear();
        }
        if let Some((marker, words)) = item.take() {
            let first = format!("{indent}{marker}");
            let rest = " ".repeat(first.chars().count());
            let options = Options::new(width)
                .initial_indent(&first)
                .subsequent_indent(&rest)
                .word_splitter(WordSplitter::NoHyphenation);
            out.extend(
                textwrap::wrap(&words.join(" "), &options)
                    .into_iter()
                    .map(std::borrow::Cow::into_owned),
            );
        }
    };

    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            flush(&mut out, &mut paragraph, &mut item);
            fenced = !fenced;
            out.push(format!("{indent}{line}"));
            continue;
        }
        // Indented by two or more (a comment's table, a command): as written.
        let indented = (line.starts_with("  ") || line.starts_with('\t')) && !trimmed.is_empty();
        if fenced || indented && item.is_none() {
            flush(&mut out, &mut paragraph, &mut item);
            out.push(format!("{indent}{}", line.trim_end()));
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut out, &mut paragraph, &mut item);
            if out.last().is_some_and(|l| !l.trim().is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        if let Some((marker, rest)) = list_marker(trimmed) {
            flush(&mut out, &mut paragraph, &mut item);
            item = Some((marker, vec![rest]));
            continue;
        }
        match &mut item {
            // A list item's continuation line.
            Some((_, words)) => words.push(trimmed),
            None => paragraph.push(trimmed),
        }
    }
    flush(&mut out, &mut paragraph, &mut item);
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

/// "- x", "* x", "+ x", "1. x", "2) x": the marker (with its space) and the rest.
fn list_marker(line: &str) -> Option<(String, &str)> {
    for bullet in ["- ", "* ", "+ ", "• "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some((bullet.to_string(), rest));
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        let after = &line[digits..];
        for close in [". ", ") "] {
            if let Some(rest) = after.strip_prefix(close) {
                return Some((format!("{}{close}", &line[..digits]), rest));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_reflowed_without_orphan_words() {
        let text = "one two three four five six seven\neight\nnine ten\n\nsecond paragraph";
        let lines = reflow(text, 20, "");
        assert_eq!(
            lines,
            vec![
                "one two three four",
                "five six seven eight",
                "nine ten",
                "",
                "second paragraph"
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
    }

    #[test]
    fn hyphenated_words_are_not_split() {
        let lines = reflow("it is re-flowed here", 12, "");
        assert_eq!(lines, vec!["it is", "re-flowed", "here"]);
    }

    #[test]
    fn lists_keep_their_items_and_wrap_with_a_hanging_indent() {
        let text = "Intro:\n- first item is rather long here\n- second\n1. numbered";
        let lines = reflow(text, 20, "");
        assert_eq!(
            lines,
            vec![
                "Intro:",
                "- first item is",
                "  rather long here",
                "- second",
                "1. numbered"
            ]
        );
    }

    #[test]
    fn code_is_kept_as_written() {
        let text = "Run this:\n\n    let x =   1;\n\n```\nfn  main() {}\n\nmore  code\n```\nafter";
        let lines = reflow(text, 12, "");
        assert!(lines.contains(&"    let x =   1;".to_string()));
        assert!(lines.contains(&"fn  main() {}".to_string()));
        assert!(lines.contains(&"more  code".to_string()));
        assert_eq!(lines.last().unwrap(), "after");
    }

    #[test]
    fn a_table_indented_by_two_is_kept() {
        let text = "The result:\n\n  name  | price\n  ------+------\n  Mouse | 19.9\n\nafter";
        let lines = reflow(text, 80, "");
        assert_eq!(lines[2], "  name  | price");
        assert_eq!(lines[3], "  ------+------");
    }

    #[test]
    fn indent_is_applied_and_tiny_widths_do_not_panic() {
        let lines = reflow("a b c", 80, "  ");
        assert_eq!(lines, vec!["  a b c"]);
        let _ = reflow("word ".repeat(50).as_str(), 0, "  ");
    }
}
