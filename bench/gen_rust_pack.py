#!/usr/bin/env python3
"""Write a rust-only backlings pack of N std-only exercises, for bench/rust_batch.sh.

    bench/gen_rust_pack.py DIR [N] [--legacy-manifest]

Four exercises in five are checked by their tests, one in five by running its
program. Starters fail the way real ones do: a third do not compile, the
others reach a `todo!()`. Solutions pass. `--legacy-manifest` writes the
exercise package as packs did before `test = false` marked the bins no test
harness is built for (solutions, run-mode exercises): what older runners read.
"""
import sys
from pathlib import Path

root = Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 90
legacy = "--legacy-manifest" in sys.argv

BODY = '''use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
struct Record {{
    id: u32,
    name: String,
    tags: Vec<String>,
}}

fn parse(line: &str) -> Option<Record> {{
    let mut parts = line.split(',');
    let id = parts.next()?.trim().parse().ok()?;
    let name = parts.next()?.trim().to_string();
    let tags = parts.map(|t| t.trim().to_string()).collect();
    Some(Record {{ id, name, tags }})
}}

fn index(records: &[Record]) -> HashMap<String, Vec<u32>> {{
    let mut by_tag: HashMap<String, Vec<u32>> = HashMap::new();
    for r in records {{
        for t in &r.tags {{
            by_tag.entry(t.clone()).or_default().push(r.id);
        }}
    }}
    by_tag
}}

{task}
'''

TASK_TEST = '''fn score_{i}(records: &[Record]) -> usize {{
    {body}
}}

fn main() {{
    let records: Vec<Record> = ["1, ada, x, y", "2, alan, y"].iter().filter_map(|l| parse(l)).collect();
    println!("{{}} {{:?}}", score_{i}(&records), index(&records).len());
}}

#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn scores_tags() {{
        let records: Vec<Record> = ["1, ada, x, y", "2, alan, y"].iter().filter_map(|l| parse(l)).collect();
        assert_eq!(score_{i}(&records), {expected});
    }}

    #[test]
    fn indexes() {{
        let records: Vec<Record> = ["1, ada, x"].iter().filter_map(|l| parse(l)).collect();
        assert_eq!(index(&records)["x"], vec![1]);
    }}
}}
'''

TASK_RUN = '''fn main() {{
    let records: Vec<Record> = ["1, ada, x, y", "2, alan, y"].iter().filter_map(|l| parse(l)).collect();
    let by_tag = index(&records);
    {body}
    println!("{{}} records, {{}} tags", records.len(), by_tag.len());
}}
'''

stages = ["one", "two", "three"]
info = ['format_version = 1\n']
for s in stages:
    info.append(f'[[stages]]\nid = "{s}"\ntitle = "Stage {s}"\nsummary = "Generated."\n')
bins = []
for i in range(count):
    stage = stages[i * len(stages) // count]
    name = f"ex{i:03}"
    run_mode = i % 5 == 4
    if run_mode:
        solution = TASK_RUN.format(body='assert_eq!(by_tag["y"], vec![1, 2]);')
        starter = TASK_RUN.format(body='assert_eq!(by_tag["y"], vec![2, 1], "fix the order");')
    else:
        extra = i % 7 + 1
        right = f"records.iter().map(|r| r.tags.len()).sum::<usize>() + {extra}"
        solution = TASK_TEST.format(i=i, body=right, expected=3 + extra)
        broken = 'let n: usize = "three"; n' if i % 3 == 0 else "todo!()"
        starter = TASK_TEST.format(i=i, body=broken, expected=3 + extra)
    for top, text in (("exercises", starter), ("solutions", solution)):
        path = root / top / stage / f"{name}.rs"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BODY.format(task=text))
    entry = f'[[exercises]]\nname = "{name}"\nstage = "{stage}"\nkind = "rust"\n'
    entry += f'files = ["exercises/{stage}/{name}.rs"]\nhints = ["Read the test."]\n'
    if run_mode:
        entry += '[exercises.rust]\nmode = "run"\n'
    info.append(entry)
    harness = "" if legacy or not run_mode else "test = false\n"
    bins.append(f'[[bin]]\nname = "{name}"\npath = "{stage}/{name}.rs"\n{harness}')
    sol_harness = "" if legacy else "test = false\n"
    bins.append(f'[[bin]]\nname = "{name}_sol"\npath = "../solutions/{stage}/{name}.rs"\n{sol_harness}')

(root / "info.toml").write_text("\n".join(info))
manifest = '''[package]
name = "exercises"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[profile.dev]
debug = "line-tables-only"

'''
(root / "exercises" / "Cargo.toml").write_text(manifest + "\n".join(bins))
