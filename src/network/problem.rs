//! One mistake found in `reseau.toml`, with its line, key and a hint in French, and the
//! helpers the checks use to write one.

use std::fmt;

use serde::Serialize;

/// One problem found in `reseau.toml`. Messages and hints are in French, written for a
/// non-developer coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkProblem {
    /// 1-based line in the file, when the problem has a place.
    pub line: Option<usize>,
    /// Path of the key concerned, e.g. `membres[2].code` (indices start at 0, in file order).
    pub key: Option<String>,
    /// The value as written, when relevant.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl NetworkProblem {
    /// The problem as a diagnostic (E040) of `reseau.toml`, shown as `shown`, at its line
    /// and key: the one conversion, for every command that reads the network.
    pub fn into_diagnostic(self, shown: &str) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::{Code, Diagnostic, Location};
        let mut location = Location::file(shown);
        location.row = self.line.and_then(|line| u32::try_from(line).ok());
        location.field = self.key;
        let mut diagnostic = Diagnostic::new(Code::E040, location, self.message).hint(self.hint);
        diagnostic.value = self.value;
        diagnostic
    }
}

impl fmt::Display for NetworkProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(formatter, "ligne {line}")?,
            None => write!(formatter, "fichier")?,
        }
        if let Some(key) = &self.key {
            write!(formatter, ", {key}")?;
        }
        write!(formatter, " : {}", self.message)?;
        if !self.hint.is_empty() {
            write!(formatter, " ({})", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for NetworkProblem {}

pub(super) fn problem(
    line: Option<usize>,
    key: String,
    value: Option<String>,
    message: String,
    hint: String,
) -> NetworkProblem {
    NetworkProblem {
        line,
        key: Some(key),
        value,
        message,
        hint,
    }
}

pub(super) fn line_note(line: Option<usize>) -> String {
    line.map(|line| format!(" (ligne {line})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{single_problem, TWO_MEMBERS};

    #[test]
    fn problem_displays_its_line_key_and_hint() {
        let problem = single_problem(&format!("seuil_secret = 2\n{TWO_MEMBERS}"));
        let shown = problem.to_string();
        assert!(shown.starts_with("ligne 1, seuil_secret : "), "{shown}");
    }
}
