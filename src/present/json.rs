//! Diagnostics as JSON, in the spirit of a frictionless validation report: a verdict,
//! counts, one task per file and sheet, and every diagnostic.

use crate::diagnostic::{Diagnostic, Severity};
use crate::verify::Verification;
use serde::Serialize;

#[derive(Serialize)]
struct Counts {
    fichiers: usize,
    feuilles: usize,
    lignes_lues: usize,
    lignes_acceptees: usize,
    lignes_rejetees: usize,
    erreurs: usize,
    avertissements: usize,
    notes: usize,
}

#[derive(Serialize)]
struct Task<'a> {
    fichier: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    feuille: Option<&'a str>,
    format: Option<crate::read::SourceFormat>,
    modele: Option<&'a str>,
    valide: bool,
    lignes_lues: usize,
    lignes_acceptees: usize,
    lignes_rejetees: usize,
    lignes_de_total: usize,
    ignoree: bool,
    diagnostics: Vec<&'a Diagnostic>,
}

#[derive(Serialize)]
struct Report<'a> {
    valide: bool,
    verdict: &'static str,
    reseau: Option<&'a str>,
    statistiques: Counts,
    taches: Vec<Task<'a>>,
    diagnostics: &'a [Diagnostic],
}

/// The whole verification as pretty-printed JSON.
pub fn verification(verification: &Verification) -> String {
    let errors = verification.count(Severity::Error);
    let mut tasks = Vec::new();
    for file in &verification.files {
        let mut remaining: Vec<&Diagnostic> = verification
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.location.file == file.file)
            .collect();
        for sheet in &file.sheets {
            let (own, rest): (Vec<&Diagnostic>, Vec<&Diagnostic>) = remaining
                .into_iter()
                .partition(|diagnostic| diagnostic.location.sheet == sheet.sheet);
            remaining = rest;
            tasks.push(Task {
                fichier: &file.file,
                feuille: sheet.sheet.as_deref(),
                format: file.format,
                modele: sheet.schema.as_deref(),
                valide: !own.iter().any(|diagnostic| diagnostic.is_error()),
                lignes_lues: sheet.rows_read,
                lignes_acceptees: sheet.rows_accepted,
                lignes_rejetees: sheet.rows_rejected,
                lignes_de_total: sheet.total_rows,
                ignoree: sheet.skipped,
                diagnostics: own,
            });
        }
        // What concerns the file as a whole (or a file that could not be read).
        if !remaining.is_empty() || file.sheets.is_empty() {
            tasks.push(Task {
                fichier: &file.file,
                feuille: None,
                format: file.format,
                modele: None,
                valide: !remaining.iter().any(|diagnostic| diagnostic.is_error()),
                lignes_lues: 0,
                lignes_acceptees: 0,
                lignes_rejetees: 0,
                lignes_de_total: 0,
                ignoree: false,
                diagnostics: remaining,
            });
        }
    }
    let report = Report {
        valide: errors == 0,
        verdict: if errors == 0 { "valide" } else { "invalide" },
        reseau: verification.network_source.as_deref(),
        statistiques: Counts {
            fichiers: verification.files.len(),
            feuilles: verification
                .files
                .iter()
                .map(|file| file.sheets.len())
                .sum(),
            lignes_lues: verification.rows_read(),
            lignes_acceptees: verification.rows_accepted(),
            lignes_rejetees: verification.rows_rejected(),
            erreurs: errors,
            avertissements: verification.count(Severity::Warning),
            notes: verification.count(Severity::Note),
        },
        taches: tasks,
        diagnostics: &verification.diagnostics,
    };
    let mut text = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|error| format!("{{\"erreur\": \"{error}\"}}"));
    text.push('\n');
    text
}
