//! A `todo!()` or `unimplemented!()` left in code the tests do not reach
//! passes every test; rustlings fails it, and so does this kind.
//!
//! Hand-written rather than a Rust parser (syn) because only two things
//! matter: where comments and string literals are, and the two macro names
//! outside them. syn would add its build to the runner's for that.

/// One leftover placeholder macro: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub line: usize,
    pub column: usize,
    /// `todo!` or `unimplemented!`
    pub macro_name: &'static str,
}

const MACROS: [&str; 2] = ["todo!", "unimplemented!"];

/// Every `todo!`/`unimplemented!` call outside comments and literals.
pub fn find(source: &str) -> Vec<Leftover> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut i = 0;
    // Advance over `n` chars, keeping line and column.
    let step = |i: &mut usize, n: usize, line: &mut usize, column: &mut usize| {
        for _ in 0..n {
            if chars.get(*i) == Some(&'\n') {
                *line += 1;
                *column = 1;
            } else {
                *column += 1;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let rest = &chars[i..];
        let starts = |s: &str| rest.iter().take(s.chars().count()).copied().eq(s.chars());
        if starts("//") {
            let len = rest.iter().position(|&c| c == '\n').unwrap_or(rest.len());
            step(&mut i, len, &mut line, &mut column);
        } else if starts("/*") {
            // Block comments nest in Rust.
            let (mut depth, mut len) = (0usize, 0);
            while len < rest.len() {
                if rest[len..].starts_with(&['/', '*']) {
                    depth += 1;
                    len += 2;
                } else if rest[len..].starts_with(&['*', '/']) {
                    depth -= 1;
                    len += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    len += 1;
                }
            }
            step(&mut i, len, &mut line, &mut column);
        } else if let Some(len) = raw_string_len(rest) {
            step(&mut i, len, &mut line, &mut column);
        } else if rest[0] == '"' {
            let mut len = 1;
            while len < rest.len() && rest[len] != '"' {
                len += if rest[len] == '\\' { 2 } else { 1 };
            }
            step(&mut i, (len + 1).min(rest.len()), &mut line, &mut column);
        } else if rest[0] == '\'' {
            // A char literal ('x', '\n', '\u{1F600}'), or else a lifetime.
            let len = match rest.get(1) {
                Some('\\') => rest.iter().skip(2).position(|&c| c == '\'').map_or(1, |p| p + 3),
                Some(_) if rest.get(2) == Some(&'\'') => 3,
                _ => 1,
            };
            step(&mut i, len, &mut line, &mut column);
        } else if let Some(name) = MACROS.iter().find(|m| starts(m))
            && (i == 0 || !is_ident(chars[i - 1]))
        {
            found.push(Leftover {
                line,
                column,
                macro_name: name,
            });
            step(&mut i, name.len(), &mut line, &mut column);
        } else if is_ident(rest[0]) {
            // Whole identifiers, so `my_todo!` is not read as `todo!`.
            let len = rest.iter().position(|&c| !is_ident(c)).unwrap_or(rest.len());
            step(&mut i, len, &mut line, &mut column);
        } else {
            step(&mut i, 1, &mut line, &mut column);
        }
    }
    found
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The length of a raw string literal (`r"…"`, `r#"…"#`, `br"…"`) at the start.
fn raw_string_len(rest: &[char]) -> Option<usize> {
    let mut at = usize::from(rest.first() == Some(&'b'));
    if rest.get(at) != Some(&'r') {
        return None;
    }
    at += 1;
    let hashes = rest[at..].iter().take_while(|&&c| c == '#').count();
    at += hashes;
    if rest.get(at) != Some(&'"') {
        return None;
    }
    at += 1;
    while at < rest.len() {
        if rest[at] == '"' && rest[at + 1..].iter().take(hashes).filter(|&&c| c == '#').count() == hashes {
            return Some(at + 1 + hashes);
        }
        at += 1;
    }
    Some(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(source: &str) -> Vec<(usize, usize, &'static str)> {
        find(source)
            .into_iter()
            .map(|l| (l.line, l.column, l.macro_name))
            .collect()
    }

    #[test]
    fn finds_placeholders_in_code() {
        let src = "fn a() -> u32 {\n    todo!()\n}\nfn b() { unimplemented!(\"later\") }\n";
        assert_eq!(places(src), vec![(2, 5, "todo!"), (4, 10, "unimplemented!")]);
    }

    #[test]
    fn ignores_comments_strings_and_other_names() {
        let src = r##"
// todo!() in a line comment
/* todo!() /* nested todo!() */ still a comment todo!() */
fn a() -> &'static str { "todo!()" }
fn b() -> &'static str { r#"unimplemented!() "quoted""# }
fn c() -> char { '"' }
fn d() { my_todo!(); }
fn e<'a>(x: &'a str) -> &'a str { x }
fn f() { todo!() }
"##;
        assert_eq!(places(src), vec![(9, 10, "todo!")]);
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(places("let é = 1; todo!()"), vec![(1, 12, "todo!")]);
    }
}
