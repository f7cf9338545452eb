//! Reading what the cost-sharing needs from a folder: `reseau.toml`, and the accepted rows
//! of `depenses` and `temps_personnel`, through [`crate::verify`] so that every problem is
//! the same located diagnostic as in `verifier`.

use super::{Expense, StaffTime};
use crate::check::{CheckedSheet, Record, Value};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::network::Network;
use crate::verify::{verify, ToolError, Verification, VerifyOptions, NETWORK_FILE};
use std::collections::BTreeSet;
use std::path::Path;

/// The schemas the cost-sharing reads.
const COST_SCHEMAS: [&str; 2] = ["depenses", "temps_personnel"];

/// The text of `reseau.toml`, kept to give the line of a problem found while sharing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkText {
    /// The file as the user named it.
    pub shown: String,
    pub text: String,
}

impl NetworkText {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|byte| **byte == b'\n')
            .count()
            + 1
    }

    fn document(&self) -> Option<toml_edit::Document<&str>> {
        toml_edit::Document::parse(self.text.as_str()).ok()
    }

    /// The line of the first `[[populations]]`.
    pub fn populations_line(&self) -> Option<usize> {
        let document = self.document()?;
        let vintages = document.get("populations")?.as_array_of_tables()?;
        let span = vintages.iter().next()?.span()?;
        Some(self.line_of(span.start))
    }

    /// The line of the `valeurs` of the vintage `millesime` (or of its block).
    pub fn vintage_values_line(&self, millesime: i32) -> Option<usize> {
        let document = self.document()?;
        let vintages = document.get("populations")?.as_array_of_tables()?;
        let vintage = vintages.iter().find(|table| {
            table
                .get("millesime")
                .and_then(toml_edit::Item::as_integer)
                .is_some_and(|value| value == i64::from(millesime))
        })?;
        let span = vintage
            .get("valeurs")
            .and_then(|values| match values {
                toml_edit::Item::Table(table) => table.span(),
                other => other.span(),
            })
            .or_else(|| vintage.key("valeurs").and_then(toml_edit::Key::span))
            .or_else(|| vintage.span())?;
        Some(self.line_of(span.start))
    }
}

/// What [`super::compute`] works on.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub network: Network,
    pub network_text: NetworkText,
    pub expenses: Vec<Expense>,
    pub staff: Vec<StaffTime>,
}

fn text(record: &Record, index: Option<usize>) -> Option<String> {
    index
        .and_then(|index| record.values.get(index))
        .and_then(Value::as_text)
        .map(str::to_string)
}

fn field(sheet: &CheckedSheet, name: &str) -> Option<usize> {
    sheet.schema.field_index(name)
}

fn value(record: &Record, index: Option<usize>) -> Option<&Value> {
    index.and_then(|index| record.values.get(index))
}

fn expenses_of(sheet: &CheckedSheet) -> Vec<Expense> {
    let date = field(sheet, "date");
    let libelle = field(sheet, "libelle");
    let fournisseur = field(sheet, "fournisseur");
    let montant = field(sheet, "montant");
    let ligne_action = field(sheet, "ligne_action");
    let validation = field(sheet, "date_validation_copil");
    let piece = field(sheet, "piece");
    sheet
        .records
        .iter()
        .filter(|record| !record.rejected)
        .filter_map(|record| {
            Some(Expense {
                date: value(record, date)?.as_date()?,
                label: text(record, libelle).unwrap_or_default(),
                supplier: text(record, fournisseur),
                amount: value(record, montant)?.as_decimal()?,
                action_line: text(record, ligne_action)?,
                copil_validation_date: value(record, validation).and_then(Value::as_date),
                supporting_document: text(record, piece).unwrap_or_default(),
                location: sheet.cell_location(record.row, date.unwrap_or(0)),
                amount_location: sheet.cell_location(record.row, montant.unwrap_or(0)),
            })
        })
        .collect()
}

fn staff_of(sheet: &CheckedSheet) -> Vec<StaffTime> {
    let annee = field(sheet, "annee");
    let ligne_action = field(sheet, "ligne_action");
    let fonction = field(sheet, "fonction");
    let heures = field(sheet, "heures");
    let cout_horaire = field(sheet, "cout_horaire");
    sheet
        .records
        .iter()
        .filter(|record| !record.rejected)
        .filter_map(|record| {
            Some(StaffTime {
                year: i32::try_from(value(record, annee)?.as_integer()?).ok()?,
                action_line: text(record, ligne_action)?,
                role: text(record, fonction).unwrap_or_default(),
                hours: value(record, heures)?.as_decimal()?,
                hourly_cost: value(record, cout_horaire)?.as_decimal()?,
                location: sheet.cell_location(record.row, annee.unwrap_or(0)),
            })
        })
        .collect()
}

/// Reads `folder`. Returns the inputs (`None` when the network could not be read) and the
/// diagnostics that concern the cost-sharing: those of `reseau.toml`, of the files holding
/// `depenses` or `temps_personnel`, and of files that could not be read at all (they might
/// hold expenses). Problems in the other files (aid requests…) are left to `verifier`.
pub fn load(
    folder: &Path,
    network_file: Option<&Path>,
    max_input_bytes: u64,
) -> Result<(Option<Inputs>, Vec<Diagnostic>), ToolError> {
    let options = VerifyOptions {
        network_file: network_file.map(Path::to_path_buf),
        max_input_bytes,
    };
    let verification = verify(&[folder.to_path_buf()], &options)?;
    Ok(from_verification(folder, &verification))
}

/// [`load`] on a folder already verified (the yearly evaluation, `bilan`, reads the same
/// verification for its own sheets and shares the money figures of this module).
pub fn from_verification(
    folder: &Path,
    verification: &Verification,
) -> (Option<Inputs>, Vec<Diagnostic>) {
    let cost_files: BTreeSet<&str> = verification
        .sheets
        .iter()
        .filter(|sheet| COST_SCHEMAS.contains(&sheet.schema.name.as_str()))
        .map(|sheet| sheet.file.as_str())
        .collect();
    let other_files: BTreeSet<&str> = verification
        .sheets
        .iter()
        .filter(|sheet| !COST_SCHEMAS.contains(&sheet.schema.name.as_str()))
        .map(|sheet| sheet.file.as_str())
        .filter(|file| !cost_files.contains(file))
        .collect();
    let mut diagnostics: Vec<Diagnostic> = verification
        .diagnostics
        .iter()
        .filter(|diagnostic| !other_files.contains(diagnostic.location.file.as_str()))
        .filter(|diagnostic| diagnostic.code != Code::N003)
        .cloned()
        .collect();
    let (Some(shown), Some(text)) = (
        verification.network_source.clone(),
        verification.network_text.clone(),
    ) else {
        if !diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == Code::E040)
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::E053,
                    Location::file(folder.join(NETWORK_FILE).to_string_lossy()),
                    "pas de fichier reseau.toml : la répartition a besoin des membres, des \
                     budgets et des populations légales du réseau",
                )
                .hint(
                    "placez reseau.toml à la racine du dossier, ou indiquez-le avec --reseau \
                     FICHIER",
                ),
            );
        }
        return (None, diagnostics);
    };
    let mut expenses = Vec::new();
    let mut staff = Vec::new();
    for sheet in &verification.sheets {
        match sheet.schema.name.as_str() {
            "depenses" => expenses.extend(expenses_of(sheet)),
            "temps_personnel" => staff.extend(staff_of(sheet)),
            _ => {}
        }
    }
    (
        Some(Inputs {
            network: verification.network.clone(),
            network_text: NetworkText { shown, text },
            expenses,
            staff,
        }),
        diagnostics,
    )
}
