//! The same records, written by LibreOffice as xlsx, ods and xls, as csv in UTF-8 and
//! Windows-1252, and as « Texte Unicode » (UTF-16 LE with a byte-order mark, tab-separated,
//! `.txt`, as Excel writes it; the big-endian copy is the same text re-encoded by `iconv`,
//! LibreOffice writing UTF-16 little-endian only) (`tests/formats/make.sh`), read to
//! identical typed tables — and to the records the generator wrote in the first place.

use observatoire::check::Value;
use observatoire::generate::{generate, ExampleOptions};
use observatoire::verify::{verify, VerifyOptions};
use std::path::PathBuf;

const FILES: &[&str] = &[
    "source.xlsx",
    "libreoffice.xlsx",
    "libreoffice.ods",
    "libreoffice.xls",
    "libreoffice-utf8.csv",
    "libreoffice-windows-1252.csv",
    "libreoffice-texte-unicode.txt",
    "texte-unicode-big-endian.txt",
];

fn typed_rows(file: &str) -> Vec<Vec<Value>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/formats")
        .join(file);
    let verification = verify(&[path], &VerifyOptions::default()).expect("verification runs");
    let errors: Vec<_> = verification
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .collect();
    assert!(errors.is_empty(), "{file}: {errors:#?}");
    assert_eq!(verification.sheets.len(), 1, "{file}: one data sheet");
    let sheet = &verification.sheets[0];
    assert_eq!(sheet.total_rows, 1, "{file}: the Total row is excluded");
    assert!(
        sheet.records.iter().all(|record| !record.rejected),
        "{file}"
    );
    sheet
        .records
        .iter()
        .map(|record| record.values.clone())
        .collect()
}

#[test]
fn every_format_reads_to_the_same_typed_table() {
    let expected = typed_rows("source.xlsx");
    assert_eq!(expected.len(), 40);
    for file in &FILES[1..] {
        let rows = typed_rows(file);
        assert_eq!(rows.len(), expected.len(), "{file}");
        for (position, (row, expected_row)) in rows.iter().zip(&expected).enumerate() {
            assert_eq!(row, expected_row, "{file}, data row {}", position + 1);
        }
    }
}

#[test]
fn the_source_holds_the_generated_records() {
    // Same options as examples/format_source.rs; if the generator changes on purpose,
    // run tests/formats/make.sh again.
    let options = ExampleOptions {
        seed: 44,
        communes: 1,
        first_year: 2024,
        last_year: 2024,
        requests_per_year: Some(40),
    };
    let data = generate(&options).expect("generation");
    let generated = &data
        .files
        .iter()
        .find(|file| file.schema == "demandes")
        .expect("demandes")
        .rows;
    assert_eq!(&typed_rows("source.xlsx"), generated);
}
