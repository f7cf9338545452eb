//! `verifier --retours DIR`: what goes back to each CCAS after a verification, so that an
//! agent gets their own spreadsheet with the faulty cells marked instead of a list of
//! cell names to look up by hand.
//!
//! For each CCAS whose files have problems (errors or warnings; notes are for the
//! coordinator), `DIR/<code>-<commune>/` holds one annotated copy of each such file
//! ([`copy`]) and a one-page note `retour.html` ([`note`]). Everything is built in memory
//! first ([`build`]), then written whole or not at all ([`write`]). The received files are
//! only read, never written.
//!
//! Privacy: a column flagged E010 (names, addresses…) is emptied in the copy, its header
//! kept with a comment saying why, so that no identifying value travels back; so is an
//! unknown column (W001), whose free text may hold names.

pub mod copy;
pub mod note;

use crate::check::{CheckedSheet, Value};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fold::fold;
use crate::network::Network;
use crate::verify::{FileSummary, Verification};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// The folder of a file whose CCAS could not be told (unreadable, no commune column).
pub const UNKNOWN_CCAS_FOLDER: &str = "commune-inconnue";

/// Errors that prevent writing the feedback (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error("le dossier des retours « {retours} » est dans le dossier vérifié « {checked} » (ou le contient) : les copies seraient relues comme des fichiers reçus ; choisissez un dossier à part, par exemple à côté du dossier vérifié")]
    Inside { retours: String, checked: String },
    #[error("erreur interne en préparant {what} ({cause})")]
    Render { what: String, cause: String },
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
}

impl FeedbackError {
    pub(crate) fn render(what: &str, cause: impl std::fmt::Display) -> FeedbackError {
        FeedbackError::Render {
            what: what.to_string(),
            cause: cause.to_string(),
        }
    }
}

pub use crate::output::OutputFile;

/// What was sent back for one received file.
#[derive(Debug, Clone)]
pub struct FileFeedback {
    /// The file as the user named it.
    pub file: String,
    /// The annotated copy, relative to the CCAS folder (`None`: nothing to correct).
    pub copy: Option<String>,
    /// Errors and warnings of the file.
    pub problems: usize,
    pub rows_read: usize,
    pub rows_accepted: usize,
    pub rows_rejected: usize,
    /// The copy is an xlsx rebuilt from an ods, xls or csv file (values only).
    pub converted: bool,
    /// The file could not be read: its copy holds only the « À corriger » sheet.
    pub unreadable: bool,
}

/// Everything sent back to one CCAS.
#[derive(Debug, Clone)]
pub struct CcasFeedback {
    /// `44015-blain`, or [`UNKNOWN_CCAS_FOLDER`].
    pub folder: String,
    /// INSEE code and name, when known.
    pub commune: Option<(String, String)>,
    /// The year most of its rows are about.
    pub year: Option<i32>,
    /// Every file of that CCAS, with or without problems.
    pub files: Vec<FileFeedback>,
    /// Errors and warnings by code.
    pub by_code: BTreeMap<Code, usize>,
}

impl CcasFeedback {
    /// Whether any of its files has something to correct.
    pub fn has_problems(&self) -> bool {
        self.files.iter().any(|file| file.copy.is_some())
    }
}

/// The feedback, ready to be written.
#[derive(Debug)]
pub struct Feedback {
    /// Every CCAS with files, in folder order (those without problems included, for the
    /// summary; only those with problems get a folder).
    pub ccas: Vec<CcasFeedback>,
    pub files: Vec<OutputFile>,
}

/// Whether a diagnostic is something the agent has to correct.
pub fn is_problem(diagnostic: &Diagnostic) -> bool {
    matches!(diagnostic.severity, Severity::Error | Severity::Warning)
}

/// The path made absolute and free of `.`/`..`, through its nearest existing ancestor
/// (the feedback folder usually does not exist yet).
fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|current| current.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut result = canonical;
            for part in rest.iter().rev() {
                result.push(part);
            }
            return result;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    // Nothing exists: fold `..` lexically.
    let mut result = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                result.pop();
            }
            Component::CurDir => {}
            other => result.push(other.as_os_str()),
        }
    }
    result
}

/// Refuses a feedback folder inside a checked folder (or equal to it, or holding a
/// checked path): the copies would be read back as received files, or overwrite them.
pub fn refuse_inside(checked: &[PathBuf], folder: &Path) -> Result<(), FeedbackError> {
    let target = resolved(folder);
    for path in checked {
        let source = resolved(path);
        let contains_target = path.is_dir() && target.starts_with(&source);
        if contains_target || source.starts_with(&target) {
            return Err(FeedbackError::Inside {
                retours: folder.to_string_lossy().into_owned(),
                checked: path.to_string_lossy().into_owned(),
            });
        }
    }
    Ok(())
}

/// `Blain` → `44015-blain`, `Notre-Dame-des-Landes` → `44111-notre-dame-des-landes`.
pub fn ccas_folder(code: &str, name: &str) -> String {
    format!("{code}-{}", fold(name).replace(' ', "-"))
}

/// The most frequent value, ties broken by the smallest.
fn most_frequent<T: Ord + Clone>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, count)| *count == best)
        .map(|(value, _)| value)
}

fn commune_field(sheet: &CheckedSheet) -> Option<usize> {
    sheet
        .schema
        .fields
        .iter()
        .position(|field| field.name == "commune")
}

/// The CCAS a file comes from: the commune of most of its rows, else a member named in
/// its path (`blain/…`, `demandes-bouvron-2024.csv`).
fn commune_of(file: &FileSummary, sheets: &[&CheckedSheet], network: &Network) -> Option<String> {
    let from_rows = most_frequent(sheets.iter().flat_map(|sheet| {
        let field = commune_field(sheet);
        sheet.records.iter().filter_map(move |record| {
            match field.and_then(|field| record.values.get(field)) {
                Some(Value::Commune(code)) => Some(code.clone()),
                _ => None,
            }
        })
    }));
    if from_rows.is_some() {
        return from_rows;
    }
    let folded = format!(" {} ", fold(&file.file));
    // The longest name first, so that « Le Gâvre » is not taken for another commune.
    let mut members: Vec<_> = network.members.iter().collect();
    members.sort_by_key(|member| std::cmp::Reverse(member.name.len()));
    members
        .into_iter()
        .find(|member| {
            folded.contains(&format!(" {} ", fold(&member.name)))
                || folded.contains(&format!(" {} ", member.code))
        })
        .map(|member| member.code.clone())
}

/// The year most rows are about (the first date or year of each row).
fn year_of<'a>(sheets: &'a [&'a CheckedSheet]) -> impl Iterator<Item = i32> + 'a {
    use chrono::Datelike;
    sheets.iter().flat_map(|sheet| {
        sheet.records.iter().filter_map(|record| {
            record.values.iter().find_map(|value| match value {
                Value::Year(year) => Some(*year),
                Value::Date(date) => Some(date.year()),
                _ => None,
            })
        })
    })
}

/// A name for the copy that no other copy of the same CCAS has.
fn copy_name(file: &FileSummary, taken: &mut BTreeSet<String>) -> String {
    let path = Path::new(&file.file);
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "fichier".to_string());
    let extension = path
        .extension()
        .map(|extension| extension.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut candidates = vec![format!("{stem}-a-corriger.xlsx")];
    if !extension.is_empty() {
        candidates.push(format!("{stem}-{extension}-a-corriger.xlsx"));
    }
    let mut number = 2;
    loop {
        if let Some(free) = candidates.iter().find(|name| !taken.contains(*name)) {
            taken.insert(free.clone());
            return free.clone();
        }
        candidates = vec![format!("{stem}-{number}-a-corriger.xlsx")];
        number += 1;
    }
}

/// Builds every copy and note in memory.
pub fn build(verification: &Verification) -> Result<Feedback, FeedbackError> {
    let network = &verification.network;
    let mut by_folder: BTreeMap<String, (Option<String>, Vec<&FileSummary>)> = BTreeMap::new();
    for file in &verification.files {
        let sheets: Vec<&CheckedSheet> = verification
            .sheets
            .iter()
            .filter(|sheet| sheet.file == file.file)
            .collect();
        let code = commune_of(file, &sheets, network);
        let folder = match code.as_deref().and_then(|code| network.member(code)) {
            Some(member) => ccas_folder(&member.code, &member.name),
            None => UNKNOWN_CCAS_FOLDER.to_string(),
        };
        let entry = by_folder
            .entry(folder)
            .or_insert_with(|| (code.filter(|code| network.member(code).is_some()), vec![]));
        entry.1.push(file);
    }
    let mut ccas_list = Vec::new();
    let mut files = Vec::new();
    for (folder, (code, ccas_files)) in by_folder {
        let mut taken = BTreeSet::new();
        let mut feedback = CcasFeedback {
            folder: folder.clone(),
            commune: code.as_deref().and_then(|code| {
                network
                    .member(code)
                    .map(|member| (member.code.clone(), member.name.clone()))
            }),
            year: None,
            files: Vec::new(),
            by_code: BTreeMap::new(),
        };
        let mut years = Vec::new();
        for file in ccas_files {
            let sheets: Vec<&CheckedSheet> = verification
                .sheets
                .iter()
                .filter(|sheet| sheet.file == file.file)
                .collect();
            years.extend(year_of(&sheets));
            let problems: Vec<&Diagnostic> = verification
                .diagnostics
                .iter()
                .filter(|diagnostic| {
                    diagnostic.location.file == file.file && is_problem(diagnostic)
                })
                .collect();
            for problem in &problems {
                *feedback.by_code.entry(problem.code).or_default() += 1;
            }
            let sum = |pick: fn(&crate::verify::SheetSummary) -> usize| {
                file.sheets.iter().map(pick).sum::<usize>()
            };
            let mut entry = FileFeedback {
                file: file.file.clone(),
                copy: None,
                problems: problems.len(),
                rows_read: sum(|sheet| sheet.rows_read),
                rows_accepted: sum(|sheet| sheet.rows_accepted),
                rows_rejected: sum(|sheet| sheet.rows_rejected),
                converted: false,
                unreadable: false,
            };
            if !problems.is_empty() {
                let name = copy_name(file, &mut taken);
                let annotated = copy::annotated_copy(file, &sheets, &problems)?;
                entry.converted = annotated.converted;
                entry.unreadable = annotated.unreadable;
                files.push(OutputFile {
                    path: Path::new(&folder).join(&name),
                    bytes: annotated.bytes,
                });
                entry.copy = Some(name);
            }
            feedback.files.push(entry);
        }
        feedback.year = most_frequent(years);
        if feedback.has_problems() {
            files.push(OutputFile {
                path: Path::new(&folder).join("retour.html"),
                bytes: note::render(&feedback, network)?.into_bytes(),
            });
        }
        ccas_list.push(feedback);
    }
    Ok(Feedback {
        ccas: ccas_list,
        files,
    })
}

/// `verifier --retours DIR` after the verification: refuses a folder inside the checked
/// ones, builds every copy and note, and writes them whole or not at all.
pub fn send_back(
    checked: &[PathBuf],
    verification: &Verification,
    folder: &Path,
) -> Result<Feedback, FeedbackError> {
    refuse_inside(checked, folder)?;
    let feedback = build(verification)?;
    write(&feedback, folder)?;
    Ok(feedback)
}

/// Writes every file under `folder` as one set, whole or not at all (the one output
/// layer: lock, staging folder, swap).
pub fn write(feedback: &Feedback, folder: &Path) -> Result<(), FeedbackError> {
    crate::output::write_set(folder, &feedback.files, &[])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_code_then_folded_name() {
        assert_eq!(ccas_folder("44015", "Blain"), "44015-blain");
        assert_eq!(ccas_folder("44062", "Le Gâvre"), "44062-le-gavre");
        assert_eq!(
            ccas_folder("44111", "Notre-Dame-des-Landes"),
            "44111-notre-dame-des-landes"
        );
    }

    #[test]
    fn the_most_frequent_value_wins_and_ties_go_to_the_smallest() {
        assert_eq!(most_frequent([2024, 2023, 2024]), Some(2024));
        assert_eq!(most_frequent([2024, 2023]), Some(2023));
        assert_eq!(most_frequent(Vec::<i32>::new()), None);
    }

    #[test]
    fn a_feedback_folder_inside_the_checked_one_is_refused() {
        let checked = tempfile::tempdir().expect("temporary folder");
        let root = checked.path().to_path_buf();
        assert!(refuse_inside(std::slice::from_ref(&root), &root).is_err());
        assert!(refuse_inside(std::slice::from_ref(&root), &root.join("retours")).is_err());
        assert!(refuse_inside(std::slice::from_ref(&root), &root.join("a/../b/retours")).is_err());
        let beside = root.with_file_name(format!(
            "{}-retours",
            root.file_name().unwrap().to_string_lossy()
        ));
        assert!(refuse_inside(std::slice::from_ref(&root), &beside).is_ok());
        // A received file inside the feedback folder would be overwritten.
        assert!(refuse_inside(&[root.join("demandes.csv")], &root).is_err());
    }
}
