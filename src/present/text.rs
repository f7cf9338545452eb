//! Diagnostics and summaries as French text for the terminal.
//!
//! Colour is the caller's choice (only on a terminal, never with `NO_COLOR`): this module
//! takes a flag so its output can be snapshot-tested without escape codes.

use crate::diagnostic::{Diagnostic, Severity};
use crate::french::french_count;
use crate::verify::Verification;
use std::fmt::Write;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;36m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

struct Painter {
    colour: bool,
}

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.colour {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

fn plural(count: usize, singular: &str, plural: &str) -> String {
    french_count(count, singular, plural)
}

/// One diagnostic: `fichier › feuille › D12 : erreur E023 : …`, then `  valeur lue : « … »`
/// and `  aide : …`.
pub fn diagnostic(diagnostic: &Diagnostic, colour: bool) -> String {
    text(diagnostic, colour, true)
}

/// One diagnostic as [`diagnostic`] writes it, but never the value read: for the anonymiser,
/// whose input holds names and birth dates that must not reach a terminal or a log.
pub fn diagnostic_without_value(diagnostic: &Diagnostic, colour: bool) -> String {
    text(diagnostic, colour, false)
}

fn text(diagnostic: &Diagnostic, colour: bool, with_value: bool) -> String {
    let painter = Painter { colour };
    let style = match diagnostic.severity {
        Severity::Error => RED,
        Severity::Warning => YELLOW,
        Severity::Note => BLUE,
    };
    let mut out = String::new();
    let mut context = Vec::new();
    if let Some(header) = &diagnostic.location.header {
        context.push(format!("colonne « {header} »"));
    }
    if let Some(field) = &diagnostic.location.field {
        context.push(format!("champ {field}"));
    }
    let context = if context.is_empty() {
        String::new()
    } else {
        format!(" ({})", context.join(", "))
    };
    let _ = writeln!(
        out,
        "{} : {} : {}{}",
        painter.paint(BOLD, &diagnostic.location.display_path()),
        painter.paint(
            style,
            &format!("{} {}", diagnostic.severity.label(), diagnostic.code)
        ),
        diagnostic.message,
        context
    );
    let value = diagnostic
        .value
        .as_ref()
        .filter(|value| with_value && !value.is_empty());
    if let Some(value) = value {
        let _ = writeln!(out, "  {} « {value} »", painter.paint(DIM, "valeur lue :"));
    }
    if let Some(hint) = &diagnostic.hint {
        let _ = writeln!(out, "  {} {hint}", painter.paint(DIM, "aide :"));
    }
    out
}

/// Every diagnostic, then a summary per file and the totals.
pub fn verification(verification: &Verification, colour: bool) -> String {
    let painter = Painter { colour };
    let mut out = String::new();
    for diagnostic in &verification.diagnostics {
        out.push_str(&self::diagnostic(diagnostic, colour));
    }
    if !verification.diagnostics.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", painter.paint(BOLD, "Résumé"));
    match &verification.network_source {
        Some(source) => {
            let _ = writeln!(
                out,
                "  réseau : {} ({source}, {})",
                verification.network.name,
                plural(verification.network.members.len(), "membre", "membres")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  réseau : {} (réseau par défaut, {})",
                verification.network.name,
                plural(verification.network.members.len(), "membre", "membres")
            );
        }
    }
    for file in &verification.files {
        if !file.read {
            let _ = writeln!(out, "  {} : illisible", file.file);
            continue;
        }
        for sheet in &file.sheets {
            let place = match &sheet.sheet {
                Some(name) => format!("{} › {name}", file.file),
                None => file.file.clone(),
            };
            match &sheet.schema {
                Some(schema) => {
                    let mut line = format!(
                        "  {place} ({schema}) : {}, {}, {}",
                        plural(sheet.rows_read, "ligne lue", "lignes lues"),
                        plural(sheet.rows_accepted, "acceptée", "acceptées"),
                        plural(sheet.rows_rejected, "rejetée", "rejetées")
                    );
                    if sheet.total_rows > 0 {
                        let _ = write!(
                            line,
                            ", {} exclue",
                            plural(sheet.total_rows, "ligne de total", "lignes de total")
                        );
                    }
                    let _ = writeln!(out, "{line}");
                }
                None if sheet.unreadable => {
                    let _ = writeln!(out, "  {place} : feuille illisible");
                }
                None if sheet.sheet.is_none() => {
                    let _ = writeln!(out, "  {place} : fichier ignoré");
                }
                None => {
                    let _ = writeln!(out, "  {place} : feuille ignorée");
                }
            }
        }
    }
    let sheets = || verification.files.iter().flat_map(|file| &file.sheets);
    let sheets_skipped = sheets().filter(|sheet| sheet.skipped).count();
    let unreadable = verification.files.iter().filter(|file| !file.read).count()
        + sheets().filter(|sheet| sheet.unreadable).count();
    let _ = writeln!(
        out,
        "Total : {} ; {} : {}, {}",
        plural(verification.files.len(), "fichier", "fichiers"),
        plural(verification.rows_read(), "ligne lue", "lignes lues"),
        plural(verification.rows_accepted(), "acceptée", "acceptées"),
        plural(verification.rows_rejected(), "rejetée", "rejetées"),
    );
    let mut set_aside = Vec::new();
    if sheets_skipped > 0 {
        set_aside.push(plural(
            sheets_skipped,
            "feuille ou fichier ignoré",
            "feuilles ou fichiers ignorés",
        ));
    }
    if unreadable > 0 {
        set_aside.push(plural(
            unreadable,
            "feuille ou fichier illisible",
            "feuilles ou fichiers illisibles",
        ));
    }
    if !set_aside.is_empty() {
        let _ = writeln!(out, "  {}", set_aside.join(" ; "));
    }
    let errors = verification.count(Severity::Error);
    let verdict = format!(
        "{}, {}, {}",
        plural(errors, "erreur", "erreurs"),
        plural(
            verification.count(Severity::Warning),
            "avertissement",
            "avertissements"
        ),
        plural(verification.count(Severity::Note), "note", "notes"),
    );
    let verdict = if errors > 0 {
        painter.paint(RED, &verdict)
    } else {
        painter.paint(BOLD, &verdict)
    };
    let _ = writeln!(out, "{verdict}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Code, Location};

    fn birth_date_problem() -> Diagnostic {
        let mut place = Location::file("brut.xlsx").with_sheet(Some("Feuil1"));
        place.cell = Some("C5".to_string());
        Diagnostic::new(Code::ALL[0], place, "date de naissance illisible")
            .value("31 du mois")
            .hint("écrivez la date comme 12/03/1961")
    }

    #[test]
    fn the_value_read_is_shown_unless_it_must_not_be() {
        let problem = birth_date_problem();
        let shown = diagnostic(&problem, false);
        assert!(shown.contains("valeur lue : « 31 du mois »"), "{shown}");
        let withheld = diagnostic_without_value(&problem, false);
        assert!(!withheld.contains("31 du mois"), "{withheld}");
        // Everything else is the same text, line for line.
        let kept: Vec<&str> = shown
            .lines()
            .filter(|line| !line.contains("valeur lue"))
            .collect();
        assert_eq!(withheld.lines().collect::<Vec<_>>(), kept);
        assert!(
            withheld.starts_with("brut.xlsx › Feuil1 › C5 : "),
            "{withheld}"
        );
        assert!(withheld.contains("  aide : écrivez la date"), "{withheld}");
    }
}
