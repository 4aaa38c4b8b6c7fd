//! The `git` kind (being built; see the issue for this kind).

use anyhow::Result;
use serde::Deserialize;

use super::Target;
use crate::outcome::Outcome;
use crate::pack::{Exercise, Pack, SpecContext};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitSpec {}

impl GitSpec {
    pub fn validate(&self, _ctx: &mut SpecContext<'_>) {}
}

pub fn check(_pack: &Pack, _exercise: &Exercise, _spec: &GitSpec, _target: Target) -> Result<Outcome> {
    anyhow::bail!("the git kind is not built yet")
}

pub fn prepare(_pack: &Pack, _exercise: &Exercise, _spec: &GitSpec) -> Result<()> {
    Ok(())
}

pub fn reset(_pack: &Pack, _exercise: &Exercise, _spec: &GitSpec) -> Result<String> {
    anyhow::bail!("the git kind is not built yet")
}

pub fn watched_paths(_pack: &Pack, _exercise: &Exercise, _spec: &GitSpec) -> Vec<(std::path::PathBuf, bool)> {
    Vec::new()
}

pub fn workspace_hint(_pack: &Pack, _exercise: &Exercise, _spec: &GitSpec) -> Option<String> {
    None
}
