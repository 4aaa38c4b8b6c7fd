//! The rust kind behind the runner's [`Kind`] interface.

use std::path::PathBuf;
use std::sync::Arc;

use super::rust::{self, RustSpec};
use crate::check::{Kind, Needs, Prebuilt, Target, spec_of};
use crate::outcome::Outcome;
use crate::pack::{Exercise, KindReader, KindTable, Pack, Spec, SpecContext};

pub struct RustKind;

impl KindReader for RustKind {
    fn name(&self) -> &'static str {
        "rust"
    }

    /// The learner's file is a program of the exercise package.
    fn is_cargo_target(&self) -> bool {
        true
    }

    /// The table is optional: every setting has a default.
    fn read(
        &self,
        table: Option<KindTable<'_>>,
        _files: &[PathBuf],
        ctx: &mut SpecContext<'_>,
    ) -> Option<Arc<dyn Spec>> {
        let spec: RustSpec = match table {
            Some(table) => table.parse(ctx)?,
            None => RustSpec::default(),
        };
        spec.validate(ctx);
        Some(Arc::new(spec))
    }
}

impl Spec for RustSpec {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Kind for RustKind {
    fn check(&self, pack: &Pack, exercise: &Exercise, target: Target) -> anyhow::Result<Outcome> {
        rust::check(pack, exercise, spec_of(exercise), target)
    }

    fn check_prebuilt(
        &self,
        pack: &Pack,
        exercise: &Exercise,
        target: Target,
        prebuilt: &Prebuilt,
    ) -> Option<anyhow::Result<Outcome>> {
        let spec: &RustSpec = spec_of(exercise);
        let build = if rust::needs_tests(spec) {
            prebuilt.tests.as_ref()
        } else {
            prebuilt.programs.as_ref()
        };
        build.map(|build| rust::judge(pack, exercise, spec, target, build, prebuilt.lints.as_ref()))
    }

    fn needs(&self, exercise: &Exercise) -> Needs {
        let tests = rust::needs_tests(spec_of(exercise));
        Needs {
            tests,
            programs: !tests,
        }
    }

    fn lint_target(&self, exercise: &Exercise, target: Target) -> Option<String> {
        rust::wants_clippy(spec_of(exercise), target).then(|| rust::target_name(exercise, target))
    }
}
