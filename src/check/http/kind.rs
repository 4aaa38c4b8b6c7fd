//! The http kind behind the runner's [`Kind`] interface.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::HttpSpec;
use crate::check::{Kind, Needs, Prebuilt, Target, spec_of};
use crate::outcome::Outcome;
use crate::pack::{Exercise, KindReader, KindTable, Pack, Spec, SpecContext, resolve_inside};

pub struct HttpKind;

impl KindReader for HttpKind {
    fn name(&self) -> &'static str {
        "http"
    }

    /// The server is a program of the exercise package.
    fn is_cargo_target(&self) -> bool {
        true
    }

    fn read(
        &self,
        table: Option<KindTable<'_>>,
        _files: &[PathBuf],
        ctx: &mut SpecContext<'_>,
    ) -> Option<Arc<dyn Spec>> {
        let table = ctx.required(
            table,
            "http",
            "add one with the exchanges to run against the server",
        )?;
        let spec: HttpSpec = table.parse(ctx)?;
        spec.validate(ctx);
        Some(Arc::new(spec))
    }
}

impl Spec for HttpSpec {
    fn referenced_files(&self, root: &Path) -> Vec<PathBuf> {
        self.assets
            .iter()
            .filter_map(|p| resolve_inside(root, p.get_ref()).ok())
            .collect()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Kind for HttpKind {
    fn check(&self, pack: &Pack, exercise: &Exercise, target: Target) -> anyhow::Result<Outcome> {
        super::check(pack, exercise, spec_of(exercise), target)
    }

    /// The server and its unit tests come from the batch's builds.
    fn check_prebuilt(
        &self,
        pack: &Pack,
        exercise: &Exercise,
        target: Target,
        prebuilt: &Prebuilt,
    ) -> Option<anyhow::Result<Outcome>> {
        let builds = super::Builds {
            programs: prebuilt.programs.as_ref(),
            tests: prebuilt.tests.as_ref(),
        };
        Some(super::check_with(
            pack,
            exercise,
            spec_of(exercise),
            target,
            &builds,
        ))
    }

    /// A server: its program, and its unit tests' harness.
    fn needs(&self, exercise: &Exercise, target: Target) -> Needs {
        let name = crate::check::target_name(exercise, target);
        let mut needs = Needs::default();
        needs.harnesses.insert(name.clone());
        needs.programs.insert(name);
        needs
    }
}
