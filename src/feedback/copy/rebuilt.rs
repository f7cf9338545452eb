//! ods, xls, csv (and an xlsx that cannot be edited): the copy rebuilt as an xlsx with
//! `rust_xlsxwriter` from the values read, each at its own address; the formatting is not
//! kept, and the list says so.

use super::{
    comment_text, list_explanation, list_rows, list_title, list_values, sheet_reference, ListRow,
    SheetMarks, COMMENT_AUTHOR, FAULT_FILL, LIST_COLUMNS, LIST_HEADER_ROW, LIST_SHEET, LIST_WIDTHS,
    ROW_FILL,
};
use crate::diagnostic::Diagnostic;
use crate::read::{RawCell, RawSheet, SourceFormat};
use crate::verify::FileSummary;
use rust_xlsxwriter::{Color, Format, FormatAlign, Note, Url, Workbook, Worksheet};
use std::collections::{BTreeMap, BTreeSet};

/// The name of a csv file's sheet in the copy: its stem, without the characters a sheet
/// name cannot hold, at most 31 characters.
fn csv_sheet_name(file: &FileSummary) -> String {
    let stem = std::path::Path::new(&file.file)
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

/// How a rebuilt cell is marked.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    None,
    Fault,
    Row,
}

/// The format of a rebuilt cell: its fill, and the date format for a date.
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

/// Writes one value read, with its mark, at its own address.
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

/// The copy rebuilt as an xlsx from the values read: the list first, then each sheet.
pub(super) fn rebuild(
    file: &FileSummary,
    raw_sheets: &[RawSheet],
    problems: &[&Diagnostic],
    marks: &BTreeMap<Option<String>, SheetMarks>,
    unreadable: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&crate::output::xlsx_properties(
        Some("À corriger"),
        None,
        crate::output::XLSX_CREATED,
    )?);
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
        write_sheet_copy(worksheet, raw, sheet_marks)?;
    }
    workbook.save_to_buffer()
}

/// One sheet of a rebuilt copy: each value at its own address (emptied columns left
/// out below their header), the rejected rows and faulty cells filled, a note on each
/// faulty cell.
fn write_sheet_copy(
    worksheet: &mut Worksheet,
    raw: &RawSheet,
    sheet_marks: &SheetMarks,
) -> Result<(), rust_xlsxwriter::XlsxError> {
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
            if written.contains(&(row, column)) || sheet_marks.cells.contains_key(&(row, column)) {
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
    Ok(())
}

/// The « À corriger » sheet of a rebuilt copy, with internal links to the cells.
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
