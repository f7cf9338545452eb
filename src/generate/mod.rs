//! `exemple`: a deterministic generator of realistic, entirely fictional network data.
//!
//! It writes what the six CCAS would send over several years: request forms (mostly
//! xlsx, one commune in ods, one in Windows-1252 csv), La Chevallerais sending only a grid
//! in its first years, Blain's expenses and staff time, the network's activity of the last
//! year and its directory of social actors, census context and `reseau.toml`.
//! The same seed gives the same bytes. No record describes a real person.
//!
//! Each commune's files are drawn in [`commune`] (households in [`household`]), the
//! network's own files and `reseau.toml` in [`network`], its activity and directory in
//! [`activity`].

mod activity;
mod commune;
mod household;
mod network;
pub mod raw;

use crate::check::Value;
use crate::french::money;
use crate::schema::Schema;
use crate::sheet::writers::{write_table, TableStyle};
use chrono::Datelike;
use household::{household, Household};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

/// Options of `observatoire exemple`.
#[derive(Debug, Clone)]
pub struct ExampleOptions {
    pub seed: u64,
    /// Number of communes: the six of the convention first, then fictional ones.
    pub communes: usize,
    pub first_year: i32,
    pub last_year: i32,
    /// Requests per commune and year; by default about 25 per 1 000 inhabitants.
    pub requests_per_year: Option<usize>,
}

impl Default for ExampleOptions {
    fn default() -> Self {
        ExampleOptions {
            seed: 2014,
            communes: 6,
            first_year: 2020,
            last_year: 2024,
            requests_per_year: None,
        }
    }
}

/// A commune of the generated network.
#[derive(Debug, Clone)]
pub struct ExampleCommune {
    pub code: String,
    pub name: String,
    pub slug: String,
    pub municipal_population: u64,
    pub total_population: u64,
}

/// One file of the generated data set.
#[derive(Debug, Clone)]
pub struct ExampleFile {
    /// Path relative to the output folder, with `/`.
    pub path: String,
    pub schema: &'static str,
    pub style: TableStyle,
    pub rows: Vec<Vec<Value>>,
}

/// The whole generated data set, before it is written.
#[derive(Debug, Clone)]
pub struct ExampleData {
    pub communes: Vec<ExampleCommune>,
    pub network_toml: String,
    pub files: Vec<ExampleFile>,
}

/// Why the example could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExampleError {
    #[error("{0}")]
    Schemas(String),
    #[error("{0}")]
    Write(#[from] crate::sheet::writers::WriteError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

/// The six communes of the convention: code, name, folder, municipal and total population.
const REAL_COMMUNES: &[(&str, &str, &str, u64, u64)] = &[
    ("44015", "Blain", "blain", 10_187, 10_412),
    ("44023", "Bouvron", "bouvron", 3_069, 3_131),
    ("44056", "Fay-de-Bretagne", "fay-de-bretagne", 3_750, 3_826),
    ("44062", "Le Gâvre", "le-gavre", 1_950, 1_991),
    (
        "44111",
        "Notre-Dame-des-Landes",
        "notre-dame-des-landes",
        2_250,
        2_296,
    ),
    ("44221", "La Chevallerais", "la-chevallerais", 1_559, 1_590),
];

/// The network's communes: the six of the convention first, then fictional ones (`99…`).
fn communes(options: &ExampleOptions, rng: &mut ChaCha8Rng) -> Vec<ExampleCommune> {
    let mut list = Vec::new();
    for index in 0..options.communes {
        match REAL_COMMUNES.get(index) {
            Some((code, name, slug, municipal, total)) => list.push(ExampleCommune {
                code: (*code).to_string(),
                name: (*name).to_string(),
                slug: (*slug).to_string(),
                municipal_population: *municipal,
                total_population: *total,
            }),
            None => {
                let municipal = rng.random_range(400..12_000u64);
                list.push(ExampleCommune {
                    code: format!("99{:03}", index + 1),
                    name: format!("Commune fictive {}", index + 1),
                    slug: format!("commune-fictive-{:03}", index + 1),
                    municipal_population: municipal,
                    total_population: municipal + municipal / 50,
                });
            }
        }
    }
    list
}

/// Picks one label by weight.
fn pick<'l>(rng: &mut ChaCha8Rng, choices: &[(&'l str, u32)]) -> &'l str {
    let total: u32 = choices.iter().map(|(_, weight)| weight).sum();
    let mut draw = rng.random_range(0..total.max(1));
    for (label, weight) in choices {
        if draw < *weight {
            return label;
        }
        draw -= weight;
    }
    choices.first().map_or("", |(label, _)| label)
}

/// The schema's own `'static` label, so generated values are exactly what the reader gives.
fn category(schema: &'static Schema, field: &str, label: &str) -> Value {
    schema
        .fields
        .iter()
        .find(|candidate| candidate.name == field)
        .and_then(|field| field.categories())
        .and_then(|labels| labels.iter().find(|candidate| *candidate == label))
        .map_or(Value::Missing, |label| Value::Category(label.as_str()))
}

/// A whole amount of euros from `low` to `high`, by `step`.
fn euros(rng: &mut ChaCha8Rng, low: i64, high: i64, step: i64) -> Decimal {
    let steps = (high - low) / step;
    money(Decimal::from(low + rng.random_range(0..=steps) * step))
}

/// Twelve base32 characters, the shape of the pseudonyms `anonymiser` gives.
fn pseudonym(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// Generates the data set in memory: the communes, then each commune's files, then the
/// network's files and `reseau.toml`.
pub fn generate(options: &ExampleOptions) -> Result<ExampleData, ExampleError> {
    let set = crate::schema::schemas().map_err(|error| ExampleError::Schemas(error.to_string()))?;
    let demandes = set
        .get("demandes")
        .ok_or_else(|| ExampleError::Schemas("schéma demandes absent".to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let communes = communes(options, &mut rng);
    // A few households ask in two communes (they moved, or asked a neighbour's CCAS).
    let travellers: Vec<Household> = (0..(communes.len() * 2).max(4))
        .map(|_| household(&mut rng))
        .collect();
    let mut files = Vec::new();
    for (position, commune) in communes.iter().enumerate() {
        files.extend(commune::commune_files(
            set,
            demandes,
            options,
            position,
            commune,
            &travellers,
        ));
    }
    files.extend(network::network_files(set, &communes, options, &mut rng)?);
    let network_toml = network::network_toml(&communes, options);
    Ok(ExampleData {
        communes,
        network_toml,
        files,
    })
}

/// Writes a generated data set under `folder` as one set ([`crate::output::write_set`]):
/// `reseau.toml` and one folder per commune (plus `contexte/`), replaced whole; other
/// entries (the raw sheets of `brut/`, written by `examples/brut.rs`) are kept.
pub fn write_example(data: &ExampleData, folder: &Path) -> Result<(), ExampleError> {
    let set = crate::schema::schemas().map_err(|error| ExampleError::Schemas(error.to_string()))?;
    let mut files = vec![crate::output::OutputFile {
        path: crate::network::NETWORK_FILE.into(),
        bytes: data.network_toml.as_bytes().to_vec(),
    }];
    for file in &data.files {
        let schema = set
            .get(file.schema)
            .ok_or_else(|| ExampleError::Schemas(format!("schéma {} absent", file.schema)))?;
        files.push(crate::output::OutputFile {
            path: file.path.clone().into(),
            bytes: write_table(schema, &file.rows, &file.style)?,
        });
    }
    crate::output::write_set(folder, &files, &[])?;
    Ok(())
}

/// The number of rows of each schema in a generated data set.
pub fn row_counts(data: &ExampleData) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for file in &data.files {
        *counts.entry(file.schema).or_insert(0) += file.rows.len();
    }
    counts
}

/// Age in years is not generated; the year of a date, for convenience in tests.
pub fn year_of(value: &Value) -> Option<i32> {
    value.as_date().map(|date| date.year())
}
