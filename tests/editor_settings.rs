//! The editor settings shipped for rust-analyzer parse, and every manifest
//! they link is one cargo accepts: a learner who opens the repository root
//! gets completion and errors in exercises/ (which the root Cargo.toml
//! excludes, so rust-analyzer would not find it by itself).

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn linked_projects(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .expect("linkedProjects is a list")
        .iter()
        .map(|v| v.as_str().expect("a manifest path").to_string())
        .collect()
}

fn assert_cargo_accepts(manifests: &[String], file: &str) {
    assert!(
        manifests.iter().any(|m| m == "exercises/Cargo.toml"),
        "{file} does not link the exercise package"
    );
    for manifest in manifests {
        let path = root().join(manifest);
        let output = Command::new("cargo")
            .args([
                "metadata",
                "--no-deps",
                "--format-version",
                "1",
                "--offline",
                "--manifest-path",
            ])
            .arg(&path)
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "{file}: cargo metadata refused {manifest}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn vscode_links_both_workspaces() {
    let text = std::fs::read_to_string(root().join(".vscode/settings.json")).unwrap();
    let settings: serde_json::Value = serde_json::from_str(&text).expect(".vscode/settings.json is JSON");
    let manifests = linked_projects(&settings["rust-analyzer.linkedProjects"]);
    assert_cargo_accepts(&manifests, ".vscode/settings.json");
}

#[test]
fn zed_links_both_workspaces() {
    let text = std::fs::read_to_string(root().join(".zed/settings.json")).unwrap();
    let settings: serde_json::Value = serde_json::from_str(&text).expect(".zed/settings.json is JSON");
    let manifests =
        linked_projects(&settings["lsp"]["rust-analyzer"]["initialization_options"]["linkedProjects"]);
    assert_cargo_accepts(&manifests, ".zed/settings.json");
}

#[test]
fn helix_links_both_workspaces() {
    let text = std::fs::read_to_string(root().join(".helix/languages.toml")).unwrap();
    let settings: toml::Value = toml::from_str(&text).expect(".helix/languages.toml is TOML");
    let list = settings["language-server"]["rust-analyzer"]["config"]["linkedProjects"]
        .as_array()
        .expect("linkedProjects is a list");
    let manifests: Vec<String> = list.iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_cargo_accepts(&manifests, ".helix/languages.toml");
}
