//! Derived indicators, computed once every count is known: the share of requests granted,
//! the rates per 1 000 inhabitants and the over-representation indices. Each one records
//! the cells it is made from, so the secret hides it with them.

use super::definitions::GRANTED_DECISIONS;
use super::indicators::{whole, Figure, Key, Source};
use super::records::Records;
use super::NETWORK;
use crate::network::Network;
use crate::schema::TOTAL_MODALITY;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The vintages each year's derived values used: the population's (rates) and the
/// census context's (over-representation).
#[derive(Debug, Default)]
pub(super) struct Vintages {
    pub population: BTreeMap<i32, i32>,
    pub context: BTreeMap<i32, i32>,
}

/// Adds the derived values of every year, over the year's communes with data and the
/// network.
pub(super) fn add_derived(
    figures: &mut BTreeMap<Key, Figure>,
    records: &Records,
    network: &Network,
    years: &[i32],
    communes: &[String],
    sources: &BTreeMap<(i32, String), Source>,
) -> Vintages {
    let mut vintages = Vintages::default();
    for year in years {
        let mut rows: Vec<String> = communes
            .iter()
            .filter(|commune| sources.contains_key(&(*year, (*commune).clone())))
            .cloned()
            .collect();
        rows.push(NETWORK.to_string());
        add_shares(figures, *year, &rows);
        if let Some(vintage) = add_rates(figures, network, *year, &rows) {
            vintages.population.insert(*year, vintage);
        }
        if let Some(vintage) = add_over_representation(figures, records, *year, &rows) {
            vintages.context.insert(*year, vintage);
        }
    }
    vintages
}

/// The share of requests granted (totally or partly), in percent to one decimal, where
/// the decisions are known.
fn add_shares(figures: &mut BTreeMap<Key, Figure>, year: i32, rows: &[String]) {
    for commune in rows {
        let Some(requests) = figures
            .get(&Key::new(year, commune, "demandes", TOTAL_MODALITY))
            .map(|figure| figure.value)
        else {
            continue;
        };
        if requests.is_zero() {
            continue;
        }
        let mut granted = Decimal::ZERO;
        let mut depends_on = vec![Key::new(year, commune, "demandes", TOTAL_MODALITY)];
        let mut found = false;
        for decision in GRANTED_DECISIONS {
            let key = Key::new(year, commune, "demandes_par_decision", decision);
            if let Some(figure) = figures.get(&key) {
                granted += figure.value;
                found = true;
            }
            depends_on.push(key);
        }
        if !found {
            continue;
        }
        let share = (granted * Decimal::ONE_HUNDRED / requests).round_dp(1);
        figures.insert(
            Key::new(year, commune, "part_demandes_accordees", TOTAL_MODALITY),
            Figure {
                value: share,
                basis: whole(requests),
                depends_on,
                largest: None,
                observations: 0,
            },
        );
    }
}

/// Rates per 1 000 inhabitants with the population vintage in force on 1 January of the
/// year; returns the vintage's millésime.
fn add_rates(
    figures: &mut BTreeMap<Key, Figure>,
    network: &Network,
    year: i32,
    rows: &[String],
) -> Option<i32> {
    let first_day = chrono::NaiveDate::from_ymd_opt(year, 1, 1)?;
    let vintage = network.vintage_on(first_day)?;
    let mut network_population = 0u64;
    for commune in rows.iter().filter(|commune| *commune != NETWORK) {
        network_population += network.population_of(vintage, commune).unwrap_or(0);
    }
    for commune in rows {
        let population = if commune == NETWORK {
            network_population
        } else {
            match network.population_of(vintage, commune) {
                Some(population) => population,
                None => continue,
            }
        };
        if population == 0 {
            continue;
        }
        for (count_code, rate_code) in [
            ("demandes", "demandes_pour_1000_habitants"),
            ("foyers_distincts", "foyers_pour_1000_habitants"),
        ] {
            let count_key = Key::new(year, commune, count_code, TOTAL_MODALITY);
            let Some(count) = figures.get(&count_key) else {
                continue;
            };
            let rate = (count.value * Decimal::from(1000) / Decimal::from(population)).round_dp(1);
            let basis = count.basis;
            figures.insert(
                Key::new(year, commune, rate_code, TOTAL_MODALITY),
                Figure {
                    value: rate,
                    basis,
                    depends_on: vec![count_key],
                    largest: None,
                    observations: 0,
                },
            );
        }
    }
    Some(vintage.vintage)
}

/// Over-representation index: a category's share among requests ÷ its share in the
/// census, with the latest `contexte` vintage not after the year (else the earliest one);
/// returns that vintage.
fn add_over_representation(
    figures: &mut BTreeMap<Key, Figure>,
    records: &Records,
    year: i32,
    rows: &[String],
) -> Option<i32> {
    let vintage = context_vintage(records, year)?;
    for (field, context_code) in [
        ("tranche_age", "population_par_tranche_age"),
        ("composition_foyer", "menages_par_composition_foyer"),
    ] {
        let comparison = Comparison {
            year,
            vintage,
            context_code,
            request_code: format!("demandes_par_{field}"),
            index_code: format!("indice_surrepresentation_par_{field}"),
            communes_with_context: records
                .context
                .iter()
                .filter(|row| row.vintage == vintage && row.indicator == context_code)
                .map(|row| row.commune.as_str())
                .collect(),
        };
        for commune in rows {
            comparison.add_indices(figures, records, commune, rows);
        }
    }
    Some(vintage)
}

/// The latest `contexte` vintage not after `year`, else the earliest one.
fn context_vintage(records: &Records, year: i32) -> Option<i32> {
    let vintages: BTreeSet<i32> = records.context.iter().map(|row| row.vintage).collect();
    vintages
        .range(..=year)
        .next_back()
        .or_else(|| vintages.iter().next())
        .copied()
}

/// One census breakdown of a year, set against the requests' breakdown by the same field.
struct Comparison<'a> {
    year: i32,
    vintage: i32,
    /// The `contexte` indicator (population or households by category).
    context_code: &'a str,
    /// The requests' breakdown (`demandes_par_…`).
    request_code: String,
    /// The index computed (`indice_surrepresentation_par_…`).
    index_code: String,
    /// The communes the census vintage covers.
    communes_with_context: BTreeSet<&'a str>,
}

impl Comparison<'_> {
    /// The indices of one row (a commune, or the network), when both sides have a total.
    fn add_indices(
        &self,
        figures: &mut BTreeMap<Key, Figure>,
        records: &Records,
        commune: &String,
        rows: &[String],
    ) {
        let census = self.census(records, commune, rows);
        let census_total: Decimal = census.values().copied().sum();
        if census_total.is_zero() {
            return;
        }
        let requests = self.requests(figures, commune, rows, census.keys().copied());
        let request_total: Decimal = requests.values().map(|(count, _)| *count).sum();
        if request_total.is_zero() {
            return;
        }
        // The index uses the row's total over known categories: a hidden cell of the
        // row could be found from the other indices, so each index depends on them all.
        let row_keys: Vec<Key> = requests.values().map(|(_, key)| key.clone()).collect();
        for (modality, (count, _)) in requests {
            let Some(population) = census.get(modality.as_str()).copied() else {
                continue;
            };
            if population.is_zero() {
                continue;
            }
            let request_share = count / request_total;
            let population_share = population / census_total;
            let index = (request_share / population_share).round_dp(2);
            figures.insert(
                Key::new(self.year, commune, &self.index_code, &modality),
                Figure {
                    value: index,
                    basis: whole(count),
                    depends_on: row_keys.clone(),
                    largest: None,
                    observations: 0,
                },
            );
        }
    }

    /// The census side by category: the commune's, or the sum over the communes with
    /// requests for the network.
    fn census<'r>(
        &self,
        records: &'r Records,
        commune: &String,
        rows: &[String],
    ) -> BTreeMap<&'r str, Decimal> {
        let mut census: BTreeMap<&str, Decimal> = BTreeMap::new();
        for row in records.context.iter().filter(|row| {
            row.vintage == self.vintage
                && row.indicator == self.context_code
                && (row.commune == *commune || (commune == NETWORK && rows.contains(&row.commune)))
        }) {
            *census.entry(row.modality.as_str()).or_default() += row.value;
        }
        census
    }

    /// The request side by category, over the same communes as the census and its known
    /// categories only, with the key of the row's cell.
    fn requests<'c>(
        &self,
        figures: &BTreeMap<Key, Figure>,
        commune: &String,
        rows: &[String],
        categories: impl Iterator<Item = &'c str>,
    ) -> BTreeMap<String, (Decimal, Key)> {
        let cell_communes: Vec<&str> = if commune == NETWORK {
            rows.iter()
                .filter(|row| *row != NETWORK && self.communes_with_context.contains(row.as_str()))
                .map(String::as_str)
                .collect()
        } else {
            vec![commune.as_str()]
        };
        let mut requests: BTreeMap<String, (Decimal, Key)> = BTreeMap::new();
        for modality in categories {
            let mut sum = Decimal::ZERO;
            for cell_commune in &cell_communes {
                if let Some(figure) = figures.get(&Key::new(
                    self.year,
                    cell_commune,
                    &self.request_code,
                    modality,
                )) {
                    sum += figure.value;
                }
            }
            requests.insert(
                modality.to_string(),
                (
                    sum,
                    Key::new(self.year, commune, &self.request_code, modality),
                ),
            );
        }
        requests
    }
}
