//! The comparison with the reference zones (the carrier's département, France), as the
//! territorial profiles of INSEE and the ORS show it: each commune's requesters beside the
//! population structure of the network, the département and France, and the
//! over-representation index read a second time against the département's structure.
//!
//! Requesters' shares are computed from *published* counts only: when one category of a
//! row is hidden by the statistical secret, every share and index of that row is « s »
//! too (one hidden share would follow from the others, which add up to 100 %). The zones'
//! census figures are public.

use super::charts::{Chart, Series, Shape};
use super::tables::{Shown, Table, View};
use super::Context;
use crate::count::{records::NOT_GIVEN, Unit, NETWORK};
use crate::zones;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A breakdown compared: (table id stem, requests field, census indicator, what).
type Dimension = (&'static str, &'static str, &'static str, &'static str);

/// The breakdowns compared.
const DIMENSIONS: [Dimension; 2] = [
    (
        "ages",
        "tranche_age",
        "population_par_tranche_age",
        "Tranche d'âge",
    ),
    (
        "menages",
        "composition_foyer",
        "menages_par_composition_foyer",
        "Type de ménage",
    ),
];

/// The reference zones of the census vintage, département(s) first, then France.
pub fn reference_zones(context: &Context, vintage: i32) -> Vec<String> {
    let mut found: Vec<String> = context
        .records
        .context
        .iter()
        .filter(|row| row.vintage == vintage && zones::is_zone(&row.commune))
        .map(|row| row.commune.clone())
        .collect();
    found.sort_by_key(|code| (code == zones::FRANCE, code.clone()));
    found.dedup();
    found
}

/// The census counts of a zone (or of the network's communes with data) by modality.
fn census(
    context: &Context,
    vintage: i32,
    indicator: &str,
    communes: &[String],
) -> BTreeMap<String, Decimal> {
    let mut counts = BTreeMap::new();
    for row in context.records.context.iter().filter(|row| {
        row.vintage == vintage && row.indicator == indicator && communes.contains(&row.commune)
    }) {
        *counts.entry(row.modality.clone()).or_default() += row.value;
    }
    counts
}

fn shares(counts: &[Option<Decimal>]) -> Option<Vec<Decimal>> {
    let counts: Vec<Decimal> = counts.iter().copied().collect::<Option<_>>()?;
    let total: Decimal = counts.iter().copied().sum();
    if total.is_zero() {
        return None;
    }
    Some(
        counts
            .iter()
            .map(|count| count * Decimal::ONE_HUNDRED / total)
            .collect(),
    )
}

/// The modalities compared: the breakdown's categories, « Non renseigné » left out.
fn modalities(context: &Context, field: &str) -> Vec<String> {
    context
        .indicators
        .definition(&format!("demandes_par_{field}"))
        .map(|definition| definition.modalities.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|modality| modality != NOT_GIVEN)
        .collect()
}

/// What a row of requester shares shows: the share (or the share ÷ `divisor`, an index),
/// « s » when a category of the row is hidden, « — » when the row has no request of a
/// known category.
fn row_cell(
    shares: Option<&Vec<Decimal>>,
    hidden: bool,
    position: usize,
    divisor: Option<Decimal>,
) -> Shown {
    if hidden {
        return Shown::secret();
    }
    match (shares, divisor) {
        (Some(shares), None) => percent(Some(shares[position])),
        (Some(shares), Some(divisor)) if !divisor.is_zero() => {
            index(Some(shares[position] / divisor))
        }
        _ => Shown::missing(),
    }
}

/// Whether a category of the row is hidden by the secret.
fn row_hidden(view: &View, year: i32, commune: &str, field: &str, modalities: &[String]) -> bool {
    let code = format!("demandes_par_{field}");
    modalities.iter().any(|modality| {
        view.secret
            .is_hidden(&crate::count::Key::new(year, commune, &code, modality))
    })
}

/// Exact shares (%) of the requesters of a row, `None` when any category is hidden.
fn requester_shares(
    view: &View,
    year: i32,
    commune: &str,
    field: &str,
    modalities: &[String],
) -> Option<Vec<Decimal>> {
    let code = format!("demandes_par_{field}");
    let counts: Vec<Option<Decimal>> = modalities
        .iter()
        .map(|modality| {
            view.published(year, commune, &code, modality).or_else(|| {
                // A category nobody asked in: no figure, not a hidden one.
                let key = crate::count::Key::new(year, commune, &code, modality);
                (!view.secret.is_hidden(&key) && !view.indicators.figures.contains_key(&key))
                    .then_some(Decimal::ZERO)
            })
        })
        .collect();
    shares(&counts)
}

fn percent(value: Option<Decimal>) -> Shown {
    value.map_or_else(Shown::secret, |value| {
        Shown::value(value.round_dp(1), Unit::Percent)
    })
}

fn index(value: Option<Decimal>) -> Shown {
    value.map_or_else(Shown::secret, |value| {
        Shown::value(value.round_dp(2), Unit::Index)
    })
}

/// The tables of the comparison: for each breakdown, the shares of requesters of each
/// commune and of the network beside the population of the network, of each zone; then
/// the over-representation index against the département.
pub fn tables(context: &Context, view: &View, vintage: i32) -> Vec<Table> {
    let zones_found = reference_zones(context, vintage);
    if zones_found.is_empty() {
        return Vec::new();
    }
    let mut tables = Vec::new();
    for dimension in DIMENSIONS {
        tables.push(shares_table(
            context,
            view,
            vintage,
            &zones_found,
            dimension,
        ));
        tables.extend(department_index_table(
            context,
            view,
            vintage,
            &zones_found,
            dimension,
        ));
    }
    tables
}

/// The census shares (%) of `members` over the modalities, `None` without population.
fn census_shares(
    context: &Context,
    vintage: i32,
    indicator: &str,
    members: &[String],
    modalities: &[String],
) -> Option<Vec<Decimal>> {
    let counts = census(context, vintage, indicator, members);
    let values: Vec<Option<Decimal>> = modalities
        .iter()
        .map(|modality| counts.get(modality).copied())
        .collect();
    shares(&values)
}

/// The requesters' line of one row: `label`, then per modality their share or, with
/// `divisors`, their share ÷ the divisor (an index); in bold for the network.
fn requester_row(
    view: &View,
    year: i32,
    row: &str,
    label: String,
    (field, modalities): (&str, &[String]),
    divisors: Option<&[Decimal]>,
) -> Vec<Shown> {
    let mut cells = vec![Shown::text(label)];
    if row == NETWORK {
        cells[0].strong = true;
    }
    let shares = requester_shares(view, year, row, field, modalities);
    let hidden = row_hidden(view, year, row, field, modalities);
    let positions = divisors.map_or(modalities.len(), <[Decimal]>::len);
    for position in 0..positions {
        let divisor = divisors.map(|divisors| divisors[position]);
        let shown = row_cell(shares.as_ref(), hidden, position, divisor);
        cells.push(if row == NETWORK {
            shown.strong()
        } else {
            shown
        });
    }
    cells
}

/// The population's lines: the network's communes with data, then each zone.
fn population_rows(
    context: &Context,
    vintage: i32,
    (indicator, modalities): (&str, &[String]),
    communes: Vec<String>,
    zones_found: &[String],
) -> Vec<Vec<Shown>> {
    let mut population_rows: Vec<(String, Vec<String>)> =
        vec![("Population – réseau".to_string(), communes)];
    for zone in zones_found {
        population_rows.push((
            format!(
                "Population – {}",
                zones::zone_label(zone).unwrap_or_else(|| zone.clone())
            ),
            vec![zone.clone()],
        ));
    }
    population_rows
        .into_iter()
        .map(|(label, members)| {
            let population_shares =
                census_shares(context, vintage, indicator, &members, modalities);
            let mut cells = vec![Shown::text(label)];
            for position in 0..modalities.len() {
                cells.push(match &population_shares {
                    Some(shares) => percent(Some(shares[position])),
                    None => Shown::missing(),
                });
            }
            cells
        })
        .collect()
}

/// One breakdown's shares: the requesters of each commune and of the network, then the
/// population of the network and of each zone.
fn shares_table(
    context: &Context,
    view: &View,
    vintage: i32,
    zones_found: &[String],
    (id, field, indicator, what): Dimension,
) -> Table {
    let year = context.year;
    let modalities = modalities(context, field);
    let mut headers = vec![what.to_string()];
    headers.extend(modalities.iter().cloned());
    let rows_of_year = view.rows_of_year(year);
    let mut rows: Vec<Vec<Shown>> = rows_of_year
        .iter()
        .map(|row| {
            let label = format!("Demandeurs – {}", context.name(row));
            requester_row(view, year, row, label, (field, &modalities), None)
        })
        .collect();
    let communes: Vec<String> = rows_of_year
        .iter()
        .filter(|row| *row != NETWORK)
        .cloned()
        .collect();
    rows.extend(population_rows(
        context,
        vintage,
        (indicator, &modalities),
        communes,
        zones_found,
    ));
    Table {
        id: format!("zones-{id}"),
        title: format!(
            "{what} : demandeurs ({year}) et population (recensement {vintage}) – communes, réseau, zones de référence"
        ),
        headers,
        rows,
        note: Some(format!(
            "Parts en % des catégories renseignées. Population : Insee, recensement {vintage}{}.",
            if field == "tranche_age" {
                " ; la première tranche ne compte que les 15-29 ans"
            } else {
                ""
            }
        )),
    }
}

/// The second reading of the index: each row's requesters against the département's
/// structure (none without a département or its population).
fn department_index_table(
    context: &Context,
    view: &View,
    vintage: i32,
    zones_found: &[String],
    (id, field, indicator, _): Dimension,
) -> Option<Table> {
    let year = context.year;
    let modalities = modalities(context, field);
    let department = zones_found.iter().find(|zone| *zone != zones::FRANCE)?;
    let department_shares = census_shares(
        context,
        vintage,
        indicator,
        std::slice::from_ref(department),
        &modalities,
    )?;
    let label = zones::zone_label(department).unwrap_or_else(|| department.clone());
    let rows = view
        .rows_of_year(year)
        .iter()
        .map(|row| {
            requester_row(
                view,
                year,
                row,
                context.name(row),
                (field, &modalities),
                Some(&department_shares),
            )
        })
        .collect();
    let mut index_headers = vec!["Commune".to_string()];
    index_headers.extend(modalities.iter().cloned());
    Some(Table {
        id: format!("surrepresentation-{id}-departement"),
        title: format!(
            "Indice de surreprésentation rapporté à la population de {label} ({year}, recensement {vintage})"
        ),
        headers: index_headers,
        rows,
        note: Some(format!(
            "Part de la catégorie parmi les demandes de la commune ÷ sa part dans la population de {label} : seconde lecture de l'indice, qui compare la commune à son département plutôt qu'à sa propre population."
        )),
    })
}

/// The chart of the age comparison: the network's requesters beside the population of the
/// network and of each zone.
pub fn chart(context: &Context, view: &View, vintage: i32, source_line: &str) -> Option<Chart> {
    let zones_found = reference_zones(context, vintage);
    if zones_found.is_empty() {
        return None;
    }
    let year = context.year;
    let (_, field, indicator, _) = DIMENSIONS[0];
    let modalities = modalities(context, field);
    let communes: Vec<String> = view
        .rows_of_year(year)
        .into_iter()
        .filter(|row| row != NETWORK)
        .collect();
    let series_of = |name: String, shares: Option<Vec<Decimal>>| {
        let rounded: Vec<Option<Decimal>> = (0..modalities.len())
            .map(|position| shares.as_ref().map(|shares| shares[position].round_dp(1)))
            .collect();
        Series {
            name,
            values: rounded
                .iter()
                .map(|value| value.and_then(|value| value.to_f64()))
                .collect(),
            labels: rounded.iter().map(|value| percent(*value).text).collect(),
        }
    };
    let population_shares =
        |members: &[String]| census_shares(context, vintage, indicator, members, &modalities);
    let mut series = vec![
        series_of(
            "Demandeurs du réseau".to_string(),
            requester_shares(view, year, NETWORK, field, &modalities),
        ),
        series_of(
            "Population du réseau".to_string(),
            population_shares(&communes),
        ),
    ];
    for zone in &zones_found {
        let label = if zone == zones::FRANCE {
            "France".to_string()
        } else {
            zone.strip_prefix('D')
                .and_then(zones::department_name)
                .unwrap_or(zone)
                .to_string()
        };
        series.push(series_of(
            format!("Population – {label}"),
            population_shares(std::slice::from_ref(zone)),
        ));
    }
    let description = series
        .iter()
        .map(|series| {
            let values = modalities
                .iter()
                .zip(&series.labels)
                .map(|(modality, label)| format!("{modality} {label}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{} : {values}", series.name)
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    Some(Chart {
        id: "profil-zones".to_string(),
        title: format!(
            "Âge des demandeurs et de la population – réseau et zones de référence, {year}"
        ),
        description: format!("{description}."),
        source: format!("{source_line} ; Insee, recensement {vintage}"),
        shape: Shape::Bars,
        categories: modalities,
        series,
        table_id: "zones-ages".to_string(),
        banner: context.banner(),
    })
}

/// The sources of the census context for the method section.
pub fn sources_text(context: &Context) -> Option<String> {
    let vintage = context.indicators.context_vintages.get(&context.year)?;
    let zones_found = reference_zones(context, *vintage);
    let zones_text = if zones_found.is_empty() {
        String::new()
    } else {
        format!(
            " Zones de référence : {}, sommes des communes du fichier de l'Insee (la France lorsque le fichier est national).",
            zones_found
                .iter()
                .map(|zone| zones::zone_label(zone).unwrap_or_else(|| zone.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Some(format!(
        "Contexte de la population : Insee, recensement de la population {vintage} (exploitations principale et complémentaire), bases communales publiées sur insee.fr sous les titres « Évolution et structure de la population » (âges, variables P{y:02}_POP…) et « Couples - Familles - Ménages » (ménages, variables C{y:02}_MEN…), ou le « Dossier complet » qui les réunit. Les valeurs de l'Insee sont des estimations pondérées avec décimales : elles sont additionnées exactement (tranches, « Autre ménage » = ménages moins les quatre types, zones de référence), puis arrondies à l'unité, la moitié au-dessus. La tranche « Moins de 30 ans » est comparée aux 15-29 ans : les demandeurs sont majeurs.{zones_text} Les populations légales qui servent de clé et de dénominateur aux taux viennent de la page « Populations légales ».",
        y = vintage.rem_euclid(100)
    ))
}
