//! The sql kind behind the runner's [`Kind`] interface.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::SqlSpec;
use crate::check::{Kind, Target, spec_of};
use crate::outcome::Outcome;
use crate::pack::{Exercise, KindReader, KindTable, Pack, Spec, SpecContext, resolve_inside};

pub struct SqlKind;

impl KindReader for SqlKind {
    fn name(&self) -> &'static str {
        "sql"
    }

    fn read(
        &self,
        table: Option<KindTable<'_>>,
        files: &[PathBuf],
        ctx: &mut SpecContext<'_>,
    ) -> Option<Arc<dyn Spec>> {
        let table = ctx.required(
            table,
            "sql",
            "add one with at least `fixture = \"exercises/databases/NAME.fixture.sql\"`",
        )?;
        let spec: SqlSpec = table.parse(ctx)?;
        spec.validate(ctx, files);
        Some(Arc::new(spec))
    }
}

impl Spec for SqlSpec {
    fn referenced_files(&self, root: &Path) -> Vec<PathBuf> {
        [
            Some(&self.fixture),
            self.hidden_fixture.as_ref(),
            self.solution_postgres.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|p| resolve_inside(root, p.get_ref()).ok())
        .collect()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Kind for SqlKind {
    fn check(&self, pack: &Pack, exercise: &Exercise, target: Target) -> anyhow::Result<Outcome> {
        super::check(pack, exercise, spec_of(exercise), target)
    }
}
