//! The check's own folder, `{temp_dir}`: made empty for every check (the
//! server may write uploads there, `args` and `env` can name it), seeded with
//! the exercise's `temp_files` before the server starts, and removed with
//! everything in it when the check ends. A fresh folder is what keeps a
//! server that never writes a file from passing on a file an earlier run
//! (with the same seeded names) left behind.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::spec::{FileExpect, HttpSpec, relative_path};
use super::template::Vars;
use crate::outcome::{CheckItem, Outcome};

pub struct Workspace {
    dir: tempfile::TempDir,
}

/// A file expectation that failed, and the checklist of all of them.
pub struct FilesUnmet {
    pub message: String,
    pub items: Vec<CheckItem>,
}

impl Workspace {
    pub fn new() -> Result<Workspace> {
        let dir = tempfile::Builder::new()
            .prefix("backlings-http-")
            .tempdir()
            .context("creating the check's temporary folder")?;
        Ok(Workspace { dir })
    }

    pub fn path_text(&self) -> String {
        self.dir.path().to_string_lossy().into_owned()
    }

    /// Write the exercise's `temp_files`. A path that leaves the folder was
    /// refused when the pack loaded; one that does after its variables are
    /// filled in is refused here.
    pub fn seed(&self, spec: &HttpSpec, vars: &Vars) -> std::result::Result<(), Box<Outcome>> {
        for (path, content) in &spec.temp_files {
            let file = self
                .resolve(&vars.text(path))
                .map_err(|why| Box::new(Outcome::error(why)))?;
            let written = file
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&file, vars.text(content.get_ref())));
            if let Err(e) = written {
                return Err(Box::new(Outcome::error(format!(
                    "could not write {} into the check's temporary folder: {e}",
                    file.display()
                ))));
            }
        }
        Ok(())
    }

    fn resolve(&self, relative: &str) -> std::result::Result<PathBuf, String> {
        relative_path(relative)?;
        Ok(self.dir.path().join(relative))
    }

    /// Hold the folder to `expects`, as it is the moment the response came
    /// back: a server writes a file before it answers that it did.
    pub fn check(
        &self,
        expects: &[FileExpect],
        vars: &Vars,
    ) -> std::result::Result<Vec<CheckItem>, FilesUnmet> {
        let mut items = Vec::new();
        let mut first_failure: Option<String> = None;
        for expect in expects {
            let name = vars.text(expect.path.get_ref());
            let (item, failure) = self.check_one(expect, &name, vars);
            if first_failure.is_none() {
                first_failure = failure;
            }
            items.push(item);
        }
        match first_failure {
            None => Ok(items),
            Some(message) => Err(FilesUnmet { message, items }),
        }
    }

    fn check_one(&self, expect: &FileExpect, name: &str, vars: &Vars) -> (CheckItem, Option<String>) {
        let shown = format!("{{temp_dir}}/{name}");
        let path = match self.resolve(name) {
            Ok(path) => path,
            Err(why) => return (CheckItem::failed(&shown, None, Some(why.clone())), Some(why)),
        };
        let found = std::fs::read(&path);
        if !expect.exists() {
            return match found {
                Err(_) if !path.exists() => (CheckItem::passed(format!("{shown} is absent")), None),
                _ => (
                    CheckItem::failed(format!("{shown} is absent"), None, Some("it is there".into())),
                    Some(format!("the file {shown} is there; it should not be")),
                ),
            };
        }
        let content = match found {
            Ok(content) => content,
            Err(e) => {
                let why = if path.is_dir() {
                    "a folder is there instead".to_string()
                } else if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file".to_string()
                } else {
                    e.to_string()
                };
                return (
                    CheckItem::failed(format!("{shown} exists"), None, Some(why.clone())),
                    Some(format!("the server did not write {shown} ({why})")),
                );
            }
        };
        let Some(want) = &expect.content else {
            return (CheckItem::passed(format!("{shown} exists")), None);
        };
        let want = vars.text(want.get_ref());
        if content == want.as_bytes() {
            return (
                CheckItem::passed(format!("{shown} holds the expected content")),
                None,
            );
        }
        let found = String::from_utf8_lossy(&content).into_owned();
        (
            CheckItem::failed(
                format!("{shown} holds the expected content"),
                Some(want.clone()),
                Some(found.clone()),
            ),
            Some(format!(
                "the file {shown} holds {} bytes that differ from the expected {}",
                content.len(),
                want.len()
            )),
        )
    }
}
