//! xlsx and xlsm: the received workbook edited in place with `umya-spreadsheet`, which
//! keeps its formatting; written back with the emptied strings blanked and the number
//! formats in a stable order, so that the same inputs give the same bytes.

use super::{
    comment_text, list_explanation, list_rows, list_title, list_values, sheet_reference, ListRow,
    SheetMarks, COMMENT_AUTHOR, FAULT_FILL, LIST_COLUMNS, LIST_HEADER_ROW, LIST_SHEET, LIST_WIDTHS,
    ROW_FILL,
};
use crate::diagnostic::{column_letters, Diagnostic};
use crate::verify::FileSummary;
use std::collections::{BTreeMap, BTreeSet};
use umya_spreadsheet::{Comment, Worksheet as EditedSheet};

/// An xlsx larger than this (uncompressed cells, roughly) is rebuilt rather than edited:
/// the editing library holds every cell with its style in memory.
pub(super) const MAX_EDITED_CELLS: usize = 2_000_000;

/// A rough count of the cells of an xlsx: the `<c ` tags of its sheets' XML are about
/// one per 30 bytes uncompressed; the sizes come from the zip directory, nothing is
/// inflated.
pub(super) fn estimated_cells(bytes: &[u8]) -> usize {
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

/// A fill colour as the editing library writes it: opaque ARGB in hex.
fn argb(rgb: u32) -> String {
    format!("FF{rgb:06X}")
}

/// Edits the workbook; `None` when the library cannot read or write it (or panics on
/// it), and the copy is then rebuilt from the values.
pub(super) fn edit_xlsx(
    bytes: Vec<u8>,
    file: &FileSummary,
    problems: &[&Diagnostic],
    marks: &BTreeMap<Option<String>, SheetMarks>,
) -> Option<Vec<u8>> {
    crate::read::run_guarded(|| edit_xlsx_unguarded(bytes, file, problems, marks)).flatten()
}

/// Marks each sheet, adds the list as the first sheet, and writes the workbook with its
/// emptied strings blanked and its number formats in a stable order.
fn edit_xlsx_unguarded(
    bytes: Vec<u8>,
    file: &FileSummary,
    problems: &[&Diagnostic],
    marks: &BTreeMap<Option<String>, SheetMarks>,
) -> Option<Vec<u8>> {
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
        mark_sheet(sheet, sheet_marks);
    }
    let copied: BTreeSet<Option<String>> = sheet_order.iter().cloned().collect();
    let rows = list_rows(problems, &sheet_order, marks, &copied);
    let list = book.new_sheet(LIST_SHEET).ok()?;
    write_list(list, file, problems.len(), &rows);
    let count = book.sheet_collection().len();
    book.sheet_collection_mut().rotate_right(1);
    debug_assert!(count > 0);
    book.workbook_view_mut().set_active_tab(0);
    let mut output = Vec::new();
    umya_spreadsheet::writer::xlsx::write_writer(&book, &mut output).ok()?;
    scrubbed_and_stable(&output)
}

/// Empties the emptied columns (below their header), fills the rejected rows and the
/// faulty cells, and comments each faulty cell.
fn mark_sheet(sheet: &mut EditedSheet, sheet_marks: &SheetMarks) {
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
        if let Some(previous_text) = take_comment(sheet, row, column) {
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

/// Removes the comment already on a cell (0-based), returning its text (plain or rich).
fn take_comment(sheet: &mut EditedSheet, row: u32, column: u32) -> Option<String> {
    let comments = sheet.comments_mut();
    let index = comments.iter().position(|comment| {
        comment.coordinate().col_num() == column + 1 && comment.coordinate().row_num() == row + 1
    })?;
    let previous = comments.remove(index);
    Some(
        previous
            .text()
            .text()
            .map(|text| text.value().to_string())
            .or_else(|| {
                previous
                    .text()
                    .rich_text()
                    .map(|rich| rich.text().to_string())
            })
            .unwrap_or_default(),
    )
}

/// The « À corriger » sheet of an edited copy: title, explanation, header, one line per
/// problem (with a link to its cell when it is in the copy), and column widths.
fn write_list(list: &mut EditedSheet, file: &FileSummary, problems: usize, rows: &[ListRow]) {
    let title = list_title(file, problems);
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
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).ok()?;
    let (used, shared_strings) = shared_strings_in_use(&mut archive)?;
    // A workbook without shared strings (every text inline) has nothing to blank.
    let (shared_index, text) = shared_strings.unwrap_or((usize::MAX, String::new()));
    let scrubbed = blanked_unused_strings(&text, &used)?;
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

/// The index of `xl/sharedStrings.xml` in the archive, and its text.
type SharedStringsEntry = (usize, String);

/// The shared strings that some cell of a sheet refers to, and the index and text of the
/// shared strings entry (if any).
fn shared_strings_in_use(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
) -> Option<(BTreeSet<usize>, Option<SharedStringsEntry>)> {
    use quick_xml::events::Event;
    use std::io::Read;
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
    Some((used, shared_strings))
}

/// The shared strings with every item no cell uses blanked in place (`<si><t></t></si>`),
/// so that the indices of the others stay valid.
fn blanked_unused_strings(text: &str, used: &BTreeSet<usize>) -> Option<String> {
    // `<si>` has no attributes and never nests: each item is the text up to `</si>`.
    let mut scrubbed = String::with_capacity(text.len());
    let mut rest = text;
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
    Some(scrubbed)
}
