//! Reading edge cases that need files built on the fly: an OpenDocument sheet whose
//! stray cell lies at the far corner (refused before calamine expands it), and a folder
//! read recursively with its `reseau.toml`, skipping the raw `brut/` folder.

use observatoire::diagnostic::Code;
use observatoire::read::read_file;
use observatoire::verify::{verify, VerifyOptions};
use std::io::Write;

fn ods_with_content(table: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("zip");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("zip");
    zip.start_file("META-INF/manifest.xml", stored)
        .expect("zip");
    zip.write_all(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest ",
            "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">",
            "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>"
        )
        .as_bytes(),
    )
    .expect("zip");
    zip.start_file("content.xml", stored).expect("zip");
    let content = format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content ",
            "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" ",
            "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" ",
            "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">",
            "<office:body><office:spreadsheet>{}</office:spreadsheet></office:body></office:document-content>"
        ),
        table
    );
    zip.write_all(content.as_bytes()).expect("zip");
    zip.finish().expect("zip").into_inner()
}

#[test]
fn a_stray_ods_cell_at_the_far_corner_is_refused_before_loading() {
    let cell =
        "<table:table-cell office:value-type=\"string\"><text:p>x</text:p></table:table-cell>";
    let table = format!(
        "<table:table table:name=\"Feuille1\"><table:table-row>{cell}</table:table-row>\
         <table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>\
         <table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>{cell}</table:table-row></table:table>"
    );
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("demandes.ods");
    std::fs::write(&path, ods_with_content(&table)).expect("written");
    let problem = read_file(&path, "demandes.ods").expect_err("refused");
    assert_eq!(problem.code, Code::E006);
    assert_eq!(problem.location.sheet.as_deref(), Some("Feuille1"));
    assert_eq!(problem.location.cell.as_deref(), Some("XFD1048576"));
}

#[test]
fn a_small_ods_sheet_with_repeated_empty_rows_is_read() {
    let cell = |text: &str| {
        format!("<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>")
    };
    let table = format!(
        "<table:table table:name=\"Feuille1\"><table:table-row>{}{}</table:table-row>\
         <table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row></table:table>",
        cell("a"),
        cell("b")
    );
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("notes.ods");
    std::fs::write(&path, ods_with_content(&table)).expect("written");
    let workbook = read_file(&path, "notes.ods").expect("read");
    assert_eq!(workbook.sheets.len(), 1);
    assert_eq!(workbook.sheets[0].rows.len(), 1);
}

#[test]
fn a_folder_is_read_recursively_with_its_network_and_without_brut() {
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let verification = verify(&[sample], &VerifyOptions::default()).expect("verification runs");
    assert!(verification
        .network_source
        .as_deref()
        .is_some_and(|source| source.ends_with("reseau.toml")));
    assert_eq!(
        verification.outcome().exit_code(),
        0,
        "{:#?}",
        verification
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .collect::<Vec<_>>()
    );
    // Every commune folder is visited, and nothing from a `brut/` folder is read.
    for folder in [
        "blain/",
        "bouvron/",
        "fay-de-bretagne/",
        "le-gavre/",
        "notre-dame-des-landes/",
        "la-chevallerais/",
        "contexte/",
    ] {
        assert!(
            verification
                .files
                .iter()
                .any(|file| file.file.contains(folder)),
            "{folder}"
        );
    }
    assert!(verification
        .files
        .iter()
        .all(|file| !file.file.contains("/brut/")));
    assert_eq!(
        verification.rows_read(),
        verification.rows_accepted() + verification.rows_rejected()
    );
}
