//! A mistake found in `reseau.toml`, as the one [`Diagnostic`] model has it (code E040, its
//! line, key and a hint in French), and the helpers the reader and the rules use to write one.

use crate::diagnostic::{Code, Diagnostic, Location};

use super::NETWORK_FILE;

/// A mistake of `reseau.toml` as a diagnostic (E040), at its line and key (e.g.
/// `membres[2].code`, indices from 0 in file order), with the value as written when
/// relevant. [`super::parse_network_shown_as`] names the file as the user did.
pub(super) fn network_problem(
    line: Option<usize>,
    key: Option<String>,
    value: Option<String>,
    message: String,
    hint: String,
) -> Diagnostic {
    let mut location = Location::file(NETWORK_FILE);
    location.row = line.and_then(|line| u32::try_from(line).ok());
    location.field = key;
    let mut diagnostic = Diagnostic::new(Code::E040, location, message).hint(hint);
    diagnostic.value = value;
    diagnostic
}

/// [`network_problem`] for a problem that has a key, as the rules' problems all do.
pub(super) fn problem(
    line: Option<usize>,
    key: String,
    value: Option<String>,
    message: String,
    hint: String,
) -> Diagnostic {
    network_problem(line, Some(key), value, message, hint)
}

pub(super) fn line_note(line: Option<usize>) -> String {
    line.map(|line| format!(" (ligne {line})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{single_problem, TWO_MEMBERS};
    use crate::diagnostic::{Code, Severity};

    #[test]
    fn a_problem_is_an_e040_error_of_reseau_toml_at_its_line_and_key() {
        let problem = single_problem(&format!("seuil_secret = 2\n{TWO_MEMBERS}"));
        assert_eq!(problem.code, Code::E040);
        assert_eq!(problem.severity, Severity::Error);
        assert_eq!(problem.location.file, "reseau.toml");
        assert_eq!(problem.location.row, Some(1));
        assert_eq!(problem.location.field.as_deref(), Some("seuil_secret"));
        assert!(problem.hint.is_some_and(|hint| !hint.is_empty()));
    }

    #[test]
    fn the_file_is_named_as_the_user_did() {
        let problems =
            super::super::parse_network_shown_as("seuil_secret = 2\n", "blain/reseau.toml")
                .expect_err("no member");
        assert!(!problems.is_empty());
        assert!(problems
            .iter()
            .all(|problem| problem.location.file == "blain/reseau.toml"));
    }
}
