//! The statistical secret of the published edition.
//!
//! Primary secret: a count from 1 to threshold − 1 is hidden, and so is an amount, median,
//! share or rate made from fewer than threshold households. Secondary secret
//! ([`suppression`]): each year, the tables that share margins are protected together, so
//! that no hidden cell can be recovered from the commune rows, the network row, the
//! modality columns or the totals. A derived value (rate, share, index) is hidden whenever
//! a cell it is computed from is.

pub mod suppression;

use crate::count::{Indicators, Key, Kind, Unit, NETWORK};
use crate::schema::TOTAL_MODALITY;
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, BTreeSet};
use suppression::{Cell, Equation, Problem};

/// The mask applied to the indicators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secret {
    pub threshold: u32,
    pub hidden: BTreeSet<Key>,
    /// Keys hidden by the primary secret (the others are secondary).
    pub primary: BTreeSet<Key>,
    /// False when a table was too large for the exact audit (the line rule still holds).
    pub audited: bool,
}

impl Secret {
    /// No mask at all (the internal edition).
    pub fn none(threshold: u32) -> Secret {
        Secret {
            threshold,
            audited: true,
            ..Secret::default()
        }
    }

    pub fn is_hidden(&self, key: &Key) -> bool {
        self.hidden.contains(key)
    }
}

fn is_primary(unit: Unit, value: i64, basis: u64, threshold: u32) -> bool {
    if unit.is_count() {
        value > 0 && value < i64::from(threshold)
    } else {
        basis > 0 && basis < u64::from(threshold)
    }
}

/// Builds the protection problems of one year: one for the counts of requests (the total
/// and every breakdown, which share the commune totals), one for the amounts, and one per
/// count of households.
fn problems_of_year(
    indicators: &Indicators,
    year: i32,
    threshold: u32,
) -> Vec<(Problem, Vec<Key>)> {
    let rows: Vec<String> = indicators
        .rows()
        .into_iter()
        .filter(|commune| {
            commune == NETWORK || indicators.sources.contains_key(&(year, commune.clone()))
        })
        .collect();
    let mut families: Vec<(String, Vec<String>)> = Vec::new();
    for total_code in ["demandes", "montant_accorde"] {
        let breakdowns: Vec<String> = indicators
            .definitions
            .iter()
            .filter(|definition| {
                definition.kind == Kind::Additive
                    && definition.total_code.as_deref() == Some(total_code)
            })
            .map(|definition| definition.code.clone())
            .collect();
        families.push((total_code.to_string(), breakdowns));
    }
    for code in [
        "foyers_distincts",
        "foyers_demandes_multiples",
        "foyers_plusieurs_communes",
    ] {
        families.push((code.to_string(), Vec::new()));
    }
    let mut problems = Vec::new();
    for (total_code, breakdowns) in families {
        let mut problem = Problem::default();
        let mut keys: Vec<Key> = Vec::new();
        let mut index: BTreeMap<Key, usize> = BTreeMap::new();
        let mut add = |key: Key, problem: &mut Problem, keys: &mut Vec<Key>| -> Option<usize> {
            if let Some(position) = index.get(&key) {
                return Some(*position);
            }
            let figure = indicators.figures.get(&key)?;
            let unit = indicators
                .definition(&key.indicator)
                .map_or(Unit::Requests, |definition| definition.unit);
            let value = if unit == Unit::Euros {
                (figure.value * rust_decimal::Decimal::ONE_HUNDRED)
                    .to_i64()
                    .unwrap_or(i64::MAX)
            } else {
                figure.value.to_i64().unwrap_or(i64::MAX)
            };
            problem.cells.push(Cell {
                value,
                primary: is_primary(unit, value, figure.basis, threshold),
            });
            keys.push(key.clone());
            index.insert(key, problem.cells.len() - 1);
            Some(problem.cells.len() - 1)
        };
        // Totals: communes add up to the network.
        let totals: Vec<Option<usize>> = rows
            .iter()
            .map(|commune| {
                add(
                    Key::new(year, commune, &total_code, TOTAL_MODALITY),
                    &mut problem,
                    &mut keys,
                )
            })
            .collect();
        push_equation(&mut problem, &totals);
        for breakdown in &breakdowns {
            let Some(definition) = indicators.definition(breakdown) else {
                continue;
            };
            let mut columns: Vec<Vec<Option<usize>>> = Vec::new();
            for modality in &definition.modalities {
                columns.push(
                    rows.iter()
                        .map(|commune| {
                            add(
                                Key::new(year, commune, breakdown, modality),
                                &mut problem,
                                &mut keys,
                            )
                        })
                        .collect(),
                );
            }
            // Each modality column: communes add up to the network.
            for column in &columns {
                push_equation(&mut problem, column);
            }
            // Each commune row (and the network row): modalities add up to the total.
            for (row_position, total) in totals.iter().enumerate() {
                let Some(total) = total else { continue };
                let parts: Vec<usize> = columns
                    .iter()
                    .filter_map(|column| column.get(row_position).copied().flatten())
                    .collect();
                if !parts.is_empty() {
                    problem.equations.push(Equation {
                        parts,
                        total: *total,
                    });
                }
            }
        }
        problems.push((problem, keys));
    }
    problems
}

/// An equation from a column whose last cell is the network's total.
fn push_equation(problem: &mut Problem, column: &[Option<usize>]) {
    let Some((Some(total), parts)) = column.split_last() else {
        return;
    };
    let parts: Vec<usize> = parts.iter().copied().flatten().collect();
    if !parts.is_empty() {
        problem.equations.push(Equation {
            parts,
            total: *total,
        });
    }
}

/// The mask of the published edition.
pub fn protect(indicators: &Indicators, threshold: u32) -> Secret {
    let mut secret = Secret {
        threshold,
        audited: true,
        ..Secret::default()
    };
    for year in &indicators.years {
        for (problem, keys) in problems_of_year(indicators, *year, threshold) {
            let mask = suppression::protect(&problem);
            secret.audited &= mask.audited;
            for ((key, hidden), cell) in keys.iter().zip(&mask.hidden).zip(&problem.cells) {
                if *hidden {
                    secret.hidden.insert(key.clone());
                }
                if cell.primary {
                    secret.primary.insert(key.clone());
                }
            }
        }
    }
    // Derived values: primary on their basis, and hidden with what they are made from.
    for (key, figure) in &indicators.figures {
        let derived = indicators
            .definition(&key.indicator)
            .is_some_and(|definition| definition.kind == Kind::Derived);
        if !derived {
            continue;
        }
        if figure.basis < u64::from(threshold) {
            secret.hidden.insert(key.clone());
            secret.primary.insert(key.clone());
        } else if figure
            .depends_on
            .iter()
            .any(|source| secret.hidden.contains(source))
        {
            secret.hidden.insert(key.clone());
        }
    }
    secret
}

#[cfg(test)]
mod tests {
    use super::suppression::*;

    /// A 3 × 3 table with margins: one small cell must not stay alone in its row or column.
    #[test]
    fn a_small_cell_takes_three_others_with_it() {
        // Rows: a b c | total ; columns add up into the last row.
        let values = [
            [2, 10, 12, 24],
            [8, 9, 11, 28],
            [7, 13, 6, 26],
            [17, 32, 29, 78],
        ];
        let mut problem = Problem::default();
        for row in values {
            for value in row {
                problem.cells.push(Cell {
                    value,
                    primary: (1..5).contains(&value),
                });
            }
        }
        let at = |row: usize, column: usize| row * 4 + column;
        for row in 0..4 {
            problem.equations.push(Equation {
                parts: (0..3).map(|column| at(row, column)).collect(),
                total: at(row, 3),
            });
        }
        for column in 0..4 {
            problem.equations.push(Equation {
                parts: (0..3).map(|row| at(row, column)).collect(),
                total: at(3, column),
            });
        }
        let mask = protect(&problem);
        assert!(mask.audited);
        assert!(mask.hidden[at(0, 0)]);
        for equation in &problem.equations {
            let count = equation
                .parts
                .iter()
                .chain(std::iter::once(&equation.total))
                .filter(|cell| mask.hidden[**cell])
                .count();
            assert_ne!(count, 1, "lone hidden cell in {equation:?}");
        }
        assert_eq!(recoverable_cells(&problem, &mask.hidden), Some(Vec::new()));
    }
}
