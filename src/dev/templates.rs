//! What `dev new` writes for each kind, and what `dev init` writes as its
//! samples: the same files, with the solution left to the author (`dev new`)
//! or written (`dev init`, whose samples must pass `dev check` as shipped).
//!
//! Every spot the author still has to write carries `TODO(author)`.

use std::path::{Path, PathBuf};

/// Marker for what the author still has to write.
pub const TODO: &str = "TODO(author)";

/// The files of a new exercise and its info.toml entry.
pub struct Template {
    /// What the learner edits (the `files` of the entry); the first is the main one.
    pub starters: Vec<(PathBuf, String)>,
    pub solution: (PathBuf, String),
    /// Files the kind's settings name (a database fixture, a git scenario).
    pub extras: Vec<(PathBuf, String)>,
    /// The `[[exercises]]` table, as TOML text.
    pub entry: String,
    /// What is left for the author to write, one line each.
    pub left_to_fill: Vec<String>,
}

/// Whether the reference solution is written (a sample) or left to the author.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Solution {
    Written,
    LeftToAuthor,
}

/// The starter, solution and info.toml entry `dev new` writes for a kind;
/// `None` for a kind that ships no template.
pub fn template(kind: &str, name: &str, stage: &str, solution: Solution) -> Option<Template> {
    Some(match kind {
        "rust" => rust(name, stage, solution),
        "sql" => sql(name, stage, solution),
        "git" => git(name, stage, solution),
        "http" => http(name, stage, solution),
        _ => return None,
    })
}

fn path(top: &str, stage: &str, file: String) -> PathBuf {
    PathBuf::from(top).join(stage).join(file)
}

/// Three graded hints, as the entry's `hints` array: a sample's own, or the
/// places for the author's.
fn hints(kind: &str, solution: Solution) -> String {
    let sample: [&str; 3] = match kind {
        "rust" => [
            "A request line is words separated by spaces.",
            "`str::split_whitespace` skips runs of spaces, leading and trailing ones too.",
            "`request_line.split_whitespace().count()`",
        ],
        "sql" => [
            "Keep the rows of 2024, then sort them.",
            "Dates stored as ISO text compare correctly as strings.",
            "`WHERE signed_up >= '2024-01-01' AND signed_up < '2025-01-01' ORDER BY name`",
        ],
        "git" => [
            "Rewrite the last commit instead of adding one.",
            "`git commit --amend` replaces the last commit.",
            "`git commit --amend -m \\\"Add notes\\\"`",
        ],
        _ => [
            "Look at the request line: method and path.",
            "A response is a status line, headers, a blank line, then the body; `content-length` counts the body's bytes.",
            "For `GET /health ` answer `HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\nok`.",
        ],
    };
    let lines: Vec<String> = match solution {
        Solution::Written => sample.iter().map(ToString::to_string).collect(),
        Solution::LeftToAuthor => vec![
            format!("{TODO}: a nudge (where to look)."),
            format!("{TODO}: a pointer (which tool, which function)."),
            format!("{TODO}: nearly the answer."),
        ],
    };
    let items: String = lines.iter().map(|h| format!("  \"{h}\",\n")).collect();
    format!("hints = [\n{items}]\n")
}

fn entry_head(name: &str, stage: &str, kind: &str, solution: Solution, files: &[&PathBuf]) -> String {
    let files: Vec<String> = files.iter().map(|f| format!("\"{}\"", f.display())).collect();
    let files = if files.is_empty() {
        String::new()
    } else {
        format!("files = [{}]\n", files.join(", "))
    };
    format!(
        "[[exercises]]\nname = \"{name}\"\nstage = \"{stage}\"\nkind = \"{}\"\n{files}{}",
        kind,
        hints(kind, solution)
    )
}

/// The leading comment of a learner's file: the explanation shown above the
/// exercise. A sample says what it is; a new exercise leaves it to the author.
fn intro(marker: &str, solution: Solution, sample_title: &str, task: &str) -> String {
    let lines: Vec<String> = match solution {
        Solution::Written => vec![
            format!("{sample_title} (a sample: replace it with your own exercise)."),
            String::new(),
        ],
        Solution::LeftToAuthor => vec![
            format!("{TODO}: a title."),
            String::new(),
            format!("{TODO}: what this exercise teaches, and why a backend engineer"),
            "needs it. This leading comment is the explanation the learner reads.".into(),
            String::new(),
        ],
    }
    .into_iter()
    .chain(task.lines().map(str::to_string))
    .collect();
    lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                format!("{marker}\n")
            } else {
                format!("{marker} {l}\n")
            }
        })
        .collect()
}

fn common_todo(main: &Path, solution: &Path, written: Solution) -> Vec<String> {
    let mut todo = vec![format!(
        "{}: the leading comment (the explanation the learner reads) and the exercise itself",
        main.display()
    )];
    if written == Solution::LeftToAuthor {
        todo.push(format!(
            "{}: the reference solution (`dev check` fails until it passes)",
            solution.display()
        ));
    }
    todo
}

// ---- rust ----

const RUST_TASK: &str = "Make the tests pass: `NAME` counts the words of an HTTP request line.";

const RUST_BODY: &str = "
pub fn NAME(request_line: &str) -> usize {
    BODY
}

fn main() {
    println!(\"{}\", NAME(\"GET /health HTTP/1.1\"));
}

// TESTS_NOTE
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_line_has_three_words() {
        assert_eq!(NAME(\"GET /health HTTP/1.1\"), 3);
    }

    #[test]
    fn extra_spaces_do_not_count() {
        assert_eq!(NAME(\"  POST   /orders  HTTP/1.1 \"), 3);
    }
}
";

fn rust(name: &str, stage: &str, solution: Solution) -> Template {
    let main = path("exercises", stage, format!("{name}.rs"));
    let sol = path("solutions", stage, format!("{name}.rs"));
    let starter_body = "todo!(\"count the words of {request_line:?}\")";
    let solution_body = match solution {
        Solution::Written => "request_line.split_whitespace().count()",
        Solution::LeftToAuthor => "todo!(\"TODO(author): the reference solution\")",
    };
    let file = |body: &str| {
        let intro = intro("//", solution, "Counting words", RUST_TASK);
        let tests_note = match solution {
            Solution::Written => "The checks: the learner may add tests, not remove these.".to_string(),
            Solution::LeftToAuthor => format!(
                "{TODO}: tests that pin the behaviour down. The learner may add\n// tests, not remove these."
            ),
        };
        format!("{intro}{RUST_BODY}")
            .replace("TESTS_NOTE", &tests_note)
            .replace("NAME", name)
            .replace("BODY", body)
    };
    Template {
        left_to_fill: common_todo(&main, &sol, solution),
        entry: entry_head(name, stage, "rust", solution, &[&main]),
        starters: vec![(main.clone(), file(starter_body))],
        solution: (sol, file(solution_body)),
        extras: Vec::new(),
    }
}

// ---- sql ----

/// Rows every check loads; the hidden fixture has the same schema and other
/// rows, so that an answer copying the visible rows does not pass.
const SQL_SCHEMA: &str = "CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    signed_up TEXT NOT NULL
);
";
const SQL_ROWS: &str = "INSERT INTO users (id, name, signed_up) VALUES
    (1, 'Ada', '2024-03-01'),
    (2, 'Grace', '2023-11-20'),
    (3, 'Linus', '2024-07-15');
";
const SQL_HIDDEN_ROWS: &str = "INSERT INTO users (id, name, signed_up) VALUES
    (1, 'Edsger', '2024-12-31'),
    (2, 'Barbara', '2025-01-01'),
    (3, 'Alan', '2024-01-01'),
    (4, 'Margaret', '2023-12-31');
";

const SQL_TASK: &str = "The `users` table has `id`, `name` and `signed_up` (an ISO date). Return
the name of every user who signed up in 2024, in alphabetical order.";

fn sql(name: &str, stage: &str, solution: Solution) -> Template {
    let main = path("exercises", stage, format!("{name}.sql"));
    let sol = path("solutions", stage, format!("{name}.sql"));
    let fixture = path("exercises", stage, format!("{name}.fixture.sql"));
    let hidden = path("exercises", stage, format!("{name}.hidden.sql"));
    let note = match solution {
        Solution::Written => "-- The schema and rows every check starts from.\n".to_string(),
        Solution::LeftToAuthor => {
            format!(
                "-- {TODO}: the schema and rows every check starts from (a fresh\n-- in-memory SQLite database each time).\n"
            )
        }
    };
    let hidden_note = match solution {
        Solution::Written => "-- The same schema, other rows: an answer must hold here too.\n".to_string(),
        Solution::LeftToAuthor => {
            format!(
                "-- {TODO}: the same schema, other rows (edge cases): an answer that\n-- copies the visible rows must fail here.\n"
            )
        }
    };
    let solution_text = match solution {
        Solution::Written => "-- Users who signed up in 2024, alphabetically.\n\nSELECT name\nFROM users\nWHERE signed_up >= '2024-01-01' AND signed_up < '2025-01-01'\nORDER BY name;\n".to_string(),
        Solution::LeftToAuthor => format!("-- {TODO}: the reference query. `dev check` fails until it returns\n-- the right rows.\n"),
    };
    let mut todo = common_todo(&main, &sol, solution);
    todo.push(format!("{}: the schema and rows", fixture.display()));
    todo.push(format!("{}: the same schema, other rows", hidden.display()));
    Template {
        left_to_fill: todo,
        entry: format!(
            "{}\n[exercises.sql]\nfixture = \"{}\"\nhidden_fixture = \"{}\"\norder = \"ordered\"\n",
            entry_head(name, stage, "sql", solution, &[&main]),
            fixture.display(),
            hidden.display()
        ),
        // The explanation and nothing else: a file with no statement reads
        // as "not started", which fails.
        starters: vec![(
            main,
            format!(
                "{}\n-- Write your query below.\n",
                intro("--", solution, "Filtering rows", SQL_TASK)
            ),
        )],
        solution: (sol, solution_text),
        extras: vec![
            (fixture, format!("{note}{SQL_SCHEMA}{SQL_ROWS}")),
            (hidden, format!("{hidden_note}{SQL_SCHEMA}{SQL_HIDDEN_ROWS}")),
        ],
    }
}

// ---- git ----

const GIT_TASK: &str = "The last commit's message has a typo: make it `Add notes` without adding a
commit.";

/// The setup and the checks, in the git kind's scenario format (AUTHORING.md,
/// "The git kind"); its leading comment is the explanation.
const GIT_SCENARIO: &str = r##"
[[step]]
commit = "Add the README"
files = { "README.md" = "# Notes service\n" }

[[step]]
commit = "Add notse"
files = { "notes.txt" = "first note\n" }

[[check]]
message = "Add notes"
why = "`git commit --amend` rewrites the last commit's message."

[[check]]
commit_count = 2
why = "Amend the last commit instead of adding one on top of it."
"##;

fn git(name: &str, stage: &str, solution: Solution) -> Template {
    let scenario = path("exercises", stage, format!("{name}.scenario.toml"));
    let sol = path("solutions", stage, format!("{name}.sh"));
    let explanation = intro("#", solution, "Fixing a commit message", GIT_TASK);
    let steps_note = match solution {
        Solution::Written => String::new(),
        Solution::LeftToAuthor => format!(
            "\n# {TODO}: the steps that build the learner's repository, and the checks it\n# must pass when the exercise is done.\n"
        ),
    };
    let solution_text = match solution {
        Solution::Written => "# Reword the last commit: amend replaces it instead of adding one.\ngit commit --amend --quiet -m \"Add notes\"\n".to_string(),
        Solution::LeftToAuthor => format!(
            "# {TODO}: the git commands that solve the exercise, as a learner would\n# type them. `dev check` runs them in a fresh sandbox and fails until they pass.\nexit 1\n"
        ),
    };
    let mut todo = vec![format!(
        "{}: the leading comment (the explanation the learner reads), the setup steps and the checks",
        scenario.display()
    )];
    if solution == Solution::LeftToAuthor {
        todo.push(format!(
            "{}: the commands that solve it (`dev check` fails until they do)",
            sol.display()
        ));
    }
    Template {
        left_to_fill: todo,
        entry: format!(
            "{}\n[exercises.git]\nscenario = \"{}\"\n",
            entry_head(name, stage, "git", solution, &[]),
            scenario.display()
        ),
        starters: Vec::new(),
        solution: (sol, solution_text),
        extras: vec![(scenario, format!("{explanation}{steps_note}{GIT_SCENARIO}"))],
    }
}

// ---- http ----

const HTTP_TASK: &str = "The runner starts this program with the port to listen on in `PORT`, then
sends it real requests. Answer `GET /health` with `200 OK` and the body `ok`.";

const HTTP_BODY: &str = "
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

fn respond(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(&mut *stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers to their end: closing a connection with unread bytes
    // resets it, and the client would never see the response.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let response = BODY;
    stream.write_all(response.as_bytes())
}

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var(\"PORT\")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let listener = TcpListener::bind((\"127.0.0.1\", port))?;
    for stream in listener.incoming() {
        if let Err(e) = stream.and_then(|mut s| respond(&mut s)) {
            eprintln!(\"connection failed: {e}\");
        }
    }
    Ok(())
}
";

fn http(name: &str, stage: &str, solution: Solution) -> Template {
    let main = path("exercises", stage, format!("{name}.rs"));
    let sol = path("solutions", stage, format!("{name}.rs"));
    let not_implemented =
        "\"HTTP/1.1 501 Not Implemented\\r\\ncontent-length: 0\\r\\nconnection: close\\r\\n\\r\\n\"";
    let written = "if request_line.starts_with(\"GET /health \") {\n        \"HTTP/1.1 200 OK\\r\\ncontent-type: text/plain\\r\\ncontent-length: 2\\r\\nconnection: close\\r\\n\\r\\nok\"\n    } else {\n        \"HTTP/1.1 404 Not Found\\r\\ncontent-length: 0\\r\\nconnection: close\\r\\n\\r\\n\"\n    }";
    let body = match solution {
        Solution::Written => written,
        Solution::LeftToAuthor => not_implemented,
    };
    let file = |body: &str| {
        let intro = intro("//", solution, "A health check", HTTP_TASK);
        format!("{intro}{}", HTTP_BODY.replace("BODY", body))
    };
    let mut todo = common_todo(&main, &sol, solution);
    todo.push(format!(
        "info.toml: the `[[exercises.http.exchanges]]` of `{name}` (requests and what must come back)"
    ));
    Template {
        left_to_fill: todo,
        entry: format!(
            "{}\n[[exercises.http.exchanges]]\nmethod = \"GET\"\npath = \"/health\"\nexpect = {{ status = 200, body = \"ok\" }}\n",
            entry_head(name, stage, "http", solution, &[&main])
        ),
        starters: vec![(main, file(not_implemented))],
        solution: (sol, file(body)),
        extras: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_valid_toml_naming_its_files() {
        for kind in crate::check::KINDS.iter().map(|k| k.name()) {
            for solution in [Solution::Written, Solution::LeftToAuthor] {
                let t = template(kind, "ex_one", "basics", solution).expect("every kind has a template");
                let doc: toml::Table = toml::from_str(&t.entry).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
                let entry = &doc["exercises"].as_array().unwrap()[0];
                assert_eq!(entry["name"].as_str(), Some("ex_one"));
                assert_eq!(entry["kind"].as_str(), Some(kind));
                assert_eq!(entry["hints"].as_array().unwrap().len(), 3);
                for (file, _) in &t.starters {
                    assert!(t.entry.contains(&file.display().to_string()));
                }
                for (file, _) in &t.extras {
                    assert!(
                        t.entry.contains(&file.display().to_string()),
                        "{kind:?} names {file:?}"
                    );
                }
                assert!(!t.left_to_fill.is_empty());
            }
        }
    }

    #[test]
    fn only_the_sample_has_a_written_solution() {
        for kind in crate::check::KINDS.iter().map(|k| k.name()) {
            let left = template(kind, "x", "s", Solution::LeftToAuthor).unwrap();
            let written = template(kind, "x", "s", Solution::Written).unwrap();
            assert!(left.solution.1.contains(TODO), "{kind:?}");
            assert!(!written.solution.1.contains(TODO), "{kind:?}");
            assert_ne!(
                written.solution.1,
                written.starters.first().map(|s| s.1.clone()).unwrap_or_default()
            );
        }
    }
}
