//! `backlings check` (the learner's side) on the batch engine: one build for
//! every exercise, each judged on its own, progress saved for each.

mod common;

use common::{backlings, json_of, pack_copy};

#[test]
fn check_judges_every_exercise_and_saves_the_progress() {
    let pack = pack_copy("dev/sound");
    // The learner solved `exit_zero`; `add` does not even compile.
    std::fs::copy(
        pack.path().join("solutions/more/exit_zero.rs"),
        pack.path().join("exercises/more/exit_zero.rs"),
    )
    .unwrap();
    std::fs::write(
        pack.path().join("exercises/basics/add.rs"),
        "pub fn add(a: i32, b: i32) -> i32 { a + }\nfn main() {}\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {}\n}\n",
    )
    .unwrap();

    let out = backlings(pack.path()).args(["check", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out);
    let entries = doc["exercises"].as_array().unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["add", "exit_zero"], "pack order");
    assert_eq!(entries[0]["status"], "fail");
    assert!(
        entries[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("does not compile")
    );
    assert_eq!(entries[1]["status"], "pass", "a broken neighbour hides nothing");
    assert_eq!(
        (
            doc["summary"]["passed"].as_u64(),
            doc["summary"]["total"].as_u64()
        ),
        (Some(1), Some(2))
    );

    let list = backlings(pack.path()).arg("list").output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    let line = |name: &str| list.lines().find(|l| l.ends_with(name)).unwrap().to_string();
    assert!(line("exit_zero").contains("done"), "{list}");
    assert!(line("add").contains("pending"), "{list}");

    // Fixed: the next check marks it done too and exits 0.
    std::fs::copy(
        pack.path().join("solutions/basics/add.rs"),
        pack.path().join("exercises/basics/add.rs"),
    )
    .unwrap();
    let out = backlings(pack.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("2 of 2 exercises pass")
    );
}
