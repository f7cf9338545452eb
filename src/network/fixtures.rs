//! Networks written as `reseau.toml` text, and helpers to read them, shared by the tests
//! of every part of the module.

use chrono::NaiveDate;

use super::parse_network;
use crate::diagnostic::Diagnostic;

/// Two members, one of which leaves (lines 1 to 12, which the tests count on).
pub(super) const TWO_MEMBERS: &str = r#"porteur = "44015"

[[membres]]
code = "44015"
nom = "Blain"
adhesion = 2014-01-01

[[membres]]
code = "44023"
nom = "Bouvron"
adhesion = 2014-01-01
sortie = 2024-09-30
"#;

/// Two population vintages (2018 and 2021) of both members, to append with [`with`].
pub(super) const TWO_VINTAGES: &str = r#"
[[populations]]
millesime = 2018
en_vigueur = 2021-01-01
source = "Insee"
valeurs = { "44015" = { municipale = 9950, totale = 10170 }, "44023" = { municipale = 3010, totale = 3070 } }

[[populations]]
millesime = 2021
en_vigueur = 2024-01-01
source = "Insee"
valeurs = { "44015" = { municipale = 10187, totale = 10412 }, "44023" = { municipale = 3069, totale = 3130 } }
"#;

/// A calendar date the test knows to be valid.
pub(super) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The problems of `text`, which must not read as a network.
pub(super) fn problems(text: &str) -> Vec<Diagnostic> {
    match parse_network(text) {
        Ok(network) => panic!("expected problems, got {network:?}"),
        Err(problems) => problems,
    }
}

/// The single problem of `text`, which must have exactly one.
pub(super) fn single_problem(text: &str) -> Diagnostic {
    let mut problems = problems(text);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    problems.remove(0)
}

/// `extra` written after [`TWO_MEMBERS`], so its first line is line 13.
pub(super) fn with(extra: &str) -> String {
    format!("{TWO_MEMBERS}{extra}")
}
