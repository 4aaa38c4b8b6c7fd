//! Helpers shared by the unit tests: a fixture pack of `tests/fixtures`,
//! copied to a temp folder (the runner writes `.backlings/` into a pack, and
//! fixtures stay pristine), then loaded.

use std::fs;
use std::path::Path;

use crate::pack::Pack;

pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of `tests/fixtures/NAME` (NAME may hold a `/`), loaded.
pub fn loaded_copy(name: &str) -> (tempfile::TempDir, Pack) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
        dir.path(),
    );
    let pack = Pack::load(dir.path(), &crate::check::readers())
        .unwrap_or_else(|e| panic!("fixture {name} must load:\n{e}"));
    (dir, pack)
}
