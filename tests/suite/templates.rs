//! `modeles`: every template reads as zero rows with no error when empty, passes `verifier`
//! once filled in, still reads after LibreOffice saved it again, and follows the schemas
//! (a new category appears with no code change).

use observatoire::blank_forms::{
    build_template, write_templates, TemplateOptions, DATA_SHEET, LISTS_SHEET,
};
use observatoire::check::Value;
use observatoire::generate::{generate, ExampleOptions};
use observatoire::network::Network;
use observatoire::read::{read_file, RawCell};
use observatoire::schema::schemas;
use observatoire::sheet::writers::{write_sheets, DateStyle, HeadedSheet, TableFormat, TableStyle};
use observatoire::verify::{verify, Verification, VerifyOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

fn verified(path: &Path) -> Verification {
    let verification = verify(&[path.to_path_buf()], &VerifyOptions::default()).expect("verify");
    let errors: Vec<_> = verification
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error() || diagnostic.code.as_str().starts_with('W'))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    verification
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut entry = archive.by_name(name).expect(name);
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("read");
    text
}

#[test]
fn empty_templates_read_as_zero_rows_with_no_error() {
    for options in [
        TemplateOptions::default(),
        TemplateOptions {
            commune: Some("44015".to_string()),
            year: Some(2024),
        },
    ] {
        let folder = tempfile::tempdir().expect("temporary folder");
        let written = write_templates(folder.path(), &options).expect("templates");
        assert_eq!(written.len(), 7);
        for template in &written {
            let verification = verified(&template.path);
            assert_eq!(
                verification.sheets.len(),
                1,
                "{}: one data sheet",
                template.schema
            );
            let sheet = &verification.sheets[0];
            assert_eq!(sheet.schema.name, template.schema);
            assert_eq!(sheet.sheet.as_deref(), Some(DATA_SHEET));
            assert_eq!(sheet.records.len(), 0, "{}", template.schema);
            assert_eq!(sheet.empty_template_rows, template.prefilled_rows);
        }
        let grille = written
            .iter()
            .find(|template| template.schema == "grille")
            .expect("grille");
        assert!(
            grille.prefilled_rows > 50,
            "one row per indicator and modality"
        );
    }
}

#[test]
fn templates_carry_lists_validation_frozen_header_and_no_formula() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let written = write_templates(folder.path(), &TemplateOptions::default()).expect("templates");
    let demandes = &written
        .iter()
        .find(|template| template.schema == "demandes")
        .expect("demandes")
        .path;
    let workbook = zip_entry(demandes, "xl/workbook.xml");
    assert!(
        workbook.contains(&format!("name=\"{LISTS_SHEET}\""))
            && workbook.contains("state=\"hidden\"")
    );
    let data = zip_entry(demandes, "xl/worksheets/sheet3.xml");
    assert!(data.contains("<pane ") && data.contains("state=\"frozen\""));
    assert!(
        data.contains("type=\"list\"")
            && data.contains("type=\"date\"")
            && data.contains("type=\"whole\"")
    );
    assert!(data.contains("Saisissez une date au format jj/mm/aaaa"));
    assert!(!data.contains("<f>"), "no formula where people type");
    let strings = zip_entry(demandes, "xl/sharedStrings.xml");
    for label in [
        "Famille monoparentale",
        "Ne saisissez JAMAIS",
        "date de naissance",
    ] {
        assert!(strings.contains(label), "{label}");
    }
    // The same schemas give the same bytes.
    let again = tempfile::tempdir().expect("temporary folder");
    write_templates(again.path(), &TemplateOptions::default()).expect("templates");
    for template in &written {
        let name = template.path.file_name().expect("name");
        assert_eq!(
            std::fs::read(&template.path).expect("first"),
            std::fs::read(again.path().join(name)).expect("second"),
            "{name:?}"
        );
    }
}

#[test]
fn a_new_category_in_a_schema_appears_with_no_code_change() {
    let set = schemas().expect("schemas");
    let mut schema = set.get("demandes").expect("demandes").clone();
    let field = schema.field_index("nature_aide").expect("nature_aide");
    schema.fields[field]
        .constraints
        .allowed
        .get_or_insert_with(Vec::new)
        .push("Aide aux obsèques".to_string());
    let template = build_template(
        set,
        &schema,
        &Network::default_network(),
        &TemplateOptions::default(),
    )
    .expect("template");
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("modele.xlsx");
    std::fs::write(&path, &template.bytes).expect("saved");
    let workbook = read_file(&path, "modele.xlsx").expect("read");
    let lists = workbook
        .sheets
        .iter()
        .find(|sheet| sheet.name.as_deref() == Some(LISTS_SHEET))
        .expect("lists");
    assert!(lists
        .rows
        .iter()
        .flat_map(|row| &row.cells)
        .any(|cell| *cell == RawCell::Text("Aide aux obsèques".to_string())));
}

/// Fills in a template as an agent would: its own header row, then values typed below.
fn fill(template: &Path, rows: impl Fn(&[String]) -> Vec<Vec<Value>>, output: &Path) {
    let workbook = read_file(template, "modele").expect("template read");
    let data = workbook
        .sheets
        .iter()
        .find(|sheet| sheet.name.as_deref() == Some(DATA_SHEET))
        .expect("data sheet");
    let headers: Vec<String> = data.rows[0].cells.iter().map(RawCell::shown).collect();
    let prefilled: Vec<Vec<String>> = data.rows[1..]
        .iter()
        .map(|row| {
            (0..headers.len())
                .map(|column| row.cell(column).shown())
                .collect()
        })
        .collect();
    let values = rows(&headers);
    let values: Vec<Vec<Value>> = if prefilled.is_empty() {
        values
    } else {
        // Keep what the template pre-filled, add what the agent typed.
        prefilled
            .iter()
            .zip(values)
            .map(|(kept, typed)| {
                kept.iter()
                    .zip(typed)
                    .map(|(kept, typed)| {
                        if typed.is_missing() {
                            Value::Text(kept.clone())
                        } else {
                            typed
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let sheet = HeadedSheet {
        name: DATA_SHEET.to_string(),
        headers,
        money_columns: Vec::new(),
        rows: &values,
    };
    let style = TableStyle {
        format: TableFormat::Xlsx,
        sheet_name: String::new(),
        title: None,
        total_row: false,
        dates: DateStyle::Cells,
    };
    std::fs::write(output, write_sheets(&[sheet], &style).expect("filled")).expect("saved");
}

#[test]
fn filled_templates_pass_verifier() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let options = TemplateOptions {
        commune: Some("Bouvron".to_string()),
        year: Some(2024),
    };
    let written = write_templates(folder.path(), &options).expect("templates");
    let data = generate(&ExampleOptions {
        seed: 7,
        communes: 2,
        first_year: 2024,
        last_year: 2024,
        requests_per_year: Some(25),
    })
    .expect("example");
    let set = schemas().expect("schemas");
    for template in &written {
        let schema = set.get(&template.schema).expect("schema");
        let filled = folder
            .path()
            .join(format!("rempli-{}.xlsx", template.schema));
        let expected = if template.prefilled_rows > 0 && schema.field_index("indicateur").is_some()
        {
            // The grid: only the value is typed.
            let value = schema.field_index("valeur").expect("valeur");
            fill(
                &template.path,
                |headers| {
                    (0..template.prefilled_rows)
                        .map(|position| {
                            let mut row = vec![Value::Missing; headers.len()];
                            row[value] = Value::Integer(position as i64 % 4);
                            if let Some(vintage) = schema.field_index("millesime") {
                                row[vintage] = Value::Year(2021);
                            }
                            row
                        })
                        .collect()
                },
                &filled,
            );
            template.prefilled_rows
        } else {
            let rows: Vec<Vec<Value>> = data
                .files
                .iter()
                .filter(|file| file.schema == template.schema)
                .flat_map(|file| file.rows.clone())
                .collect();
            assert!(!rows.is_empty(), "{}: example rows", template.schema);
            fill(&template.path, |_| rows.clone(), &filled);
            rows.len()
        };
        let verification = verified(&filled);
        let sheet = &verification.sheets[0];
        assert_eq!(sheet.records.len(), expected, "{}", template.schema);
        assert!(
            sheet.records.iter().all(|record| !record.rejected),
            "{}",
            template.schema
        );
    }
}

#[test]
fn a_template_resaved_by_libreoffice_still_reads() {
    // Made by tests/modeles/make.sh (LibreOffice is not needed to run this test).
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/modeles/modele-demandes-resave-libreoffice.xlsx");
    let verification = verified(&path);
    assert_eq!(verification.sheets.len(), 1);
    let sheet = &verification.sheets[0];
    assert_eq!(sheet.schema.name, "demandes");
    assert_eq!(sheet.records.len(), 0);
    assert_eq!(
        sheet.empty_template_rows, 1_000,
        "the pre-filled commune survives"
    );
    let data = zip_entry(&path, "xl/worksheets/sheet3.xml");
    assert!(
        data.contains("<dataValidation "),
        "validation kept by LibreOffice"
    );
    assert!(zip_entry(&path, "xl/workbook.xml").contains("state=\"hidden\""));
}
