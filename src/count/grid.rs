//! The yearly statistics grid (`grille`): for a commune-year without forms, its values are
//! the commune's figures and are added to the network's; for a commune-year that sent
//! both, the grid is compared with what the forms give.

use super::definitions::{Definition, Unit};
use super::indicators::{whole, Figure, Key, Source};
use super::records::{GridRow, Records};
use super::NETWORK;
use crate::schema::TOTAL_MODALITY;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

/// Takes the grid's catalogue codes into the figures (commune-years without forms) or
/// compares them with the forms (commune-years with both); returns the comparisons in
/// year and commune order.
pub(super) fn add_grid_figures(
    figures: &mut BTreeMap<Key, Figure>,
    records: &Records,
    definitions: &[Definition],
    sources: &BTreeMap<(i32, String), Source>,
) -> Vec<Consistency> {
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
            Some(Source::Grid) => add_grid_row(figures, records, definition, row),
            Some(Source::Forms) => {
                let entry = consistency.entry(place).or_insert(Consistency {
                    year: row.year,
                    commune: row.commune.clone(),
                    cells_compared: 0,
                    differences: Vec::new(),
                });
                compare_grid_row(figures, entry, row);
            }
            None => {}
        }
    }
    for entry in consistency.values_mut() {
        add_cells_the_grid_omits(entry, figures, records, definitions);
    }
    consistency.into_values().collect()
}

/// Adds one grid value to its commune's cell and to the network's.
fn add_grid_row(
    figures: &mut BTreeMap<Key, Figure>,
    records: &Records,
    definition: &Definition,
    row: &GridRow,
) {
    let basis = if definition.unit == Unit::Euros {
        grid_basis(records, row)
    } else {
        whole(row.value)
    };
    for commune in [row.commune.as_str(), NETWORK] {
        let key = Key::new(row.year, commune, &row.indicator, &row.modality);
        let figure = figures.entry(key).or_insert_with(|| Figure {
            value: Decimal::ZERO,
            basis: 0,
            depends_on: Vec::new(),
            largest: None,
            observations: 0,
        });
        figure.value += row.value;
        figure.basis += basis;
    }
}

/// For an amount in a grid, the households behind it are not known: the number of
/// requests of the same nature (or in total) in the same grid stands in for them.
fn grid_basis(records: &Records, row: &GridRow) -> u64 {
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

/// Compares one grid value with the forms' figure for the same cell.
fn compare_grid_row(figures: &BTreeMap<Key, Figure>, entry: &mut Consistency, row: &GridRow) {
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

/// Cells of the catalogue the forms give (not zero) but the grid does not mention are
/// differences too.
fn add_cells_the_grid_omits(
    entry: &mut Consistency,
    figures: &BTreeMap<Key, Figure>,
    records: &Records,
    definitions: &[Definition],
) {
    let mentioned: BTreeSet<(&str, &str)> = records
        .grid
        .iter()
        .filter(|row| row.year == entry.year && row.commune == entry.commune)
        .map(|row| (row.indicator.as_str(), row.modality.as_str()))
        .collect();
    for (key, figure) in figures
        .range(Key::new(entry.year, &entry.commune, "", "")..Key::new(entry.year + 1, "", "", ""))
    {
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
