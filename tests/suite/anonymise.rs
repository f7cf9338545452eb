//! `anonymiser` on raw sheets with fictional names: no identifying value survives in any
//! byte of the output, the same household gets the same pseudonym in every commune's file
//! under one key (and another under another key), and the output passes `verifier`.

use observatoire::anonymise::anonymise_file;
use observatoire::anonymise::key::SecretKey;
use observatoire::check::Value;
use observatoire::fold::fold;
use observatoire::generate::raw::{raw_requests, write_raw_requests, PEOPLE};
use observatoire::sheet::writers::TableFormat;
use observatoire::verify::{verify, VerifyOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

fn key(byte: u8) -> SecretKey {
    SecretKey::from_bytes([byte; 32])
}

fn write_raw(folder: &Path, name: &str, rows: &[Vec<Value>], format: TableFormat) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, write_raw_requests(rows, format).expect("raw sheet")).expect("saved");
    path
}

/// Every byte of a file as text: the entries of a zip (xlsx, ods), or the file decoded.
fn all_text(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("output read");
    if bytes.starts_with(b"PK") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut text = String::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).expect("entry");
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("entry read");
            text.push_str(&String::from_utf8_lossy(&content));
            text.push('\n');
        }
        text
    } else {
        observatoire::read::decode_text(&bytes)
    }
}

/// The forms in which an identifying value could survive.
fn identifying_needles() -> Vec<String> {
    let mut needles = Vec::new();
    for person in PEOPLE {
        let (year, month, day) = person.birth;
        let birth = chrono::NaiveDate::from_ymd_opt(year, month, day).expect("date");
        let serial =
            (birth - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch")).num_days();
        needles.extend([
            person.last_name.to_string(),
            person.first_name.to_string(),
            person.address.to_string(),
            person.phone.to_string(),
            person.phone.replace(' ', ""),
            birth.format("%d/%m/%Y").to_string(),
            birth.format("%Y-%m-%d").to_string(),
            serial.to_string(),
        ]);
        // Each word of a compound name alone (« Hénaff », « Ambroise »).
        needles.extend(
            person
                .last_name
                .split(['-', ' '])
                .filter(|part| part.chars().count() > 3)
                .map(str::to_string),
        );
    }
    needles
}

fn assert_no_identifying_value(path: &Path) {
    let text = all_text(path);
    let folded = format!(" {} ", fold(&text));
    let compact = fold(&text).replace(' ', "");
    let lowered = text.to_lowercase();
    for needle in identifying_needles() {
        let folded_needle = fold(&needle);
        assert!(
            !folded.contains(&format!(" {folded_needle} ")),
            "{}: « {needle} » found (folded)",
            path.display()
        );
        assert!(
            !lowered.contains(&needle.to_lowercase()),
            "{}: « {needle} » found",
            path.display()
        );
        if folded_needle.len() >= 6
            && !folded_needle
                .chars()
                .all(|character| character.is_ascii_digit() || character == ' ')
        {
            assert!(
                !compact.contains(&folded_needle.replace(' ', "")),
                "{}: « {needle} » found without spaces",
                path.display()
            );
        }
    }
}

/// The checked rows of one anonymised file (no error allowed).
fn checked_foyers(path: &Path) -> Vec<String> {
    let verification = verify(&[path.to_path_buf()], &VerifyOptions::default()).expect("verify");
    let errors: Vec<_> = verification
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    assert_eq!(verification.sheets.len(), 1);
    let sheet = &verification.sheets[0];
    let foyer = sheet.schema.field_index("foyer").expect("foyer field");
    sheet
        .records
        .iter()
        .map(|record| match &record.values[foyer] {
            Value::Text(text) => text.clone(),
            other => panic!("foyer: {other:?}"),
        })
        .collect()
}

fn person_of(row: &[Value]) -> String {
    let text = |value: &Value| value.as_text().unwrap_or_default().to_string();
    fold(&format!("{} {}", text(&row[0]), text(&row[1])))
}

#[test]
fn no_identifying_value_survives_in_any_format() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let rows = raw_requests("Blain", 2024, 40, 1);
    for (format, name) in [
        (TableFormat::Xlsx, "brut.xlsx"),
        (TableFormat::Ods, "brut.ods"),
        (TableFormat::CsvUtf8, "brut-utf8.csv"),
        (TableFormat::CsvWindows1252, "brut-1252.csv"),
    ] {
        let input = write_raw(folder.path(), name, &rows, format);
        let before = std::fs::read(&input).expect("input");
        let output = folder.path().join(format!("anonyme-{name}"));
        let report = anonymise_file(&input, &key(1), &output).expect("anonymised");
        assert_eq!(report.output, output, "{name}: same format, same name");
        assert_eq!(report.rows(), 40);
        assert!(!report.has_errors(), "{name}: {:?}", report.diagnostics);
        assert_eq!(
            std::fs::read(&input).expect("input"),
            before,
            "{name}: input untouched"
        );
        assert_no_identifying_value(&output);
        assert_eq!(checked_foyers(&output).len(), 40, "{name}");
        let removed: Vec<&str> = report.sheets[0]
            .removed
            .iter()
            .map(|column| column.header.as_str())
            .collect();
        assert_eq!(
            removed,
            [
                "Nom",
                "Prénom",
                "Date de naissance",
                "Adresse",
                "Téléphone",
                "Observations"
            ],
            "{name}"
        );
        // The input itself does hold the values the scan looks for.
        let scan_works = std::panic::catch_unwind(|| assert_no_identifying_value(&input));
        assert!(
            scan_works.is_err(),
            "{name}: the scan finds names in the raw file"
        );
    }
    let windows = std::fs::read(folder.path().join("anonyme-brut-1252.csv")).expect("csv");
    assert!(
        std::str::from_utf8(&windows).is_err(),
        "Windows-1252 stays Windows-1252"
    );
    assert!(windows.contains(&0xE9), "« é » as one Windows-1252 byte");
}

#[test]
fn the_same_household_gets_the_same_pseudonym_in_every_commune_under_one_key() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let blain_rows = raw_requests("Blain", 2024, 40, 2);
    let bouvron_rows = raw_requests("Bouvron", 2024, 40, 3);
    let blain = write_raw(folder.path(), "blain.xlsx", &blain_rows, TableFormat::Xlsx);
    let bouvron = write_raw(
        folder.path(),
        "bouvron.csv",
        &bouvron_rows,
        TableFormat::CsvWindows1252,
    );
    let pseudonyms = |key_byte: u8| {
        let mut by_person =
            std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
        for (input, rows) in [(&blain, &blain_rows), (&bouvron, &bouvron_rows)] {
            let output = folder.path().join(format!(
                "{key_byte}-{}",
                input
                    .file_name()
                    .and_then(|name| name.to_str())
                    .expect("name")
            ));
            anonymise_file(input, &key(key_byte), &output).expect("anonymised");
            for (row, foyer) in rows.iter().zip(checked_foyers(&output)) {
                // Case and accents vary between rows (« LE GALL-HÉNAFF », « Le Gall-Hénaff »).
                by_person
                    .entry(person_of(row).replace(' ', ""))
                    .or_default()
                    .insert(foyer);
            }
        }
        by_person
    };
    let first = pseudonyms(1);
    assert!(first.len() >= 5, "several fictional people");
    let mut all = std::collections::BTreeSet::new();
    for (person, foyers) in &first {
        assert_eq!(
            foyers.len(),
            1,
            "{person}: one pseudonym across communes and spellings"
        );
        assert!(all.insert(foyers.clone()), "two people, one pseudonym");
    }
    let blain_people: std::collections::BTreeSet<String> = blain_rows
        .iter()
        .map(|row| person_of(row).replace(' ', ""))
        .collect();
    let bouvron_people: std::collections::BTreeSet<String> = bouvron_rows
        .iter()
        .map(|row| person_of(row).replace(' ', ""))
        .collect();
    assert!(
        blain_people.intersection(&bouvron_people).count() >= 3,
        "people ask in both communes"
    );
    let second = pseudonyms(2);
    for (person, foyers) in &first {
        assert_eq!(second[person].len(), 1);
        assert_ne!(
            &second[person], foyers,
            "{person}: another key, another pseudonym"
        );
    }
}

#[test]
fn rows_without_name_are_reported_without_any_value() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let mut rows = raw_requests("Blain", 2024, 5, 4);
    for cell in &mut rows[2][..5] {
        *cell = Value::Missing;
    }
    rows[3][2] = Value::Text("le 31 du mois".to_string());
    let input = write_raw(folder.path(), "brut.xlsx", &rows, TableFormat::Xlsx);
    let output = folder.path().join("anonyme.xlsx");
    let report = anonymise_file(&input, &key(1), &output).expect("anonymised");
    assert!(report.has_errors());
    assert_eq!(report.rows_without_pseudonym(), 1);
    let foyer = report
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.location.field.as_deref() == Some("foyer"))
        .expect("diagnostic");
    assert_eq!(
        foyer.location.row,
        Some(4),
        "row 4 of the sheet (header on row 1)"
    );
    assert!(foyer.value.is_none());
    let birth = report
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.location.field.as_deref() == Some("date_naissance"))
        .expect("unreadable birth date");
    assert_eq!(birth.location.cell.as_deref(), Some("C5"));
    assert!(birth.value.is_none(), "a birth date is never shown");
    assert!(!format!("{:?}", report.diagnostics).contains("31 du mois"));
}

#[test]
fn the_input_is_never_the_output_and_xls_becomes_xlsx() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let rows = raw_requests("Blain", 2024, 3, 5);
    let input = write_raw(folder.path(), "brut.xlsx", &rows, TableFormat::Xlsx);
    let before = std::fs::read(&input).expect("input");
    let same = folder.path().join(".").join("brut.xlsx");
    assert!(anonymise_file(&input, &key(1), &same).is_err());
    assert_eq!(std::fs::read(&input).expect("input"), before);

    let xls = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/formats/libreoffice.xls");
    let output = folder.path().join("anonyme.xls");
    let report = anonymise_file(&xls, &key(1), &output).expect("anonymised");
    assert_eq!(report.output, folder.path().join("anonyme.xlsx"));
    assert!(report
        .format_note
        .as_deref()
        .is_some_and(|note| note.contains("xlsx")));
    assert!(report.output.is_file());
    assert!(!output.exists());
}
