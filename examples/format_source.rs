//! Writes `tests/formats/source.xlsx`, the records that `tests/formats/make.sh` has
//! LibreOffice convert to ods, xls, xlsx and csv (UTF-8 and Windows-1252).
//! Run through `tests/formats/make.sh`, not alone.

use observatoire::generate::{generate, ExampleOptions};
use observatoire::sheet::writers::write_table;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let output = std::env::args()
        .nth(1)
        .ok_or("usage: format_source FICHIER.xlsx")?;
    let data = generate(&format_options())?;
    let file = data
        .files
        .iter()
        .find(|file| file.schema == "demandes")
        .ok_or("no demandes file")?;
    let schema = observatoire::schema::schemas()?
        .get("demandes")
        .ok_or("no demandes schema")?;
    std::fs::write(output, write_table(schema, &file.rows, &file.style)?)?;
    Ok(())
}

/// The same options as `tests/suite/formats.rs`.
fn format_options() -> ExampleOptions {
    ExampleOptions {
        seed: 44,
        communes: 1,
        first_year: 2024,
        last_year: 2024,
        requests_per_year: Some(40),
    }
}
