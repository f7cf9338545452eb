//! The statistical secret of the published edition.
//!
//! Primary secret: a count from 1 to threshold − 1 is hidden; so is an amount made from
//! fewer than threshold households, or one where a single household holds 85 % or more
//! (INSEE's dominance rule); a median rests on at least `effectif_minimum_mediane` values
//! and threshold households, otherwise it is hidden. Secondary secret ([`suppression`]):
//! each year, every table of the year is written into one linear [`model`] of what a
//! reader knows (totals, communes and the network, published zeros, household relations),
//! and other cells are hidden until each primary cell's protection interval is at least
//! `intervalle_protection` wide. Then the interval [`attack`] audits the mask: a mask that
//! fails its own audit is never published. A derived value (share, rate, index) is hidden
//! whenever a cell it is computed from is, so its printed decimals give nothing away.
//!
//! Households seen in several communes are published for the network only: the
//! communes' figures would tell, with the distinct households, how many households the
//! communes share.

pub mod attack;
pub mod model;
pub mod suppression;

use crate::count::{Definition, Figure, Indicators, Key, Kind, Source, Unit, NETWORK};
use crate::schema::TOTAL_MODALITY;
use model::{CellInfo, Family, Model, Relation};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Share of a cell's amount held by one household above which the amount is hidden.
pub const DOMINANCE_PERCENT: u32 = 85;

/// The settings of the secret, from `reseau.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// A count from 1 to `threshold − 1` is hidden.
    pub threshold: u32,
    /// The width a hidden primary count's interval must reach.
    pub protection_level: u32,
    /// Fewest values behind a published median.
    pub median_minimum: u32,
}

impl Settings {
    pub fn of(network: &crate::network::Network) -> Settings {
        Settings {
            threshold: network.secret_threshold,
            protection_level: network.protection_interval.max(network.secret_threshold),
            median_minimum: network.median_minimum,
        }
    }
}

/// How one hidden cell is protected, as published in `audit-secret.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditedCell {
    #[serde(rename = "annee")]
    pub year: i32,
    #[serde(rename = "code_commune")]
    pub commune: String,
    #[serde(rename = "indicateur")]
    pub indicator: String,
    #[serde(rename = "modalite")]
    pub modality: String,
    /// « primaire » or « secondaire ».
    pub secret: &'static str,
    /// The attacker's interval width (`None`: no upper bound at all).
    #[serde(rename = "largeur_garantie")]
    pub guaranteed_width: Option<i64>,
    /// The width the rule requires (0 for a secondary cell: only never exact).
    #[serde(rename = "largeur_requise")]
    pub required_width: i64,
    /// Present (true) when `largeur_garantie` is a width proven reachable rather than the
    /// reader's exact width, which is then at least as large (large networks).
    #[serde(rename = "largeur_minoree", skip_serializing_if = "std::ops::Not::not")]
    pub width_lowered: bool,
    /// Unit of the widths: « demandes », « foyers » or « centimes ».
    #[serde(rename = "unite")]
    pub unit: &'static str,
}

/// The result of the audit of the mask.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    pub cells: Vec<AuditedCell>,
    /// Additive cells published or hidden, and hidden, per commune code (and `RESEAU`).
    pub per_commune: BTreeMap<String, (usize, usize)>,
    /// Primary cells whose interval is narrower than required, or cells exactly found.
    pub failures: Vec<String>,
}

impl Audit {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The narrowest interval among hidden primary counts (`None` when there is none).
    pub fn narrowest_count(&self) -> Option<i64> {
        self.cells
            .iter()
            .filter(|cell| cell.secret == "primaire" && cell.unit != "centimes")
            .map(|cell| cell.guaranteed_width.unwrap_or(i64::MAX))
            .min()
    }

    /// Cells (additive) in all, and hidden.
    pub fn totals(&self) -> (usize, usize) {
        self.per_commune
            .values()
            .fold((0, 0), |(all, hidden), (more, more_hidden)| {
                (all + more, hidden + more_hidden)
            })
    }
}

/// The mask applied to the indicators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secret {
    pub threshold: u32,
    pub settings: Option<Settings>,
    pub hidden: BTreeSet<Key>,
    /// Keys hidden by the primary secret (the others are secondary).
    pub primary: BTreeSet<Key>,
    /// Keys never published in this edition (households in several communes, per commune).
    pub withheld: BTreeSet<Key>,
    /// The audit of the mask (empty for the internal edition).
    pub audit: Audit,
}

impl Secret {
    /// No mask at all (the internal edition).
    pub fn none(threshold: u32) -> Secret {
        Secret {
            threshold,
            ..Secret::default()
        }
    }

    pub fn is_hidden(&self, key: &Key) -> bool {
        self.hidden.contains(key) || self.withheld.contains(key)
    }

    /// Whether the mask passed its own audit (always true without a mask).
    pub fn audited(&self) -> bool {
        self.audit.passed()
    }
}

fn unit_of(indicators: &Indicators, code: &str) -> Unit {
    indicators
        .definition(code)
        .map_or(Unit::Requests, |definition| definition.unit)
}

fn model_value(figure: &Figure, unit: Unit) -> i64 {
    let value = if unit == Unit::Euros {
        figure.value * Decimal::ONE_HUNDRED
    } else {
        figure.value
    };
    value.round().to_i64().unwrap_or(i64::MAX / 4)
}

/// Whether a count falls under the primary rule: from 1 to `threshold − 1` (zeros are
/// published). The one statement of the rule, for the indicators and for the counts the
/// report prints beside them (rows of a file, missing values).
pub fn is_small_count(value: Decimal, threshold: u32) -> bool {
    value > Decimal::ZERO && value < Decimal::from(threshold)
}

/// Whether the primary rule hides a cell.
pub fn is_primary(figure: &Figure, unit: Unit, threshold: u32) -> bool {
    if figure.value <= Decimal::ZERO {
        return false;
    }
    if unit.is_count() {
        return is_small_count(figure.value, threshold);
    }
    let few = figure.basis > 0 && figure.basis < u64::from(threshold);
    let dominant = figure.largest.is_some_and(|largest| {
        largest * Decimal::ONE_HUNDRED >= figure.value * Decimal::from(DOMINANCE_PERCENT)
    });
    few || dominant
}

/// One year's model, with the key of each cell.
struct YearModel {
    model: Model,
    keys: BTreeMap<usize, Key>,
}

/// Writes one year's tables into a model: the requests and amounts with their
/// breakdowns, then the households and what a reader knows of them.
fn year_model(indicators: &Indicators, year: i32, threshold: u32) -> YearModel {
    let rows: Vec<String> = indicators
        .rows()
        .into_iter()
        .filter(|commune| {
            commune == NETWORK || indicators.sources.contains_key(&(year, commune.clone()))
        })
        .collect();
    let mut builder = ModelBuilder {
        indicators,
        year,
        threshold,
        model: Model::default(),
        keys: BTreeMap::new(),
        index: BTreeMap::new(),
    };
    for (family, total_code) in [
        (Family::Requests, "demandes"),
        (Family::Amounts, "montant_accorde"),
    ] {
        builder.add_table_family(&rows, family, total_code);
    }
    builder.add_households(&rows);
    YearModel {
        model: builder.model,
        keys: builder.keys,
    }
}

/// A year's model being written, with the cells already in it.
struct ModelBuilder<'a> {
    indicators: &'a Indicators,
    year: i32,
    threshold: u32,
    model: Model,
    keys: BTreeMap<usize, Key>,
    index: BTreeMap<Key, usize>,
}

/// A year's household cells, by row (a commune or the network).
struct HouseholdCells {
    /// `foyers_distincts`.
    distinct: BTreeMap<String, usize>,
    /// `foyers_demandes_multiples`.
    repeat: BTreeMap<String, usize>,
    /// `demandes` (already in the model).
    requests: BTreeMap<String, usize>,
    /// The network's `foyers_plusieurs_communes`.
    several: Option<usize>,
}

impl ModelBuilder<'_> {
    /// The model's variable for a cell of the year, added on first use (`None` when the
    /// indicators have no such figure). A cell's table is its indicator.
    fn cell(
        &mut self,
        family: Family,
        row: &str,
        code: &str,
        modality: &str,
        is_row_total: bool,
    ) -> Option<usize> {
        let key = Key::new(self.year, row, code, modality);
        if let Some(position) = self.index.get(&key) {
            return Some(*position);
        }
        let figure = self.indicators.figures.get(&key)?;
        let unit = unit_of(self.indicators, code);
        let value = model_value(figure, unit);
        let position = self.model.add_cell(
            value,
            CellInfo {
                key: key.clone(),
                family,
                table: code.to_string(),
                row: row.to_string(),
                is_row_total,
                primary: is_primary(figure, unit, self.threshold),
            },
        );
        self.keys.insert(position, key.clone());
        self.index.insert(key, position);
        Some(position)
    }

    /// One column of cells, one per row, whose communes add up to the network.
    fn add_column(
        &mut self,
        rows: &[String],
        family: Family,
        code: &str,
        modality: &str,
        is_row_total: bool,
    ) -> Vec<Option<usize>> {
        let column: Vec<Option<usize>> = rows
            .iter()
            .map(|row| self.cell(family, row, code, modality, is_row_total))
            .collect();
        add_column(&mut self.model, &column);
        column
    }

    /// A total per row (`demandes` or `montant_accorde`) and every additive breakdown of
    /// it: communes add up to the network, categories to the row's total.
    fn add_table_family(&mut self, rows: &[String], family: Family, total_code: &str) {
        let totals = self.add_column(rows, family, total_code, TOTAL_MODALITY, true);
        let breakdowns: Vec<&Definition> = self
            .indicators
            .definitions
            .iter()
            .filter(|definition| {
                definition.kind == Kind::Additive
                    && definition.total_code.as_deref() == Some(total_code)
            })
            .collect();
        for definition in breakdowns {
            let grid: Vec<Vec<Option<usize>>> = definition
                .modalities
                .iter()
                .map(|modality| self.add_column(rows, family, &definition.code, modality, false))
                .collect();
            for (row_position, total) in totals.iter().enumerate() {
                let Some(total) = total else { continue };
                let parts: Vec<Option<usize>> = grid
                    .iter()
                    .map(|column| column.get(row_position).copied().flatten())
                    .collect();
                // A row with a missing category tells nothing by subtraction.
                if parts.iter().all(Option::is_some) && !parts.is_empty() {
                    let parts: Vec<usize> = parts.into_iter().flatten().collect();
                    self.model.sum(&parts, *total);
                }
            }
        }
    }

    /// The household cells and the inequalities that tie them to the requests, to each
    /// other and to the network.
    fn add_households(&mut self, rows: &[String]) {
        let cells = self.household_cells(rows);
        for row in rows {
            self.relate_row_households(&cells, row);
        }
        let communes: Vec<&String> = rows.iter().filter(|row| *row != NETWORK).collect();
        self.relate_network_distinct(&cells, &communes);
        self.relate_network_repeat(&cells, &communes);
    }

    /// Adds the household cells of every row, then the network's households seen in
    /// several communes.
    fn household_cells(&mut self, rows: &[String]) -> HouseholdCells {
        let mut distinct: BTreeMap<String, usize> = BTreeMap::new();
        let mut repeat: BTreeMap<String, usize> = BTreeMap::new();
        for row in rows {
            if let Some(position) = self.household_cell(row, "foyers_distincts") {
                distinct.insert(row.clone(), position);
            }
            if let Some(position) = self.household_cell(row, "foyers_demandes_multiples") {
                repeat.insert(row.clone(), position);
            }
        }
        let several = self.household_cell(NETWORK, "foyers_plusieurs_communes");
        let requests: BTreeMap<String, usize> = rows
            .iter()
            .filter_map(|row| {
                let key = Key::new(self.year, row, "demandes", TOTAL_MODALITY);
                self.index
                    .get(&key)
                    .map(|position| (row.clone(), *position))
            })
            .collect();
        HouseholdCells {
            distinct,
            repeat,
            requests,
            several,
        }
    }

    fn household_cell(&mut self, row: &str, code: &str) -> Option<usize> {
        self.cell(Family::Households, row, code, TOTAL_MODALITY, false)
    }

    /// Within a row: no more households than requests; a household asking several
    /// times makes at least two requests; no more repeat households than households.
    fn relate_row_households(&mut self, cells: &HouseholdCells, row: &String) {
        let (distinct_cell, repeat_cell, requests_cell) = (
            cells.distinct.get(row),
            cells.repeat.get(row),
            cells.requests.get(row),
        );
        if let (Some(distinct_cell), Some(requests_cell)) = (distinct_cell, requests_cell) {
            self.model.relate(
                vec![(*distinct_cell, 1), (*requests_cell, -1)],
                Relation::AtMost,
                0,
            );
            if let Some(repeat_cell) = repeat_cell {
                self.model.relate(
                    vec![(*distinct_cell, 1), (*repeat_cell, 1), (*requests_cell, -1)],
                    Relation::AtMost,
                    0,
                );
            }
        }
        if let (Some(distinct_cell), Some(repeat_cell)) = (distinct_cell, repeat_cell) {
            self.model.relate(
                vec![(*repeat_cell, 1), (*distinct_cell, -1)],
                Relation::AtMost,
                0,
            );
        }
    }

    /// The network's distinct households: at least each commune's; and, when every
    /// commune is known, the communes' sum minus the network's is the extra appearances
    /// of households seen in several communes, bounded by those households.
    fn relate_network_distinct(&mut self, cells: &HouseholdCells, communes: &[&String]) {
        let Some(network_distinct) = cells.distinct.get(NETWORK).copied() else {
            return;
        };
        let commune_cells: Vec<usize> = communes
            .iter()
            .filter_map(|commune| cells.distinct.get(*commune).copied())
            .collect();
        for cell in &commune_cells {
            self.model.relate(
                vec![(network_distinct, 1), (*cell, -1)],
                Relation::AtLeast,
                0,
            );
        }
        if commune_cells.len() != communes.len() {
            return;
        }
        // The extra appearances of households seen in several communes: never
        // published, but a reader knows it is the communes' sum minus the network's.
        let sum: i64 = commune_cells
            .iter()
            .filter_map(|cell| self.model.variables.get(*cell).map(|item| item.value))
            .sum();
        let network_value = self
            .model
            .variables
            .get(network_distinct)
            .map_or(0, |item| item.value);
        let extra = self.model.add_unknown(sum - network_value);
        let mut terms: Vec<(usize, i64)> = commune_cells.iter().map(|cell| (*cell, 1)).collect();
        terms.push((network_distinct, -1));
        terms.push((extra, -1));
        self.model.relate(terms, Relation::Equal, 0);
        if let Some(several) = cells.several {
            let communes_with_forms = communes
                .iter()
                .filter(|commune| {
                    self.indicators
                        .sources
                        .get(&(self.year, (**commune).clone()))
                        == Some(&Source::Forms)
                })
                .count() as i64;
            self.model
                .relate(vec![(extra, 1), (several, -1)], Relation::AtLeast, 0);
            self.model.relate(
                vec![(extra, 1), (several, -(communes_with_forms - 1).max(0))],
                Relation::AtMost,
                0,
            );
            self.model.relate(
                vec![(several, 1), (network_distinct, -1)],
                Relation::AtMost,
                0,
            );
        }
    }

    /// The network's repeat households: at least each commune's and at least those
    /// seen in several communes, at most the communes' plus those.
    fn relate_network_repeat(&mut self, cells: &HouseholdCells, communes: &[&String]) {
        let Some(network_repeat) = cells.repeat.get(NETWORK).copied() else {
            return;
        };
        let mut sum_terms = vec![(network_repeat, 1)];
        for commune in communes {
            if let Some(cell) = cells.repeat.get(*commune) {
                self.model
                    .relate(vec![(network_repeat, 1), (*cell, -1)], Relation::AtLeast, 0);
                sum_terms.push((*cell, -1));
            }
        }
        if let Some(several) = cells.several {
            self.model.relate(
                vec![(network_repeat, 1), (several, -1)],
                Relation::AtLeast,
                0,
            );
            sum_terms.push((several, -1));
            self.model.relate(sum_terms, Relation::AtMost, 0);
        }
    }
}

/// A column whose last cell is the network's: communes add up to it.
fn add_column(model: &mut Model, column: &[Option<usize>]) {
    let Some((Some(total), parts)) = column.split_last() else {
        return;
    };
    if parts.iter().all(Option::is_some) && !parts.is_empty() {
        let parts: Vec<usize> = parts.iter().copied().flatten().collect();
        model.sum(&parts, *total);
    }
}

fn width_unit(family: Family) -> &'static str {
    match family {
        Family::Requests => "demandes",
        Family::Amounts => "centimes",
        Family::Households => "foyers",
    }
}

/// One year protected and attacked.
struct YearResult {
    model: Model,
    keys: BTreeMap<usize, Key>,
    mask: suppression::Mask,
    intervals: Vec<(usize, attack::Interval)>,
}

fn protect_year(
    indicators: &Indicators,
    year: i32,
    settings: Settings,
) -> Result<YearResult, attack::AttackError> {
    let level = i64::from(settings.protection_level);
    let YearModel { model, keys } = year_model(indicators, year, settings.threshold);
    let mask = suppression::prune(&model, suppression::protect(&model, level), level);
    let targets: Vec<usize> = (0..model.variables.len())
        .filter(|index| mask.hidden.get(*index).copied().unwrap_or(false))
        .collect();
    let intervals = attack::attack(&model, &mask.hidden, &targets, &mask.certificates, level)?;
    Ok(YearResult {
        model,
        keys,
        mask,
        intervals,
    })
}

/// Years share no relation, so they are protected side by side on every core; the
/// results come back in year order, so the mask does not depend on the machine.
fn protect_years(
    indicators: &Indicators,
    settings: Settings,
) -> Vec<Result<YearResult, attack::AttackError>> {
    let years = &indicators.years;
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, years.len().max(1));
    let mut results: Vec<(usize, Result<YearResult, attack::AttackError>)> =
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|worker| {
                    scope.spawn(move || {
                        years
                            .iter()
                            .enumerate()
                            .skip(worker)
                            .step_by(workers)
                            .map(|(position, year)| {
                                (position, protect_year(indicators, *year, settings))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        vec![(
                            usize::MAX,
                            Err(attack::AttackError(
                                "un calcul du secret s'est interrompu".to_string(),
                            )),
                        )]
                    })
                })
                .collect()
        });
    results.sort_by_key(|(position, _)| *position);
    results.into_iter().map(|(_, result)| result).collect()
}

/// The mask of the published edition, audited.
pub fn protect(indicators: &Indicators, settings: Settings) -> Result<Secret, attack::AttackError> {
    let mut secret = Secret {
        threshold: settings.threshold,
        settings: Some(settings),
        withheld: withheld_keys(indicators),
        ..Secret::default()
    };
    let level = i64::from(settings.protection_level);
    for result in protect_years(indicators, settings) {
        record_year(&mut secret, &result?, level);
    }
    secret.audit.cells.sort_by(|left, right| {
        (left.year, &left.commune, &left.indicator, &left.modality).cmp(&(
            right.year,
            &right.commune,
            &right.indicator,
            &right.modality,
        ))
    });
    hide_derived(&mut secret, indicators, settings);
    Ok(secret)
}

/// Households seen in several communes, per commune: never published.
fn withheld_keys(indicators: &Indicators) -> BTreeSet<Key> {
    indicators
        .figures
        .keys()
        .filter(|key| key.indicator == "foyers_plusieurs_communes" && key.commune != NETWORK)
        .cloned()
        .collect()
}

/// Takes one protected year into the secret: its hidden cells with their audited
/// intervals, and its cells counted per commune.
fn record_year(secret: &mut Secret, result: &YearResult, level: i64) {
    let YearResult {
        model,
        keys,
        mask,
        intervals,
    } = result;
    for (index, interval) in intervals {
        let (Some(key), Some(variable)) = (keys.get(index), model.variables.get(*index)) else {
            continue;
        };
        let Some(cell) = variable.cell.as_ref() else {
            continue;
        };
        secret.hidden.insert(key.clone());
        let required = if cell.primary {
            secret.primary.insert(key.clone());
            suppression::required_width(cell.family, variable.value, level)
        } else {
            0
        };
        let audited = audited_cell(key, cell, interval, required);
        if let Some(failure) = audit_failure(&audited) {
            secret.audit.failures.push(failure);
        }
        secret.audit.cells.push(audited);
    }
    for (index, key) in keys {
        let hidden = mask.hidden.get(*index).copied().unwrap_or(false);
        let entry = secret
            .audit
            .per_commune
            .entry(key.commune.clone())
            .or_insert((0, 0));
        entry.0 += 1;
        if hidden {
            entry.1 += 1;
        }
    }
}

/// How one hidden cell is protected, for `audit-secret.json`.
fn audited_cell(
    key: &Key,
    cell: &CellInfo,
    interval: &attack::Interval,
    required: i64,
) -> AuditedCell {
    AuditedCell {
        year: key.year,
        commune: key.commune.clone(),
        indicator: key.indicator.clone(),
        modality: key.modality.clone(),
        secret: if cell.primary {
            "primaire"
        } else {
            "secondaire"
        },
        guaranteed_width: interval.width(),
        required_width: required,
        width_lowered: !interval.exact,
        unit: width_unit(cell.family),
    }
}

/// The audit's complaint about a cell whose interval is narrower than required, or
/// that a reader finds exactly.
fn audit_failure(cell: &AuditedCell) -> Option<String> {
    let width = cell.guaranteed_width?;
    let required = cell.required_width;
    (width < required || width == 0).then(|| {
        format!(
            "{} {} {} « {} » : intervalle de largeur {} (il en faut {})",
            cell.year,
            cell.commune,
            cell.indicator,
            cell.modality,
            width,
            required.max(1)
        )
    })
}

/// Derived values: primary on their basis (and, for a median, on the number of values),
/// and hidden with what they are made from.
fn hide_derived(secret: &mut Secret, indicators: &Indicators, settings: Settings) {
    for (key, figure) in &indicators.figures {
        let Some(definition) = indicators.definition(&key.indicator) else {
            continue;
        };
        if definition.kind != Kind::Derived {
            continue;
        }
        let order_statistic = key.indicator.contains("median");
        let too_few_values =
            order_statistic && figure.observations < u64::from(settings.median_minimum);
        if figure.basis < u64::from(settings.threshold) || too_few_values {
            secret.hidden.insert(key.clone());
            secret.primary.insert(key.clone());
        } else if figure
            .depends_on
            .iter()
            .any(|source| secret.is_hidden(source))
        {
            secret.hidden.insert(key.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::model::*;
    use super::*;

    /// A 3 × 3 table with margins: one small cell takes others with it, and the attack
    /// finds an interval at least the protection level wide.
    #[test]
    fn a_small_cell_is_protected_by_an_interval() {
        let values = [
            [2, 10, 12, 24],
            [8, 9, 11, 28],
            [7, 13, 6, 26],
            [17, 32, 29, 78],
        ];
        let mut model = Model::default();
        let mut at = [[0usize; 4]; 4];
        for (row, line) in values.iter().enumerate() {
            for (column, value) in line.iter().enumerate() {
                at[row][column] = model.add_cell(
                    *value,
                    CellInfo {
                        key: Key::new(2024, &format!("r{row}"), "t", &format!("c{column}")),
                        family: Family::Requests,
                        table: "t".to_string(),
                        row: if row == 3 {
                            NETWORK.to_string()
                        } else {
                            format!("r{row}")
                        },
                        is_row_total: false,
                        primary: (1..5).contains(value),
                    },
                );
            }
        }
        for line in at {
            model.sum(&line[..3], line[3]);
        }
        for (column, total) in at[3].iter().enumerate() {
            let parts: Vec<usize> = at[..3].iter().map(|line| line[column]).collect();
            model.sum(&parts, *total);
        }
        let mask = suppression::protect(&model, 5);
        assert!(mask.unprotected.is_empty());
        assert!(mask.hidden[at[0][0]]);
        let hidden_count = mask.hidden.iter().filter(|flag| **flag).count();
        assert_eq!(hidden_count, 4, "a rectangle is enough: {:?}", mask.hidden);
        let intervals =
            attack::attack(&model, &mask.hidden, &[at[0][0]], &mask.certificates, 5).unwrap();
        let width = intervals[0].1.width().unwrap();
        assert!(width >= 5, "{intervals:?}");
    }
}
