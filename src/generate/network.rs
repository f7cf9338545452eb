//! The files of the network as a whole: the carrier's expenses and staff time, the
//! census context of fictional communes, and `reseau.toml`.

use super::{
    category, euros, ExampleCommune, ExampleError, ExampleFile, ExampleOptions, REAL_COMMUNES,
};
use crate::check::Value;
use crate::french::money;
use crate::schema::{Schema, SchemaSet};
use crate::sheet::writers::{DateStyle, TableFormat, TableStyle};
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// The network-wide files, after the communes' ones: the expenses and staff time of the
/// carrier (the first commune) and, when there are fictional communes, their context.
pub(super) fn network_files(
    set: &'static SchemaSet,
    communes: &[ExampleCommune],
    options: &ExampleOptions,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<ExampleFile>, ExampleError> {
    let schema = |name: &str| {
        set.get(name)
            .ok_or_else(|| ExampleError::Schemas(format!("schéma {name} absent")))
    };
    let years = options.first_year..=options.last_year;
    let carrier = communes
        .first()
        .map_or("blain".to_string(), |commune| commune.slug.clone());
    let mut files = vec![
        ExampleFile {
            path: format!("{carrier}/depenses.xlsx"),
            schema: "depenses",
            style: TableStyle {
                format: TableFormat::Xlsx,
                sheet_name: "Dépenses".to_string(),
                title: Some("Dépenses du réseau avancées par le CCAS de Blain".to_string()),
                total_row: true,
                dates: DateStyle::Cells,
            },
            rows: expenses(schema("depenses")?, rng, years.clone()),
        },
        ExampleFile {
            path: format!("{carrier}/temps_personnel.xlsx"),
            schema: "temps_personnel",
            style: TableStyle {
                format: TableFormat::Xlsx,
                sheet_name: "Temps de personnel".to_string(),
                title: None,
                total_row: false,
                dates: DateStyle::Cells,
            },
            rows: staff_time(schema("temps_personnel")?, rng, years),
        },
    ];
    files.extend(super::activity::files(
        schema("activite")?,
        schema("acteurs")?,
        &carrier,
        communes,
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
            rows: context(set, &fictional, rng),
        });
    }
    Ok(files)
}

/// The network's action lines, as in the `depenses` schema.
const ACTION_LINES: [&str; 4] = [
    "Dynamique Inter-CCAS",
    "Observation sociale",
    "Journée annuelle",
    "Fonctionnement commun",
];

/// The network's expenses advanced by the carrier, eight a year, sorted by date.
pub(super) fn expenses(
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

/// The carrier's staff time on the network's action lines, four lines a year.
pub(super) fn staff_time(
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

/// An illustrative census context for `communes`: population, households, age bands and
/// household types, with a few percent of jitter.
fn context(set: &SchemaSet, communes: &[ExampleCommune], rng: &mut ChaCha8Rng) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    for commune in communes {
        let population = commune.municipal_population;
        let households = population * 10 / 24;
        for indicator in &set.indicators.context {
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

/// The `reseau.toml` of the generated network: its members, conventions, budgets,
/// annual days and two vintages of populations.
pub(super) fn network_toml(communes: &[ExampleCommune], options: &ExampleOptions) -> String {
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
