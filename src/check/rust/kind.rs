//! The rust kind behind the runner's [`Kind`] interface.

use std::path::PathBuf;
use std::sync::Arc;

use super::RustSpec;
use crate::check::rust;
use crate::check::{Kind, Needs, Prebuilt, Target, spec_of};
use crate::exercise_package::Form;
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
        let builds = rust::Builds {
            harnesses: prebuilt.tests.as_ref(),
            programs: prebuilt.programs.as_ref(),
            lints: prebuilt.lints.as_ref(),
        };
        Some(rust::check_with(
            pack,
            exercise,
            spec_of(exercise),
            target,
            &builds,
        ))
    }

    /// Each target in the form its check runs (a harness, a program or both),
    /// and linted where the exercise wants clippy.
    fn needs(&self, exercise: &Exercise, target: Target) -> Needs {
        let spec: &RustSpec = spec_of(exercise);
        let name = crate::check::target_name(exercise, target);
        let mut needs = Needs::default();
        for form in spec.forms() {
            match form {
                Form::Harness => needs.harnesses.insert(name.clone()),
                Form::Program => needs.programs.insert(name.clone()),
            };
        }
        if rust::wants_clippy(spec, target) {
            needs.lints.insert(name);
        }
        needs
    }
}
