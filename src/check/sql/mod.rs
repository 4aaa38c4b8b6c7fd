//! The `sql` kind (being built; see the issue for this kind).

use anyhow::Result;
use serde::Deserialize;

use super::Target;
use crate::outcome::Outcome;
use crate::pack::{Exercise, Pack, SpecContext};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlSpec {}

impl SqlSpec {
    pub fn validate(&self, _ctx: &mut SpecContext<'_>, _files: &[std::path::PathBuf]) {}
}

pub fn check(_pack: &Pack, _exercise: &Exercise, _spec: &SqlSpec, _target: Target) -> Result<Outcome> {
    anyhow::bail!("the sql kind is not built yet")
}
