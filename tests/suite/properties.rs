//! Property tests: the cell parsers never panic, whatever is typed; generated records
//! written to any format read back as the same records; random sheets never panic the
//! checker and every row is counted.

use observatoire::check::cells::{
    date_from_serial, decimal_from_f64, parse_date_text, parse_decimal_text,
};
use observatoire::check::{Checker, SheetOutcome};
use observatoire::fold::{fold, fold_header};
use observatoire::french::number_as_text;
use observatoire::generate::{generate, ExampleOptions};
use observatoire::network::Network;
use observatoire::read::{RawCell, RawRow, RawSheet};
use observatoire::sheet::writers::{write_table, TableFormat};
use observatoire::verify::{verify, VerifyOptions};
use proptest::prelude::*;

proptest! {
    #[test]
    fn text_parsers_never_panic(text in any::<String>()) {
        let _ = parse_decimal_text(&text);
        let _ = parse_date_text(&text);
        let _ = fold(&text);
        let _ = fold_header(&text);
    }

    #[test]
    fn typed_looking_text_never_panics(text in "[0-9 ,.\\-/€a-zéû]{0,24}") {
        let _ = parse_decimal_text(&text);
        let _ = parse_date_text(&text);
    }

    #[test]
    fn number_parsers_never_panic(number in any::<f64>(), is_1904 in any::<bool>()) {
        let _ = decimal_from_f64(number);
        let _ = date_from_serial(number, is_1904);
        let _ = number_as_text(number);
    }

    #[test]
    fn amounts_read_back_exactly(cents in -10_000_000_000i64..10_000_000_000i64) {
        let amount = rust_decimal::Decimal::new(cents, 2);
        let as_float: f64 = amount.to_string().parse().expect("a float");
        prop_assert_eq!(decimal_from_f64(as_float), Some(amount.normalize()));
        let typed = amount.to_string().replace('.', ",");
        prop_assert_eq!(parse_decimal_text(&typed), Some(amount));
    }
}

fn any_cell() -> impl Strategy<Value = RawCell> {
    prop_oneof![
        Just(RawCell::Empty),
        any::<String>().prop_map(RawCell::Text),
        "[0-9 ,./€-]{0,12}".prop_map(RawCell::Text),
        any::<f64>().prop_map(RawCell::Number),
        any::<bool>().prop_map(RawCell::Bool),
        (2000i32..2030, 1u32..13, 1u32..29).prop_map(|(year, month, day)| RawCell::Date(
            chrono::NaiveDate::from_ymd_opt(year, month, day).expect("valid")
        )),
        "#DIV/0!|#N/A".prop_map(RawCell::Error),
        "SUM\\(A1:A3\\)".prop_map(RawCell::FormulaWithoutValue),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_sheets_never_panic_and_every_row_is_counted(rows in prop::collection::vec(prop::collection::vec(any_cell(), 0..22), 0..30)) {
        let set = observatoire::schema::schemas().expect("schemas");
        let network = Network::default_network();
        let checker = Checker::new(set, &network);
        let demandes = set.get("demandes").expect("demandes");
        let mut sheet_rows = vec![RawRow { index: 0, cells: demandes.fields.iter().map(|field| RawCell::Text(field.title.clone())).collect() }];
        for (position, cells) in rows.iter().enumerate() {
            sheet_rows.push(RawRow { index: position as u32 + 1, cells: cells.clone() });
        }
        let sheet = RawSheet { name: Some("Feuil1".to_string()), rows: sheet_rows, is_1904: false };
        let mut diagnostics = Vec::new();
        let SheetOutcome::Checked(checked) = checker.check_sheet("aleatoire.xlsx", &sheet, &mut diagnostics) else {
            panic!("the header row is the schema's own");
        };
        let non_blank = rows.iter().filter(|cells| !RawRow { index: 0, cells: (*cells).clone() }.is_blank()).count();
        prop_assert_eq!(checked.records.len() + checked.total_rows + checked.empty_template_rows, non_blank);
        for record in &checked.records {
            let has_error = diagnostics.iter().any(|diagnostic| diagnostic.is_error() && diagnostic.location.row == Some(record.row + 1));
            prop_assert_eq!(record.rejected, has_error, "row {}: rejected iff it has an error", record.row + 1);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn generated_records_round_trip_through_every_format(seed in any::<u64>(), format in prop_oneof![Just(TableFormat::Xlsx), Just(TableFormat::Ods), Just(TableFormat::CsvUtf8), Just(TableFormat::CsvWindows1252)]) {
        let options = ExampleOptions { seed, communes: 1, first_year: 2023, last_year: 2023, requests_per_year: Some(25) };
        let data = generate(&options).expect("generation");
        let folder = tempfile::tempdir().expect("temporary folder");
        for file in &data.files {
            let schema = observatoire::schema::schemas().expect("schemas").get(file.schema).expect("schema");
            let mut style = file.style.clone();
            style.format = format;
            let path = folder.path().join(format!("{}.{}", file.schema, format.extension()));
            std::fs::write(&path, write_table(schema, &file.rows, &style).expect("written")).expect("saved");
            let verification = verify(&[path], &VerifyOptions::default()).expect("verification runs");
            let errors: Vec<_> = verification.diagnostics.iter().filter(|diagnostic| diagnostic.is_error()).collect();
            prop_assert!(errors.is_empty(), "{errors:#?}");
            let read: Vec<_> = verification.sheets[0].records.iter().map(|record| record.values.clone()).collect();
            prop_assert_eq!(&read, &file.rows, "{} as {:?}", file.schema, format);
        }
    }
}
