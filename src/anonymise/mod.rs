//! `anonymiser`: turns a CCAS's own sheet, with names in it, into the sheet that may leave
//! the CCAS.
//!
//! Identifying columns (recognised with the same header folding as `verifier`) are removed;
//! the household becomes a keyed pseudonym ([`pseudonym`]); the birth date becomes the age
//! band at the date of the request. Columns the schema does not know are removed too: free
//! text (« Observations ») is where names slip in. The output keeps the input's format, is
//! written whole or not at all, and the input is never modified. No identifying value is
//! ever put in a message.

pub mod key;
pub mod pseudonym;

use crate::check::cells;
use crate::check::Value;
use crate::diagnostic::{cell_name, Code, Diagnostic, Location};
use crate::fold::fold;
use crate::read::header::{find_header, header_text, is_total_row, HeaderScore};
use crate::read::{read_file, RawCell, RawRow, RawSheet, SourceFormat};
use crate::schema::{FieldType, Schema, SchemaSet};
use crate::sheet::writers::{write_sheets, DateStyle, HeadedSheet, TableFormat, TableStyle};
use chrono::{Datelike, NaiveDate};
use key::SecretKey;
use pseudonym::{file_identity, household_pseudonym, person_identity};
use std::path::{Path, PathBuf};

/// Why the anonymisation could not be done at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum AnonymiseError {
    #[error("le fichier de sortie « {0} » est le fichier d'entrée : le fichier d'origine n'est jamais modifié, choisissez un autre nom")]
    OutputIsInput(String),
    #[error("{}", .0.message)]
    Unreadable(Box<Diagnostic>),
    #[error("aucune feuille de « {0} » n'a une ligne d'en-têtes reconnue (commune, numéro de demande, date de la demande…) : rien à anonymiser")]
    NoDataSheet(String),
    #[error("« {0} » : un fichier csv n'a qu'une feuille")]
    SeveralSheetsInCsv(String),
    #[error("erreur interne : {0}")]
    Internal(String),
    #[error("écriture de « {path} » impossible ({cause})")]
    Write { path: String, cause: String },
}

/// A column left out of the output, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedColumn {
    /// The header as written (a label, never a person's data).
    pub header: String,
    pub cell: String,
    pub reason: String,
}

/// What happened to one sheet.
#[derive(Debug, Clone, Default)]
pub struct SheetReport {
    pub name: Option<String>,
    pub schema: String,
    pub removed: Vec<RemovedColumn>,
    pub rows: usize,
    /// Rows whose household got a pseudonym.
    pub pseudonymised: usize,
    /// Of these, from the CCAS's own file number (`foyer`/`dossier` column).
    pub from_file_number: usize,
    /// Rows whose age band was computed from the birth date (or the age).
    pub age_bands: usize,
}

/// Everything the anonymisation did.
#[derive(Debug, Clone)]
pub struct AnonymisationReport {
    pub input: String,
    /// Where the output was written (its extension may differ from the one asked for).
    pub output: PathBuf,
    pub format: TableFormat,
    /// Said when the output's format or name differs from the input's (xls → xlsx).
    pub format_note: Option<String>,
    pub sheets: Vec<SheetReport>,
    /// Sheets not copied: they follow no schema, and may hold anything.
    pub skipped_sheets: Vec<String>,
    /// Rows that could not be pseudonymised, dates that could not be read (located, with
    /// no value shown).
    pub diagnostics: Vec<Diagnostic>,
}

impl AnonymisationReport {
    pub fn rows(&self) -> usize {
        self.sheets.iter().map(|sheet| sheet.rows).sum()
    }

    /// Rows whose household could not be pseudonymised.
    pub fn rows_without_pseudonym(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.location.field.as_deref() == Some("foyer"))
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The output format for an input format, and the extension it needs.
fn output_format(format: SourceFormat, input_bytes: &[u8]) -> TableFormat {
    match format {
        SourceFormat::Xlsx | SourceFormat::Xlsm | SourceFormat::Xls => TableFormat::Xlsx,
        SourceFormat::Ods => TableFormat::Ods,
        SourceFormat::Csv => {
            let without_bom = input_bytes
                .strip_prefix(b"\xEF\xBB\xBF")
                .unwrap_or(input_bytes);
            if std::str::from_utf8(without_bom).is_ok() {
                TableFormat::CsvUtf8
            } else {
                TableFormat::CsvWindows1252
            }
        }
    }
}

/// The same path, made absolute without requiring the file to exist.
fn absolute(path: &Path) -> PathBuf {
    let parent = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (parent.canonicalize(), path.file_name()) {
        (Ok(parent), Some(name)) => parent.join(name),
        _ => path.to_path_buf(),
    }
}

/// The role of each column of a raw sheet.
#[derive(Debug, Clone, Default)]
struct Columns {
    /// The sheet column of each schema field.
    fields: Vec<Option<usize>>,
    last_name: Option<usize>,
    first_name: Option<usize>,
    birth_date: Option<usize>,
    age: Option<usize>,
    removed: Vec<RemovedColumn>,
}

fn classify_columns(schemas: &SchemaSet, schema: &Schema, header_row: &RawRow) -> Columns {
    let mut columns = Columns {
        fields: vec![None; schema.fields.len()],
        ..Columns::default()
    };
    let mut names: Vec<(usize, String)> = Vec::new();
    for (index, cell) in header_row.cells.iter().enumerate() {
        let Some(header) = header_text(cell) else {
            continue;
        };
        let place = cell_name(header_row.index, u32::try_from(index).unwrap_or(u32::MAX));
        let mut remove = |reason: String| {
            columns.removed.push(RemovedColumn {
                header: header.clone(),
                cell: place.clone(),
                reason,
            });
        };
        // The same order as `verifier`: a schema field first (« Nom de la commune » is
        // the commune), then the age, then identifying headers.
        if let Some(field) = schema.match_header(&header) {
            if columns.fields[field].is_none() {
                columns.fields[field] = Some(index);
            } else {
                remove(format!(
                    "deuxième colonne pour « {} »",
                    schema.fields[field].title
                ));
            }
        } else if schema.is_age_header(&header) {
            columns.age = Some(index);
            remove("âge exact : remplacé par la tranche d'âge".to_string());
        } else if let Some(category) = schemas.identifying_category(&header) {
            match category.category.as_str() {
                "nom" => names.push((index, fold(&header))),
                "prenom" if columns.first_name.is_none() => columns.first_name = Some(index),
                "date_naissance" if columns.birth_date.is_none() => {
                    columns.birth_date = Some(index);
                }
                _ => {}
            }
            remove(format!("donnée identifiante ({})", category.label));
        } else {
            remove(
                "inconnue du modèle : non reprise, elle pourrait contenir des données personnelles"
                    .to_string(),
            );
        }
    }
    // The current last name rather than the birth name, when both are there.
    columns.last_name = names
        .iter()
        .find(|(_, folded)| !folded.contains("naissance") && !folded.contains("jeune fille"))
        .or_else(|| names.first())
        .map(|(index, _)| *index);
    columns
}

fn cell_text(row: &RawRow, column: Option<usize>) -> String {
    column
        .map(|column| row.cell(column).shown().trim().to_string())
        .unwrap_or_default()
}

fn cell_date(row: &RawRow, column: Option<usize>, is_1904: bool) -> Option<NaiveDate> {
    match row.cell(column?) {
        RawCell::Date(date) => Some(*date),
        RawCell::Number(serial) => cells::date_from_serial(*serial, is_1904),
        RawCell::Text(text) => cells::parse_date_text(text),
        _ => None,
    }
}

/// Whole years between a birth date and a later date.
fn age_on(birth: NaiveDate, day: NaiveDate) -> Option<i64> {
    let mut age = i64::from(day.year()) - i64::from(birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    (age >= 0).then_some(age)
}

/// A raw cell as a value to write again, as close as possible to what was there.
fn carried_value(cell: &RawCell, field_type: FieldType, is_1904: bool) -> Value {
    match cell {
        RawCell::Empty => Value::Missing,
        RawCell::Text(text) if text.trim().is_empty() => Value::Missing,
        RawCell::Text(text) => Value::Text(text.clone()),
        RawCell::Number(number) if field_type == FieldType::Date => {
            match cells::date_from_serial(*number, is_1904) {
                Some(date) => Value::Date(date),
                None => Value::Text(crate::french::number_as_text(*number)),
            }
        }
        RawCell::Number(number) => cells::decimal_from_f64(*number).map_or_else(
            || Value::Text(crate::french::number_as_text(*number)),
            Value::Decimal,
        ),
        RawCell::Date(date) => Value::Date(*date),
        other => Value::Text(other.shown()),
    }
}

struct SheetOutput {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// Where a sheet's fields are and which of them are written, worked out once from its
/// header row.
struct SheetPlan<'a> {
    schema: &'a Schema,
    columns: Columns,
    /// The household field, which receives the pseudonym.
    foyer: Option<usize>,
    /// The age-band field, computed from the birth date (or the age).
    age_band: Option<usize>,
    commune: Option<usize>,
    request_date: Option<usize>,
    /// The fields written: those present, plus the household and the age band.
    written: Vec<usize>,
    is_1904: bool,
    key: &'a SecretKey,
}

impl<'a> SheetPlan<'a> {
    fn new(
        schemas: &SchemaSet,
        schema: &'a Schema,
        header_row: &RawRow,
        is_1904: bool,
        key: &'a SecretKey,
    ) -> SheetPlan<'a> {
        let columns = classify_columns(schemas, schema, header_row);
        let foyer = schema.field_index("foyer");
        let age_band = schema
            .age_field
            .as_ref()
            .and_then(|age| schema.field_index(&age.bands_into));
        let written: Vec<usize> = (0..schema.fields.len())
            .filter(|field| {
                columns.fields[*field].is_some()
                    || Some(*field) == foyer
                    || Some(*field) == age_band
            })
            .collect();
        SheetPlan {
            schema,
            foyer,
            age_band,
            commune: schema.fields.iter().position(|field| field.is_commune()),
            request_date: schema.field_index("date_demande"),
            columns,
            written,
            is_1904,
            key,
        }
    }

    /// The position of a field among the written ones.
    fn slot(&self, field: usize) -> Option<usize> {
        self.written.iter().position(|written| *written == field)
    }

    /// The row's values of the written fields, as they were (the household and the age
    /// band still missing when the sheet has no such column).
    fn carried_row(&self, row: &RawRow) -> Vec<Value> {
        self.written
            .iter()
            .map(|field| match self.columns.fields[*field] {
                Some(column) => carried_value(
                    row.cell(column),
                    self.schema.fields[*field].field_type,
                    self.is_1904,
                ),
                None => Value::Missing,
            })
            .collect()
    }
}

fn anonymise_sheet(
    schemas: &SchemaSet,
    schema: &Schema,
    header_position: usize,
    sheet: &RawSheet,
    shown: &str,
    key: &SecretKey,
    diagnostics: &mut Vec<Diagnostic>,
) -> (SheetReport, SheetOutput) {
    let plan = SheetPlan::new(
        schemas,
        schema,
        &sheet.rows[header_position],
        sheet.is_1904,
        key,
    );
    let mut report = SheetReport {
        name: sheet.name.clone(),
        schema: schema.name.clone(),
        removed: plan.columns.removed.clone(),
        ..SheetReport::default()
    };
    let sheet_location = Location::file(shown).with_sheet(sheet.name.as_deref());
    let mut rows = Vec::new();
    for row in &sheet.rows[header_position + 1..] {
        if row.is_blank() {
            continue;
        }
        let mut values = plan.carried_row(row);
        if is_total_row(row) {
            rows.push(values);
            continue;
        }
        report.rows += 1;
        let mut location = sheet_location.clone();
        location.row = Some(row.index + 1);
        if let Some(foyer) = plan.foyer {
            anonymise_household(
                &plan,
                foyer,
                row,
                &location,
                &mut values,
                &mut report,
                diagnostics,
            );
        }
        rows.push(values);
    }
    let output = SheetOutput {
        name: sheet.name.clone().unwrap_or_else(|| schema.name.clone()),
        headers: plan
            .written
            .iter()
            .map(|field| schema.fields[*field].title.clone())
            .collect(),
        rows,
    };
    (report, output)
}

/// Replaces a row's household by its pseudonym and fills its age band, reporting a
/// household without a pseudonym (E020) and an unreadable birth date (E022).
fn anonymise_household(
    plan: &SheetPlan,
    foyer: usize,
    row: &RawRow,
    location: &Location,
    values: &mut [Value],
    report: &mut SheetReport,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let columns = &plan.columns;
    let birth_text = cell_text(row, columns.birth_date);
    let birth = cell_date(row, columns.birth_date, plan.is_1904);
    let pseudonym = row_pseudonym(plan, foyer, row, birth, report);
    match (pseudonym, plan.slot(foyer)) {
        (Some(pseudonym), Some(slot)) => {
            values[slot] = Value::Text(pseudonym);
            report.pseudonymised += 1;
        }
        _ => diagnostics.push(missing_pseudonym(location, &birth_text)),
    }
    if !birth_text.is_empty() && birth.is_none() {
        diagnostics.push(unreadable_birth_date(location, row, columns.birth_date));
    }
    if let Some(band_field) = plan.age_band {
        fill_age_band(plan, band_field, row, birth, values, report);
    }
}

/// The household's pseudonym: from the CCAS's file number when there is one (counted in
/// `from_file_number`), else from the person's name and birth date; `None` without either.
fn row_pseudonym(
    plan: &SheetPlan,
    foyer: usize,
    row: &RawRow,
    birth: Option<NaiveDate>,
    report: &mut SheetReport,
) -> Option<String> {
    let key = plan.key;
    let columns = &plan.columns;
    let file_number = cell_text(row, columns.fields[foyer]);
    let last_name = cell_text(row, columns.last_name);
    let first_name = cell_text(row, columns.first_name);
    if !file_number.is_empty() {
        report.from_file_number += 1;
        let commune_text = cell_text(row, plan.commune.and_then(|field| columns.fields[field]));
        Some(household_pseudonym(
            key,
            &file_identity(&commune_text, &file_number),
        ))
    } else if !last_name.is_empty() || !first_name.is_empty() {
        Some(household_pseudonym(
            key,
            &person_identity(&last_name, &first_name, birth),
        ))
    } else {
        None
    }
}

/// E020: the household of this row has no pseudonym.
fn missing_pseudonym(location: &Location, birth_text: &str) -> Diagnostic {
    let mut location = location.clone();
    location.field = Some("foyer".to_string());
    let missing = if birth_text.is_empty() {
        "ni nom ni date de naissance"
    } else {
        "pas de nom (une date de naissance seule ne distingue pas les foyers)"
    };
    Diagnostic::new(
        Code::E020,
        location,
        format!("pseudonyme du foyer impossible à calculer : {missing}"),
    )
    .hint("renseignez le nom et le prénom du demandeur (et sa date de naissance) dans le fichier du CCAS, ou une colonne « Foyer » / « Dossier » avec le numéro de dossier, puis relancez l'anonymisation")
}

/// E022: the birth date cannot be read; its value is a birth date, so it is never shown.
fn unreadable_birth_date(location: &Location, row: &RawRow, column: Option<usize>) -> Diagnostic {
    let mut location = location.clone();
    location.field = Some("date_naissance".to_string());
    if let Some(column) = column {
        location.cell = Some(cell_name(
            row.index,
            u32::try_from(column).unwrap_or(u32::MAX),
        ));
    }
    Diagnostic::new(
        Code::E022,
        location,
        "date de naissance illisible : la tranche d'âge n'est pas calculée",
    )
    .hint("saisissez la date de naissance au format jj/mm/aaaa dans le fichier du CCAS")
}

/// The age band at the date of the request, from the birth date (or else the age column),
/// unless the sheet already gives one for this row.
fn fill_age_band(
    plan: &SheetPlan,
    band_field: usize,
    row: &RawRow,
    birth: Option<NaiveDate>,
    values: &mut [Value],
    report: &mut SheetReport,
) {
    let columns = &plan.columns;
    let already = columns.fields[band_field].is_some_and(|column| !row.cell(column).is_empty());
    if already {
        return;
    }
    let day = cell_date(
        row,
        plan.request_date.and_then(|field| columns.fields[field]),
        plan.is_1904,
    );
    let age = match (birth, day) {
        (Some(birth), Some(day)) => age_on(birth, day),
        _ => match columns.age.map(|column| row.cell(column)) {
            Some(RawCell::Number(number)) if number.fract() == 0.0 => Some(*number as i64),
            Some(RawCell::Text(text)) => text.trim().trim_end_matches("ans").trim().parse().ok(),
            _ => None,
        },
    };
    if let (Some(band), Some(slot)) = (age.and_then(cells::age_band), plan.slot(band_field)) {
        values[slot] = Value::Category(band);
        report.age_bands += 1;
    }
}

/// Anonymises `input` into `output` with `key`. `shown` is the input's name in messages.
pub fn anonymise_file(
    input: &Path,
    key: &SecretKey,
    output: &Path,
) -> Result<AnonymisationReport, AnonymiseError> {
    let shown = input.display().to_string();
    if absolute(input) == absolute(output) {
        return Err(AnonymiseError::OutputIsInput(output.display().to_string()));
    }
    let schemas =
        crate::schema::schemas().map_err(|error| AnonymiseError::Internal(error.to_string()))?;
    let workbook = read_file(input, &shown)
        .map_err(|problem| AnonymiseError::Unreadable(Box::new(problem)))?;
    let input_bytes = match workbook.format {
        SourceFormat::Csv => crate::read::read_bounded(input, crate::read::DEFAULT_MAX_INPUT_BYTES)
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let format = output_format(workbook.format, &input_bytes);
    let (output_path, format_note) = output_path_and_note(output, workbook.format, format);
    if absolute(input) == absolute(&output_path) {
        return Err(AnonymiseError::OutputIsInput(
            output_path.display().to_string(),
        ));
    }

    let mut diagnostics: Vec<Diagnostic> = workbook.problems.clone();
    let mut sheets = Vec::new();
    let mut outputs = Vec::new();
    let mut skipped_sheets = Vec::new();
    for sheet in &workbook.sheets {
        match find_header(schemas, sheet, HeaderScore::FieldsAndIdentifying) {
            Some((position, schema)) => {
                let (report, output) = anonymise_sheet(
                    schemas,
                    schema,
                    position,
                    sheet,
                    &shown,
                    key,
                    &mut diagnostics,
                );
                sheets.push(report);
                outputs.push(output);
            }
            None => skipped_sheets.push(sheet.name.clone().unwrap_or_else(|| shown.clone())),
        }
    }
    if outputs.is_empty() {
        return Err(AnonymiseError::NoDataSheet(shown));
    }
    if matches!(format, TableFormat::CsvUtf8 | TableFormat::CsvWindows1252) && outputs.len() > 1 {
        return Err(AnonymiseError::SeveralSheetsInCsv(shown));
    }
    write_output(&outputs, format, &output_path)?;
    Ok(AnonymisationReport {
        input: shown,
        output: output_path,
        format,
        format_note,
        sheets,
        skipped_sheets,
        diagnostics,
    })
}

/// Where the output is written: the name asked for, with the extension of its format;
/// and the note said when that name or format differs from the input's (xls → xlsx).
fn output_path_and_note(
    output: &Path,
    input_format: SourceFormat,
    format: TableFormat,
) -> (PathBuf, Option<String>) {
    let mut output_path = output.to_path_buf();
    let mut format_note = None;
    let wanted_extension = format.extension();
    let given_extension = output
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if given_extension != wanted_extension {
        output_path.set_extension(wanted_extension);
        format_note = Some(format!(
            "le fichier d'entrée est au format {}, le fichier anonymisé est écrit au format {wanted_extension} sous le nom « {} »",
            input_format.extension(),
            output_path.display()
        ));
    } else if matches!(input_format, SourceFormat::Xls | SourceFormat::Xlsm) {
        format_note = Some(format!(
            "le fichier d'entrée est au format {}, le fichier anonymisé est écrit au format xlsx",
            input_format.extension()
        ));
    }
    (output_path, format_note)
}

/// Writes the anonymised sheets, whole or not at all.
fn write_output(
    outputs: &[SheetOutput],
    format: TableFormat,
    output_path: &Path,
) -> Result<(), AnonymiseError> {
    let headed: Vec<HeadedSheet<'_>> = outputs
        .iter()
        .map(|output| HeadedSheet {
            name: output.name.clone(),
            headers: output.headers.clone(),
            money_columns: Vec::new(),
            rows: &output.rows,
        })
        .collect();
    let style = TableStyle {
        format,
        sheet_name: String::new(),
        title: None,
        total_row: false,
        dates: DateStyle::Cells,
    };
    let bytes = write_sheets(&headed, &style).map_err(|error| AnonymiseError::Write {
        path: output_path.display().to_string(),
        cause: error.to_string(),
    })?;
    crate::output::write_atomically(output_path, &bytes).map_err(|error| AnonymiseError::Write {
        path: output_path.display().to_string(),
        cause: crate::output::io_error_in_french(&error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years() {
        let day = |year, month, day| NaiveDate::from_ymd_opt(year, month, day).expect("date");
        assert_eq!(age_on(day(1980, 5, 17), day(2024, 5, 16)), Some(43));
        assert_eq!(age_on(day(1980, 5, 17), day(2024, 5, 17)), Some(44));
        assert_eq!(age_on(day(2025, 1, 1), day(2024, 5, 17)), None);
    }
}
