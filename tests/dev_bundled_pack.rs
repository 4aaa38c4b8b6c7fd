//! The pack this repository ships must be sound: `cargo test` runs `dev check`
//! over it, so a broken starter or solution fails the build like a broken test.
//! (The first run builds the exercise package's dependencies: minutes, once.)

mod common;

#[test]
fn the_bundled_pack_is_sound() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = common::runner()
        .current_dir(root)
        .args(["--pack", root, "dev", "check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "backlings dev check on the bundled pack:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("The pack is sound"), "{report}");
}
