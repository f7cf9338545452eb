//! Checking raw sheets against the schemas: which schema a sheet follows (from its
//! headers), what each cell means (typed values), and the rules across fields.
//!
//! Every row read ends up either accepted or rejected with at least one located
//! diagnostic; nothing is dropped silently.

pub mod activity;
pub mod cells;
mod rules;

use crate::diagnostic::{cell_name, Code, Diagnostic, Location};
use crate::fold::fold;
use crate::network::Network;
use crate::read::{RawCell, RawRow, RawSheet};
use crate::schema::{Field, FieldType, Schema, SchemaSet};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

pub use rules::check_across_files;

use crate::read::HEADER_SEARCH_ROWS;
/// At least this many columns must be recognised for a row to be taken as the header.
const MIN_MATCHED_HEADERS: usize = 3;
/// Sheets with at least this many rows are checked on several cores.
const PARALLEL_ROWS: usize = 4_096;

/// A typed value of one field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    Missing,
    Text(String),
    Integer(i64),
    Decimal(Decimal),
    Date(NaiveDate),
    Year(i32),
    /// A category, as its canonical label in the schema.
    Category(&'static str),
    /// A member commune, as its INSEE code.
    Commune(String),
}

impl Value {
    /// Whether no value was given.
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(date) => Some(*date),
            _ => None,
        }
    }

    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Decimal(decimal) => Some(*decimal),
            Value::Integer(integer) => Some(Decimal::from(*integer)),
            _ => None,
        }
    }

    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Value::Integer(integer) => Some(*integer),
            Value::Year(year) => Some(i64::from(*year)),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) | Value::Commune(text) => Some(text),
            Value::Category(label) => Some(label),
            _ => None,
        }
    }
}

/// The fields of a row whose cell could not be read (so rules do not pile up on them).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FieldSet(u128);

impl FieldSet {
    fn mark(&mut self, field: usize) {
        if field < 128 {
            self.0 |= 1 << field;
        }
    }

    /// Whether the field's cell was unreadable.
    pub(crate) fn contains(self, field: Option<usize>) -> bool {
        field.is_some_and(|field| field < 128 && self.0 & (1 << field) != 0)
    }
}

/// One data row after typing. `row` is 0-based, as in [`RawRow`].
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub row: u32,
    pub values: Vec<Value>,
    pub rejected: bool,
}

/// A column of the sheet bound to a schema field.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// 0-based column index in the sheet.
    pub index: u32,
    /// The header as written.
    pub header: String,
}

/// A sheet recognised as following a schema, with its typed rows.
#[derive(Debug, Clone)]
pub struct CheckedSheet {
    pub file: String,
    pub sheet: Option<String>,
    pub schema: &'static Schema,
    /// The column bound to each field of the schema (same order as `schema.fields`).
    pub columns: Vec<Option<Column>>,
    /// 0-based row of the header.
    pub header_row: u32,
    pub records: Vec<Record>,
    /// Rows excluded as totals (not data).
    pub total_rows: usize,
    /// Rows of a template left empty: only pre-filled cells (commune, year, the grid's
    /// indicator and modality), skipped like blank rows.
    pub empty_template_rows: usize,
}

impl CheckedSheet {
    /// The location of a field's cell in a row.
    pub fn cell_location(&self, row: u32, field: usize) -> Location {
        let mut location = Location::file(&self.file).with_sheet(self.sheet.as_deref());
        location.ligne = Some(row + 1);
        location.champ = Some(self.schema.fields[field].name.clone());
        if let Some(Some(column)) = self.columns.get(field) {
            location.cellule = Some(cell_name(row, column.index));
            location.entete = Some(column.header.clone());
        }
        location
    }

    /// Rows read (excluding the header, blank rows and total rows).
    pub fn rows_read(&self) -> usize {
        self.records.len()
    }

    /// Rows accepted.
    pub fn rows_accepted(&self) -> usize {
        self.records
            .iter()
            .filter(|record| !record.rejected)
            .count()
    }
}

/// What happened to a sheet.
#[derive(Debug, Clone)]
pub enum SheetOutcome {
    Checked(Box<CheckedSheet>),
    /// No header matched any schema: the sheet is skipped with a note.
    Skipped,
}

/// Checks sheets against the schemas, for one network.
pub struct Checker<'a> {
    schemas: &'static SchemaSet,
    network: &'a Network,
    communes: HashMap<String, String>,
}

fn header_text(cell: &RawCell) -> Option<String> {
    match cell {
        RawCell::Text(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
        RawCell::Number(number) => Some(crate::french::number_as_text(*number)),
        _ => None,
    }
}

/// A total or subtotal row: its first filled cell starts with « Total » or « Sous-total ».
/// Such a row is never a request, wherever it stands.
fn is_total_row(row: &RawRow) -> bool {
    row.cells
        .iter()
        .find(|cell| !cell.is_empty())
        .is_some_and(|cell| {
            matches!(cell, RawCell::Text(text) if {
                let folded = fold(text);
                folded.starts_with("total") || folded.starts_with("sous total")
            })
        })
}

/// A note under the table (« Source : … », « Note : … », « * … »): one filled cell of text.
fn is_footnote_row(row: &RawRow) -> bool {
    let mut filled = row.cells.iter().filter(|cell| !cell.is_empty());
    match (filled.next(), filled.next()) {
        (Some(RawCell::Text(text)), None) => {
            let trimmed = text.trim_start();
            let folded = fold(trimmed);
            trimmed.starts_with('*')
                || trimmed.starts_with('(')
                || [
                    "source", "sources", "note", "notes", "lecture", "champ", "nb", "n b",
                ]
                .iter()
                .any(|word| folded == *word || folded.starts_with(&format!("{word} ")))
        }
        _ => false,
    }
}

/// Up to three labels, quoted, as a French list.
fn quoted_list(labels: &[String]) -> String {
    labels
        .iter()
        .map(|label| format!("« {label} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest label, when it is close enough to be a typing mistake.
pub fn nearest<'l>(text: &str, labels: impl IntoIterator<Item = &'l String>) -> Option<&'l String> {
    let folded = fold(text);
    labels
        .into_iter()
        .map(|label| {
            (
                strsim::normalized_damerau_levenshtein(&folded, &fold(label)),
                label,
            )
        })
        .filter(|(similarity, _)| *similarity >= 0.6)
        .max_by(|left, right| left.0.total_cmp(&right.0))
        .map(|(_, label)| label)
}

impl<'a> Checker<'a> {
    pub fn new(schemas: &'static SchemaSet, network: &'a Network) -> Self {
        let mut communes = HashMap::new();
        for member in &network.membres {
            communes.insert(member.code.clone(), member.code.clone());
            communes.insert(fold(&member.nom), member.code.clone());
        }
        Checker {
            schemas,
            network,
            communes,
        }
    }

    pub fn network(&self) -> &Network {
        self.network
    }

    pub fn schemas(&self) -> &'static SchemaSet {
        self.schemas
    }

    /// Finds the header row and its schema: the row, among the first ones, where most
    /// headers match one schema's fields.
    fn find_header(&self, sheet: &RawSheet) -> Option<(usize, &'static Schema)> {
        let mut best: Option<(usize, usize, &'static Schema)> = None;
        for (position, row) in sheet.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
            let headers: Vec<String> = row.cells.iter().filter_map(header_text).collect();
            if headers.len() < MIN_MATCHED_HEADERS {
                continue;
            }
            for schema in &self.schemas.schemas {
                let mut matched: Vec<usize> = headers
                    .iter()
                    .filter_map(|header| schema.match_header(header))
                    .collect();
                matched.sort_unstable();
                matched.dedup();
                let score = matched.len();
                if score >= MIN_MATCHED_HEADERS
                    && best.is_none_or(|(best_score, _, _)| score > best_score)
                {
                    best = Some((score, position, schema));
                }
            }
        }
        best.map(|(_, position, schema)| (position, schema))
    }

    /// Checks one sheet; every problem goes to `diagnostics`.
    pub fn check_sheet(
        &self,
        file: &str,
        sheet: &RawSheet,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> SheetOutcome {
        let sheet_location = Location::file(file).with_sheet(sheet.name.as_deref());
        let Some((header_position, schema)) = self.find_header(sheet) else {
            const NO_HEADER: &str = "aucune ligne d'en-têtes ne correspond à un modèle (demandes, grille, dépenses, temps de personnel, contexte)";
            let message = match (sheet.name.is_some(), sheet.rows.is_empty()) {
                (true, true) => "feuille vide ignorée".to_string(),
                (false, true) => "fichier ignoré : il ne contient aucune valeur".to_string(),
                (true, false) => format!("feuille ignorée : {NO_HEADER}"),
                (false, false) => format!("fichier ignoré : {NO_HEADER}"),
            };
            let mut note = Diagnostic::new(Code::N001, sheet_location, message);
            if !sheet.rows.is_empty() {
                note = note.hint(if sheet.name.is_some() {
                    "si cette feuille contient des données, vérifiez que ses en-têtes sont ceux du modèle (observatoire modeles)"
                } else {
                    "si ce fichier contient des données, vérifiez que ses en-têtes sont ceux du modèle (observatoire modeles)"
                });
            }
            diagnostics.push(note);
            return SheetOutcome::Skipped;
        };
        let header_row = &sheet.rows[header_position];
        let mut columns: Vec<Option<Column>> = vec![None; schema.fields.len()];
        let mut age_column: Option<Column> = None;
        let mut sheet_rejected = false;
        for (index, cell) in header_row.cells.iter().enumerate() {
            let Some(header) = header_text(cell) else {
                continue;
            };
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let mut location = sheet_location.clone();
            location.ligne = Some(header_row.index + 1);
            location.cellule = Some(cell_name(header_row.index, index));
            location.entete = Some(header.clone());
            if let Some(field) = schema.match_header(&header) {
                location.champ = Some(schema.fields[field].name.clone());
                if let Some(existing) = &columns[field] {
                    diagnostics.push(
                        Diagnostic::new(Code::E012, location, format!(
                            "la colonne « {header} » correspond au champ {} déjà lu dans la colonne « {} » ({}) : elle est ignorée",
                            schema.fields[field].name, existing.header, cell_name(header_row.index, existing.index)
                        ))
                        .value(header.clone())
                        .hint("supprimez ou renommez l'une des deux colonnes"),
                    );
                    sheet_rejected = true;
                } else {
                    columns[field] = Some(Column { index, header });
                }
            } else if schema.is_age_header(&header) {
                age_column = Some(Column { index, header });
            } else if let Some(category) = self.schemas.identifying_category(&header) {
                diagnostics.push(
                    Diagnostic::new(Code::E010, location, format!(
                        "cette colonne contient des données identifiantes ({}) qui ne doivent pas quitter le CCAS",
                        category.libelle
                    ))
                    .hint("n'envoyez que le fichier anonymisé : « observatoire anonymiser » retire ces colonnes et remplace le foyer par un pseudonyme"),
                );
                sheet_rejected = true;
            } else {
                diagnostics.push(
                    Diagnostic::new(Code::W001, location, format!("colonne inconnue du modèle {} : elle est ignorée", schema.name))
                        .hint(match nearest(&header, schema.fields.iter().map(|field| &field.title)) {
                            Some(title) => format!("vouliez-vous dire « {title} » ?"),
                            None => "si elle doit être lue, renommez-la comme dans le modèle (observatoire modeles)".to_string(),
                        }),
                );
            }
        }
        let age_bands_into = schema
            .age_field
            .as_ref()
            .and_then(|age| schema.field_index(&age.bands_into));
        let mut missing_required = false;
        for (field_index, field) in schema.fields.iter().enumerate() {
            let banded_by_age = Some(field_index) == age_bands_into && age_column.is_some();
            if field.required() && columns[field_index].is_none() && !banded_by_age {
                let mut location = sheet_location.clone();
                location.ligne = Some(header_row.index + 1);
                location.champ = Some(field.name.clone());
                diagnostics.push(
                    Diagnostic::new(
                        Code::E011,
                        location,
                        format!(
                            "la colonne obligatoire « {} » ({}) est absente",
                            field.title, field.name
                        ),
                    )
                    .hint(format!(
                        "ajoutez une colonne intitulée « {} » sur la ligne des en-têtes",
                        field.title
                    )),
                );
                missing_required = true;
            }
        }
        sheet_rejected |= missing_required;

        let mut checked = CheckedSheet {
            file: file.to_string(),
            sheet: sheet.name.clone(),
            schema,
            columns,
            header_row: header_row.index,
            records: Vec::new(),
            total_rows: 0,
            empty_template_rows: 0,
        };
        // A template (`observatoire modeles`) may pre-fill the commune, the year and the
        // grid's indicators: a row holding only such cells was left empty by the agent.
        let prefilled_columns: Vec<usize> = checked
            .columns
            .iter()
            .enumerate()
            .filter(|(field, _)| schema.is_prefillable(*field))
            .filter_map(|(_, column)| column.as_ref().map(|column| column.index as usize))
            .collect();
        let is_empty_template_row =
            |row: &RawRow| {
                !prefilled_columns.is_empty()
                    && !is_footnote_row(row)
                    && row.cells.iter().enumerate().all(|(column, cell)| {
                        cell.is_empty() || prefilled_columns.contains(&column)
                    })
            };
        let mut data_rows: Vec<&RawRow> =
            Vec::with_capacity(sheet.rows.len().saturating_sub(header_position + 1));
        let excluded = |row: &RawRow, what: &str, diagnostics: &mut Vec<Diagnostic>| {
            let mut location = sheet_location.clone();
            location.ligne = Some(row.index + 1);
            diagnostics.push(Diagnostic::new(
                Code::N002,
                location,
                format!("{what} exclue : ce n'est pas une donnée"),
            ));
        };
        for row in &sheet.rows[header_position + 1..] {
            if row.is_blank() {
                continue;
            }
            if is_empty_template_row(row) {
                checked.empty_template_rows += 1;
                continue;
            }
            if is_total_row(row) {
                excluded(row, "ligne de total", diagnostics);
                checked.total_rows += 1;
                continue;
            }
            data_rows.push(row);
        }
        if checked.empty_template_rows > 0 {
            diagnostics.push(
                Diagnostic::new(
                    Code::N005,
                    sheet_location.clone(),
                    if checked.empty_template_rows > 1 {
                        format!(
                            "{} lignes du modèle laissées vides (seules les cellules pré-remplies y figurent) : elles sont ignorées",
                            crate::french::french_integer(checked.empty_template_rows as i64)
                        )
                    } else {
                        "1 ligne du modèle laissée vide (seules les cellules pré-remplies y figurent) : elle est ignorée".to_string()
                    },
                )
                .hint(if schema.primary_key.is_empty() {
                    "rien à faire si ces lignes n'ont pas servi"
                } else {
                    "si une valeur est nulle, saisissez 0 : une ligne vide est considérée comme non renseignée"
                }),
            );
        }
        while data_rows.last().is_some_and(|row| is_footnote_row(row)) {
            if let Some(row) = data_rows.pop() {
                excluded(row, "note sous le tableau", diagnostics);
                checked.total_rows += 1;
            }
        }
        // Values under a column without a header cannot be read: say so once per column.
        let headed: Vec<bool> = header_row
            .cells
            .iter()
            .map(|cell| header_text(cell).is_some())
            .collect();
        let mut reported = std::collections::BTreeSet::new();
        for row in &data_rows {
            for (index, cell) in row.cells.iter().enumerate() {
                if !cell.is_empty()
                    && !headed.get(index).copied().unwrap_or(false)
                    && reported.insert(index)
                {
                    let index = u32::try_from(index).unwrap_or(u32::MAX);
                    let mut location = sheet_location.clone();
                    location.ligne = Some(row.index + 1);
                    location.cellule = Some(cell_name(row.index, index));
                    diagnostics.push(
                        Diagnostic::new(
                            Code::W001,
                            location,
                            format!(
                                "la colonne {} a des valeurs mais pas d'en-tête : elle est ignorée",
                                crate::diagnostic::column_letters(index)
                            ),
                        )
                        .value(cell.shown())
                        .hint(format!(
                            "donnez-lui l'en-tête du modèle {} qui convient, sur la ligne {}",
                            schema.name,
                            header_row.index + 1
                        )),
                    );
                }
            }
        }
        // Rows are independent: large sheets are checked on every core, in chunks whose
        // results are put back in order, so the output does not depend on the core count.
        let check_chunk = |rows: &[&RawRow]| {
            let mut chunk_diagnostics = Vec::new();
            let records: Vec<Record> = rows
                .iter()
                .map(|row| {
                    let mut record = self.check_row(
                        &checked,
                        row,
                        sheet.is_1904,
                        age_column.as_ref(),
                        age_bands_into,
                        &mut chunk_diagnostics,
                    );
                    record.rejected |= sheet_rejected;
                    record
                })
                .collect();
            (records, chunk_diagnostics)
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |count| count.get())
            .min(8);
        let results: Vec<(Vec<Record>, Vec<Diagnostic>)> =
            if threads > 1 && data_rows.len() >= PARALLEL_ROWS {
                let chunk_size = data_rows.len().div_ceil(threads);
                std::thread::scope(|scope| {
                    let handles: Vec<_> = data_rows
                        .chunks(chunk_size)
                        .map(|chunk| scope.spawn(move || check_chunk(chunk)))
                        .collect();
                    handles
                        .into_iter()
                        .map(|handle| {
                            handle
                                .join()
                                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                        })
                        .collect()
                })
            } else {
                vec![check_chunk(&data_rows)]
            };
        let mut records = Vec::with_capacity(data_rows.len());
        for (chunk_records, chunk_diagnostics) in results {
            records.extend(chunk_records);
            diagnostics.extend(chunk_diagnostics);
        }
        checked.records = records;
        SheetOutcome::Checked(Box::new(checked))
    }

    fn check_row(
        &self,
        sheet: &CheckedSheet,
        row: &RawRow,
        is_1904: bool,
        age_column: Option<&Column>,
        age_bands_into: Option<usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Record {
        let schema = sheet.schema;
        let mut record = Record {
            row: row.index,
            values: vec![Value::Missing; schema.fields.len()],
            rejected: false,
        };
        let mut unreadable = FieldSet::default();
        for (field_index, column) in sheet.columns.iter().enumerate() {
            let Some(column) = column else { continue };
            let cell = row.cell(column.index as usize);
            let field = &schema.fields[field_index];
            match self.parse_cell(schema, field_index, field, cell, is_1904) {
                Ok((value, warning)) => {
                    if let Some(warning) = warning {
                        diagnostics.push(
                            warning.located(sheet.cell_location(row.index, field_index), cell),
                        );
                    }
                    record.values[field_index] = value;
                }
                Err(problem) => {
                    diagnostics
                        .push(problem.located(sheet.cell_location(row.index, field_index), cell));
                    record.rejected = true;
                    unreadable.mark(field_index);
                }
            }
        }
        if let (Some(column), Some(target)) = (age_column, age_bands_into) {
            if record.values[target].is_missing() {
                let cell = row.cell(column.index as usize);
                if !cell.is_empty() {
                    let age = match cell {
                        RawCell::Number(number) if number.fract() == 0.0 => Some(*number as i64),
                        RawCell::Text(text) => text
                            .trim()
                            .trim_end_matches("ans")
                            .trim()
                            .parse::<i64>()
                            .ok(),
                        _ => None,
                    };
                    match age.and_then(cells::age_band) {
                        Some(band) => record.values[target] = Value::Category(band),
                        None => {
                            let mut location =
                                Location::file(&sheet.file).with_sheet(sheet.sheet.as_deref());
                            location.ligne = Some(row.index + 1);
                            location.cellule = Some(cell_name(row.index, column.index));
                            location.entete = Some(column.header.clone());
                            location.champ = Some("age".to_string());
                            diagnostics.push(
                                Diagnostic::new(Code::E025, location, "âge invalide : un nombre entier d'années entre 0 et 120 est attendu")
                                    .value(cell.shown())
                                    .hint("saisissez l'âge en années (par exemple 47), ou la tranche d'âge"),
                            );
                            record.rejected = true;
                        }
                    }
                }
            }
        }
        for (field_index, field) in schema.fields.iter().enumerate() {
            let is_bound = sheet.columns[field_index].is_some()
                || (Some(field_index) == age_bands_into && age_column.is_some());
            if field.required() && is_bound && record.values[field_index].is_missing() {
                let cell_was_empty = sheet.columns[field_index]
                    .as_ref()
                    .is_none_or(|column| row.cell(column.index as usize).is_empty());
                if cell_was_empty {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::E020,
                            sheet.cell_location(row.index, field_index),
                            format!("valeur obligatoire manquante : « {} »", field.title),
                        )
                        .hint(if field.description.is_empty() {
                            format!("renseignez « {} »", field.title)
                        } else {
                            field.description.clone()
                        }),
                    );
                    record.rejected = true;
                }
            } else if !is_bound && field.required() {
                record.rejected = true;
            }
        }
        rules::check_row(self, sheet, &mut record, unreadable, diagnostics);
        record
    }

    /// The code of a member commune from a code or a name, after folding.
    pub fn commune_code(&self, text: &str) -> Option<&str> {
        let trimmed = text.trim();
        if let Some(code) = self.communes.get(trimmed) {
            return Some(code);
        }
        let folded = fold(trimmed);
        if let Some(code) = self.communes.get(&folded) {
            return Some(code);
        }
        // « CCAS de Blain », « Mairie de Bouvron », « 44 015 ».
        for prefix in [
            "ccas de ",
            "ccas d ",
            "ccas du ",
            "ccas ",
            "mairie de ",
            "mairie d ",
            "commune de ",
            "commune d ",
            "ville de ",
        ] {
            if let Some(name) = folded.strip_prefix(prefix) {
                if let Some(code) = self.communes.get(name) {
                    return Some(code);
                }
            }
        }
        let digits: String = folded
            .chars()
            .filter(|character| !character.is_whitespace())
            .collect();
        self.communes.get(&digits).map(String::as_str)
    }

    fn parse_cell(
        &self,
        schema: &'static Schema,
        field_index: usize,
        field: &Field,
        cell: &RawCell,
        is_1904: bool,
    ) -> Result<(Value, Option<Problem>), Problem> {
        match cell {
            RawCell::Empty => return Ok((Value::Missing, None)),
            RawCell::Text(text) if text.trim().is_empty() => return Ok((Value::Missing, None)),
            RawCell::Error(error) => {
                return Err(Problem::new(Code::E027, format!("la cellule affiche l'erreur {error} au lieu d'une valeur"))
                    .hint("corrigez la formule ou remplacez-la par la valeur, puis enregistrez"))
            }
            RawCell::FormulaWithoutValue(_) => {
                return Err(Problem::new(Code::E026, "la cellule contient une formule dont le résultat n'a jamais été calculé ni enregistré")
                    .hint("ouvrez le fichier dans votre tableur (Excel ou LibreOffice), laissez-le recalculer, puis enregistrez-le avant de l'envoyer"))
            }
            _ => {}
        }
        if field.is_commune() {
            if field.accepts_zones() {
                if let Some(zone) = self.reference_zone(cell) {
                    return Ok((Value::Commune(zone), None));
                }
            }
            return self.parse_commune(cell).map(|value| (value, None));
        }
        let static_field: &'static Field = &schema.fields[field_index];
        if let Some(categories) = static_field.categories() {
            let text: std::borrow::Cow<'_, str> = match cell {
                RawCell::Text(text) => std::borrow::Cow::Borrowed(text.as_str()),
                other => std::borrow::Cow::Owned(other.shown()),
            };
            return match schema.match_category(field_index, &text) {
                Some(position) => Ok((Value::Category(categories[position].as_str()), None)),
                None => {
                    let hint = match nearest(text.as_ref(), categories) {
                        Some(label) => format!(
                            "vouliez-vous dire « {label} » ? valeurs possibles : {}",
                            quoted_list(categories)
                        ),
                        None => format!("valeurs possibles : {}", quoted_list(categories)),
                    };
                    Err(Problem::new(
                        Code::E023,
                        format!(
                            "« {} » n'est pas une valeur de la liste de « {} »",
                            text.trim(),
                            field.title
                        ),
                    )
                    .hint(hint))
                }
            };
        }
        let value = match field.field_type {
            FieldType::String => Value::Text(cell.shown().trim().to_string()),
            FieldType::Integer => {
                let number =
                    number_of(cell).ok_or_else(|| expected_number(field, "un nombre entier"))?;
                if !number.fract().is_zero() {
                    return Err(expected_number(field, "un nombre entier"));
                }
                let integer = i64::try_from(number)
                    .map_err(|_| expected_number(field, "un nombre entier"))?;
                Value::Integer(integer)
            }
            FieldType::Number => {
                let number = number_of(cell).ok_or_else(|| {
                    expected_number(
                        field,
                        if field.is_money() {
                            "un montant en euros"
                        } else {
                            "un nombre"
                        },
                    )
                })?;
                if field.is_money() {
                    let rounded = number.round_dp_with_strategy(
                        2,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    );
                    let noise = (rounded - number).abs() < Decimal::new(1, 6);
                    if rounded != number && !noise {
                        check_bounds(field, rounded)?;
                        return Ok((
                            Value::Decimal(crate::french::money(rounded)),
                            Some(
                                Problem::new(
                                    Code::W004,
                                    format!(
                                        "montant arrondi au centime : {}",
                                        crate::french::french_money(rounded)
                                    ),
                                )
                                .hint(
                                    "saisissez les montants en euros avec au plus deux décimales",
                                ),
                            ),
                        ));
                    }
                    Value::Decimal(crate::french::money(rounded))
                } else {
                    Value::Decimal(number.normalize())
                }
            }
            FieldType::Date => {
                if let RawCell::Number(number) = cell {
                    if number.fract() == 0.0 && (1990.0..=2100.0).contains(number) {
                        return Err(Problem::new(Code::E022, format!("« {} » ressemble à une année, pas à une date", crate::french::number_as_text(*number)))
                            .hint("saisissez la date complète au format jj/mm/aaaa, par exemple 03/02/2024"));
                    }
                }
                let date = match cell {
                    RawCell::Date(date) => Some(*date),
                    RawCell::Number(serial) => cells::date_from_serial(*serial, is_1904),
                    RawCell::Text(text) => cells::parse_date_text(text),
                    _ => None,
                }
                .ok_or_else(|| {
                    Problem::new(
                        Code::E022,
                        format!("« {} » n'est pas une date", cell.shown().trim()),
                    )
                    .hint("saisissez une date au format jj/mm/aaaa, par exemple 03/02/2024")
                })?;
                if !cells::is_plausible_date(date) {
                    return Err(Problem::new(
                        Code::E022,
                        format!("date improbable : {}", date.format("%d/%m/%Y")),
                    )
                    .hint("vérifiez l'année (entre 2000 et 2100)"));
                }
                Value::Date(date)
            }
            FieldType::Year => {
                let number = number_of(cell)
                    .ok_or_else(|| expected_number(field, "une année sur quatre chiffres"))?;
                let year = i64::try_from(number)
                    .ok()
                    .filter(|year| (1990..=2100).contains(year) && number.fract().is_zero());
                match year.and_then(|year| i32::try_from(year).ok()) {
                    Some(year) => Value::Year(year),
                    None => {
                        return Err(Problem::new(
                            Code::E025,
                            format!("année improbable : {}", cell.shown().trim()),
                        )
                        .hint("saisissez une année sur quatre chiffres, par exemple 2024"))
                    }
                }
            }
        };
        if let Some(number) = value.as_decimal() {
            check_bounds(field, number)?;
        }
        Ok((value, None))
    }

    /// A reference zone of the census context: France, or the département of a member.
    fn reference_zone(&self, cell: &RawCell) -> Option<String> {
        let RawCell::Text(text) = cell else {
            return None;
        };
        let zone = crate::zones::zone_code(text)?;
        let of_a_member = zone == crate::zones::FRANCE
            || self.network.membres.iter().any(|member| {
                crate::zones::department_of(&member.code)
                    .is_some_and(|department| crate::zones::department_zone(department) == zone)
            });
        of_a_member.then_some(zone)
    }

    fn parse_commune(&self, cell: &RawCell) -> Result<Value, Problem> {
        let text = match cell {
            RawCell::Number(number) if number.fract() == 0.0 && *number >= 0.0 => {
                format!("{:05}", *number as i64)
            }
            other => other.shown(),
        };
        if let Some(code) = self.commune_code(&text) {
            return Ok(Value::Commune(code.to_string()));
        }
        let names: Vec<String> = self
            .network
            .membres
            .iter()
            .map(|member| member.nom.clone())
            .collect();
        let listed = self
            .network
            .membres
            .iter()
            .map(|member| format!("{} ({})", member.nom, member.code))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = match nearest(&text, &names) {
            Some(name) => format!("vouliez-vous dire « {name} » ? communes du réseau : {listed}"),
            None => format!("communes du réseau : {listed} ; si une commune a rejoint le réseau, ajoutez-la dans reseau.toml"),
        };
        Err(Problem::new(
            Code::E024,
            format!("« {} » n'est pas une commune du réseau", text.trim()),
        )
        .hint(hint))
    }
}

fn number_of(cell: &RawCell) -> Option<Decimal> {
    match cell {
        RawCell::Number(number) => cells::decimal_from_f64(*number),
        RawCell::Text(text) => cells::parse_decimal_text(text),
        RawCell::Bool(_) | RawCell::Date(_) => None,
        _ => None,
    }
}

fn expected_number(field: &Field, what: &str) -> Problem {
    Problem::new(
        Code::E021,
        format!("{what} est attendu pour « {} »", field.title),
    )
    .hint(if field.is_money() {
        "saisissez un montant comme 1234,50 (le symbole € est accepté)".to_string()
    } else {
        "saisissez un nombre, sans texte".to_string()
    })
}

fn check_bounds(field: &Field, number: Decimal) -> Result<(), Problem> {
    let (minimum, maximum) = field.decimal_bounds();
    let shown = || crate::french::french_decimal(number);
    if let Some(minimum) = minimum.filter(|minimum| number < *minimum) {
        return Err(Problem::new(
            Code::E025,
            format!(
                "{} est inférieur au minimum autorisé pour « {} » ({})",
                shown(),
                field.title,
                crate::french::french_decimal(minimum)
            ),
        )
        .hint(field.description.clone()));
    }
    if let Some(maximum) = maximum.filter(|maximum| number > *maximum) {
        return Err(Problem::new(
            Code::E025,
            format!(
                "{} dépasse le maximum autorisé pour « {} » ({})",
                shown(),
                field.title,
                crate::french::french_decimal(maximum)
            ),
        )
        .hint(field.description.clone()));
    }
    Ok(())
}

/// A problem with a cell, before its location is known.
#[derive(Debug)]
pub(crate) struct Problem {
    code: Code,
    message: String,
    hint: Option<String>,
}

impl Problem {
    fn new(code: Code, message: impl Into<String>) -> Self {
        Problem {
            code,
            message: message.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        if !hint.is_empty() {
            self.hint = Some(hint);
        }
        self
    }

    fn located(self, location: Location, cell: &RawCell) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(self.code, location, self.message).value(cell.shown());
        diagnostic.aide = self.hint;
        diagnostic
    }
}
