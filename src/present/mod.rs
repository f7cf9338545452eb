//! How diagnostics are presented to people and programs: terminal text and JSON, from the
//! one [`crate::diagnostic::Diagnostic`] model (French numbers come from [`crate::french`]).

pub mod json;
pub mod text;
