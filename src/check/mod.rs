//! Checking raw sheets against the schemas: which schema a sheet follows (from its
//! headers, `header`), which rows are data (`rows`), what each cell means (typed
//! values, `parse`), and the rules across fields (`rules`).
//!
//! Every row read ends up either accepted or rejected with at least one located
//! diagnostic; nothing is dropped silently.

pub mod activity;
pub mod cells;
mod header;
mod parse;
mod rows;
mod rules;

use crate::diagnostic::{cell_name, Code, Diagnostic, Location};
use crate::fold::fold;
use crate::network::Network;
use crate::read::{RawCell, RawRow, RawSheet};
use crate::schema::{Schema, SchemaSet};
use chrono::NaiveDate;
use header::AgeColumn;
use rust_decimal::Decimal;
use std::collections::HashMap;

pub use parse::nearest;
pub use rules::check_across_files;

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
        location.row = Some(row + 1);
        location.field = Some(self.schema.fields[field].name.clone());
        if let Some(Some(column)) = self.columns.get(field) {
            location.cell = Some(cell_name(row, column.index));
            location.header = Some(column.header.clone());
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

impl<'a> Checker<'a> {
    pub fn new(schemas: &'static SchemaSet, network: &'a Network) -> Self {
        let mut communes = HashMap::new();
        for member in &network.members {
            communes.insert(member.code.clone(), member.code.clone());
            communes.insert(fold(&member.name), member.code.clone());
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
    /// Checks one sheet; every problem goes to `diagnostics`, in this order: the header's,
    /// the rows set aside, the columns without a header, then each row's in row order.
    pub fn check_sheet(
        &self,
        file: &str,
        sheet: &RawSheet,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> SheetOutcome {
        let sheet_location = Location::file(file).with_sheet(sheet.name.as_deref());
        let Some((header_position, schema)) = self.find_header(sheet) else {
            diagnostics.push(header::no_header_note(sheet, sheet_location));
            return SheetOutcome::Skipped;
        };
        let header_row = &sheet.rows[header_position];
        let bound = self.bind_columns(schema, header_row, &sheet_location, diagnostics);
        let age_column = bound.age_column.and_then(|column| {
            let bands_into = schema
                .age_field
                .as_ref()
                .and_then(|age| schema.field_index(&age.bands_into))?;
            Some(AgeColumn { column, bands_into })
        });
        let missing_required = header::report_missing_columns(
            schema,
            &bound.columns,
            age_column.as_ref(),
            header_row,
            &sheet_location,
            diagnostics,
        );
        let sheet_rejected = bound.rejected | missing_required;

        let mut checked = CheckedSheet {
            file: file.to_string(),
            sheet: sheet.name.clone(),
            schema,
            columns: bound.columns,
            header_row: header_row.index,
            records: Vec::new(),
            total_rows: 0,
            empty_template_rows: 0,
        };
        let data_rows = rows::data_rows(
            &mut checked,
            sheet,
            header_position,
            &sheet_location,
            diagnostics,
        );
        header::report_unheaded_columns(
            schema,
            header_row,
            &data_rows,
            &sheet_location,
            diagnostics,
        );
        checked.records = self.check_rows(
            &checked,
            &data_rows,
            sheet.is_1904,
            age_column.as_ref(),
            sheet_rejected,
            diagnostics,
        );
        SheetOutcome::Checked(Box::new(checked))
    }

    /// Checks the data rows of a sheet (all rejected when `sheet_rejected`). Rows are
    /// independent: large sheets are checked on every core, in chunks whose results are
    /// put back in order, so the output does not depend on the core count.
    fn check_rows(
        &self,
        checked: &CheckedSheet,
        data_rows: &[&RawRow],
        is_1904: bool,
        age_column: Option<&AgeColumn>,
        sheet_rejected: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Record> {
        let check_chunk = |rows: &[&RawRow]| {
            let mut chunk_diagnostics = Vec::new();
            let records: Vec<Record> = rows
                .iter()
                .map(|row| {
                    let mut record =
                        self.check_row(checked, row, is_1904, age_column, &mut chunk_diagnostics);
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
                vec![check_chunk(data_rows)]
            };
        let mut records = Vec::with_capacity(data_rows.len());
        for (chunk_records, chunk_diagnostics) in results {
            records.extend(chunk_records);
            diagnostics.extend(chunk_diagnostics);
        }
        records
    }

    /// Types one row's cells, then applies the required fields and the schema's rules.
    fn check_row(
        &self,
        sheet: &CheckedSheet,
        row: &RawRow,
        is_1904: bool,
        age_column: Option<&AgeColumn>,
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
        if let Some(age_column) = age_column {
            band_age(sheet, row, age_column, &mut record, diagnostics);
        }
        for (field_index, field) in schema.fields.iter().enumerate() {
            let is_bound = sheet.columns[field_index].is_some()
                || age_column.is_some_and(|age| age.bands_into == field_index);
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
}

/// Reads the row's age into the age band of its field, unless the band was given in its
/// own column; an age that is not a whole number of years from 0 to 120 rejects the row.
fn band_age(
    sheet: &CheckedSheet,
    row: &RawRow,
    age_column: &AgeColumn,
    record: &mut Record,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (column, target) = (&age_column.column, age_column.bands_into);
    if !record.values[target].is_missing() {
        return;
    }
    let cell = row.cell(column.index as usize);
    if cell.is_empty() {
        return;
    }
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
            let mut location = Location::file(&sheet.file).with_sheet(sheet.sheet.as_deref());
            location.row = Some(row.index + 1);
            location.cell = Some(cell_name(row.index, column.index));
            location.header = Some(column.header.clone());
            location.field = Some("age".to_string());
            diagnostics.push(
                Diagnostic::new(
                    Code::E025,
                    location,
                    "âge invalide : un nombre entier d'années entre 0 et 120 est attendu",
                )
                .value(cell.shown())
                .hint("saisissez l'âge en années (par exemple 47), ou la tranche d'âge"),
            );
            record.rejected = true;
        }
    }
}
