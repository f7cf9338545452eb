//! `tableaux.xlsx`: every table of the report on its own sheet, with formatted headers,
//! frozen panes and numbers stored as numbers (« s » stays text).

use super::sections::Content;
use super::{Context, ReportError};
use crate::output::xlsx_properties;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use std::collections::BTreeSet;

/// The creation date of a report's workbook when the report has no date (`--date`): a fixed
/// day, never the clock.
const REPORT_CREATED: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date,
    None => panic!("1 January 2000 is a date"),
};

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(id: &str, used: &mut BTreeSet<String>) -> String {
    let cleaned: String = id
        .chars()
        .filter(|character| !"[]:*?/\\".contains(*character))
        .take(28)
        .collect();
    let mut name = cleaned.clone();
    let mut counter = 2;
    while used.contains(&name) {
        name = format!("{cleaned}-{counter}");
        counter += 1;
    }
    used.insert(name.clone());
    name
}

/// The workbook's bytes.
pub fn render(context: &Context, content: &Content) -> Result<Vec<u8>, ReportError> {
    let failure =
        |error: rust_xlsxwriter::XlsxError| ReportError::render("le classeur xlsx", error);
    let mut workbook = Workbook::new();
    // The report's date when one is given, else a fixed day: never the clock.
    let created = context.options.date.unwrap_or(REPORT_CREATED);
    let title = format!(
        "Analyse des besoins sociaux {} – {}",
        context.year, context.verification.network.nom
    );
    let properties =
        xlsx_properties(Some(&title), context.banner().as_deref(), created).map_err(failure)?;
    workbook.set_properties(&properties);
    let header = Format::new()
        .set_bold()
        .set_background_color("#E8F1F8")
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let title = Format::new().set_bold().set_font_size(12);
    let banner_format = Format::new().set_bold().set_font_color("#D55E00");
    let mut used = BTreeSet::new();
    for table in &content.tables {
        let sheet = workbook.add_worksheet();
        sheet
            .set_name(sheet_name(&table.id, &mut used))
            .map_err(failure)?;
        let mut row = 0u32;
        sheet
            .write_string_with_format(row, 0, &table.title, &title)
            .map_err(failure)?;
        if let Some(banner) = context.banner() {
            sheet.set_header(format!("&C{banner}"));
            sheet.set_footer(format!("&C{banner}"));
            row += 1;
            sheet
                .write_string_with_format(row, 0, &banner, &banner_format)
                .map_err(failure)?;
        }
        row += 2;
        let header_row = row;
        for (column, text) in table.headers.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            sheet
                .write_string_with_format(header_row, column, text, &header)
                .map_err(failure)?;
            sheet
                .set_column_width(column, if column == 0 { 28 } else { 16 })
                .map_err(failure)?;
        }
        for cells in &table.rows {
            row += 1;
            for (column, cell) in cells.iter().enumerate() {
                let column = u16::try_from(column).unwrap_or(u16::MAX);
                let mut format = Format::new();
                if cell.strong {
                    format = format.set_bold();
                }
                match cell.number {
                    Some(number) if !cell.secret && column > 0 => {
                        format = format.set_num_format(cell.format);
                        sheet
                            .write_number_with_format(row, column, number, &format)
                            .map_err(failure)?;
                    }
                    _ => {
                        sheet
                            .write_string_with_format(row, column, &cell.text, &format)
                            .map_err(failure)?;
                    }
                }
            }
        }
        if let Some(note) = &table.note {
            sheet.write_string(row + 2, 0, note).map_err(failure)?;
        }
        sheet.set_freeze_panes(header_row + 1, 1).map_err(failure)?;
    }
    workbook.save_to_buffer().map_err(failure)
}
