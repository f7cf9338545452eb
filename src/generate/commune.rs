//! The files each commune sends: a year of requests (in the commune's own format), or,
//! for La Chevallerais in its first two years, only the grid counted from them.
//!
//! Each commune draws from its own generator, seeded from the seed and its position, so
//! that one commune's draws never shift another's.

use super::household::{household, Household};
use super::{category, euros, pick, ExampleCommune, ExampleFile, ExampleOptions, REAL_COMMUNES};
use crate::check::Value;
use crate::french::money;
use crate::schema::{Schema, SchemaSet, TOTAL_MODALITY};
use crate::sheet::writers::{DateStyle, TableFormat, TableStyle};
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// The files of the commune at `position`, year by year. `travellers` are households
/// that may also ask in another commune.
pub(super) fn commune_files(
    set: &SchemaSet,
    demandes: &'static Schema,
    options: &ExampleOptions,
    position: usize,
    commune: &ExampleCommune,
    travellers: &[Household],
) -> Vec<ExampleFile> {
    let mut commune_rng = ChaCha8Rng::seed_from_u64(
        options.seed ^ (0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(position as u64 + 1)),
    );
    let per_year = options
        .requests_per_year
        .unwrap_or((commune.municipal_population as usize * 25 / 1000).max(5));
    let mut households: Vec<Household> = Vec::new();
    let mut files = Vec::new();
    for year in options.first_year..=options.last_year {
        // Activity varies from one year to the next (unless a count was asked for).
        let per_year = match options.requests_per_year {
            Some(count) => count,
            None => (per_year * commune_rng.random_range(85..=115) / 100).max(5),
        };
        let requests = year_requests(
            demandes,
            &mut commune_rng,
            commune,
            year,
            per_year,
            &mut households,
            travellers,
        );
        let grid_only = commune.code == "44221" && year < options.first_year + 2;
        files.push(if grid_only {
            grid_file(set, demandes, commune, year, &requests)
        } else {
            requests_file(options, position, commune, year, requests)
        });
    }
    files
}

/// A year's requests of a commune, sorted by date then number: about a third from
/// households that already asked, a few from travellers, the others from new households
/// (added to `households`).
fn year_requests(
    demandes: &'static Schema,
    rng: &mut ChaCha8Rng,
    commune: &ExampleCommune,
    year: i32,
    count: usize,
    households: &mut Vec<Household>,
    travellers: &[Household],
) -> Vec<Vec<Value>> {
    let mut requests = Vec::with_capacity(count);
    for number in 1..=count {
        let home = if !households.is_empty() && rng.random_bool(0.35) {
            households[rng.random_range(0..households.len())].clone()
        } else if rng.random_bool(0.02) {
            travellers[rng.random_range(0..travellers.len())].clone()
        } else {
            let home = household(rng);
            households.push(home.clone());
            home
        };
        requests.push(request(demandes, rng, commune, year, number, &home));
    }
    requests.sort_by(|left, right| left[2].cmp(&right[2]).then(left[1].cmp(&right[1])));
    requests
}

/// The grid a commune sends instead of its requests.
fn grid_file(
    set: &SchemaSet,
    demandes: &'static Schema,
    commune: &ExampleCommune,
    year: i32,
    requests: &[Vec<Value>],
) -> ExampleFile {
    ExampleFile {
        path: format!("{}/grille-{year}.xlsx", commune.slug),
        schema: "grille",
        style: TableStyle {
            format: TableFormat::Xlsx,
            sheet_name: "Grille".to_string(),
            title: Some(format!(
                "Grille statistique anonymisée {year} — CCAS de {}",
                commune.name
            )),
            total_row: false,
            dates: DateStyle::Cells,
        },
        rows: grid_rows(set, demandes, commune, year, requests),
    }
}

/// A year's request file, in the commune's format (Fay-de-Bretagne in ods, Bouvron in
/// Windows-1252 csv); the six real communes' files have a title, mixed dates and, one in
/// two, a total row, as files typed by hand do (unless a very large count was asked for).
fn requests_file(
    options: &ExampleOptions,
    position: usize,
    commune: &ExampleCommune,
    year: i32,
    requests: Vec<Vec<Value>>,
) -> ExampleFile {
    let format = match commune.code.as_str() {
        "44056" => TableFormat::Ods,
        "44023" => TableFormat::CsvWindows1252,
        _ => TableFormat::Xlsx,
    };
    let touches = position < REAL_COMMUNES.len()
        && options.requests_per_year.is_none_or(|count| count <= 5_000);
    ExampleFile {
        path: format!("{}/demandes-{year}.{}", commune.slug, format.extension()),
        schema: "demandes",
        style: TableStyle {
            format,
            sheet_name: "Demandes".to_string(),
            title: touches.then(|| {
                format!(
                    "CCAS de {} — demandes d'aide facultative {year}",
                    commune.name
                )
            }),
            total_row: touches && position.is_multiple_of(2),
            dates: if touches {
                DateStyle::Mixed
            } else {
                DateStyle::Cells
            },
        },
        rows: requests,
    }
}

/// One request of `home`, with its aid, amounts and decision.
fn request(
    schema: &'static Schema,
    rng: &mut ChaCha8Rng,
    commune: &ExampleCommune,
    year: i32,
    number: usize,
    home: &Household,
) -> Vec<Value> {
    let day = rng.random_range(0..365);
    let asked = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default() + Duration::days(day);
    let nature = pick(
        rng,
        &[
            ("Alimentaire", 38),
            ("Énergie et fluides", 24),
            ("Logement", 12),
            ("Mobilité", 9),
            ("Santé", 7),
            ("Enfance et scolarité", 6),
            ("Autre", 4),
        ],
    );
    let (low, high) = requested_range(nature);
    let form = aid_form(rng, nature);
    let requested = euros(rng, low, high, 5);
    let decision = pick(
        rng,
        &[
            ("Accordée", 68),
            ("Accordée partiellement", 12),
            ("Refusée", 12),
            ("Ajournée", 5),
            ("Réorientée", 3),
        ],
    );
    let granted = granted(rng, decision, requested);
    let decided = asked + Duration::days(rng.random_range(0..=21));
    vec![
        Value::Commune(commune.code.clone()),
        Value::Text(format!("{year}-{number:04}")),
        Value::Date(asked),
        Value::Text(home.pseudonym.clone()),
        category(schema, "sexe_demandeur", home.sex),
        category(schema, "tranche_age", home.age_band),
        category(schema, "composition_foyer", home.composition),
        Value::Integer(home.persons),
        Value::Integer(home.children),
        category(schema, "logement", home.housing),
        category(schema, "situation_professionnelle", home.situation),
        category(schema, "ressource_principale", home.resource),
        Value::Decimal(home.income),
        Value::Decimal(home.charges),
        category(schema, "orientation", orientation(rng)),
        category(schema, "nature_aide", nature),
        category(schema, "forme_aide", form),
        Value::Decimal(requested),
        granted,
        category(schema, "decision", decision),
        Value::Date(decided),
    ]
}

/// The range of the amount requested, in euros, for a nature of aid.
fn requested_range(nature: &str) -> (i64, i64) {
    match nature {
        "Alimentaire" => (40, 160),
        "Énergie et fluides" => (80, 450),
        "Logement" => (150, 800),
        "Mobilité" => (50, 350),
        "Santé" => (40, 300),
        "Enfance et scolarité" => (30, 200),
        _ => (40, 250),
    }
}

/// The form of the aid, likely for its nature.
fn aid_form(rng: &mut ChaCha8Rng, nature: &str) -> &'static str {
    match nature {
        "Alimentaire" => pick(
            rng,
            &[
                ("Bon ou chèque d'accompagnement", 80),
                ("Aide en nature", 20),
            ],
        ),
        "Énergie et fluides" | "Logement" => pick(
            rng,
            &[
                ("Paiement direct à un tiers", 70),
                ("Secours financier", 20),
                ("Prêt ou avance remboursable", 10),
            ],
        ),
        _ => pick(
            rng,
            &[
                ("Secours financier", 50),
                ("Paiement direct à un tiers", 35),
                ("Prêt ou avance remboursable", 15),
            ],
        ),
    }
}

/// The amount granted: all of it, 40 to 80 % of it rounded to 5 euros (at least 5), or
/// nothing, by decision.
fn granted(rng: &mut ChaCha8Rng, decision: &str, requested: Decimal) -> Value {
    match decision {
        "Accordée" => Value::Decimal(requested),
        "Accordée partiellement" => Value::Decimal(
            money(
                (requested * Decimal::new(rng.random_range(40..=80), 2) / Decimal::from(5)).round()
                    * Decimal::from(5),
            )
            .max(money(Decimal::from(5))),
        ),
        _ => Value::Missing,
    }
}

/// Who sent the household to the CCAS.
fn orientation(rng: &mut ChaCha8Rng) -> &'static str {
    pick(
        rng,
        &[
            ("Démarche spontanée", 35),
            ("Service social départemental", 40),
            ("Association", 10),
            ("Mairie ou élu", 8),
            ("Autre professionnel", 7),
        ],
    )
}

/// Counts the grid's indicators from requests, as a CCAS would fill in its grid.
fn grid_rows(
    set: &SchemaSet,
    demandes: &'static Schema,
    commune: &ExampleCommune,
    year: i32,
    requests: &[Vec<Value>],
) -> Vec<Vec<Value>> {
    let field = |name: &str| demandes.field_index(name);
    let mut rows = Vec::new();
    for indicator in &set.indicators.indicators {
        for modality in set.modalities(indicator) {
            let matching: Vec<&Vec<Value>> = requests
                .iter()
                .filter(|request| {
                    match (
                        &indicator.breakdown,
                        indicator.breakdown.as_deref().and_then(field),
                    ) {
                        (None, _) => true,
                        (Some(_), Some(index)) => {
                            request[index].as_text() == Some(modality.as_str())
                        }
                        (Some(_), None) => false,
                    }
                })
                .collect();
            let value = match indicator.code.as_str() {
                "foyers_distincts" => {
                    let households: BTreeSet<&str> = matching
                        .iter()
                        .filter_map(|request| {
                            field("foyer").and_then(|index| request[index].as_text())
                        })
                        .collect();
                    Decimal::from(households.len())
                }
                code if code.starts_with("montant_accorde") => money(
                    matching
                        .iter()
                        .filter_map(|request| {
                            field("montant_accorde").and_then(|index| request[index].as_decimal())
                        })
                        .sum(),
                ),
                _ => Decimal::from(matching.len()),
            };
            let value = if indicator.unit == "euros" {
                value
            } else {
                value.normalize()
            };
            rows.push(vec![
                Value::Commune(commune.code.clone()),
                Value::Year(year),
                Value::Text(indicator.code.clone()),
                Value::Text(if indicator.breakdown.is_none() {
                    TOTAL_MODALITY.to_string()
                } else {
                    modality
                }),
                Value::Decimal(value),
            ]);
        }
    }
    rows
}
