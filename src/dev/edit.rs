//! Edits of info.toml and exercises/Cargo.toml that keep the author's
//! comments, blank lines and order (toml_edit).
//!
//! A table that toml_edit did not parse has no position of its own: it is
//! written right after the table visited before it. So a new `[[exercises]]`
//! inserted into the array after the last exercise of its stage lands there in
//! the file too, ahead of the next entry's leading comment (which belongs to
//! that next entry).

use anyhow::{Context, Result, anyhow};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

/// Read the first table of the array `key` from a TOML snippet, its
/// positions cleared so that it is placed by where it is inserted.
fn snippet_tables(snippet: &str, key: &str) -> Result<Vec<Table>> {
    let doc: DocumentMut = snippet
        .parse()
        .with_context(|| format!("a template produced invalid TOML:\n{snippet}"))?;
    let array = doc
        .get(key)
        .and_then(Item::as_array_of_tables)
        .ok_or_else(|| anyhow!("a template has no [[{key}]]"))?;
    Ok(array
        .iter()
        .map(|t| {
            let mut t = t.clone();
            clear_positions(&mut t);
            t
        })
        .collect())
}

fn clear_positions(table: &mut Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => clear_positions(t),
            Item::ArrayOfTables(array) => array.iter_mut().for_each(clear_positions),
            _ => {}
        }
    }
}

/// The `key` array of tables of `doc`, created (at the end) when absent.
fn array_mut<'d>(doc: &'d mut DocumentMut, key: &str, file: &str) -> Result<&'d mut ArrayOfTables> {
    if doc.get(key).is_none() {
        doc.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
    }
    doc.get_mut(key)
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| anyhow!("{file}: `{key}` is not an array of tables ([[{key}]])"))
}

/// Insert `tables` into `array` after index `after` (`None`: at the front),
/// each preceded by a blank line.
fn insert_after(array: &mut ArrayOfTables, after: Option<usize>, tables: Vec<Table>) {
    let start = after.map_or(0, |i| i + 1);
    for (at, mut table) in (start..).zip(tables) {
        table.decor_mut().set_prefix("\n");
        array.insert(at, table);
    }
}

/// Add the `[[exercises]]` of `entry` to info.toml's text: after the last
/// exercise of `stage`, else after the last one of an earlier stage, else
/// before the first exercise. `stages` are the pack's stage ids in order.
pub fn add_exercise(info: &str, entry: &str, stage: &str, stages: &[String]) -> Result<String> {
    let mut doc: DocumentMut = info.parse().context("info.toml is not valid TOML")?;
    let new = snippet_tables(entry, "exercises")?;
    let rank = |id: &str| stages.iter().position(|s| s == id);
    let wanted = rank(stage);
    let array = array_mut(&mut doc, "exercises", "info.toml")?;
    let ranks: Vec<Option<usize>> = array
        .iter()
        .map(|t| t.get("stage").and_then(|s| s.as_str()).and_then(rank))
        .collect();
    let after = ranks
        .iter()
        .rposition(|r| *r == wanted)
        .or_else(|| ranks.iter().rposition(|r| r.is_some() && *r < wanted));
    // `None`: every exercise is of a later stage (go first) or there is none.
    insert_after(array, after, new);
    Ok(doc.to_string())
}

/// Add `[[bin]]` tables to exercises/Cargo.toml's text: after the last bin
/// of `stage` (its path starts with `STAGE/` or `../solutions/STAGE/`), else
/// at the end.
pub fn add_bins(manifest: &str, bins: &str, stage: &str) -> Result<String> {
    let mut doc: DocumentMut = manifest
        .parse()
        .context("exercises/Cargo.toml is not valid TOML")?;
    let new = snippet_tables(bins, "bin")?;
    let array = array_mut(&mut doc, "bin", crate::exercise_package::MANIFEST)?;
    let of_stage = |t: &Table| {
        t.get("path").and_then(|p| p.as_str()).is_some_and(|p| {
            p.starts_with(&format!("{stage}/")) || p.starts_with(&format!("../solutions/{stage}/"))
        })
    };
    let matches: Vec<bool> = array.iter().map(of_stage).collect();
    let after = matches
        .iter()
        .rposition(|m| *m)
        .or_else(|| array.len().checked_sub(1));
    insert_after(array, after, new);
    Ok(doc.to_string())
}

/// 1-based line of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.trim() == needle).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = r#"# The pack.
format_version = 1

[[stages]]
id = "one"
title = "One"
summary = "s"

[[stages]]
id = "two"
title = "Two"
summary = "s"

# ---- one

[[exercises]]
name = "a"
stage = "one"
kind = "sql"
hints = ["h"] # keep me

[exercises.sql]
fixture = "f.sql"

# ---- two

[[exercises]]
name = "b"
stage = "two"
kind = "rust"
hints = ["h"]
"#;

    fn stages() -> Vec<String> {
        vec!["one".into(), "two".into()]
    }

    fn names_in_file_order(text: &str) -> Vec<String> {
        let doc: toml::Table = toml::from_str(text).unwrap();
        doc["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn a_new_exercise_goes_after_the_last_of_its_stage_keeping_comments() {
        let entry = "[[exercises]]\nname = \"c\"\nstage = \"one\"\nkind = \"sql\"\nhints = [\n  \"x\",\n]\n\n[exercises.sql]\nfixture = \"g.sql\"\n";
        let out = add_exercise(INFO, entry, "one", &stages()).unwrap();
        assert_eq!(names_in_file_order(&out), ["a", "c", "b"]);
        assert!(out.starts_with("# The pack.\n"));
        assert!(out.contains("hints = [\"h\"] # keep me"));
        // The section comment of stage two still introduces stage two.
        let c = out.find("name = \"c\"").unwrap();
        let two = out.find("# ---- two").unwrap();
        let g = out.find("fixture = \"g.sql\"").unwrap();
        assert!(c < g && g < two, "{out}");
        assert!(
            out.contains("hints = [\n  \"x\",\n]"),
            "the entry keeps its layout:\n{out}"
        );
        // Nothing else moved.
        assert!(
            out.ends_with("[[exercises]]\nname = \"b\"\nstage = \"two\"\nkind = \"rust\"\nhints = [\"h\"]\n")
        );
    }

    #[test]
    fn a_first_exercise_of_a_stage_follows_the_earlier_stages() {
        let info = INFO.replace("stage = \"two\"", "stage = \"three\"");
        let three = vec!["one".to_string(), "two".to_string(), "three".to_string()];
        let entry = "[[exercises]]\nname = \"c\"\nstage = \"two\"\nkind = \"rust\"\nhints = [\"x\"]\n";
        let out = add_exercise(&info, entry, "two", &three).unwrap();
        assert_eq!(names_in_file_order(&out), ["a", "c", "b"]);
        let early = INFO.replace("stage = \"one\"", "stage = \"two\"");
        let entry = "[[exercises]]\nname = \"c\"\nstage = \"one\"\nkind = \"rust\"\nhints = [\"x\"]\n";
        let out = add_exercise(&early, entry, "one", &stages()).unwrap();
        assert_eq!(names_in_file_order(&out), ["c", "a", "b"]);
    }

    #[test]
    fn the_first_exercise_of_a_pack_is_appended() {
        let info = "format_version = 1\n\n[[stages]]\nid = \"one\"\ntitle = \"t\"\nsummary = \"s\"\n";
        let entry = "[[exercises]]\nname = \"c\"\nstage = \"one\"\nkind = \"rust\"\nhints = [\"x\"]\n";
        let out = add_exercise(info, entry, "one", &["one".into()]).unwrap();
        assert_eq!(names_in_file_order(&out), ["c"]);
        assert!(out.starts_with(info));
    }

    #[test]
    fn bins_go_after_their_stage() {
        let manifest = "[package]\nname = \"exercises\"\n\n# targets\n\n[[bin]]\nname = \"a\"\npath = \"one/a.rs\"\n\n[[bin]]\nname = \"b\"\npath = \"two/b.rs\"\n\n[profile.dev]\ndebug = 0\n";
        let bins = "[[bin]]\nname = \"c\"\npath = \"one/c.rs\"\n\n[[bin]]\nname = \"c_sol\"\npath = \"../solutions/one/c.rs\"\n";
        let out = add_bins(manifest, bins, "one").unwrap();
        let order: Vec<usize> = ["\"a\"", "\"c\"", "\"c_sol\"", "\"b\"", "[profile.dev]"]
            .iter()
            .map(|n| out.find(n).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{out}");
        assert!(out.contains("# targets\n"));
        let out = add_bins(manifest, bins, "three").unwrap();
        assert!(out.find("\"c_sol\"").unwrap() > out.find("\"b\"").unwrap());
    }
}
