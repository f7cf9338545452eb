//! `exemple`: a deterministic generator of realistic, entirely fictional network data.
//!
//! It writes what the six CCAS would send over several years: request forms (mostly
//! xlsx, one commune in ods, one in Windows-1252 csv), La Chevallerais sending only a grid
//! in its first years, Blain's expenses and staff time, the network's activity of the last
//! year and its directory of social actors, census context and `reseau.toml`.
//! The same seed gives the same bytes. No record describes a real person.

mod activity;
pub mod raw;

use crate::check::Value;
use crate::french::money;
use crate::schema::{Schema, SchemaSet, TOTAL_MODALITY};
use crate::sheet::writers::{write_table, DateStyle, TableFormat, TableStyle};
use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
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

fn euros(rng: &mut ChaCha8Rng, low: i64, high: i64, step: i64) -> Decimal {
    let steps = (high - low) / step;
    money(Decimal::from(low + rng.random_range(0..=steps) * step))
}

fn pseudonym(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A household: what stays the same from one request to the next.
#[derive(Debug, Clone)]
struct Household {
    pseudonym: String,
    sex: &'static str,
    age_band: &'static str,
    composition: &'static str,
    persons: i64,
    children: i64,
    housing: &'static str,
    situation: &'static str,
    resource: &'static str,
    income: Decimal,
    charges: Decimal,
}

fn household(rng: &mut ChaCha8Rng) -> Household {
    let composition = pick(
        rng,
        &[
            ("Personne seule", 42),
            ("Famille monoparentale", 28),
            ("Couple avec enfant(s)", 15),
            ("Couple sans enfant", 9),
            ("Autre ménage", 6),
        ],
    );
    let (persons, children) = match composition {
        "Personne seule" => (1, 0),
        "Famille monoparentale" => {
            let children = rng.random_range(1..=4);
            (children + 1, children)
        }
        "Couple avec enfant(s)" => {
            let children = rng.random_range(1..=4);
            (children + 2, children)
        }
        "Couple sans enfant" => (2, 0),
        _ => (rng.random_range(2..=4), 0),
    };
    let age_band = pick(
        rng,
        &[
            ("Moins de 30 ans", 24),
            ("30-44 ans", 31),
            ("45-59 ans", 26),
            ("60-74 ans", 13),
            ("75 ans et plus", 6),
        ],
    );
    let situation = if matches!(age_band, "60-74 ans" | "75 ans et plus") && rng.random_bool(0.7) {
        "Retraité(e)"
    } else {
        pick(
            rng,
            &[
                ("En emploi", 27),
                ("Demandeur d'emploi", 33),
                ("Invalidité ou inaptitude", 12),
                ("Sans activité", 20),
                ("Étudiant(e) ou formation", 8),
            ],
        )
    };
    let resource = match situation {
        "Retraité(e)" => pick(rng, &[("Retraite", 80), ("Minimum vieillesse (ASPA)", 20)]),
        "En emploi" => pick(rng, &[("Salaire", 85), ("Indemnités journalières", 15)]),
        "Demandeur d'emploi" => pick(
            rng,
            &[
                ("Allocation chômage", 55),
                ("RSA", 40),
                ("Sans ressources", 5),
            ],
        ),
        "Invalidité ou inaptitude" => pick(rng, &[("AAH", 85), ("Indemnités journalières", 15)]),
        "Étudiant(e) ou formation" => pick(
            rng,
            &[
                ("Autre", 50),
                ("Sans ressources", 20),
                ("Prestations familiales", 30),
            ],
        ),
        _ => pick(
            rng,
            &[
                ("RSA", 60),
                ("Prestations familiales", 25),
                ("Sans ressources", 15),
            ],
        ),
    };
    let income = match resource {
        "Sans ressources" => Decimal::ZERO,
        "RSA" => euros(rng, 560, 1_100, 1),
        "AAH" => euros(rng, 900, 1_100, 1),
        "Minimum vieillesse (ASPA)" => euros(rng, 950, 1_050, 1),
        "Salaire" => euros(rng, 700, 1_900, 1),
        _ => euros(rng, 600, 1_500, 1),
    };
    let income = if income.is_zero() {
        income
    } else {
        income + Decimal::new(rng.random_range(0..100), 2)
    };
    let charges = money(income * Decimal::new(rng.random_range(35..95), 2));
    Household {
        pseudonym: pseudonym(rng),
        sex: pick(rng, &[("Femme", 62), ("Homme", 36), ("Non renseigné", 2)]),
        age_band,
        composition,
        persons,
        children,
        housing: pick(
            rng,
            &[
                ("Locataire parc social", 41),
                ("Locataire parc privé", 30),
                ("Propriétaire", 11),
                ("Hébergé(e) chez un tiers", 10),
                ("Sans logement ou hébergement d'urgence", 4),
                ("Autre", 4),
            ],
        ),
        situation,
        resource,
        income: money(income),
        charges,
    }
}

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
    let (low, high) = match nature {
        "Alimentaire" => (40, 160),
        "Énergie et fluides" => (80, 450),
        "Logement" => (150, 800),
        "Mobilité" => (50, 350),
        "Santé" => (40, 300),
        "Enfance et scolarité" => (30, 200),
        _ => (40, 250),
    };
    let form = match nature {
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
    };
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
    let granted = match decision {
        "Accordée" => Value::Decimal(requested),
        "Accordée partiellement" => Value::Decimal(
            money(
                (requested * Decimal::new(rng.random_range(40..=80), 2) / Decimal::from(5)).round()
                    * Decimal::from(5),
            )
            .max(money(Decimal::from(5))),
        ),
        _ => Value::Missing,
    };
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
        category(
            schema,
            "orientation",
            pick(
                rng,
                &[
                    ("Démarche spontanée", 35),
                    ("Service social départemental", 40),
                    ("Association", 10),
                    ("Mairie ou élu", 8),
                    ("Autre professionnel", 7),
                ],
            ),
        ),
        category(schema, "nature_aide", nature),
        category(schema, "forme_aide", form),
        Value::Decimal(requested),
        granted,
        category(schema, "decision", decision),
        Value::Date(decided),
    ]
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
    for indicator in &set.indicators.indicateurs {
        for modality in set.modalities(indicator) {
            let matching: Vec<&Vec<Value>> = requests
                .iter()
                .filter(|request| {
                    match (
                        &indicator.ventilation,
                        indicator.ventilation.as_deref().and_then(field),
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
            let value = if indicator.unite == "euros" {
                value
            } else {
                value.normalize()
            };
            rows.push(vec![
                Value::Commune(commune.code.clone()),
                Value::Year(year),
                Value::Text(indicator.code.clone()),
                Value::Text(if indicator.ventilation.is_none() {
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

const ACTION_LINES: [&str; 4] = [
    "Dynamique Inter-CCAS",
    "Observation sociale",
    "Journée annuelle",
    "Fonctionnement commun",
];

fn expenses(
    schema: &'static Schema,
    rng: &mut ChaCha8Rng,
    years: std::ops::RangeInclusive<i32>,
) -> Vec<Vec<Value>> {
    let items: [(&str, &str, usize, i64, i64); 8] = [
        (
            "Location de salle pour la journée annuelle",
            "Salle municipale",
            2,
            250,
            450,
        ),
        (
            "Repas des participants de la journée annuelle",
            "Traiteur du Pays de Blain",
            2,
            600,
            1_100,
        ),
        (
            "Intervenant de la journée annuelle",
            "Cabinet Regards sociaux",
            2,
            400,
            800,
        ),
        (
            "Impression des plaquettes du réseau",
            "Imprimerie du Canal",
            3,
            150,
            400,
        ),
        (
            "Formation des agents à l'observation sociale",
            "Organisme de formation",
            1,
            500,
            900,
        ),
        (
            "Déplacements des rencontres inter-CCAS",
            "Frais de déplacement",
            0,
            80,
            250,
        ),
        (
            "Abonnement à l'outil de visioconférence",
            "Éditeur de logiciel",
            3,
            120,
            240,
        ),
        (
            "Fournitures pour les ateliers inter-CCAS",
            "Papeterie locale",
            0,
            60,
            180,
        ),
    ];
    let mut rows = Vec::new();
    for year in years {
        for (position, (label, supplier, line, low, high)) in items.iter().enumerate() {
            let month = 2 + (position as u32 * 5 + (year as u32 % 3)) % 10;
            let date = NaiveDate::from_ymd_opt(year, month, 1 + rng.random_range(0..27))
                .unwrap_or_default();
            let amount = euros(rng, *low, *high, 1) + Decimal::new(rng.random_range(0..100), 2);
            // One expense a year the steering committee has not validated, and one it
            // validated after the fact: the cost-sharing lists both apart.
            let validated = match position {
                5 => Value::Missing,
                6 => Value::Date(date + Duration::days(20)),
                _ => Value::Date(date - Duration::days(rng.random_range(5..40))),
            };
            rows.push(vec![
                Value::Date(date),
                Value::Text((*label).to_string()),
                Value::Text((*supplier).to_string()),
                Value::Decimal(money(amount)),
                category(schema, "ligne_action", ACTION_LINES[*line]),
                validated,
                Value::Text(format!("F{year}-{:03}", position + 1)),
            ]);
        }
    }
    rows.sort_by(|left, right| left[0].cmp(&right[0]));
    rows
}

fn staff_time(
    schema: &'static Schema,
    rng: &mut ChaCha8Rng,
    years: std::ops::RangeInclusive<i32>,
) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for year in years {
        for (line, function, hours, cost) in [
            (0, "Coordinatrice du réseau", 120, "31.85"),
            (1, "Chargée d'observation sociale", 90, "29.40"),
            (2, "Coordinatrice du réseau", 60, "31.85"),
            (3, "Agent administratif", 45, "24.10"),
        ] {
            let hours = Decimal::from(hours + rng.random_range(0..20))
                + Decimal::new(rng.random_range(0..2) * 5, 1);
            rows.push(vec![
                Value::Year(year),
                category(schema, "ligne_action", ACTION_LINES[line]),
                Value::Text(function.to_string()),
                Value::Decimal(hours.normalize()),
                Value::Decimal(money(cost.parse().unwrap_or_default())),
            ]);
        }
    }
    rows
}

fn context(set: &SchemaSet, communes: &[ExampleCommune], rng: &mut ChaCha8Rng) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for commune in communes {
        let population = commune.municipal_population;
        let households = population * 10 / 24;
        for indicator in &set.indicators.contexte {
            let modalities = set.modalities(indicator);
            let (total, weights): (u64, Vec<u64>) = match indicator.code.as_str() {
                "population" => (population, vec![1]),
                "menages" => (households, vec![1]),
                "population_par_tranche_age" => (population * 82 / 100, vec![17, 25, 26, 20, 12]),
                _ => (households, vec![33, 27, 30, 8, 2]),
            };
            let weight_sum: u64 = weights.iter().sum();
            for (position, modality) in modalities.iter().enumerate() {
                let weight = weights.get(position).copied().unwrap_or(1);
                let jitter = rng.random_range(95..=105u64);
                let value = if weights.len() == 1 {
                    total
                } else {
                    total * weight * jitter / weight_sum / 100
                };
                rows.push(vec![
                    Value::Commune(commune.code.clone()),
                    Value::Year(2021),
                    Value::Text(indicator.code.clone()),
                    Value::Text(modality.clone()),
                    Value::Decimal(Decimal::from(value)),
                ]);
            }
        }
    }
    rows
}

fn network_toml(communes: &[ExampleCommune], options: &ExampleOptions) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# Réseau des acteurs sociaux : fichier d'exemple écrit par « observatoire exemple »."
    );
    let _ = writeln!(text, "# Les populations 2021 de Blain, Bouvron et Fay-de-Bretagne sont les populations municipales");
    let _ = writeln!(
        text,
        "# légales de l'Insee ; toutes les autres valeurs sont illustratives."
    );
    let _ = writeln!(text, "nom = \"Réseau des acteurs sociaux\"\nporteur = \"44015\"\ncle_population = \"totale\"\nseuil_secret = 5\n");
    for commune in communes {
        let _ = writeln!(
            text,
            "[[membres]]\ncode = \"{}\"\nnom = \"{}\"\nadhesion = 2014-01-01\n",
            commune.code, commune.name
        );
    }
    for start in (2014..=2023).step_by(3) {
        let _ = writeln!(
            text,
            "[[conventions]]\ndebut = {start}-01-01\nfin = {}-12-31\n",
            start + 2
        );
    }
    for year in options.first_year..=options.last_year {
        let _ = writeln!(text, "[[budgets]]\nannee = {year}\nmontant = \"4000.00\"\n");
    }
    for year in options.first_year..=options.last_year {
        let _ = writeln!(
            text,
            "[[journees]]\nannee = {year}\ndate = {year}-11-{}\n",
            14 + (year % 5)
        );
    }
    for (vintage, in_force, scale, source) in [
        (2018, "2021-01-01", 98, "Insee, populations légales 2018 (valeurs illustratives)"),
        (2021, "2024-01-01", 100, "Insee, populations légales 2021 (municipales de Blain, Bouvron et Fay-de-Bretagne ; autres valeurs illustratives)"),
    ] {
        let _ = writeln!(text, "[[populations]]\nmillesime = {vintage}\nen_vigueur = {in_force}\nsource = \"{source}\"");
        let _ = writeln!(text, "[populations.valeurs]");
        for commune in communes {
            let _ = writeln!(
                text,
                "\"{}\" = {{ municipale = {}, totale = {} }}",
                commune.code,
                commune.municipal_population * scale / 100,
                commune.total_population * scale / 100
            );
        }
        text.push('\n');
    }
    text
}

/// Generates the data set in memory.
pub fn generate(options: &ExampleOptions) -> Result<ExampleData, ExampleError> {
    let set = crate::schema::schemas().map_err(|error| ExampleError::Schemas(error.to_string()))?;
    let schema = |name: &str| {
        set.get(name)
            .ok_or_else(|| ExampleError::Schemas(format!("schéma {name} absent")))
    };
    let demandes = schema("demandes")?;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let communes = communes(options, &mut rng);
    let years = options.first_year..=options.last_year;
    // A few households ask in two communes (they moved, or asked a neighbour's CCAS).
    let travellers: Vec<Household> = (0..(communes.len() * 2).max(4))
        .map(|_| household(&mut rng))
        .collect();
    let mut files = Vec::new();
    for (position, commune) in communes.iter().enumerate() {
        let mut commune_rng = ChaCha8Rng::seed_from_u64(
            options.seed ^ (0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(position as u64 + 1)),
        );
        let per_year = options
            .requests_per_year
            .unwrap_or((commune.municipal_population as usize * 25 / 1000).max(5));
        let mut households: Vec<Household> = Vec::new();
        for year in years.clone() {
            // Activity varies from one year to the next (unless a count was asked for).
            let per_year = match options.requests_per_year {
                Some(count) => count,
                None => (per_year * commune_rng.random_range(85..=115) / 100).max(5),
            };
            let mut requests = Vec::with_capacity(per_year);
            for number in 1..=per_year {
                let home = if !households.is_empty() && commune_rng.random_bool(0.35) {
                    households[commune_rng.random_range(0..households.len())].clone()
                } else if commune_rng.random_bool(0.02) {
                    travellers[commune_rng.random_range(0..travellers.len())].clone()
                } else {
                    let home = household(&mut commune_rng);
                    households.push(home.clone());
                    home
                };
                requests.push(request(
                    demandes,
                    &mut commune_rng,
                    commune,
                    year,
                    number,
                    &home,
                ));
            }
            requests.sort_by(|left, right| left[2].cmp(&right[2]).then(left[1].cmp(&right[1])));
            let grid_only = commune.code == "44221" && year < options.first_year + 2;
            if grid_only {
                files.push(ExampleFile {
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
                    rows: grid_rows(set, demandes, commune, year, &requests),
                });
                continue;
            }
            let format = match commune.code.as_str() {
                "44056" => TableFormat::Ods,
                "44023" => TableFormat::CsvWindows1252,
                _ => TableFormat::Xlsx,
            };
            let touches = position < REAL_COMMUNES.len()
                && options.requests_per_year.is_none_or(|count| count <= 5_000);
            files.push(ExampleFile {
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
                    total_row: touches && position % 2 == 0,
                    dates: if touches {
                        DateStyle::Mixed
                    } else {
                        DateStyle::Cells
                    },
                },
                rows: requests,
            });
        }
    }
    let carrier = communes
        .first()
        .map_or("blain".to_string(), |commune| commune.slug.clone());
    files.push(ExampleFile {
        path: format!("{carrier}/depenses.xlsx"),
        schema: "depenses",
        style: TableStyle {
            format: TableFormat::Xlsx,
            sheet_name: "Dépenses".to_string(),
            title: Some("Dépenses du réseau avancées par le CCAS de Blain".to_string()),
            total_row: true,
            dates: DateStyle::Cells,
        },
        rows: expenses(schema("depenses")?, &mut rng, years.clone()),
    });
    files.push(ExampleFile {
        path: format!("{carrier}/temps_personnel.xlsx"),
        schema: "temps_personnel",
        style: TableStyle {
            format: TableFormat::Xlsx,
            sheet_name: "Temps de personnel".to_string(),
            title: None,
            total_row: false,
            dates: DateStyle::Cells,
        },
        rows: staff_time(schema("temps_personnel")?, &mut rng, years.clone()),
    });
    files.extend(activity::files(
        schema("activite")?,
        schema("acteurs")?,
        &carrier,
        &communes,
        options.last_year,
        options.seed,
    ));
    // The census context of the six communes of the convention is read from INSEE's bases
    // by `contexte` (`sample_data/contexte/contexte-insee-2021.xlsx`); fictional communes
    // get an illustrative one.
    let fictional: Vec<ExampleCommune> =
        communes.iter().skip(REAL_COMMUNES.len()).cloned().collect();
    if !fictional.is_empty() {
        files.push(ExampleFile {
            path: "contexte/contexte-2021.xlsx".to_string(),
            schema: "contexte",
            style: TableStyle {
                format: TableFormat::Xlsx,
                sheet_name: "Contexte".to_string(),
                title: Some(
                    "Recensement de la population 2021 (structure illustrative)".to_string(),
                ),
                total_row: false,
                dates: DateStyle::Cells,
            },
            rows: context(set, &fictional, &mut rng),
        });
    }
    let network_toml = network_toml(&communes, options);
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
