//! Writing typed tables as the spreadsheets people send: xlsx (rust_xlsxwriter), ods
//! (written directly, see [`write_ods`]) and `;`-separated csv in UTF-8 or Windows-1252, with the human
//! touches of real files (a title row above the header, a total row, dates typed as text).

use crate::check::Value;
use crate::output::{xlsx_properties, XLSX_CREATED};
use crate::schema::Schema;
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// The file format and encoding of a written table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Xlsx,
    Ods,
    /// `;`-separated, UTF-8 with a byte-order mark.
    CsvUtf8,
    /// `;`-separated, Windows-1252 (French Excel's « CSV (séparateur point-virgule) »).
    CsvWindows1252,
}

impl TableFormat {
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Xlsx => "xlsx",
            TableFormat::Ods => "ods",
            TableFormat::CsvUtf8 | TableFormat::CsvWindows1252 => "csv",
        }
    }
}

/// How dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// Date cells (text `03/02/2024` in csv).
    Cells,
    /// A mix, as agents type them: mostly date cells, some `03/02/2024` and some
    /// `3 février 2024` typed as text.
    Mixed,
}

/// The presentation of a written table.
#[derive(Debug, Clone)]
pub struct TableStyle {
    pub format: TableFormat,
    pub sheet_name: String,
    /// A title written above the header (merged across the columns in workbooks).
    pub title: Option<String>,
    /// A `Total` row after the data.
    pub total_row: bool,
    pub dates: DateStyle,
}

/// Why a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("écriture xlsx impossible : {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("écriture ods impossible : {0}")]
    Ods(String),
    #[error("écriture csv impossible : {0}")]
    Csv(String),
}

/// A date as an agent types it: `03/02/2024`, or `3 février 2024` in long form.
pub fn date_as_typed(date: chrono::NaiveDate, long: bool) -> String {
    if long {
        format!(
            "{} {} {}",
            date.day(),
            crate::french::FRENCH_MONTHS[date.month0() as usize],
            date.year()
        )
    } else {
        date.format("%d/%m/%Y").to_string()
    }
}

/// A cell to write, independent of the format.
enum OutCell {
    Empty,
    Text(String),
    Number(f64),
    Date(chrono::NaiveDate),
}

fn out_cell(value: &Value, row: usize, dates: DateStyle) -> OutCell {
    match value {
        Value::Missing => OutCell::Empty,
        Value::Text(text) | Value::Commune(text) => OutCell::Text(text.clone()),
        Value::Category(label) => OutCell::Text((*label).to_string()),
        Value::Integer(integer) => OutCell::Number(*integer as f64),
        Value::Year(year) => OutCell::Number(f64::from(*year)),
        // The spreadsheet itself stores binary floats; the reader turns them back into
        // the same decimals (shortest representation).
        Value::Decimal(decimal) => decimal
            .to_string()
            .parse::<f64>()
            .map_or(OutCell::Empty, OutCell::Number),
        Value::Date(date) => match dates {
            DateStyle::Mixed if row % 7 == 3 => OutCell::Text(date_as_typed(*date, false)),
            DateStyle::Mixed if row % 11 == 5 => OutCell::Text(date_as_typed(*date, true)),
            _ => OutCell::Date(*date),
        },
    }
}

fn csv_text(value: &Value, row: usize, dates: DateStyle) -> String {
    match value {
        Value::Decimal(decimal) => decimal.to_string().replace('.', ","),
        Value::Date(date) => date_as_typed(*date, dates == DateStyle::Mixed && row % 11 == 5),
        other => match out_cell(other, row, dates) {
            OutCell::Empty => String::new(),
            OutCell::Text(text) => text,
            OutCell::Number(number) => crate::french::number_as_text(number),
            OutCell::Date(date) => date_as_typed(date, false),
        },
    }
}

/// The sum of a money column, for the total row.
fn column_total(rows: &[Vec<Value>], column: usize) -> rust_decimal::Decimal {
    rows.iter()
        .filter_map(|row| row.get(column).and_then(Value::as_decimal))
        .sum()
}

/// Writes `rows` (values in the schema's field order) as a file's bytes.
pub fn write_table(
    schema: &Schema,
    rows: &[Vec<Value>],
    style: &TableStyle,
) -> Result<Vec<u8>, WriteError> {
    let sheet = HeadedSheet {
        name: style.sheet_name.clone(),
        headers: schema
            .fields
            .iter()
            .map(|field| field.title.clone())
            .collect(),
        money_columns: money_columns(schema),
        rows,
    };
    write_sheets(std::slice::from_ref(&sheet), style)
}

/// One sheet to write: its own headers (in the order of the values of each row).
#[derive(Debug, Clone)]
pub struct HeadedSheet<'rows> {
    pub name: String,
    pub headers: Vec<String>,
    /// The columns summed on the `Total` row, if the style asks for one.
    pub money_columns: Vec<usize>,
    pub rows: &'rows [Vec<Value>],
}

/// Writes sheets with their own headers as a file's bytes. `style.sheet_name` is not
/// used (each sheet has its name); a csv file holds the first sheet only.
pub fn write_sheets(sheets: &[HeadedSheet<'_>], style: &TableStyle) -> Result<Vec<u8>, WriteError> {
    match style.format {
        TableFormat::Xlsx => write_xlsx(sheets, style),
        TableFormat::Ods => write_ods(sheets, style),
        TableFormat::CsvUtf8 | TableFormat::CsvWindows1252 => match sheets.first() {
            Some(sheet) => write_csv(sheet, style),
            None => Err(WriteError::Csv("aucune feuille à écrire".to_string())),
        },
    }
}

fn money_columns(schema: &Schema) -> Vec<usize> {
    schema
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.is_money())
        .map(|(index, _)| index)
        .collect()
}

fn write_xlsx(sheets: &[HeadedSheet<'_>], style: &TableStyle) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&xlsx_properties(None, None, XLSX_CREATED)?);
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let header_format = Format::new().set_bold().set_text_wrap();
    let title_format = Format::new().set_bold().set_font_size(14);
    for table in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&table.name)?;
        let mut row_index: u32 = 0;
        if let Some(title) = &style.title {
            let last_column = u16::try_from(table.headers.len().saturating_sub(1))
                .unwrap_or(0)
                .max(1);
            sheet.merge_range(0, 0, 0, last_column, title, &title_format)?;
            row_index = 2;
        }
        for (column, header) in table.headers.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            sheet.write_string_with_format(row_index, column, header, &header_format)?;
            sheet.set_column_width(column, 16)?;
        }
        row_index += 1;
        for (position, row) in table.rows.iter().enumerate() {
            for (column, value) in row.iter().enumerate() {
                let column = u16::try_from(column).unwrap_or(u16::MAX);
                match out_cell(value, position, style.dates) {
                    OutCell::Empty => {}
                    OutCell::Text(text) => {
                        sheet.write_string(row_index, column, &text)?;
                    }
                    OutCell::Number(number) => {
                        sheet.write_number(row_index, column, number)?;
                    }
                    OutCell::Date(date) => {
                        let excel_date = ExcelDateTime::from_ymd(
                            u16::try_from(date.year()).unwrap_or(1900),
                            date.month() as u8,
                            date.day() as u8,
                        )?;
                        sheet.write_datetime_with_format(
                            row_index,
                            column,
                            &excel_date,
                            &date_format,
                        )?;
                    }
                }
            }
            row_index += 1;
        }
        if style.total_row {
            sheet.write_string(row_index, 0, format!("Total : {} lignes", table.rows.len()))?;
            for &column in &table.money_columns {
                let total = column_total(table.rows, column);
                if let Ok(number) = total.to_string().parse::<f64>() {
                    sheet.write_number(
                        row_index,
                        u16::try_from(column).unwrap_or(u16::MAX),
                        number,
                    )?;
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn ods_cell(cell: &OutCell) -> String {
    match cell {
        OutCell::Empty => "<table:table-cell/>".to_string(),
        OutCell::Text(text) => format!("<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>", xml_escape(text)),
        OutCell::Number(number) => format!("<table:table-cell office:value-type=\"float\" office:value=\"{number}\"><text:p>{}</text:p></table:table-cell>", crate::french::number_as_text(*number)),
        OutCell::Date(date) => format!(
            "<table:table-cell office:value-type=\"date\" office:date-value=\"{}\"><text:p>{}</text:p></table:table-cell>",
            date.format("%Y-%m-%d"),
            date.format("%d/%m/%Y")
        ),
    }
}

/// A minimal OpenDocument spreadsheet. Written by hand rather than with a crate so that
/// the same rows always give the same bytes (fixed entry order and timestamps).
fn write_ods(sheets: &[HeadedSheet<'_>], style: &TableStyle) -> Result<Vec<u8>, WriteError> {
    let mut content = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" ",
        "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" ",
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\">",
        "<office:body><office:spreadsheet>"
    ));
    for table in sheets {
        let mut lines: Vec<Vec<OutCell>> = Vec::new();
        if let Some(title) = &style.title {
            lines.push(vec![OutCell::Text(title.clone())]);
            lines.push(Vec::new());
        }
        lines.push(
            table
                .headers
                .iter()
                .map(|header| OutCell::Text(header.clone()))
                .collect(),
        );
        for (position, row) in table.rows.iter().enumerate() {
            lines.push(
                row.iter()
                    .map(|value| out_cell(value, position, style.dates))
                    .collect(),
            );
        }
        if style.total_row {
            let mut line: Vec<OutCell> = (0..table.headers.len().max(1))
                .map(|_| OutCell::Empty)
                .collect();
            line[0] = OutCell::Text(format!("Total : {} lignes", table.rows.len()));
            for &column in &table.money_columns {
                if let (Ok(number), Some(cell)) = (
                    column_total(table.rows, column).to_string().parse::<f64>(),
                    line.get_mut(column),
                ) {
                    *cell = OutCell::Number(number);
                }
            }
            lines.push(line);
        }
        content.push_str(&format!(
            "<table:table table:name=\"{}\">",
            xml_escape(&table.name)
        ));
        for line in &lines {
            content.push_str("<table:table-row>");
            if line.is_empty() {
                content.push_str("<table:table-cell/>");
            }
            for cell in line {
                content.push_str(&ods_cell(cell));
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">",
        "<manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>",
        "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>",
        "</manifest:manifest>"
    );
    crate::output::opendocument_package(
        "application/vnd.oasis.opendocument.spreadsheet",
        &[
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
        ],
    )
    .map_err(WriteError::Ods)
}

/// The byte-order mark that makes Excel read a CSV file as UTF-8.
pub const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writer for the files people open in Excel: `;` between fields (the decimal comma
/// is French), CRLF line ends, quotes only where a field needs them, and the byte-order
/// mark already written. The report's `indicateurs.csv` and `repartition.csv` use it.
pub fn excel_csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(BYTE_ORDER_MARK.to_vec())
}

fn write_csv(table: &HeadedSheet<'_>, style: &TableStyle) -> Result<Vec<u8>, WriteError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    let csv_error = |error: csv::Error| WriteError::Csv(error.to_string());
    let width = table.headers.len().max(1);
    if let Some(title) = &style.title {
        let mut line = vec![String::new(); width];
        line[0] = title.clone();
        writer.write_record(&line).map_err(csv_error)?;
        writer
            .write_record(vec![String::new(); width])
            .map_err(csv_error)?;
    }
    writer.write_record(&table.headers).map_err(csv_error)?;
    for (position, row) in table.rows.iter().enumerate() {
        writer
            .write_record(
                row.iter()
                    .map(|value| csv_text(value, position, style.dates)),
            )
            .map_err(csv_error)?;
    }
    if style.total_row {
        let mut line = vec![String::new(); width];
        line[0] = format!("Total : {} lignes", table.rows.len());
        for &column in &table.money_columns {
            if let Some(cell) = line.get_mut(column) {
                *cell = column_total(table.rows, column)
                    .to_string()
                    .replace('.', ",");
            }
        }
        writer.write_record(&line).map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| WriteError::Csv(error.to_string()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(match style.format {
        TableFormat::CsvWindows1252 => {
            let (encoded, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
            encoded.into_owned()
        }
        _ => {
            let mut with_bom = b"\xEF\xBB\xBF".to_vec();
            with_bom.extend_from_slice(text.as_bytes());
            with_bom
        }
    })
}
