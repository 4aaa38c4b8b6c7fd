//! Instructor tooling: `dev new`, `dev check`, `dev init` (being built).
