//! Workbooks (xlsx, xlsm, xls, ods) through calamine; csv is handed to `csv_text`.
//!
//! xlsx is streamed cell by cell, so the size check happens before any large allocation
//! and formulas without a cached value are seen in the same pass.

use super::{
    too_large, RawCell, RawSheet, RawWorkbook, RowCollector, SourceFormat, MAX_CELLS, MAX_COLUMNS,
};
use crate::diagnostic::{Code, Diagnostic, Location};
use calamine::{Data, DataRef, Ods, Range, Reader, Xls, Xlsx};
use chrono::NaiveDate;
use std::io::{Cursor, Read};

/// Tells xlsx from ods from other zip files (a Word document, say), without trusting the name.
pub(super) fn zip_format(bytes: &[u8], location: &Location) -> Result<SourceFormat, Diagnostic> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| truncated(location.clone()))?;
    if let Ok(mut mimetype) = archive.by_name("mimetype") {
        let mut content = String::new();
        // A mimetype that cannot be read is simply not an OpenDocument one.
        let _ = mimetype.by_ref().take(200).read_to_string(&mut content);
        if content.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok(SourceFormat::Ods);
        }
        return Err(super::not_a_spreadsheet(
            location.clone(),
            "un document OpenDocument qui n'est pas un classeur (texte, présentation…)",
        ));
    }
    if archive.index_for_name("xl/workbook.xml").is_some() {
        if archive.index_for_name("xl/vbaProject.bin").is_some() {
            return Ok(SourceFormat::Xlsm);
        }
        return Ok(SourceFormat::Xlsx);
    }
    if archive.index_for_name("xl/workbook.bin").is_some() {
        return Err(super::not_a_spreadsheet(
            location.clone(),
            "un classeur Excel binaire (xlsb)",
        ));
    }
    if archive.index_for_name("word/document.xml").is_some() {
        return Err(super::not_a_spreadsheet(
            location.clone(),
            "un document Word",
        ));
    }
    Err(super::not_a_spreadsheet(
        location.clone(),
        "une archive zip",
    ))
}

/// Whether an OLE container is an encrypted (password-protected) Office document.
pub(super) fn is_encrypted_ole(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes
        .windows(needle.len())
        .any(|window| window == needle.as_slice())
}

pub(super) fn password_protected(location: Location) -> Diagnostic {
    Diagnostic::new(Code::E003, location, "le classeur est protégé par un mot de passe : il ne peut pas être lu")
        .hint("ouvrez-le dans votre tableur, retirez le mot de passe (Fichier › Propriétés ou Enregistrer sous, options), enregistrez, puis recommencez")
}

/// The reading library's own explanation is in English and technical: users get what
/// they can act on.
fn truncated(location: Location) -> Diagnostic {
    Diagnostic::new(Code::E002, location, "le classeur est tronqué ou abîmé et ne peut pas être ouvert")
        .hint("le fichier a peut-être été mal copié ou son envoi interrompu : demandez-le à nouveau, ou ouvrez-le dans votre tableur et enregistrez-le sous un autre nom")
}

/// Reads every sheet of a workbook.
pub(super) fn read_workbook(
    bytes: Vec<u8>,
    format: SourceFormat,
    location: &Location,
) -> Result<RawWorkbook, Diagnostic> {
    match format {
        SourceFormat::Xlsx | SourceFormat::Xlsm => read_xlsx(bytes, format, location),
        SourceFormat::Xls => {
            match check_xls_container(&bytes) {
                XlsPrecheck::Fine => {}
                XlsPrecheck::TooLarge(sheet, limit) => {
                    return Err(too_large(
                        location.clone().with_sheet(sheet.as_deref()),
                        &limit,
                    ))
                }
                XlsPrecheck::Damaged => return Err(truncated(location.clone())),
                XlsPrecheck::NoWorkbook => {
                    return Err(super::not_a_spreadsheet(
                        location.clone(),
                        "un document Office qui n'est pas un classeur (Word, PowerPoint…)",
                    ))
                }
            }
            let workbook = Xls::new(Cursor::new(bytes)).map_err(|error| match error {
                calamine::XlsError::Password => password_protected(location.clone()),
                // An Office container without a workbook: a Word or PowerPoint file.
                calamine::XlsError::Cfb(cause) if cause.to_string().starts_with("Cannot find") => {
                    super::not_a_spreadsheet(
                        location.clone(),
                        "un document Office qui n'est pas un classeur (Word, PowerPoint…)",
                    )
                }
                _ => truncated(location.clone()),
            })?;
            read_dense(workbook, format, location)
        }
        SourceFormat::Ods => {
            if let Some((sheet, limit)) = oversized_ods_sheet(&bytes) {
                return Err(too_large(location.clone().with_sheet(Some(&sheet)), &limit));
            }
            let workbook = Ods::new(Cursor::new(bytes)).map_err(|error| match error {
                calamine::OdsError::Password => password_protected(location.clone()),
                calamine::OdsError::CellLimitExceeded { .. } => too_large(
                    location.clone(),
                    &super::TooLarge {
                        row: super::MAX_ROWS - 1,
                        column: MAX_COLUMNS,
                    },
                ),
                _ => truncated(location.clone()),
            })?;
            read_dense(workbook, format, location)
        }
        SourceFormat::Csv => super::csv_text::read_csv(&bytes, location),
    }
}

fn read_xlsx(
    bytes: Vec<u8>,
    format: SourceFormat,
    location: &Location,
) -> Result<RawWorkbook, Diagnostic> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|error| match error {
        calamine::XlsxError::Password => password_protected(location.clone()),
        _ => truncated(location.clone()),
    })?;
    let is_1904 = workbook.has_1904_epoch();
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let sheet_location = location.clone().with_sheet(Some(&name));
        match read_xlsx_sheet(&mut workbook, &name, &sheet_location) {
            Ok(rows) => sheets.push(RawSheet {
                name: Some(name),
                rows,
                is_1904,
            }),
            Err(problem) => problems.push(problem),
        }
    }
    Ok(RawWorkbook {
        format,
        sheets,
        problems,
    })
}

fn read_xlsx_sheet(
    workbook: &mut Xlsx<Cursor<Vec<u8>>>,
    name: &str,
    location: &Location,
) -> Result<Vec<super::RawRow>, Diagnostic> {
    let mut reader = workbook
        .worksheet_cells_reader(name)
        .map_err(|_| truncated(location.clone()))?;
    let declared = reader.dimensions();
    let declared_columns = u64::from(declared.end.1.saturating_sub(declared.start.1)) + 1;
    let declared_rows = u64::from(declared.end.0.saturating_sub(declared.start.0)) + 1;
    if declared.end.1 >= MAX_COLUMNS || declared_columns * declared_rows > MAX_CELLS {
        return Err(too_large(
            location.clone(),
            &super::TooLarge {
                row: declared.end.0,
                column: declared.end.1,
            },
        ));
    }
    let mut collector = RowCollector::new();
    // Cells written without a value: styled blanks, or formulas never computed. Only when
    // there are some does a second pass look at formulas, so the common case reads once.
    let mut valueless = std::collections::HashSet::new();
    loop {
        let record = match reader.next_cell() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(_) => return Err(truncated(location.clone())),
        };
        let (row, column) = record.get_position();
        if matches!(record.get_value(), DataRef::Empty) {
            valueless.insert((row, column));
            continue;
        }
        let cell = from_data_ref(record.get_value().clone());
        if cell.is_empty() {
            continue;
        }
        collector
            .push(row, column, cell)
            .map_err(|limit| too_large(location.clone(), &limit))?;
    }
    drop(reader);
    if !valueless.is_empty() {
        let mut formulas = workbook
            .worksheet_cells_reader(name)
            .map_err(|_| truncated(location.clone()))?;
        loop {
            let formula = match formulas.next_formula() {
                Ok(Some(formula)) => formula,
                Ok(None) => break,
                Err(_) => return Err(truncated(location.clone())),
            };
            if formula.get_value().is_empty() || !valueless.contains(&formula.get_position()) {
                continue;
            }
            let (row, column) = formula.get_position();
            collector
                .push(
                    row,
                    column,
                    RawCell::FormulaWithoutValue(formula.get_value().clone()),
                )
                .map_err(|limit| too_large(location.clone(), &limit))?;
        }
    }
    Ok(collector.finish())
}

/// xls and ods: calamine loads whole ranges; their formats bound the size, and the limits
/// are checked on the area in use.
fn read_dense<R: Reader<Cursor<Vec<u8>>>>(
    mut workbook: R,
    format: SourceFormat,
    location: &Location,
) -> Result<RawWorkbook, Diagnostic>
where
    R::Error: std::fmt::Display,
{
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let sheet_location = location.clone().with_sheet(Some(&name));
        let range = match workbook.worksheet_range(&name) {
            Ok(range) => range,
            Err(_) => {
                problems.push(truncated(sheet_location));
                continue;
            }
        };
        // Only ods keeps formulas without results; xls always stores the last result.
        let formulas = if format == SourceFormat::Ods {
            workbook.worksheet_formula(&name).ok()
        } else {
            None
        };
        match collect_range(&range, formulas.as_ref()) {
            Ok(rows) => sheets.push(RawSheet {
                name: Some(name),
                rows,
                is_1904: false,
            }),
            Err(limit) => problems.push(too_large(sheet_location, &limit)),
        }
    }
    Ok(RawWorkbook {
        format,
        sheets,
        problems,
    })
}

fn collect_range(
    range: &Range<Data>,
    formulas: Option<&Range<String>>,
) -> Result<Vec<super::RawRow>, super::TooLarge> {
    let mut collector = RowCollector::new();
    let (start_row, start_column) = range.start().unwrap_or((0, 0));
    for (relative_row, relative_column, value) in range.used_cells() {
        let row = start_row + relative_row as u32;
        let column = start_column + relative_column as u32;
        let cell = from_data(value);
        if !cell.is_empty() {
            collector.push(row, column, cell)?;
        }
    }
    if let Some(formulas) = formulas {
        for (relative_row, relative_column, formula) in formulas.used_cells() {
            if formula.is_empty() {
                continue;
            }
            let (formula_row, formula_column) = formulas.start().unwrap_or((0, 0));
            let row = formula_row + relative_row as u32;
            let column = formula_column + relative_column as u32;
            let has_value = range
                .get_value((row, column))
                .is_some_and(|value| !matches!(value, Data::Empty));
            if !has_value {
                collector.push(row, column, RawCell::FormulaWithoutValue(formula.clone()))?;
            }
        }
    }
    Ok(collector.finish())
}

fn date_from_parts(year: u16, month: u8, day: u8) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
}

fn from_excel_datetime(value: &calamine::ExcelDateTime) -> RawCell {
    if value.is_duration() {
        return RawCell::Number(value.as_f64());
    }
    let (year, month, day, ..) = value.to_ymd_hms_milli();
    match date_from_parts(year, month, day) {
        Some(date) => RawCell::Date(date),
        None => RawCell::Number(value.as_f64()),
    }
}

fn from_iso(text: &str) -> RawCell {
    let date_part = text.get(..10).unwrap_or(text);
    match NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
        Ok(date) => RawCell::Date(date),
        Err(_) => RawCell::Text(text.to_string()),
    }
}

fn from_data_ref(value: DataRef<'_>) -> RawCell {
    match value {
        DataRef::Int(integer) => RawCell::Number(integer as f64),
        DataRef::Float(number) => RawCell::Number(number),
        DataRef::String(text) => RawCell::Text(text),
        DataRef::SharedString(text) => RawCell::Text(text.to_string()),
        DataRef::Bool(flag) => RawCell::Bool(flag),
        DataRef::DateTime(datetime) => from_excel_datetime(&datetime),
        DataRef::DateTimeIso(text) => from_iso(&text),
        DataRef::DurationIso(text) => RawCell::Text(text),
        DataRef::Error(error) => RawCell::Error(error.to_string()),
        DataRef::Empty => RawCell::Empty,
    }
}

fn from_data(value: &Data) -> RawCell {
    match value {
        Data::Int(integer) => RawCell::Number(*integer as f64),
        Data::Float(number) => RawCell::Number(*number),
        Data::String(text) => RawCell::Text(text.clone()),
        Data::Bool(flag) => RawCell::Bool(*flag),
        Data::DateTime(datetime) => from_excel_datetime(datetime),
        Data::DateTimeIso(text) => from_iso(text),
        Data::DurationIso(text) => RawCell::Text(text.clone()),
        Data::Error(error) => RawCell::Error(error.to_string()),
        Data::Empty => RawCell::Empty,
    }
}

/// The first sheet of an OpenDocument file whose area in use exceeds the limits, found by
/// streaming `content.xml` (rows and columns repeated by `number-*-repeated` are counted,
/// not expanded), because calamine loads every sheet of an ods file in full at once.
fn oversized_ods_sheet(bytes: &[u8]) -> Option<(String, super::TooLarge)> {
    use quick_xml::events::{BytesStart, Event};
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let content = archive.by_name("content.xml").ok()?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let repeat = |element: &BytesStart<'_>, name: &str| -> u64 {
        element
            .attributes()
            .flatten()
            .find(|attribute| attribute.key.as_ref() == name)
            .and_then(|attribute| attribute.value.trim().parse().ok())
            .unwrap_or(1)
    };
    let has_content = |element: &BytesStart<'_>| {
        element.attributes().flatten().any(|attribute| {
            matches!(
                attribute.key.as_ref(),
                "office:value-type" | "table:formula"
            )
        })
    };
    let mut buffer = Vec::new();
    let (mut sheet, mut row, mut column) = (String::new(), 0u64, 0u64);
    let (mut row_repeat, mut row_used) = (1u64, false);
    let (mut last_row, mut last_column, mut any) = (0u64, 0u64, false);
    loop {
        let event = reader.read_event_into(&mut buffer).ok()?;
        match &event {
            Event::Start(element) | Event::Empty(element) => match element.name().as_ref() {
                "table:table" => {
                    sheet = element
                        .attributes()
                        .flatten()
                        .find(|attribute| attribute.key.as_ref() == "table:name")
                        .map(|attribute| attribute.value.to_string())
                        .unwrap_or_default();
                    (row, last_row, last_column, any) = (0, 0, 0, false);
                }
                "table:table-row" => {
                    row_repeat = repeat(element, "table:number-rows-repeated");
                    (column, row_used) = (0, false);
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let columns = repeat(element, "table:number-columns-repeated");
                    if has_content(element) {
                        last_column = last_column.max(column + columns - 1);
                        row_used = true;
                    }
                    column = column.saturating_add(columns);
                }
                _ => {}
            },
            Event::End(element) if element.name().as_ref() == "table:table-row" => {
                if row_used {
                    last_row = row + row_repeat - 1;
                    any = true;
                }
                row = row.saturating_add(row_repeat);
            }
            Event::End(element) if element.name().as_ref() == "table:table" => {
                let too_wide = last_column >= u64::from(MAX_COLUMNS);
                let too_big = (last_row + 1).saturating_mul(last_column + 1) > MAX_CELLS
                    || last_row >= u64::from(super::MAX_ROWS);
                if any && (too_wide || too_big) {
                    let limit = super::TooLarge {
                        row: u32::try_from(last_row).unwrap_or(u32::MAX),
                        column: u32::try_from(last_column).unwrap_or(u32::MAX),
                    };
                    return Some((sheet, limit));
                }
            }
            Event::Eof => return None,
            _ => {}
        }
        buffer.clear();
    }
}

/// One BIFF record of an xls `Workbook` stream.
struct BiffRecord<'a> {
    kind: u16,
    data: &'a [u8],
}

/// The records from `offset` on, as calamine walks them (`None` once they run off the end).
fn biff_records(stream: &[u8], mut offset: usize) -> impl Iterator<Item = BiffRecord<'_>> {
    std::iter::from_fn(move || {
        let header = stream.get(offset..offset + 4)?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let length = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = stream.get(offset + 4..offset + 4 + length)?;
        offset += 4 + length;
        Some(BiffRecord { kind, data })
    })
}

/// What an xls file's container says before calamine may read it.
enum XlsPrecheck {
    Fine,
    /// A sheet (by name, when known) that would need more memory than the limits allow.
    TooLarge(Option<String>, super::TooLarge),
    /// The container itself breaks the format (calamine is lenient there, and a damaged
    /// container has been seen to make it allocate tens of gigabytes).
    Damaged,
    /// A valid Office container without a workbook: a Word or PowerPoint file.
    NoWorkbook,
}

fn check_xls_container(bytes: &[u8]) -> XlsPrecheck {
    use std::io::Read as _;
    let Ok(mut container) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return XlsPrecheck::Damaged;
    };
    let Ok(mut stream) = container
        .open_stream("/Workbook")
        .or_else(|_| container.open_stream("/Book"))
    else {
        return XlsPrecheck::NoWorkbook;
    };
    let mut workbook = Vec::new();
    if stream.read_to_end(&mut workbook).is_err() {
        return XlsPrecheck::Damaged;
    }
    match oversized_xls_sheet(&workbook) {
        Some((sheet, limit)) => XlsPrecheck::TooLarge(sheet, limit),
        None => XlsPrecheck::Fine,
    }
}

/// The first sheet of an xls workbook that would make calamine allocate more than the
/// limits: a damaged record can declare any area, or place a cell at any row and column,
/// and calamine then reserves or fills the whole rectangle at once, before we see a cell.
/// The sheets are walked exactly as calamine walks them (from the offsets the workbook
/// declares).
fn oversized_xls_sheet(workbook: &[u8]) -> Option<(Option<String>, super::TooLarge)> {
    const BOF: u16 = 0x0809;
    const EOF: u16 = 0x000A;
    const BOUNDSHEET: u16 = 0x0085;
    const DIMENSIONS: u16 = 0x0200;
    let word = |data: &[u8], at: usize| {
        data.get(at..at + 2)
            .map_or(0, |pair| u32::from(u16::from_le_bytes([pair[0], pair[1]])))
    };
    let long = |data: &[u8], at: usize| {
        data.get(at..at + 4).map_or(0, |four| {
            u32::from_le_bytes([four[0], four[1], four[2], four[3]])
        })
    };
    // The workbook globals declare each sheet's name and where its records start.
    let mut sheets: Vec<(usize, String)> = Vec::new();
    for record in biff_records(workbook, 0) {
        match record.kind {
            BOUNDSHEET if record.data.len() >= 8 => {
                let count = usize::from(record.data[6]);
                let name = if record.data[7] & 1 == 1 {
                    let units: Vec<u16> = record.data[8..]
                        .chunks_exact(2)
                        .take(count)
                        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                        .collect();
                    String::from_utf16_lossy(&units)
                } else {
                    record.data[8..]
                        .iter()
                        .take(count)
                        .map(|byte| char::from(*byte))
                        .collect()
                };
                sheets.push((long(record.data, 0) as usize, name));
            }
            EOF => break,
            _ => {}
        }
    }
    for (start, name) in sheets {
        let refuse =
            |row: u32, column: u32| Some((Some(name.clone()), super::TooLarge { row, column }));
        let (mut first_row, mut last_row, mut first_column, mut last_column) =
            (u32::MAX, 0u32, u32::MAX, 0u32);
        let (mut seen_bof, mut depth) = (false, 0usize);
        for record in biff_records(workbook, start) {
            if depth > 0 {
                match record.kind {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let data = record.data;
            let (row, from, to) = match record.kind {
                BOF if seen_bof => {
                    depth += 1;
                    continue;
                }
                BOF => {
                    seen_bof = true;
                    continue;
                }
                EOF => break,
                DIMENSIONS if matches!(data.len(), 10 | 14 | 16) => {
                    let (first, last_plus_one, mut left, right_plus_one) = if data.len() == 10 {
                        (word(data, 0), word(data, 2), word(data, 4), word(data, 6))
                    } else {
                        (long(data, 0), long(data, 4), word(data, 8), word(data, 10))
                    };
                    if left > 0xFF || right_plus_one < left {
                        left = 0;
                    }
                    if last_plus_one >= 1 && right_plus_one >= 1 {
                        let rows =
                            u64::from((last_plus_one - 1).wrapping_sub(first).wrapping_add(1));
                        let columns =
                            u64::from((right_plus_one - 1).wrapping_sub(left).wrapping_add(1));
                        if rows.saturating_mul(columns) > MAX_CELLS {
                            return refuse(last_plus_one - 1, right_plus_one - 1);
                        }
                    }
                    continue;
                }
                // MulRk: a row, its first column, six bytes per cell, then the last column.
                0x00BD if data.len() >= 6 => {
                    let count = (data.len() - 6) / 6;
                    let first = word(data, 2);
                    let last = first
                        .saturating_add(u32::try_from(count).unwrap_or(u32::MAX))
                        .saturating_sub(1)
                        .max(word(data, data.len() - 2));
                    (word(data, 0), first, last)
                }
                0x0006 | 0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD if data.len() >= 4 => {
                    (word(data, 0), word(data, 2), word(data, 2))
                }
                _ => continue,
            };
            first_row = first_row.min(row);
            last_row = last_row.max(row);
            first_column = first_column.min(from);
            last_column = last_column.max(to);
            let area = (u64::from(last_row - first_row) + 1)
                * (u64::from(last_column.saturating_sub(first_column)) + 1);
            if last_column >= MAX_COLUMNS || area > MAX_CELLS {
                return refuse(last_row, last_column);
            }
        }
    }
    None
}
