//! The renderers of diagnostics for people and programs: terminal text and JSON (French
//! numbers come from [`crate::french`]).

pub mod json;
pub mod text;
