//! The `http` kind (being built; see the issue for this kind).

use anyhow::Result;
use serde::Deserialize;

use super::Target;
use crate::outcome::Outcome;
use crate::pack::{Exercise, Pack, SpecContext};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {}

impl HttpSpec {
    pub fn validate(&self, _ctx: &mut SpecContext<'_>) {}
}

pub fn check(_pack: &Pack, _exercise: &Exercise, _spec: &HttpSpec, _target: Target) -> Result<Outcome> {
    anyhow::bail!("the http kind is not built yet")
}
