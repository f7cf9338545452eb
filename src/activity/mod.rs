//! The network's own year (convention, articles 2, 3, 6, 7 and 11): the yearly evaluation
//! (`bilan`) and the directory of the territory's social actors (`annuaire`).
//!
//! Both read a folder through [`crate::verify`], like every other command, so each problem
//! of the `activite` and `acteurs` sheets is the same located diagnostic as in `verifier`.
//! The evaluation takes its money figures from [`crate::repartition::compute`] on the
//! same verification, so they are the figures of `repartition` by construction, and its
//! key figures of the needs analysis from the published (masked) edition that `rapport`
//! builds ([`crate::report::build`]). [`evaluation`] is the model, [`html`] and [`xlsx`]
//! render it; [`directory`] is the directory.

pub mod directory;
pub mod evaluation;
pub mod html;
pub mod xlsx;

use crate::diagnostic::Diagnostic;
use crate::output::OutputFile;
use crate::verify::{verify, ToolError, Verification, VerifyOptions};
use std::path::{Path, PathBuf};

pub use evaluation::{evaluate, Evaluation, MINIMUM_COPIL_MEETINGS};

/// The schemas the evaluation reads (their problems are shown with it).
const EVALUATION_SCHEMAS: &[&str] = &["activite", "depenses", "temps_personnel"];

/// Why nothing could be written (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ActivityError {
    #[error(transparent)]
    Tool(#[from] ToolError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error("erreur interne en préparant {what} ({cause})")]
    Render { what: String, cause: String },
}

impl ActivityError {
    pub(crate) fn render(what: &str, cause: impl std::fmt::Display) -> ActivityError {
        ActivityError::Render {
            what: what.to_string(),
            cause: cause.to_string(),
        }
    }
}

/// What `bilan` or `annuaire` did.
#[derive(Debug)]
pub struct Written {
    /// The problems of the files these commands read (activity, directory, money).
    pub diagnostics: Vec<Diagnostic>,
    pub written: Vec<PathBuf>,
}

impl Written {
    /// 0: written, no error; 1: written, but rows with errors were left out.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.diagnostics.iter().any(Diagnostic::is_error))
    }
}

/// Reads `folder` once, for either command.
pub fn read(
    folder: &Path,
    network_file: Option<&Path>,
    max_input_bytes: u64,
) -> Result<Verification, ToolError> {
    let options = VerifyOptions {
        network_file: network_file.map(Path::to_path_buf),
        max_input_bytes,
    };
    verify(&[folder.to_path_buf()], &options)
}

/// The diagnostics worth showing with a command that reads the sheets of `schemas`: those
/// of `reseau.toml`, of those sheets, and of files that could not be read at all (problems of the aid
/// requests are left to `verifier`).
pub fn own_diagnostics(verification: &Verification, schemas: &[&str]) -> Vec<Diagnostic> {
    let other_files: std::collections::BTreeSet<&str> = verification
        .sheets
        .iter()
        .filter(|sheet| !schemas.contains(&sheet.schema.name.as_str()))
        .map(|sheet| sheet.file.as_str())
        .collect();
    verification
        .diagnostics
        .iter()
        .filter(|diagnostic| !other_files.contains(diagnostic.location.file.as_str()))
        .filter(|diagnostic| diagnostic.code != crate::diagnostic::Code::N003)
        .cloned()
        .collect()
}

/// What an earlier `bilan` may have left in its folder.
const BILAN_FILES: &[&str] = &["bilan.html", "bilan.pdf", "bilan.xlsx"];

/// `observatoire bilan DOSSIER --annee N --sortie DIR`: `bilan.html`, `bilan.pdf` and
/// `bilan.xlsx`, written as one set.
pub fn run_bilan(
    folder: &Path,
    network_file: Option<&Path>,
    max_input_bytes: u64,
    year: i32,
    output: &Path,
) -> Result<(Evaluation, Written), ActivityError> {
    let verification = read(folder, network_file, max_input_bytes)?;
    let evaluation = evaluate(folder, &verification, year);
    let files = vec![
        OutputFile {
            path: PathBuf::from("bilan.html"),
            bytes: html::render(&evaluation)?.into_bytes(),
        },
        OutputFile {
            path: PathBuf::from("bilan.pdf"),
            bytes: html::render_pdf(&evaluation)?,
        },
        OutputFile {
            path: PathBuf::from("bilan.xlsx"),
            bytes: xlsx::render(&evaluation)?,
        },
    ];
    crate::output::write_set(output, &files, BILAN_FILES)?;
    let written = files.iter().map(|file| output.join(&file.path)).collect();
    let mut diagnostics = own_diagnostics(&verification, EVALUATION_SCHEMAS);
    diagnostics.extend(evaluation.money_problems.iter().cloned());
    Ok((
        evaluation,
        Written {
            diagnostics,
            written,
        },
    ))
}
