//! The annotated copy of one received file, `<fichier>-a-corriger.xlsx`.
//!
//! Every faulty cell keeps its address (the `D12` of the message is `D12` in the copy),
//! gets a red fill and a comment with the French message; a rejected row gets a light
//! fill across the table; a first sheet « À corriger » lists every problem, file-level
//! ones included, with a link to its cell.
//!
//! xlsx and xlsm files are edited with `umya-spreadsheet`, which keeps their formatting,
//! column widths, other sheets, data validation and macros; it drops what it does not
//! model, charts and pivot tables first (see the README). ods, xls and csv files (and an
//! xlsx that cannot be edited) are rebuilt as an xlsx with `rust_xlsxwriter` from the
//! values read, each at its own address: the formatting is not kept, and the list says so.
//!
//! The marks and the list are worked out here; [`edited`] writes them into the xlsx
//! itself, [`rebuilt`] into a new workbook.

mod edited;
mod rebuilt;

use crate::check::CheckedSheet;
use crate::diagnostic::{Code, Diagnostic};
use crate::read::{read_file, SourceFormat};
use crate::verify::FileSummary;
use std::collections::{BTreeMap, BTreeSet};

use super::FeedbackError;

/// The first sheet of every copy.
pub const LIST_SHEET: &str = "À corriger";
/// The fill of a faulty cell (RGB).
pub const FAULT_FILL: u32 = 0xFF8A80;
/// The fill of the other cells of a rejected row (RGB).
pub const ROW_FILL: u32 = 0xFFE0B2;
/// The author of the comments.
pub const COMMENT_AUTHOR: &str = "observatoire";
/// The row (1-based) of the list's header; problems follow it.
pub const LIST_HEADER_ROW: u32 = 4;
/// The columns of the list, in order.
pub const LIST_COLUMNS: [&str; 8] = [
    "Feuille",
    "Cellule",
    "Code",
    "Gravité",
    "Colonne",
    "Problème",
    "Valeur lue",
    "Que faire",
];
/// One copy, in memory.
#[derive(Debug)]
pub struct AnnotatedCopy {
    pub bytes: Vec<u8>,
    /// Rebuilt from the values (ods, xls, csv, or an xlsx that could not be edited).
    pub converted: bool,
    /// The file could not be read: only the list sheet.
    pub unreadable: bool,
}

/// `D12` → (11, 3), 0-based (row, column).
pub fn parse_cell(name: &str) -> Option<(u32, u32)> {
    let split = name.find(|character: char| character.is_ascii_digit())?;
    let (letters, digits) = name.split_at(split);
    if letters.is_empty() || !letters.chars().all(|letter| letter.is_ascii_uppercase()) {
        return None;
    }
    let mut column: u64 = 0;
    for letter in letters.bytes() {
        column = column * 26 + u64::from(letter - b'A' + 1);
        if column > 16_384 {
            return None;
        }
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, u32::try_from(column - 1).ok()?))
}

/// What to mark in one sheet.
#[derive(Debug, Default)]
struct SheetMarks<'d> {
    /// 0-based (row, column) → the problems of that cell.
    cells: BTreeMap<(u32, u32), Vec<&'d Diagnostic>>,
    /// Rejected rows, 0-based.
    rows: BTreeSet<u32>,
    /// Columns to empty, identifying (E010) or unknown free text (W001, which may hold
    /// names, as `anonymiser` assumes): column → its header row (kept).
    emptied: BTreeMap<u32, u32>,
    /// The last column of the table (for marking whole rows).
    last_column: u32,
}

/// The marks of every sheet, keyed by sheet name (`None` for a csv file).
fn marks<'d>(
    sheets: &[&CheckedSheet],
    problems: &[&'d Diagnostic],
) -> BTreeMap<Option<String>, SheetMarks<'d>> {
    let mut all: BTreeMap<Option<String>, SheetMarks<'d>> = BTreeMap::new();
    for sheet in sheets {
        let marks = all.entry(sheet.sheet.clone()).or_default();
        marks.rows.extend(
            sheet
                .records
                .iter()
                .filter(|record| record.rejected)
                .map(|record| record.row),
        );
        for column in sheet.columns.iter().flatten() {
            marks.last_column = marks.last_column.max(column.index);
        }
    }
    for problem in problems {
        let Some((row, column)) = problem.location.cell.as_deref().and_then(parse_cell) else {
            continue;
        };
        let marks = all.entry(problem.location.sheet.clone()).or_default();
        marks.cells.entry((row, column)).or_default().push(problem);
        marks.last_column = marks.last_column.max(column);
        if matches!(problem.code, Code::E010 | Code::W001) {
            marks.emptied.insert(column, row);
        }
    }
    all
}

/// Whether a problem sits in an emptied identifying column (below its header): its value
/// is never repeated.
fn in_emptied_column(marks: &BTreeMap<Option<String>, SheetMarks>, problem: &Diagnostic) -> bool {
    let Some((row, column)) = problem.location.cell.as_deref().and_then(parse_cell) else {
        return false;
    };
    marks
        .get(&problem.location.sheet)
        .and_then(|marks| marks.emptied.get(&column))
        .is_some_and(|header_row| *header_row != row)
}

/// The text of a cell's comment: each problem, what was read, what to do.
fn comment_text(problems: &[&Diagnostic], hide_value: bool) -> String {
    let mut parts = Vec::new();
    for problem in problems {
        let mut text = format!(
            "{} ({}) : {}",
            problem.code,
            problem.severity.label(),
            problem.message
        );
        if let Some(value) = problem.value.as_deref().filter(|_| !hide_value) {
            text.push_str(&format!("\nValeur lue : « {value} »"));
        }
        if let Some(hint) = &problem.hint {
            text.push_str(&format!("\nQue faire : {hint}"));
        }
        match problem.code {
            Code::E010 => text.push_str("\nCette colonne a été vidée dans cette copie : ces données ne quittent pas le CCAS. Supprimez-la de votre fichier avant de le renvoyer."),
            Code::W001 => text.push_str("\nSon contenu n'est pas recopié dans cette copie : du texte libre peut contenir des noms."),
            _ => {}
        }
        parts.push(text);
    }
    parts.join("\n\n")
}

/// One line of the « À corriger » sheet.
#[derive(Debug, Clone)]
struct ListRow {
    sheet: Option<String>,
    cell: Option<String>,
    /// Whether the cell exists in the copy (a link can point at it).
    linked: bool,
    diagnostic: Diagnostic,
}

/// The list, sorted by sheet (in workbook order, file-level problems first), then row
/// and column.
fn list_rows(
    problems: &[&Diagnostic],
    sheet_order: &[Option<String>],
    marks: &BTreeMap<Option<String>, SheetMarks>,
    copied_sheets: &BTreeSet<Option<String>>,
) -> Vec<ListRow> {
    let mut rows: Vec<(usize, u32, u32, ListRow)> = problems
        .iter()
        .map(|problem| {
            let position = problem.location.cell.as_deref().and_then(parse_cell);
            let sheet_rank = if problem.location.sheet.is_none() && position.is_none() {
                0
            } else {
                sheet_order
                    .iter()
                    .position(|sheet| *sheet == problem.location.sheet)
                    .map_or(sheet_order.len() + 1, |index| index + 1)
            };
            let (row, column) = match (position, problem.location.row) {
                (Some((row, column)), _) => (row, column),
                (None, Some(line)) => (line.saturating_sub(1), 0),
                (None, None) => (0, 0),
            };
            let mut diagnostic = (*problem).clone();
            if in_emptied_column(marks, problem) {
                diagnostic.value = None;
            }
            let linked = position.is_some() && copied_sheets.contains(&problem.location.sheet);
            (
                sheet_rank,
                row,
                column,
                ListRow {
                    sheet: problem.location.sheet.clone(),
                    cell: problem.location.cell.clone(),
                    linked,
                    diagnostic,
                },
            )
        })
        .collect();
    rows.sort_by(|left, right| {
        (left.0, left.1, left.2, left.3.diagnostic.code).cmp(&(
            right.0,
            right.1,
            right.2,
            right.3.diagnostic.code,
        ))
    });
    rows.into_iter().map(|(_, _, _, row)| row).collect()
}

/// A reference to a cell for a formula or a link: `'Feuil 1'!D12`.
fn sheet_reference(sheet: &str, cell: &str) -> String {
    format!("'{}'!{cell}", sheet.replace('\'', "''"))
}

/// What the list says above the table.
fn list_title(file: &FileSummary, problems: usize) -> String {
    format!(
        "Fichier « {} » : {problems} problème{} à corriger",
        file.file,
        if problems > 1 { "s" } else { "" }
    )
}

fn list_explanation(converted: Option<SourceFormat>, unreadable: bool) -> String {
    let mut text = String::from("Chaque cellule en rouge porte un commentaire qui explique le problème ; les lignes en orange clair ont été écartées. Corrigez votre propre fichier aux mêmes cellules, puis renvoyez-le.");
    if unreadable {
        text.push_str(" Le fichier n'a pas pu être lu : cette copie ne contient que cette liste.");
    } else if let Some(format) = converted {
        text.push_str(&format!(
            " Votre fichier est au format {} : cette copie est un classeur xlsx, avec les mêmes valeurs aux mêmes cellules ; sa mise en forme n'est pas reprise.",
            format.extension()
        ));
    }
    text
}

/// Widths of the list's columns, in characters.
const LIST_WIDTHS: [f64; 8] = [16.0, 10.0, 7.0, 13.0, 24.0, 70.0, 22.0, 60.0];

/// The cells of one list line, in [`LIST_COLUMNS`] order.
fn list_values(row: &ListRow) -> [String; 8] {
    let diagnostic = &row.diagnostic;
    let cell = match (&row.cell, diagnostic.location.row) {
        (Some(cell), _) => cell.clone(),
        (None, Some(line)) => format!("ligne {line}"),
        (None, None) => String::new(),
    };
    [
        row.sheet.clone().unwrap_or_default(),
        cell,
        diagnostic.code.to_string(),
        diagnostic.severity.label().to_string(),
        diagnostic.location.header.clone().unwrap_or_default(),
        diagnostic.message.clone(),
        diagnostic.value.clone().unwrap_or_default(),
        diagnostic.hint.clone().unwrap_or_default(),
    ]
}

/// Builds the copy of one file.
pub fn annotated_copy(
    file: &FileSummary,
    sheets: &[&CheckedSheet],
    problems: &[&Diagnostic],
) -> Result<AnnotatedCopy, FeedbackError> {
    let marks = marks(sheets, problems);
    let editable = matches!(file.format, Some(SourceFormat::Xlsx | SourceFormat::Xlsm))
        && !problems
            .iter()
            .any(|problem| matches!(problem.code, Code::E002 | Code::E006));
    if editable {
        if let Ok(bytes) = std::fs::read(&file.path) {
            if edited::estimated_cells(&bytes) <= edited::MAX_EDITED_CELLS {
                if let Some(bytes) = edited::edit_xlsx(bytes, file, problems, &marks) {
                    return Ok(AnnotatedCopy {
                        bytes,
                        converted: false,
                        unreadable: false,
                    });
                }
            }
        }
    }
    let raw = if file.read {
        read_file(&file.path, &file.file).ok()
    } else {
        None
    };
    let unreadable = raw.is_none();
    let raw_sheets = raw.map(|workbook| workbook.sheets).unwrap_or_default();
    let bytes = rebuilt::rebuild(file, &raw_sheets, problems, &marks, unreadable)
        .map_err(|error| FeedbackError::render("une copie annotée", error))?;
    Ok(AnnotatedCopy {
        bytes,
        converted: !unreadable,
        unreadable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::cell_name;

    #[test]
    fn cell_names_parse_back_to_their_position() {
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        assert_eq!(parse_cell("D12"), Some((11, 3)));
        assert_eq!(parse_cell("XFD1048576"), Some((1_048_575, 16_383)));
        for (row, column) in [(0, 0), (11, 3), (99, 26), (4, 701)] {
            assert_eq!(parse_cell(&cell_name(row, column)), Some((row, column)));
        }
        assert_eq!(parse_cell("A0"), None);
        assert_eq!(parse_cell("12"), None);
        assert_eq!(parse_cell("d12"), None);
        assert_eq!(parse_cell("XFE1"), None);
    }

    #[test]
    fn sheet_references_quote_apostrophes() {
        assert_eq!(sheet_reference("Feuil1", "D12"), "'Feuil1'!D12");
        assert_eq!(sheet_reference("L'été", "A1"), "'L''été'!A1");
    }
}
