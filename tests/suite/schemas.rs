//! The files of `schemas/` are valid Frictionless Table Schemas (standard keys and types),
//! with this project's documented extensions, and the catalogues agree with them.

use observatoire::schema::{schema_sources, schemas};
use serde_json::Value;

const TABLE_SCHEMA_TYPES: &[&str] = &[
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
];
const CONSTRAINT_KEYS: &[&str] = &[
    "required",
    "unique",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "pattern",
    "enum",
];
/// Standard field keys, then this project's documented extensions.
const FIELD_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "type",
    "format",
    "constraints",
    "example",
    "rdfType",
    "missingValues",
    "bareNumber",
    "decimalChar",
    "groupChar",
    "synonyms",
    "enumSynonyms",
    "role",
];
const SCHEMA_KEYS: &[&str] = &[
    "fields",
    "missingValues",
    "primaryKey",
    "foreignKeys",
    "uniqueKeys",
    "name",
    "title",
    "description",
    "version",
    "ageField",
];

#[test]
fn every_schema_file_is_a_valid_table_schema() {
    for (name, source) in schema_sources() {
        let schema: Value =
            serde_json::from_str(source).unwrap_or_else(|error| panic!("{name}: {error}"));
        let object = schema
            .as_object()
            .unwrap_or_else(|| panic!("{name}: not an object"));
        for key in object.keys() {
            assert!(
                SCHEMA_KEYS.contains(&key.as_str()),
                "{name}: unknown top-level key {key}"
            );
        }
        assert_eq!(
            object.get("name").and_then(Value::as_str),
            Some(*name),
            "{name}: name"
        );
        let version = object
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{name}: version"));
        assert_eq!(
            version
                .split('.')
                .filter(|part| part.parse::<u32>().is_ok())
                .count(),
            3,
            "{name}: semantic version"
        );
        let missing = object
            .get("missingValues")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{name}: missingValues"));
        assert!(
            missing.iter().all(Value::is_string),
            "{name}: missingValues are strings"
        );
        let fields = object
            .get("fields")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{name}: fields"));
        assert!(!fields.is_empty(), "{name}: no field");
        let mut names = std::collections::BTreeSet::new();
        for field in fields {
            let field = field
                .as_object()
                .unwrap_or_else(|| panic!("{name}: a field is not an object"));
            let field_name = field
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{name}: a field has no name"));
            assert!(names.insert(field_name), "{name}.{field_name}: twice");
            for key in field.keys() {
                assert!(
                    FIELD_KEYS.contains(&key.as_str()),
                    "{name}.{field_name}: unknown key {key}"
                );
            }
            let field_type = field
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{name}.{field_name}: type"));
            assert!(
                TABLE_SCHEMA_TYPES.contains(&field_type),
                "{name}.{field_name}: type {field_type}"
            );
            assert!(
                field
                    .get("title")
                    .and_then(Value::as_str)
                    .is_some_and(|title| !title.is_empty()),
                "{name}.{field_name}: French title"
            );
            if let Some(constraints) = field.get("constraints") {
                let constraints = constraints
                    .as_object()
                    .unwrap_or_else(|| panic!("{name}.{field_name}: constraints"));
                for key in constraints.keys() {
                    assert!(
                        CONSTRAINT_KEYS.contains(&key.as_str()),
                        "{name}.{field_name}: constraint {key}"
                    );
                }
                if let Some(allowed) = constraints.get("enum") {
                    let allowed = allowed
                        .as_array()
                        .unwrap_or_else(|| panic!("{name}.{field_name}: enum"));
                    assert!(
                        !allowed.is_empty() && allowed.iter().all(Value::is_string),
                        "{name}.{field_name}: enum of strings"
                    );
                }
            }
        }
    }
}

#[test]
fn catalogues_agree_with_the_schemas() {
    let set = schemas().expect("the embedded schemas load");
    let demandes = set.get("demandes").expect("demandes");
    for indicator in set
        .indicators
        .indicators
        .iter()
        .chain(&set.indicators.context)
    {
        assert!(
            !set.modalities(indicator).is_empty(),
            "{}: no modality",
            indicator.code
        );
        if let Some(field) = &indicator.breakdown {
            let field = demandes
                .fields
                .iter()
                .find(|candidate| &candidate.name == field)
                .unwrap_or_else(|| panic!("{}: {field}", indicator.code));
            assert!(
                field.categories().is_some(),
                "{}: breakdown by a list",
                indicator.code
            );
        }
    }
    // Every category field of `demandes` has its `demandes_par_<field>` indicator (DOMAIN.md).
    for field in demandes
        .fields
        .iter()
        .filter(|field| field.categories().is_some())
    {
        let code = format!("demandes_par_{}", field.name);
        assert!(
            set.indicator(&code, false).is_some(),
            "{code} missing from the catalogue"
        );
    }
    // The age bands the `age` column falls into are the schema's own labels.
    let bands = demandes
        .fields
        .iter()
        .find(|field| field.name == "tranche_age")
        .and_then(|field| field.categories())
        .expect("tranche_age");
    for age in [0, 29, 30, 44, 45, 59, 60, 74, 75, 120] {
        let band = observatoire::check::cells::age_band(age).expect("a band");
        assert!(bands.iter().any(|label| label == band), "{band}");
    }
}

#[test]
fn the_readme_documents_every_diagnostic_code() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    for code in observatoire::diagnostic::Code::ALL {
        let line = format!(
            "| {code} | {} | {} |",
            code.severity().label(),
            code.summary()
        );
        assert!(readme.contains(&line), "README.md lacks the line:\n{line}");
    }
}
