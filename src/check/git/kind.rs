//! The git kind behind the runner's [`Kind`] interface.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::GitSpec;
use crate::check::{Kind, Target, spec_of};
use crate::outcome::Outcome;
use crate::pack::{Exercise, KindReader, KindTable, Pack, Spec, SpecContext};

pub struct GitKind;

impl KindReader for GitKind {
    fn name(&self) -> &'static str {
        "git"
    }

    /// The learner works in a sandbox repository; an answer file is optional.
    fn has_files(&self) -> bool {
        false
    }

    /// A script of the commands that solve it.
    fn default_solution(&self, stage: &str, name: &str, _files: &[PathBuf]) -> Option<PathBuf> {
        Some(PathBuf::from("solutions").join(stage).join(format!("{name}.sh")))
    }

    fn read(
        &self,
        table: Option<KindTable<'_>>,
        files: &[PathBuf],
        ctx: &mut SpecContext<'_>,
    ) -> Option<Arc<dyn Spec>> {
        let Some(table) = table else {
            ctx.missing_table(
                "git",
                "add one naming the scenario file: `scenario = \"exercises/STAGE/NAME.scenario.toml\"`",
            );
            return None;
        };
        let spec: GitSpec = table.parse(ctx)?;
        spec.validate(ctx, files);
        Some(Arc::new(spec))
    }
}

impl Spec for GitSpec {
    fn referenced_files(&self, root: &Path) -> Vec<PathBuf> {
        vec![self.scenario_path(root)]
    }

    fn explained_in(&self, root: &Path) -> Option<PathBuf> {
        Some(self.scenario_path(root))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Kind for GitKind {
    fn check(&self, pack: &Pack, exercise: &Exercise, target: Target) -> anyhow::Result<Outcome> {
        super::check(pack, exercise, spec_of(exercise), target)
    }

    fn prepare(&self, pack: &Pack, exercise: &Exercise) -> anyhow::Result<()> {
        super::prepare(pack, exercise, spec_of(exercise))
    }

    fn reset(&self, pack: &Pack, exercise: &Exercise) -> anyhow::Result<String> {
        super::reset(pack, exercise, spec_of(exercise))
    }

    fn watched_paths(&self, pack: &Pack, exercise: &Exercise) -> Vec<(PathBuf, bool)> {
        super::watched_paths(pack, exercise, spec_of(exercise))
    }

    fn workspace_hint(&self, pack: &Pack, exercise: &Exercise) -> Option<String> {
        super::workspace_hint(pack, exercise, spec_of(exercise))
    }
}
