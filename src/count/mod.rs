//! Counting: the indicators of the report, per commune, per year and for the network
//! (`RESEAU`), from the requests (`demandes`) or, for a commune-year without forms, from
//! the annual grid (`grille`).
//!
//! Additive indicators (counts, sums of euros) are grouped with polars ([`frame`]);
//! ratios, medians and rates are computed afterwards in exact decimals, so that euros never
//! pass through floating point.

pub mod frame;
pub mod records;

use crate::network::Network;
use crate::schema::{SchemaSet, TOTAL_MODALITY};
use polars::prelude::{col, len, IntoLazy, PolarsError};
use records::{Records, Request, NOT_GIVEN};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// `code_commune` of the network's own rows.
pub const NETWORK: &str = "RESEAU";

/// Errors of the counting stage (a polars failure is a bug, reported as such).
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    #[error("erreur interne du calcul des indicateurs ({0})")]
    Frame(#[from] PolarsError),
    #[error("erreur interne : {0}")]
    Internal(String),
}

/// What a value measures, which decides how it is formatted and protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Unit {
    Requests,
    Households,
    Euros,
    Percent,
    Days,
    PerThousand,
    Index,
    EurosPerDay,
}

impl Unit {
    /// Whether the value is a count (its own primary-secret basis).
    pub fn is_count(self) -> bool {
        matches!(self, Unit::Requests | Unit::Households)
    }

    /// The unit as written in the report.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Requests => "demandes",
            Unit::Households => "foyers",
            Unit::Euros => "euros",
            Unit::Percent => "%",
            Unit::Days => "jours",
            Unit::PerThousand => "pour 1 000 habitants",
            Unit::Index => "indice",
            Unit::EurosPerDay => "euros par jour et par unité de consommation",
        }
    }
}

/// How an indicator's cells relate to each other, for the secondary secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// Adds up over communes (into `RESEAU`) and, when broken down, over modalities (into
    /// `total_code`'s value).
    Additive,
    /// A ratio, median or rate: hidden when its basis is small or a cell it is made of is.
    Derived,
}

/// One indicator of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub code: String,
    pub label: String,
    pub unit: Unit,
    pub kind: Kind,
    /// Modalities in display order (`["Total"]` without breakdown).
    pub modalities: Vec<String>,
    /// For a breakdown, the indicator whose `Total` its modalities add up to.
    pub total_code: Option<String>,
    /// Whether the grid carries it (the DOMAIN catalogue).
    pub in_catalogue: bool,
}

/// Bands of the *reste à vivre* per day and per consumption unit.
pub const REMAINING_BANDS: [&str; 6] = [
    "Moins de 5 €",
    "De 5 à moins de 10 €",
    "De 10 à moins de 15 €",
    "De 15 à moins de 20 €",
    "20 € ou plus",
    "Non calculable",
];

fn remaining_band(value: Option<Decimal>) -> &'static str {
    let Some(value) = value else {
        return REMAINING_BANDS[5];
    };
    let thresholds = [5, 10, 15, 20];
    for (position, threshold) in thresholds.iter().enumerate() {
        if value < Decimal::from(*threshold) {
            return REMAINING_BANDS[position];
        }
    }
    REMAINING_BANDS[4]
}

/// Decisions counted as granting aid.
pub const GRANTED_DECISIONS: [&str; 2] = ["Accordée", "Accordée partiellement"];

/// The indicators of the report: the catalogue of `schemas/indicateurs.json` followed by
/// the report's own.
pub fn definitions(schemas: &SchemaSet) -> Vec<Definition> {
    let mut list = Vec::new();
    for indicator in &schemas.indicators.indicateurs {
        let mut modalities = schemas.modalities(indicator);
        if indicator.ventilation.is_some() && !modalities.iter().any(|label| label == NOT_GIVEN) {
            modalities.push(NOT_GIVEN.to_string());
        }
        let unit = match indicator.unite.as_str() {
            "euros" => Unit::Euros,
            "foyers" => Unit::Households,
            _ => Unit::Requests,
        };
        let total_code = indicator.ventilation.as_ref().map(|_| {
            if unit == Unit::Euros {
                "montant_accorde".to_string()
            } else {
                "demandes".to_string()
            }
        });
        list.push(Definition {
            code: indicator.code.clone(),
            label: indicator.libelle.clone(),
            unit,
            kind: Kind::Additive,
            modalities,
            total_code,
            in_catalogue: true,
        });
    }
    let natures = schemas
        .indicator("montant_accorde_par_nature_aide", false)
        .map(|indicator| schemas.modalities(indicator))
        .unwrap_or_default();
    let total = || vec![TOTAL_MODALITY.to_string()];
    let own =
        |code: &str, label: &str, unit: Unit, kind: Kind, modalities: Vec<String>| Definition {
            code: code.to_string(),
            label: label.to_string(),
            unit,
            kind,
            total_code: None,
            modalities,
            in_catalogue: false,
        };
    list.push(own(
        "foyers_demandes_multiples",
        "Foyers ayant demandé plusieurs fois dans l'année",
        Unit::Households,
        Kind::Additive,
        total(),
    ));
    list.push(own(
        "foyers_plusieurs_communes",
        "Foyers vus dans deux communes du réseau ou plus",
        Unit::Households,
        Kind::Additive,
        total(),
    ));
    let mut remaining = own(
        "demandes_par_reste_a_vivre",
        "Demandes selon le reste à vivre par jour et par unité de consommation",
        Unit::Requests,
        Kind::Additive,
        REMAINING_BANDS
            .iter()
            .map(|band| band.to_string())
            .collect(),
    );
    remaining.total_code = Some("demandes".to_string());
    list.push(remaining);
    list.push(own(
        "part_demandes_accordees",
        "Part des demandes accordées (totalement ou partiellement)",
        Unit::Percent,
        Kind::Derived,
        total(),
    ));
    list.push(own(
        "montant_median_par_nature_aide",
        "Montant médian accordé selon la nature de l'aide",
        Unit::Euros,
        Kind::Derived,
        natures,
    ));
    list.push(own(
        "delai_median_decision",
        "Délai médian entre la demande et la décision",
        Unit::Days,
        Kind::Derived,
        total(),
    ));
    list.push(own(
        "reste_a_vivre_median",
        "Reste à vivre médian par jour et par unité de consommation",
        Unit::EurosPerDay,
        Kind::Derived,
        total(),
    ));
    list.push(own(
        "demandes_pour_1000_habitants",
        "Demandes pour 1 000 habitants",
        Unit::PerThousand,
        Kind::Derived,
        total(),
    ));
    list.push(own(
        "foyers_pour_1000_habitants",
        "Foyers demandeurs pour 1 000 habitants",
        Unit::PerThousand,
        Kind::Derived,
        total(),
    ));
    for (field, label) in [
        ("tranche_age", "tranche d'âge"),
        ("composition_foyer", "composition du foyer"),
    ] {
        let categories = schemas
            .get("demandes")
            .and_then(|schema| {
                schema
                    .fields
                    .iter()
                    .find(|candidate| candidate.name == field)
            })
            .and_then(|field| field.categories())
            .map(<[String]>::to_vec)
            .unwrap_or_default();
        list.push(own(
            &format!("indice_surrepresentation_par_{field}"),
            &format!("Indice de surreprésentation des demandeurs selon la {label} (1 = comme la population)"),
            Unit::Index,
            Kind::Derived,
            categories,
        ));
    }
    list
}

/// Where a commune-year's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Source {
    Forms,
    Grid,
}

/// The address of one value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub year: i32,
    pub commune: String,
    pub indicator: String,
    pub modality: String,
}

impl Key {
    pub fn new(year: i32, commune: &str, indicator: &str, modality: &str) -> Key {
        Key {
            year,
            commune: commune.to_string(),
            indicator: indicator.to_string(),
            modality: modality.to_string(),
        }
    }
}

/// One value and what stands behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Decimal,
    /// The number of households (or requests, for counts of requests) the value is made
    /// from: the primary secret hides the value when it is below the threshold.
    pub basis: u64,
    /// The cells this value is computed from (a rate from its count, a share from its
    /// counts): hidden whenever one of them is.
    pub depends_on: Vec<Key>,
    /// For an amount: the largest part of it that one household holds (the dominance
    /// rule), when the requests are known.
    pub largest: Option<Decimal>,
    /// For a median: the number of values it rests on.
    pub observations: u64,
}

/// One difference between a commune's forms and its grid for the same year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discrepancy {
    pub year: i32,
    pub commune: String,
    pub indicator: String,
    pub modality: String,
    pub grid: Option<Decimal>,
    pub forms: Option<Decimal>,
}

/// The comparison of forms and grid for one commune-year that sent both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consistency {
    pub year: i32,
    pub commune: String,
    pub cells_compared: usize,
    pub differences: Vec<Discrepancy>,
}

/// Every figure of the report, before the statistical secret.
#[derive(Debug, Clone)]
pub struct Indicators {
    pub definitions: Vec<Definition>,
    pub figures: BTreeMap<Key, Figure>,
    /// The years present, ascending.
    pub years: Vec<i32>,
    /// Communes (INSEE codes) with data, in the network's member order.
    pub communes: Vec<String>,
    /// The source of each commune-year.
    pub sources: BTreeMap<(i32, String), Source>,
    /// Forms versus grid, where a commune-year has both.
    pub consistency: Vec<Consistency>,
    /// The population vintage (millésime) used for each year's rates.
    pub vintages: BTreeMap<i32, i32>,
    /// The census vintage of `contexte` used for each year's over-representation.
    pub context_vintages: BTreeMap<i32, i32>,
}

impl Indicators {
    pub fn definition(&self, code: &str) -> Option<&Definition> {
        self.definitions
            .iter()
            .find(|definition| definition.code == code)
    }

    pub fn get(
        &self,
        year: i32,
        commune: &str,
        indicator: &str,
        modality: &str,
    ) -> Option<&Figure> {
        self.figures
            .get(&Key::new(year, commune, indicator, modality))
    }

    /// The rows of every commune then the network, in display order.
    pub fn rows(&self) -> Vec<String> {
        let mut rows = self.communes.clone();
        rows.push(NETWORK.to_string());
        rows
    }
}

/// The whole part of a non-negative value, 0 otherwise.
pub fn whole(value: Decimal) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    value.trunc().to_u64().unwrap_or(0)
}

fn count_figure(value: u64) -> Figure {
    Figure {
        value: Decimal::from(value),
        basis: value,
        depends_on: Vec::new(),
        largest: None,
        observations: 0,
    }
}

fn as_u64(value: Option<i64>) -> u64 {
    value
        .and_then(|value| u64::try_from(value).ok())
        .unwrap_or(0)
}

/// The median of exact values (mean of the two middle ones for an even count).
pub fn median(values: &mut [Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values.get(middle).copied()
    } else {
        let low = *values.get(middle - 1)?;
        let high = *values.get(middle)?;
        Some((low + high) / Decimal::TWO)
    }
}

/// Computes every indicator from the accepted records.
pub fn count(
    records: &Records,
    network: &Network,
    schemas: &SchemaSet,
) -> Result<Indicators, CountError> {
    let definitions = definitions(schemas);
    let categorical = schemas
        .get("demandes")
        .map(records::categorical_fields)
        .unwrap_or_default();
    let mut figures: BTreeMap<Key, Figure> = BTreeMap::new();

    // Which commune-years have forms, which only a grid.
    let mut sources: BTreeMap<(i32, String), Source> = BTreeMap::new();
    for request in &records.requests {
        sources.insert((request.year, request.commune.clone()), Source::Forms);
    }
    for row in &records.grid {
        sources
            .entry((row.year, row.commune.clone()))
            .or_insert(Source::Grid);
    }
    let years: Vec<i32> = sources
        .keys()
        .map(|(year, _)| *year)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let present: BTreeSet<&String> = sources.keys().map(|(_, commune)| commune).collect();
    let mut communes: Vec<String> = network
        .members
        .iter()
        .filter(|member| present.contains(&member.code))
        .map(|member| member.code.clone())
        .collect();
    for commune in present {
        if !communes.contains(commune) {
            communes.push(commune.clone());
        }
    }

    // Forms: additive indicators through polars, per commune and for the network.
    let frame = frame::requests_frame(&records.requests, &categorical)?;
    let granted_households = col(frame::HOUSEHOLD)
        .filter(col(frame::GRANTED_CENTS).is_not_null())
        .n_unique();
    for per_commune in [true, false] {
        let keys: Vec<&str> = if per_commune {
            vec![frame::YEAR, frame::COMMUNE]
        } else {
            vec![frame::YEAR]
        };
        let place = |group: &frame::Group| -> Option<(i32, String)> {
            let year = group.keys.first()?.parse().ok()?;
            let commune = if per_commune {
                group.keys.get(1)?.clone()
            } else {
                NETWORK.to_string()
            };
            Some((year, commune))
        };
        for group in frame::aggregate(
            frame.clone().lazy(),
            &keys,
            vec![
                len(),
                col(frame::HOUSEHOLD).n_unique(),
                col(frame::GRANTED_CENTS).sum(),
                granted_households.clone(),
            ],
        )? {
            let Some((year, commune)) = place(&group) else {
                continue;
            };
            let value = |position: usize| group.values.get(position).copied().flatten();
            figures.insert(
                Key::new(year, &commune, "demandes", TOTAL_MODALITY),
                count_figure(as_u64(value(0))),
            );
            figures.insert(
                Key::new(year, &commune, "foyers_distincts", TOTAL_MODALITY),
                count_figure(as_u64(value(1))),
            );
            figures.insert(
                Key::new(year, &commune, "montant_accorde", TOTAL_MODALITY),
                Figure {
                    value: Decimal::new(value(2).unwrap_or(0), 2),
                    basis: as_u64(value(3)),
                    depends_on: Vec::new(),
                    largest: None,
                    observations: 0,
                },
            );
        }
        for field in &categorical {
            let mut field_keys = keys.clone();
            field_keys.push(field.as_str());
            let is_nature = field == "nature_aide";
            for group in frame::aggregate(
                frame.clone().lazy(),
                &field_keys,
                vec![
                    len(),
                    col(frame::GRANTED_CENTS).sum(),
                    granted_households.clone(),
                ],
            )? {
                let (Some((year, commune)), Some(modality)) = (place(&group), group.keys.last())
                else {
                    continue;
                };
                let value = |position: usize| group.values.get(position).copied().flatten();
                figures.insert(
                    Key::new(year, &commune, &format!("demandes_par_{field}"), modality),
                    count_figure(as_u64(value(0))),
                );
                if is_nature {
                    figures.insert(
                        Key::new(year, &commune, "montant_accorde_par_nature_aide", modality),
                        Figure {
                            value: Decimal::new(value(1).unwrap_or(0), 2),
                            basis: as_u64(value(2)),
                            depends_on: Vec::new(),
                            largest: None,
                            observations: 0,
                        },
                    );
                }
            }
        }
        for (code, groups) in [
            (
                "foyers_demandes_multiples",
                frame::repeat_households(&frame, &keys)?,
            ),
            (
                "foyers_plusieurs_communes",
                frame::households_in_several_communes(&frame, &keys)?,
            ),
        ] {
            for group in groups {
                if let Some((year, commune)) = place(&group) {
                    figures.insert(
                        Key::new(year, &commune, code, TOTAL_MODALITY),
                        count_figure(as_u64(group.values.first().copied().flatten())),
                    );
                }
            }
        }
    }

    // Forms: medians and bands, in exact decimals.
    let mut by_place: BTreeMap<(i32, String), Vec<&Request>> = BTreeMap::new();
    for request in &records.requests {
        by_place
            .entry((request.year, request.commune.clone()))
            .or_default()
            .push(request);
        by_place
            .entry((request.year, NETWORK.to_string()))
            .or_default()
            .push(request);
    }
    for ((year, commune), requests) in &by_place {
        add_form_medians(&mut figures, *year, commune, requests, &definitions);
    }

    add_largest_parts(&mut figures, records);

    // Zero cells for breakdowns of commune-years with forms, so that tables are complete.
    let form_places: Vec<(i32, String)> = by_place.keys().cloned().collect();
    for (year, commune) in &form_places {
        for definition in definitions
            .iter()
            .filter(|definition| definition.kind == Kind::Additive)
        {
            for modality in &definition.modalities {
                figures
                    .entry(Key::new(*year, commune, &definition.code, modality))
                    .or_insert_with(|| count_figure(0));
            }
        }
    }

    // Grid: the catalogue's codes for a commune-year without forms, added to the network.
    let mut consistency: BTreeMap<(i32, String), Consistency> = BTreeMap::new();
    for row in &records.grid {
        let place = (row.year, row.commune.clone());
        let Some(definition) = definitions
            .iter()
            .find(|definition| definition.in_catalogue && definition.code == row.indicator)
        else {
            continue;
        };
        match sources.get(&place) {
            Some(Source::Grid) => {
                let basis = if definition.unit == Unit::Euros {
                    grid_basis(records, row)
                } else {
                    whole(row.value)
                };
                let key = Key::new(row.year, &row.commune, &row.indicator, &row.modality);
                let figure = figures.entry(key).or_insert_with(|| Figure {
                    value: Decimal::ZERO,
                    basis: 0,
                    depends_on: Vec::new(),
                    largest: None,
                    observations: 0,
                });
                figure.value += row.value;
                figure.basis += basis;
                let network_key = Key::new(row.year, NETWORK, &row.indicator, &row.modality);
                let network_figure = figures.entry(network_key).or_insert_with(|| Figure {
                    value: Decimal::ZERO,
                    basis: 0,
                    depends_on: Vec::new(),
                    largest: None,
                    observations: 0,
                });
                network_figure.value += row.value;
                network_figure.basis += basis;
            }
            Some(Source::Forms) => {
                let entry = consistency.entry(place.clone()).or_insert(Consistency {
                    year: row.year,
                    commune: row.commune.clone(),
                    cells_compared: 0,
                    differences: Vec::new(),
                });
                entry.cells_compared += 1;
                let forms = figures
                    .get(&Key::new(
                        row.year,
                        &row.commune,
                        &row.indicator,
                        &row.modality,
                    ))
                    .map(|figure| figure.value);
                if forms.unwrap_or(Decimal::ZERO) != row.value {
                    entry.differences.push(Discrepancy {
                        year: row.year,
                        commune: row.commune.clone(),
                        indicator: row.indicator.clone(),
                        modality: row.modality.clone(),
                        grid: Some(row.value),
                        forms,
                    });
                }
            }
            None => {}
        }
    }
    // Cells the forms have but the grid does not mention are differences too.
    for entry in consistency.values_mut() {
        let mentioned: BTreeSet<(&str, &str)> = records
            .grid
            .iter()
            .filter(|row| row.year == entry.year && row.commune == entry.commune)
            .map(|row| (row.indicator.as_str(), row.modality.as_str()))
            .collect();
        for (key, figure) in figures.range(
            Key::new(entry.year, &entry.commune, "", "")..Key::new(entry.year + 1, "", "", ""),
        ) {
            let in_catalogue = definitions
                .iter()
                .any(|definition| definition.in_catalogue && definition.code == key.indicator);
            if key.commune == entry.commune
                && in_catalogue
                && !figure.value.is_zero()
                && !mentioned.contains(&(key.indicator.as_str(), key.modality.as_str()))
            {
                entry.differences.push(Discrepancy {
                    year: key.year,
                    commune: key.commune.clone(),
                    indicator: key.indicator.clone(),
                    modality: key.modality.clone(),
                    grid: None,
                    forms: Some(figure.value),
                });
            }
        }
    }

    // Derived values that need totals: share granted, rates, over-representation.
    let mut vintages = BTreeMap::new();
    let mut context_vintages = BTreeMap::new();
    for year in &years {
        let mut rows: Vec<String> = communes
            .iter()
            .filter(|commune| sources.contains_key(&(*year, (*commune).clone())))
            .cloned()
            .collect();
        rows.push(NETWORK.to_string());
        add_shares(&mut figures, *year, &rows);
        if let Some(vintage) = add_rates(&mut figures, network, *year, &rows) {
            vintages.insert(*year, vintage);
        }
        if let Some(vintage) = add_over_representation(&mut figures, records, *year, &rows) {
            context_vintages.insert(*year, vintage);
        }
    }

    Ok(Indicators {
        definitions,
        figures,
        years,
        communes,
        sources,
        consistency: consistency.into_values().collect(),
        vintages,
        context_vintages,
    })
}

/// For an amount in a grid, the households behind it are not known: the number of
/// requests of the same nature (or in total) in the same grid stands in for them.
fn grid_basis(records: &Records, row: &records::GridRow) -> u64 {
    let counterpart = if row.indicator == "montant_accorde" {
        ("demandes", TOTAL_MODALITY)
    } else {
        ("demandes_par_nature_aide", row.modality.as_str())
    };
    records
        .grid
        .iter()
        .filter(|other| {
            other.year == row.year
                && other.commune == row.commune
                && other.indicator == counterpart.0
                && other.modality == counterpart.1
        })
        .map(|other| whole(other.value))
        .sum()
}

fn distinct_households(requests: &[&Request]) -> u64 {
    let set: BTreeSet<&str> = requests
        .iter()
        .map(|request| request.household_pseudonym.as_str())
        .collect();
    set.len() as u64
}

fn add_form_medians(
    figures: &mut BTreeMap<Key, Figure>,
    year: i32,
    commune: &str,
    requests: &[&Request],
    definitions: &[Definition],
) {
    // Median amount granted by nature of aid.
    let natures = definitions
        .iter()
        .find(|definition| definition.code == "montant_median_par_nature_aide")
        .map(|definition| definition.modalities.clone())
        .unwrap_or_default();
    for nature in &natures {
        let granted: Vec<&Request> = requests
            .iter()
            .filter(|request| {
                request.category("nature_aide") == nature && request.amount_granted.is_some()
            })
            .copied()
            .collect();
        let mut amounts: Vec<Decimal> = granted
            .iter()
            .filter_map(|request| request.amount_granted)
            .collect();
        let observations = amounts.len() as u64;
        if let Some(value) = median(&mut amounts) {
            figures.insert(
                Key::new(year, commune, "montant_median_par_nature_aide", nature),
                Figure {
                    value: round_to(value, MEDIAN_AMOUNT_STEP),
                    basis: distinct_households(&granted),
                    depends_on: Vec::new(),
                    largest: None,
                    observations,
                },
            );
        }
    }
    // Median decision delay.
    let decided: Vec<&Request> = requests
        .iter()
        .filter(|request| request.decision_delay_days().is_some())
        .copied()
        .collect();
    let mut delays: Vec<Decimal> = decided
        .iter()
        .filter_map(|request| request.decision_delay_days().map(Decimal::from))
        .collect();
    let observations = delays.len() as u64;
    if let Some(value) = median(&mut delays) {
        figures.insert(
            Key::new(year, commune, "delai_median_decision", TOTAL_MODALITY),
            Figure {
                value: round_to(value, Decimal::ONE),
                basis: distinct_households(&decided),
                depends_on: Vec::new(),
                largest: None,
                observations,
            },
        );
    }
    // Reste à vivre: distribution by band and median.
    let mut remaining = Vec::new();
    let mut known = Vec::new();
    for request in requests {
        let value = request.remaining_per_day_per_unit();
        let band = remaining_band(value);
        figures
            .entry(Key::new(year, commune, "demandes_par_reste_a_vivre", band))
            .or_insert_with(|| count_figure(0))
            .value += Decimal::ONE;
        if let Some(value) = value {
            remaining.push(value);
            known.push(*request);
        }
    }
    for band in REMAINING_BANDS {
        if let Some(figure) =
            figures.get_mut(&Key::new(year, commune, "demandes_par_reste_a_vivre", band))
        {
            figure.basis = whole(figure.value);
        }
    }
    let observations = remaining.len() as u64;
    if let Some(value) = median(&mut remaining) {
        figures.insert(
            Key::new(year, commune, "reste_a_vivre_median", TOTAL_MODALITY),
            Figure {
                value: round_to(value, Decimal::ONE),
                basis: distinct_households(&known),
                depends_on: Vec::new(),
                largest: None,
                observations,
            },
        );
    }
}

/// Published medians of amounts are rounded to this many euros: a median of an odd
/// number of grants is one household's amount, which must not be given to the cent.
pub const MEDIAN_AMOUNT_STEP: Decimal = Decimal::from_parts(5, 0, 0, false, 0);

/// `value` rounded to a multiple of `step`, half away from zero.
pub fn round_to(value: Decimal, step: Decimal) -> Decimal {
    if step.is_zero() {
        return value;
    }
    (value / step).round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        * step
}

/// The dominance rule's input: for each amount cell made from requests, the largest part
/// one household holds (a household seen in several communes counts once for the
/// network).
fn add_largest_parts(figures: &mut BTreeMap<Key, Figure>, records: &Records) {
    let mut parts: BTreeMap<Key, BTreeMap<&str, Decimal>> = BTreeMap::new();
    for request in &records.requests {
        let Some(amount) = request.amount_granted else {
            continue;
        };
        let nature = request.category("nature_aide");
        for commune in [request.commune.as_str(), NETWORK] {
            for (code, modality) in [
                ("montant_accorde", TOTAL_MODALITY),
                ("montant_accorde_par_nature_aide", nature),
            ] {
                *parts
                    .entry(Key::new(request.year, commune, code, modality))
                    .or_default()
                    .entry(request.household_pseudonym.as_str())
                    .or_default() += amount;
            }
        }
    }
    for (key, households) in parts {
        if let Some(figure) = figures.get_mut(&key) {
            figure.largest = households.values().copied().max();
        }
    }
}

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
/// census, with the latest `contexte` vintage not after the year (else the earliest one).
fn add_over_representation(
    figures: &mut BTreeMap<Key, Figure>,
    records: &Records,
    year: i32,
    rows: &[String],
) -> Option<i32> {
    let vintages: BTreeSet<i32> = records.context.iter().map(|row| row.vintage).collect();
    let vintage = vintages
        .range(..=year)
        .next_back()
        .or_else(|| vintages.iter().next())
        .copied()?;
    for (field, context_code) in [
        ("tranche_age", "population_par_tranche_age"),
        ("composition_foyer", "menages_par_composition_foyer"),
    ] {
        let request_code = format!("demandes_par_{field}");
        let index_code = format!("indice_surrepresentation_par_{field}");
        let communes_with_context: BTreeSet<&str> = records
            .context
            .iter()
            .filter(|row| row.vintage == vintage && row.indicator == context_code)
            .map(|row| row.commune.as_str())
            .collect();
        for commune in rows {
            // The census side: the commune's, or the sum over communes with requests.
            let mut census: BTreeMap<&str, Decimal> = BTreeMap::new();
            for row in records.context.iter().filter(|row| {
                row.vintage == vintage
                    && row.indicator == context_code
                    && (row.commune == *commune
                        || (commune == NETWORK && rows.contains(&row.commune)))
            }) {
                *census.entry(row.modality.as_str()).or_default() += row.value;
            }
            let census_total: Decimal = census.values().copied().sum();
            if census_total.is_zero() {
                continue;
            }
            // The request side, over the same communes and known categories only.
            let mut requests: BTreeMap<String, (Decimal, Key)> = BTreeMap::new();
            let mut request_total = Decimal::ZERO;
            let cell_communes: Vec<&str> = if commune == NETWORK {
                rows.iter()
                    .filter(|row| *row != NETWORK && communes_with_context.contains(row.as_str()))
                    .map(String::as_str)
                    .collect()
            } else {
                vec![commune.as_str()]
            };
            for modality in census.keys() {
                let mut sum = Decimal::ZERO;
                for cell_commune in &cell_communes {
                    if let Some(figure) =
                        figures.get(&Key::new(year, cell_commune, &request_code, modality))
                    {
                        sum += figure.value;
                    }
                }
                request_total += sum;
                requests.insert(
                    (*modality).to_string(),
                    (sum, Key::new(year, commune, &request_code, modality)),
                );
            }
            if request_total.is_zero() {
                continue;
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
                    Key::new(year, commune, &index_code, &modality),
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
    }
    Some(vintage)
}
