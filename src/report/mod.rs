//! The needs-analysis report (`rapport`): indicators through the statistical secret into
//! every output (HTML page, CSV, xlsx workbook, Parquet files, charts).
//!
//! Everything is built in memory first ([`build`]), then written ([`write`]): a failure
//! while building writes nothing, and each file is written whole (temporary file, then
//! rename).

pub mod audit;
pub mod charts;
mod csv;
pub mod deck;
pub mod html;
pub mod parquet;
pub mod pdf;
pub mod sections;
pub mod tables;
pub mod workbook;
pub mod zones;

use crate::count::{self, records::Records, Indicators};
use crate::protect::{self, Secret};
use crate::verify::Verification;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The banner of the internal edition, on every page and in every file.
pub const INTERNAL_BANNER: &str = "Document interne — ne pas diffuser";

/// Options of `rapport`.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// The year reported on (default: the latest year present).
    pub year: Option<i32>,
    /// The unmasked edition for the working group.
    pub internal: bool,
    /// The date printed on the report (none unless given, for reproducible outputs).
    pub date: Option<NaiveDate>,
    /// Typeset `rapport.pdf` and the portraits `fiches/*.pdf` (the command does; a
    /// caller that only wants the figures leaves them out).
    pub pdf: bool,
    /// Write the annual event's decks (`diaporama.pdf`, `diaporama.odp`): published
    /// edition only, since slides show the published (masked) figures and nothing else.
    pub deck: bool,
}

/// Errors that prevent writing any report (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("aucune demande ni grille acceptée : il n'y a rien à présenter")]
    NoData,
    #[error("l'année {0} n'est pas dans les données (années présentes : {1})")]
    YearAbsent(i32, String),
    #[error(transparent)]
    Count(#[from] count::CountError),
    #[error("erreur interne en préparant {what} ({cause})")]
    Render { what: String, cause: String },
    #[error("le masque du secret statistique échoue à son propre audit : l'édition publiée n'est pas écrite ({failures} case(s) trop peu protégée(s), par exemple {example}) ; signalez-le aux développeurs, ou écrivez l'édition interne avec --interne")]
    AuditFailed { failures: usize, example: String },
    #[error(transparent)]
    Attack(#[from] protect::attack::AttackError),
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
}

impl ReportError {
    pub fn render(what: &str, cause: impl std::fmt::Display) -> ReportError {
        ReportError::Render {
            what: what.to_string(),
            cause: cause.to_string(),
        }
    }
}

/// One output file, relative to the output folder.
pub use crate::output::OutputFile;

/// The report, ready to be written.
#[derive(Debug)]
pub struct Report {
    pub year: i32,
    pub files: Vec<OutputFile>,
    pub indicators: Indicators,
    pub secret: Secret,
    /// Rows left out because of errors.
    pub rows_rejected: usize,
    /// Files that could not be read at all.
    pub unreadable_files: Vec<String>,
}

/// Everything the renderers need.
pub struct Context<'a> {
    pub verification: &'a Verification,
    pub records: &'a Records,
    pub indicators: &'a Indicators,
    pub secret: &'a Secret,
    pub year: i32,
    pub options: &'a ReportOptions,
}

impl Context<'_> {
    /// The name of a commune (or « Réseau »).
    pub fn name(&self, code: &str) -> String {
        if code == count::NETWORK {
            return "Réseau".to_string();
        }
        self.verification
            .network
            .member(code)
            .map_or_else(|| code.to_string(), |member| member.name.clone())
    }

    pub fn banner(&self) -> Option<String> {
        self.options.internal.then(|| INTERNAL_BANNER.to_string())
    }
}

/// Computes the indicators, applies the secret and renders every output in memory.
pub fn build(verification: &Verification, options: &ReportOptions) -> Result<Report, ReportError> {
    let schemas =
        crate::schema::schemas().map_err(|error| ReportError::render("les schémas", error))?;
    let records = Records::from_sheets(&verification.sheets);
    let mut indicators = count::count(&records, &verification.network, schemas)?;
    let year = chosen_year(&indicators, options)?;
    let secret = apply_secret(&mut indicators, verification, options)?;
    let context = Context {
        verification,
        records: &records,
        indicators: &indicators,
        secret: &secret,
        year,
        options,
    };
    let files = render_files(&context)?;
    let unreadable_files = verification
        .files
        .iter()
        .filter(|file| !file.read)
        .map(|file| file.file.clone())
        .collect();
    Ok(Report {
        year,
        files,
        rows_rejected: verification.rows_rejected(),
        unreadable_files,
        indicators,
        secret,
    })
}

/// The year reported on: the one asked for if the data has it, else the latest.
fn chosen_year(indicators: &Indicators, options: &ReportOptions) -> Result<i32, ReportError> {
    let latest = *indicators.years.last().ok_or(ReportError::NoData)?;
    match options.year {
        Some(year) if indicators.years.contains(&year) => Ok(year),
        Some(year) => {
            let present = indicators
                .years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            Err(ReportError::YearAbsent(year, present))
        }
        None => Ok(latest),
    }
}

/// The statistical secret of this edition (none in the internal one), audited; what the
/// published edition never shows is taken out of `indicators`.
fn apply_secret(
    indicators: &mut Indicators,
    verification: &Verification,
    options: &ReportOptions,
) -> Result<Secret, ReportError> {
    let threshold = verification.network.secret_threshold;
    if options.internal {
        return Ok(Secret::none(threshold));
    }
    let secret = protect::protect(indicators, protect::Settings::of(&verification.network))?;
    if !secret.audited() {
        return Err(ReportError::AuditFailed {
            failures: secret.audit.failures.len(),
            example: secret.audit.failures.first().cloned().unwrap_or_default(),
        });
    }
    // What this edition never publishes is left out of every file, not shown as
    // « s » (a reader would take it for a hidden count of 1 or more).
    indicators
        .figures
        .retain(|key, _| !secret.withheld.contains(key));
    Ok(secret)
}

/// Every file of the report: the page, the CSV, the workbook, the Parquet files, the
/// audit (published edition) and each chart as SVG and PNG.
fn render_files(context: &Context) -> Result<Vec<OutputFile>, ReportError> {
    let content = sections::build(context);
    let mut files = vec![
        OutputFile {
            path: PathBuf::from("rapport.html"),
            bytes: html::render(context, &content)?.into_bytes(),
        },
        OutputFile {
            path: PathBuf::from("indicateurs.csv"),
            bytes: csv::render(context)?,
        },
        OutputFile {
            path: PathBuf::from("tableaux.xlsx"),
            bytes: workbook::render(context, &content)?,
        },
        OutputFile {
            path: PathBuf::from("indicateurs.parquet"),
            bytes: parquet::indicators(context)?,
        },
    ];
    if context.options.internal {
        // Row-level data (one row per request) exists only in the internal edition.
        files.push(OutputFile {
            path: PathBuf::from("demandes.parquet"),
            bytes: parquet::requests(context)?,
        });
    } else {
        files.push(OutputFile {
            path: PathBuf::from("audit-secret.json"),
            bytes: audit::render(context)?,
        });
    }
    if context.options.pdf {
        files.push(OutputFile {
            path: PathBuf::from("rapport.pdf"),
            bytes: pdf::render(context, &content)?,
        });
        for (stem, bytes) in pdf::portraits(context, &content)? {
            files.push(OutputFile {
                path: Path::new("fiches").join(format!("{stem}.pdf")),
                bytes,
            });
        }
    }
    if context.options.deck && !context.options.internal {
        files.push(OutputFile {
            path: PathBuf::from("diaporama.pdf"),
            bytes: deck::pdf(context, &content)?,
        });
        files.push(OutputFile {
            path: PathBuf::from("diaporama.odp"),
            bytes: deck::odp(context, &content)?,
        });
    }
    for chart in &content.charts {
        files.push(OutputFile {
            path: Path::new("graphiques").join(format!("{}.svg", chart.id)),
            bytes: chart
                .svg_file()
                .map_err(|error| ReportError::render("les graphiques", error))?
                .into_bytes(),
        });
        files.push(OutputFile {
            path: Path::new("graphiques").join(format!("{}.png", chart.id)),
            bytes: chart
                .png()
                .map_err(|error| ReportError::render("les graphiques", error))?,
        });
    }
    Ok(files)
}

/// What an earlier run of `rapport` may have written in its folder, beside the files of
/// this one (a chart no longer drawn lives in `graphiques/`, which is replaced whole).
const OWNED_BY_EARLIER_RUNS: &[&str] = &[
    "rapport.html",
    "rapport.pdf",
    "fiches",
    "diaporama.pdf",
    "diaporama.odp",
    "tableaux.xlsx",
    "indicateurs.csv",
    "indicateurs.parquet",
    "demandes.parquet",
    "audit-secret.json",
    "graphiques",
];

/// Writes the report as one set under `folder` ([`crate::output::write_set`]): after a
/// failure or a crash at any moment the folder holds the whole previous report, after
/// success the whole new one; other entries of the folder (the cost-sharing's
/// `repartition/` of the example) are kept.
pub fn write(report: &Report, folder: &Path) -> Result<(), ReportError> {
    crate::output::write_set(folder, &report.files, OWNED_BY_EARLIER_RUNS)?;
    Ok(())
}

/// [`write`] into a folder this run already holds (`rapport` takes it before reading the
/// files, so that a second run on the same folder is refused at once).
pub fn write_to(report: &Report, folder: &crate::output::OutputFolder) -> Result<(), ReportError> {
    folder.write_set(&report.files, OWNED_BY_EARLIER_RUNS)?;
    Ok(())
}
