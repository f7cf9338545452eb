//! Writes `tests/retours/source.xlsx`: a formatted request sheet with three faulty cells
//! (G3 a category, R4 an amount, C5 a date) and a second sheet, which
//! `tests/retours/make.sh` has LibreOffice save as xlsx and ods. Run through that script.

use rust_xlsxwriter::{Color, ExcelDateTime, Format, Workbook};

/// The rows of `tests/fixtures/E023-categorie-inconnue/demandes.csv`, with two more
/// faults.
const SOURCE: &str = include_str!("../tests/fixtures/E023-categorie-inconnue/demandes.csv");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let output = std::env::args()
        .nth(1)
        .ok_or("usage: retours_source FICHIER.xlsx")?;
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Demandes")?;
    for (row, line) in SOURCE.lines().enumerate() {
        let row = u32::try_from(row)?;
        for (column, value) in line.split(';').enumerate() {
            let column = u16::try_from(column)?;
            let value = match (row, column) {
                (3, 17) => "deux cents",
                (4, 2) => "32/13/2024",
                _ => value,
            };
            if row == 0 {
                sheet.write_string_with_format(row, column, value, &header)?;
            } else if column == 2 && value.len() == 10 && value != "32/13/2024" {
                let day: u8 = value[0..2].parse()?;
                let month: u8 = value[3..5].parse()?;
                let year: u16 = value[6..10].parse()?;
                sheet.write_datetime_with_format(
                    row,
                    column,
                    ExcelDateTime::from_ymd(year, month, day)?,
                    &date,
                )?;
            } else if column == 7 || column == 8 {
                sheet.write_number(row, column, value.parse::<f64>()?)?;
            } else {
                sheet.write_string(row, column, value)?;
            }
        }
    }
    sheet.set_column_width(0, 9.5)?;
    sheet.set_column_width(6, 26.0)?;
    sheet.set_freeze_panes(1, 0)?;
    let notes = workbook.add_worksheet();
    notes.set_name("Notes")?;
    notes.write_string(0, 0, "Saisie du premier trimestre")?;
    notes.set_column_width(0, 40.0)?;
    workbook.save(output)?;
    Ok(())
}
