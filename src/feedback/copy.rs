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

use crate::check::CheckedSheet;
use crate::diagnostic::{column_letters, Code, Diagnostic};
use crate::read::{read_file, RawCell, RawSheet, SourceFormat};
use crate::verify::FileSummary;
use rust_xlsxwriter::{Color, Format, FormatAlign, Note, Url, Workbook, Worksheet};
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
/// An xlsx larger than this (uncompressed cells, roughly) is rebuilt rather than edited:
/// the editing library holds every cell with its style in memory.
const MAX_EDITED_CELLS: usize = 2_000_000;

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
        file.fichier,
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
        if let Ok(bytes) = std::fs::read(&file.chemin) {
            if estimated_cells(&bytes) <= MAX_EDITED_CELLS {
                if let Some(bytes) = edit_xlsx(bytes, file, problems, &marks) {
                    return Ok(AnnotatedCopy {
                        bytes,
                        converted: false,
                        unreadable: false,
                    });
                }
            }
        }
    }
    let raw = if file.lu {
        read_file(&file.chemin, &file.fichier).ok()
    } else {
        None
    };
    let unreadable = raw.is_none();
    let raw_sheets = raw.map(|workbook| workbook.sheets).unwrap_or_default();
    let bytes = rebuild(file, &raw_sheets, problems, &marks, unreadable)
        .map_err(|error| FeedbackError::render("une copie annotée", error))?;
    Ok(AnnotatedCopy {
        bytes,
        converted: !unreadable,
        unreadable,
    })
}

/// A rough count of the cells of an xlsx: the `<c ` tags of its sheets' XML are about
/// one per 30 bytes uncompressed; the sizes come from the zip directory, nothing is
/// inflated.
fn estimated_cells(bytes: &[u8]) -> usize {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return usize::MAX;
    };
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            return usize::MAX;
        };
        if entry
            .name()
            .is_ok_and(|name| name.starts_with("xl/worksheets/"))
        {
            total = total.saturating_add(entry.size());
        }
    }
    usize::try_from(total / 30).unwrap_or(usize::MAX)
}

// ---------------------------------------------------------------------------------------
// xlsx and xlsm: edited in place with umya-spreadsheet.

fn argb(rgb: u32) -> String {
    format!("FF{rgb:06X}")
}

/// Edits the workbook; `None` when the library cannot read or write it (or panics on
/// it), and the copy is then rebuilt from the values.
fn edit_xlsx(
    bytes: Vec<u8>,
    file: &FileSummary,
    problems: &[&Diagnostic],
    marks: &BTreeMap<Option<String>, SheetMarks>,
) -> Option<Vec<u8>> {
    crate::read::run_guarded(|| edit_xlsx_unguarded(bytes, file, problems, marks)).flatten()
}

fn edit_xlsx_unguarded(
    bytes: Vec<u8>,
    file: &FileSummary,
    problems: &[&Diagnostic],
    marks: &BTreeMap<Option<String>, SheetMarks>,
) -> Option<Vec<u8>> {
    use umya_spreadsheet::{Comment, Worksheet as EditedSheet};
    let mut book =
        umya_spreadsheet::reader::xlsx::read_reader(std::io::Cursor::new(bytes), true).ok()?;
    // A copy sent back and then re-sent: its old list goes.
    let _ = book.remove_sheet_by_name(LIST_SHEET);
    let sheet_order: Vec<Option<String>> = book
        .sheet_collection()
        .iter()
        .map(|sheet| Some(sheet.name().to_string()))
        .collect();
    for (sheet_name, sheet_marks) in marks {
        let Some(name) = sheet_name else { continue };
        let Ok(sheet) = book.sheet_by_name_mut(name) else {
            continue;
        };
        let sheet: &mut EditedSheet = sheet;
        for (column, header_row) in &sheet_marks.emptied {
            let doomed: Vec<(u32, u32)> = sheet
                .cells()
                .iter()
                .map(|cell| (cell.coordinate().col_num(), cell.coordinate().row_num()))
                .filter(|(col, row)| *col == column + 1 && *row != header_row + 1)
                .collect();
            for coordinate in doomed {
                sheet.remove_cell(coordinate);
            }
        }
        for &row in &sheet_marks.rows {
            for column in 0..=sheet_marks.last_column {
                if !sheet_marks.cells.contains_key(&(row, column)) {
                    sheet
                        .style_mut((column + 1, row + 1))
                        .set_background_color(argb(ROW_FILL));
                }
            }
        }
        for (&(row, column), cell_problems) in &sheet_marks.cells {
            sheet
                .style_mut((column + 1, row + 1))
                .set_background_color(argb(FAULT_FILL));
            let hide_value = sheet_marks
                .emptied
                .get(&column)
                .is_some_and(|header_row| *header_row != row);
            let mut text = comment_text(cell_problems, hide_value);
            let comments = sheet.comments_mut();
            if let Some(index) = comments.iter().position(|comment| {
                comment.coordinate().col_num() == column + 1
                    && comment.coordinate().row_num() == row + 1
            }) {
                let previous = comments.remove(index);
                let previous_text = previous
                    .text()
                    .text()
                    .map(|text| text.value().to_string())
                    .or_else(|| {
                        previous
                            .text()
                            .rich_text()
                            .map(|rich| rich.text().to_string())
                    })
                    .unwrap_or_default();
                if !previous_text.trim().is_empty() && !hide_value {
                    text.push_str(&format!("\n\nCommentaire d'origine : {previous_text}"));
                }
            }
            let mut comment = Comment::default();
            comment
                .new_comment((column + 1, row + 1))
                .set_author(COMMENT_AUTHOR)
                .set_text_string(text);
            sheet.add_comments(comment);
        }
    }
    let copied: BTreeSet<Option<String>> = sheet_order.iter().cloned().collect();
    let rows = list_rows(problems, &sheet_order, marks, &copied);
    let list = book.new_sheet(LIST_SHEET).ok()?;
    let title = list_title(file, problems.len());
    list.cell_mut((1, 1)).set_value_string(title);
    list.style_mut((1, 1)).font_mut().set_bold(true);
    list.cell_mut((1, 2))
        .set_value_string(list_explanation(None, false));
    for (index, header) in LIST_COLUMNS.iter().enumerate() {
        let column = index as u32 + 1;
        list.cell_mut((column, LIST_HEADER_ROW))
            .set_value_string(*header);
        list.style_mut((column, LIST_HEADER_ROW))
            .font_mut()
            .set_bold(true);
    }
    for (index, row) in rows.iter().enumerate() {
        let line = LIST_HEADER_ROW + 1 + index as u32;
        let diagnostic = &row.diagnostic;
        let values = list_values(row);
        for (column, value) in values.iter().enumerate() {
            if !value.is_empty() {
                list.cell_mut((column as u32 + 1, line))
                    .set_value_string(value.clone());
            }
        }
        if let (true, Some(sheet), Some(cell)) = (row.linked, &row.sheet, &row.cell) {
            list.cell_mut((2, line))
                .hyperlink_mut()
                .set_url(sheet_reference(sheet, cell))
                .set_location(true);
        }
        if diagnostic.is_error() {
            list.style_mut((3, line))
                .set_background_color(argb(FAULT_FILL));
        }
    }
    for (column, width) in LIST_WIDTHS.iter().enumerate() {
        list.column_dimension_mut(&column_letters(column as u32))
            .set_width(*width);
    }
    let count = book.sheet_collection().len();
    book.sheet_collection_mut().rotate_right(1);
    debug_assert!(count > 0);
    book.workbook_view_mut().set_active_tab(0);
    let mut output = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut output).ok()?;
    scrubbed_and_stable(&output)
}

/// The editing library numbers and orders custom number formats through a hash map, so
/// two runs could differ: the formats are sorted by id, and a cell format pointing at a
/// custom « General » points at the built-in one (id 0) instead, which is the same format.
fn stable_number_formats(styles: &str) -> String {
    let (Some(start), Some(end)) = (styles.find("<numFmts"), styles.find("</numFmts>")) else {
        return styles.to_string();
    };
    let Some(open_end) = styles[start..].find('>').map(|offset| start + offset + 1) else {
        return styles.to_string();
    };
    let id_of = |element: &str| -> Option<u32> {
        let after = element.split("numFmtId=\"").nth(1)?;
        after.split('"').next()?.parse().ok()
    };
    let mut formats: Vec<(u32, String)> = styles[open_end..end]
        .split("<numFmt ")
        .filter(|element| !element.trim().is_empty())
        .filter_map(|element| {
            let element = format!("<numFmt {element}");
            Some((id_of(&element)?, element))
        })
        .collect();
    formats.sort();
    let general: Vec<u32> = formats
        .iter()
        .filter(|(_, element)| element.contains("formatCode=\"General\""))
        .map(|(id, _)| *id)
        .collect();
    let mut rest = styles[end..].to_string();
    for id in general {
        rest = rest.replace(&format!("numFmtId=\"{id}\""), "numFmtId=\"0\"");
    }
    let mut result = styles[..open_end].to_string();
    for (_, element) in formats {
        result.push_str(&element);
    }
    result.push_str(&rest);
    result
}

/// The editing library writes back the shared strings it read, even those whose cells
/// were emptied (an identifying column's names): each string no cell refers to any more
/// is blanked in place, so that indices stay valid and nothing else moves. The number
/// formats are made stable on the way ([`stable_number_formats`]).
fn scrubbed_and_stable(xlsx: &[u8]) -> Option<Vec<u8>> {
    use quick_xml::events::Event;
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).ok()?;
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut shared_strings = None;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).ok()?;
        let name = entry.name().ok()?.to_string();
        if name == "xl/sharedStrings.xml" {
            let mut text = String::new();
            entry.read_to_string(&mut text).ok()?;
            shared_strings = Some((index, text));
            continue;
        }
        if !name.starts_with("xl/worksheets/") || !name.ends_with(".xml") {
            continue;
        }
        let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
        let mut buffer = Vec::new();
        let (mut in_shared_cell, mut in_value) = (false, false);
        loop {
            match reader.read_event_into(&mut buffer).ok()? {
                Event::Start(element) if element.name().as_ref() == "c" => {
                    in_shared_cell = element.attributes().flatten().any(|attribute| {
                        attribute.key.as_ref() == "t" && attribute.value.as_ref() == "s"
                    });
                }
                Event::Start(element) if element.name().as_ref() == "v" => {
                    in_value = in_shared_cell;
                }
                Event::Text(text) if in_value => {
                    let value: &str = text.as_ref();
                    used.insert(value.trim().parse().ok()?);
                }
                Event::End(element) if element.name().as_ref() == "v" => in_value = false,
                Event::End(element) if element.name().as_ref() == "c" => {
                    in_shared_cell = false;
                }
                Event::Eof => break,
                _ => {}
            }
            buffer.clear();
        }
    }
    // A workbook without shared strings (every text inline) has nothing to blank.
    let (shared_index, text) = shared_strings.unwrap_or((usize::MAX, String::new()));
    // `<si>` has no attributes and never nests: each item is the text up to `</si>`.
    let mut scrubbed = String::with_capacity(text.len());
    let mut rest = text.as_str();
    let mut item = 0usize;
    while let Some(start) = rest.find("<si>") {
        let end = rest[start..].find("</si>")? + start + "</si>".len();
        scrubbed.push_str(&rest[..start]);
        if used.contains(&item) {
            scrubbed.push_str(&rest[start..end]);
        } else {
            scrubbed.push_str("<si><t></t></si>");
        }
        item += 1;
        rest = &rest[end..];
    }
    scrubbed.push_str(rest);
    let styles = match archive.by_name("xl/styles.xml") {
        Ok(mut entry) => {
            let mut text = String::new();
            entry.read_to_string(&mut text).ok()?;
            Some(stable_number_formats(&text))
        }
        Err(_) => None,
    };
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for index in 0..archive.len() {
        let is_styles = archive
            .by_index_raw(index)
            .ok()?
            .name()
            .is_ok_and(|name| name == "xl/styles.xml");
        if index == shared_index {
            writer.start_file("xl/sharedStrings.xml", options).ok()?;
            writer.write_all(scrubbed.as_bytes()).ok()?;
        } else if let (true, Some(styles)) = (is_styles, &styles) {
            writer.start_file("xl/styles.xml", options).ok()?;
            writer.write_all(styles.as_bytes()).ok()?;
        } else {
            let entry = archive.by_index_raw(index).ok()?;
            writer.raw_copy_file(entry).ok()?;
        }
    }
    Some(writer.finish().ok()?.into_inner())
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

// ---------------------------------------------------------------------------------------
// ods, xls, csv (and xlsx that cannot be edited): rebuilt from the values read.

/// The name of a csv file's sheet in the copy: its stem, without the characters a sheet
/// name cannot hold, at most 31 characters.
fn csv_sheet_name(file: &FileSummary) -> String {
    let stem = std::path::Path::new(&file.fichier)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned: String = stem
        .chars()
        .filter(|character| !matches!(character, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').to_string();
    if cleaned.is_empty() || cleaned == LIST_SHEET {
        "Données".to_string()
    } else {
        cleaned
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    None,
    Fault,
    Row,
}

fn cell_format(mark: Mark, date: bool) -> Option<Format> {
    let mut format = match mark {
        Mark::None if !date => return None,
        Mark::None => Format::new(),
        Mark::Fault => Format::new().set_background_color(Color::RGB(FAULT_FILL)),
        Mark::Row => Format::new().set_background_color(Color::RGB(ROW_FILL)),
    };
    if date {
        format = format.set_num_format("dd/mm/yyyy");
    }
    Some(format)
}

fn write_raw_cell(
    worksheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &RawCell,
    mark: Mark,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let is_date = matches!(cell, RawCell::Date(_));
    let format = cell_format(mark, is_date);
    match (cell, &format) {
        (RawCell::Empty, Some(format)) => {
            worksheet.write_blank(row, column, format)?;
        }
        (RawCell::Empty, None) => {}
        (RawCell::Text(text), format) => {
            let text: String = text.chars().take(32_767).collect();
            match format {
                Some(format) => worksheet.write_string_with_format(row, column, text, format)?,
                None => worksheet.write_string(row, column, text)?,
            };
        }
        (RawCell::Number(number), format) if number.is_finite() => {
            match format {
                Some(format) => worksheet.write_number_with_format(row, column, *number, format)?,
                None => worksheet.write_number(row, column, *number)?,
            };
        }
        (RawCell::Number(number), format) => {
            let text = number.to_string();
            match format {
                Some(format) => worksheet.write_string_with_format(row, column, text, format)?,
                None => worksheet.write_string(row, column, text)?,
            };
        }
        (RawCell::Bool(value), format) => {
            match format {
                Some(format) => worksheet.write_boolean_with_format(row, column, *value, format)?,
                None => worksheet.write_boolean(row, column, *value)?,
            };
        }
        (RawCell::Date(date), Some(format)) => {
            use chrono::Datelike;
            let written = u16::try_from(date.year()).ok().and_then(|year| {
                rust_xlsxwriter::ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8)
                    .ok()
            });
            match written {
                Some(value) => {
                    worksheet.write_datetime_with_format(row, column, &value, format)?;
                }
                None => {
                    worksheet.write_string_with_format(
                        row,
                        column,
                        date.format("%d/%m/%Y").to_string(),
                        format,
                    )?;
                }
            }
        }
        (RawCell::Date(_), None) => unreachable!("a date always has a format"),
        (RawCell::Error(_) | RawCell::FormulaWithoutValue(_), format) => {
            let text = cell.shown();
            match format {
                Some(format) => worksheet.write_string_with_format(row, column, text, format)?,
                None => worksheet.write_string(row, column, text)?,
            };
        }
    }
    Ok(())
}

fn rebuild(
    file: &FileSummary,
    raw_sheets: &[RawSheet],
    problems: &[&Diagnostic],
    marks: &BTreeMap<Option<String>, SheetMarks>,
    unreadable: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    // No clock in the output: the same inputs give the same bytes.
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title("À corriger")
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1)?),
    );
    let shown_name = |sheet: &Option<String>| match sheet {
        Some(name) => name.clone(),
        None => csv_sheet_name(file),
    };
    let sheet_order: Vec<Option<String>> =
        raw_sheets.iter().map(|sheet| sheet.name.clone()).collect();
    let copied: BTreeSet<Option<String>> = sheet_order.iter().cloned().collect();
    let rows = list_rows(problems, &sheet_order, marks, &copied);
    let list = workbook.add_worksheet();
    list.set_name(LIST_SHEET)?;
    write_list(list, file, &rows, &shown_name, unreadable)?;
    let empty = SheetMarks::default();
    for raw in raw_sheets {
        let sheet_marks = marks.get(&raw.name).unwrap_or(&empty);
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(shown_name(&raw.name))?;
        let mut written: BTreeSet<(u32, u32)> = BTreeSet::new();
        for row in &raw.rows {
            let rejected = sheet_marks.rows.contains(&row.index);
            for (index, cell) in row.cells.iter().enumerate() {
                let Ok(column) = u32::try_from(index) else {
                    break;
                };
                if sheet_marks
                    .emptied
                    .get(&column)
                    .is_some_and(|header_row| *header_row != row.index)
                {
                    continue;
                }
                let mark = if sheet_marks.cells.contains_key(&(row.index, column)) {
                    Mark::Fault
                } else if rejected {
                    Mark::Row
                } else {
                    Mark::None
                };
                let Ok(column16) = u16::try_from(column) else {
                    break;
                };
                write_raw_cell(worksheet, row.index, column16, cell, mark)?;
                written.insert((row.index, column));
            }
        }
        let row_format = Format::new().set_background_color(Color::RGB(ROW_FILL));
        let fault_format = Format::new().set_background_color(Color::RGB(FAULT_FILL));
        for &row in &sheet_marks.rows {
            for column in 0..=sheet_marks.last_column {
                let Ok(column16) = u16::try_from(column) else {
                    break;
                };
                if written.contains(&(row, column))
                    || sheet_marks.cells.contains_key(&(row, column))
                {
                    continue;
                }
                worksheet.write_blank(row, column16, &row_format)?;
            }
        }
        for (&(row, column), cell_problems) in &sheet_marks.cells {
            let Ok(column16) = u16::try_from(column) else {
                continue;
            };
            if !written.contains(&(row, column)) {
                worksheet.write_blank(row, column16, &fault_format)?;
            }
            let hide_value = sheet_marks
                .emptied
                .get(&column)
                .is_some_and(|header_row| *header_row != row);
            let note = Note::new(comment_text(cell_problems, hide_value))
                .set_author(COMMENT_AUTHOR)
                .add_author_prefix(false);
            worksheet.insert_note(row, column16, &note)?;
        }
    }
    workbook.save_to_buffer()
}

fn write_list(
    list: &mut Worksheet,
    file: &FileSummary,
    rows: &[ListRow],
    shown_name: &dyn Fn(&Option<String>) -> String,
    unreadable: bool,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bold = Format::new().set_bold();
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let error = Format::new()
        .set_background_color(Color::RGB(FAULT_FILL))
        .set_align(FormatAlign::Top);
    list.write_string_with_format(0, 0, list_title(file, rows.len()), &bold)?;
    let converted = if unreadable {
        None
    } else {
        file.format
            .filter(|format| !matches!(format, SourceFormat::Xlsx | SourceFormat::Xlsm))
            .or(Some(SourceFormat::Xlsx))
    };
    list.write_string(1, 0, list_explanation(converted, unreadable))?;
    for (index, header) in LIST_COLUMNS.iter().enumerate() {
        list.write_string_with_format(LIST_HEADER_ROW - 1, index as u16, *header, &bold)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = LIST_HEADER_ROW + index as u32;
        let mut values = list_values(row);
        if row.sheet.is_none() && row.cell.is_some() {
            values[0] = shown_name(&None);
        }
        for (column, value) in values.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let column = column as u16;
            if column == 1 && row.linked {
                let target = sheet_reference(&shown_name(&row.sheet), value);
                list.write_url(
                    line,
                    column,
                    Url::new(format!("internal:{target}")).set_text(value),
                )?;
            } else if column == 2 && row.diagnostic.is_error() {
                list.write_string_with_format(line, column, value, &error)?;
            } else {
                list.write_string_with_format(line, column, value, &wrapped)?;
            }
        }
    }
    for (column, width) in LIST_WIDTHS.iter().enumerate() {
        list.set_column_width(column as u16, *width)?;
    }
    list.set_freeze_panes(LIST_HEADER_ROW, 0)?;
    Ok(())
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
