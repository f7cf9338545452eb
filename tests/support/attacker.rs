//! An outside reader's attack on the published indicators, written apart from the
//! masking code (it shares nothing with `observatoire::protect` but the LP solver crate).
//!
//! The reader holds `indicateurs.csv` (every published figure, « s » for hidden ones) and
//! knows what its names mean: communes add up to the network (`RESEAU`), categories of
//! `demandes_par_*` add up to `demandes`, amounts by nature to `montant_accorde`; zeros
//! are published, so a hidden cell is at least 1; a commune has no more households than
//! requests, households asking several times make two requests or more, the network's
//! distinct households are the communes' sum minus the extra appearances of households
//! seen in several communes. For each hidden cell, one year at a time, the reader
//! computes the smallest and largest whole value it can take.

#![allow(
    dead_code,
    reason = "included by both the tests and the example, which use different parts"
)]

use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::collections::{BTreeMap, BTreeSet};

pub const NETWORK: &str = "RESEAU";

/// One published cell: `None` when shown as « s ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub year: i32,
    pub commune: String,
    pub indicator: String,
    pub modality: String,
    pub value: Option<i64>,
}

/// What the reader can say of one hidden cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub year: i32,
    pub commune: String,
    pub indicator: String,
    pub modality: String,
    pub lower: i64,
    /// `None`: no upper bound.
    pub upper: Option<i64>,
    /// Whether the cell is an amount (in cents).
    pub amount: bool,
}

impl Finding {
    pub fn width(&self) -> Option<i64> {
        self.upper.map(|upper| upper - self.lower)
    }
}

/// Whether an indicator is one the reader can relate to others.
fn additive(indicator: &str) -> bool {
    indicator == "demandes"
        || indicator.starts_with("demandes_par_")
        || indicator == "montant_accorde"
        || indicator == "montant_accorde_par_nature_aide"
        || indicator.starts_with("foyers_") && !indicator.contains("pour_1000")
}

/// Reads `indicateurs.csv` (`;`, UTF-8 with BOM, decimal comma; amounts become cents).
pub fn read_csv(text: &str) -> Vec<Published> {
    let mut cells = Vec::new();
    for line in text.trim_start_matches('\u{feff}').lines().skip(1) {
        let fields: Vec<&str> = line.split(';').collect();
        if fields.len() < 7 {
            continue;
        }
        let indicator = fields[3].to_string();
        if !additive(&indicator) {
            continue;
        }
        let Ok(year) = fields[0].parse::<i32>() else {
            continue;
        };
        let hidden = fields[6].trim() == "1";
        let value = if hidden {
            None
        } else {
            let text = fields[5]
                .replace([' ', '\u{a0}', '\u{202f}'], "")
                .replace(',', ".");
            let amount = indicator.starts_with("montant");
            let Some(number) = parse_decimal_cents(&text) else {
                continue;
            };
            Some(if amount { number } else { number / 100 })
        };
        cells.push(Published {
            year,
            commune: fields[1].to_string(),
            indicator,
            modality: fields[4].to_string(),
            value,
        });
    }
    cells
}

/// `12.5` → 1250 (hundredths), without floating point.
fn parse_decimal_cents(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole: i64 = whole.parse().ok()?;
    let mut fraction = fraction.to_string();
    fraction.truncate(2);
    while fraction.len() < 2 {
        fraction.push('0');
    }
    let fraction: i64 = fraction.parse().ok()?;
    Some(whole * 100 + if whole < 0 { -fraction } else { fraction })
}

/// A linear relation over cell names: Σ coefficient × cell (op) constant.
struct Relation {
    terms: Vec<(usize, f64)>,
    op: ComparisonOp,
    constant: f64,
}

/// Attacks every hidden cell of `cells`; returns one finding per hidden cell.
pub fn attack(cells: &[Published]) -> Result<Vec<Finding>, String> {
    let years: BTreeSet<i32> = cells.iter().map(|cell| cell.year).collect();
    let mut findings = Vec::new();
    for year in years {
        findings.extend(attack_year(cells, year)?);
    }
    Ok(findings)
}

fn attack_year(cells: &[Published], year: i32) -> Result<Vec<Finding>, String> {
    let of_year: Vec<&Published> = cells.iter().filter(|cell| cell.year == year).collect();
    let mut index: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for (position, cell) in of_year.iter().enumerate() {
        index.insert(
            (
                cell.commune.as_str(),
                cell.indicator.as_str(),
                cell.modality.as_str(),
            ),
            position,
        );
    }
    // Variables: each cell (fixed when published) and the unknown extra appearances.
    let extra = of_year.len();
    let communes: BTreeSet<&str> = of_year
        .iter()
        .map(|cell| cell.commune.as_str())
        .filter(|commune| *commune != NETWORK)
        .collect();
    let mut relations: Vec<Relation> = Vec::new();
    let get = |commune: &str, indicator: &str, modality: &str| -> Option<usize> {
        index.get(&(commune, indicator, modality)).copied()
    };
    let sum_equal = |parts: Vec<Option<usize>>, total: Option<usize>| -> Option<Relation> {
        let total = total?;
        let mut terms: Vec<(usize, f64)> = Vec::new();
        for part in parts {
            terms.push((part?, 1.0));
        }
        if terms.is_empty() {
            return None;
        }
        terms.push((total, -1.0));
        Some(Relation {
            terms,
            op: ComparisonOp::Eq,
            constant: 0.0,
        })
    };
    let indicators: BTreeSet<&str> = of_year.iter().map(|cell| cell.indicator.as_str()).collect();
    for indicator in &indicators {
        let modalities: BTreeSet<&str> = of_year
            .iter()
            .filter(|cell| cell.indicator == *indicator)
            .map(|cell| cell.modality.as_str())
            .collect();
        let distinct_like = indicator.starts_with("foyers_");
        // Communes add up to the network (not for households: one may be in several).
        if !distinct_like {
            for modality in &modalities {
                let parts = communes
                    .iter()
                    .map(|commune| get(commune, indicator, modality))
                    .collect();
                relations.extend(sum_equal(parts, get(NETWORK, indicator, modality)));
            }
        }
        let total_code = if indicator.starts_with("demandes_par_") {
            Some("demandes")
        } else if *indicator == "montant_accorde_par_nature_aide" {
            Some("montant_accorde")
        } else {
            None
        };
        if let Some(total_code) = total_code {
            for commune in communes.iter().copied().chain(std::iter::once(NETWORK)) {
                let parts = modalities
                    .iter()
                    .map(|modality| get(commune, indicator, modality))
                    .collect();
                relations.extend(sum_equal(parts, get(commune, total_code, "Total")));
            }
        }
    }
    let mut at_most = |terms: Vec<(Option<usize>, f64)>| {
        let mut list = Vec::new();
        for (cell, coefficient) in terms {
            match cell {
                Some(cell) => list.push((cell, coefficient)),
                None => return,
            }
        }
        relations.push(Relation {
            terms: list,
            op: ComparisonOp::Le,
            constant: 0.0,
        });
    };
    let all_rows: Vec<&str> = communes
        .iter()
        .copied()
        .chain(std::iter::once(NETWORK))
        .collect();
    for row in &all_rows {
        let requests = get(row, "demandes", "Total");
        let distinct = get(row, "foyers_distincts", "Total");
        let repeat = get(row, "foyers_demandes_multiples", "Total");
        let several = get(row, "foyers_plusieurs_communes", "Total");
        at_most(vec![(distinct, 1.0), (requests, -1.0)]);
        at_most(vec![(distinct, 1.0), (repeat, 1.0), (requests, -1.0)]);
        at_most(vec![(repeat, 1.0), (distinct, -1.0)]);
        at_most(vec![(several, 1.0), (distinct, -1.0)]);
        if *row != NETWORK {
            at_most(vec![
                (distinct, 1.0),
                (get(NETWORK, "foyers_distincts", "Total"), -1.0),
            ]);
            at_most(vec![
                (repeat, 1.0),
                (get(NETWORK, "foyers_demandes_multiples", "Total"), -1.0),
            ]);
        }
    }
    let network_several = get(NETWORK, "foyers_plusieurs_communes", "Total");
    let network_repeat = get(NETWORK, "foyers_demandes_multiples", "Total");
    at_most(vec![(network_several, 1.0), (network_repeat, -1.0)]);
    let mut repeat_sum: Vec<(Option<usize>, f64)> = vec![(network_repeat, 1.0)];
    for commune in &communes {
        repeat_sum.push((get(commune, "foyers_demandes_multiples", "Total"), -1.0));
    }
    repeat_sum.push((network_several, -1.0));
    at_most(repeat_sum);
    // Σ communes' distinct households − network's = extra ≥ households in several
    // communes, ≤ (communes − 1) × them; with the communes' own counts, Σ them = extra + network's.
    let distinct_parts: Option<Vec<usize>> = communes
        .iter()
        .map(|commune| get(commune, "foyers_distincts", "Total"))
        .collect();
    let network_distinct = get(NETWORK, "foyers_distincts", "Total");
    let mut uses_extra = false;
    if let (Some(parts), Some(network_distinct)) = (distinct_parts, network_distinct) {
        let mut terms: Vec<(usize, f64)> = parts.iter().map(|part| (*part, 1.0)).collect();
        terms.push((network_distinct, -1.0));
        terms.push((extra, -1.0));
        relations.push(Relation {
            terms,
            op: ComparisonOp::Eq,
            constant: 0.0,
        });
        uses_extra = true;
        if let Some(several) = network_several {
            relations.push(Relation {
                terms: vec![(extra, 1.0), (several, -1.0)],
                op: ComparisonOp::Ge,
                constant: 0.0,
            });
            relations.push(Relation {
                terms: vec![(extra, 1.0), (several, -((communes.len() as f64) - 1.0))],
                op: ComparisonOp::Le,
                constant: 0.0,
            });
            let commune_several: Option<Vec<usize>> = communes
                .iter()
                .map(|commune| get(commune, "foyers_plusieurs_communes", "Total"))
                .collect();
            if let Some(commune_several) = commune_several {
                let mut terms: Vec<(usize, f64)> =
                    commune_several.iter().map(|cell| (*cell, 1.0)).collect();
                terms.push((extra, -1.0));
                terms.push((several, -1.0));
                relations.push(Relation {
                    terms,
                    op: ComparisonOp::Eq,
                    constant: 0.0,
                });
            }
        }
    }
    let hidden: Vec<usize> = (0..of_year.len())
        .filter(|position| of_year[*position].value.is_none())
        .collect();
    let mut findings = Vec::new();
    for target in &hidden {
        let amount = of_year[*target].indicator.starts_with("montant");
        let mut bounds = [0i64; 2];
        let mut unbounded = false;
        for (slot, direction) in [
            (0, OptimizationDirection::Minimize),
            (1, OptimizationDirection::Maximize),
        ] {
            match solve(
                &of_year, &relations, &hidden, uses_extra, extra, *target, direction, false,
            )? {
                Some(value) if !amount && (value - value.round()).abs() > 1e-6 => {
                    let exact = solve(
                        &of_year, &relations, &hidden, uses_extra, extra, *target, direction, true,
                    )?
                    .ok_or("entier non borné")?;
                    bounds[slot] = exact.round() as i64;
                }
                Some(value) => {
                    bounds[slot] = if slot == 0 {
                        (value - 1e-6).ceil() as i64
                    } else {
                        (value + 1e-6).floor() as i64
                    }
                }
                None => unbounded = true,
            }
        }
        let cell = of_year[*target];
        findings.push(Finding {
            year,
            commune: cell.commune.clone(),
            indicator: cell.indicator.clone(),
            modality: cell.modality.clone(),
            lower: bounds[0],
            upper: (!unbounded).then_some(bounds[1]),
            amount,
        });
    }
    Ok(findings)
}

#[allow(clippy::too_many_arguments)]
fn solve(
    cells: &[&Published],
    relations: &[Relation],
    hidden: &[usize],
    uses_extra: bool,
    extra: usize,
    target: usize,
    direction: OptimizationDirection,
    whole: bool,
) -> Result<Option<f64>, String> {
    let mut problem = Problem::new(direction);
    let mut variables: BTreeMap<usize, microlp::Variable> = BTreeMap::new();
    for cell in hidden {
        let objective = if *cell == target { 1.0 } else { 0.0 };
        let variable = if whole {
            problem.add_integer_var(objective, (1, i32::MAX))
        } else {
            problem.add_var(objective, (1.0, f64::INFINITY))
        };
        variables.insert(*cell, variable);
    }
    if uses_extra {
        let variable = if whole {
            problem.add_integer_var(0.0, (0, i32::MAX))
        } else {
            problem.add_var(0.0, (0.0, f64::INFINITY))
        };
        variables.insert(extra, variable);
    }
    for relation in relations {
        let mut constant = relation.constant;
        let mut expression = Vec::new();
        for (cell, coefficient) in &relation.terms {
            match variables.get(cell) {
                Some(variable) => expression.push((*variable, *coefficient)),
                None => {
                    let value = cells.get(*cell).and_then(|cell| cell.value).unwrap_or(0);
                    constant -= coefficient * value as f64;
                }
            }
        }
        if expression.is_empty() {
            continue;
        }
        problem.add_constraint(expression.as_slice(), relation.op, constant);
    }
    match problem.solve() {
        Ok(outcome) => {
            let solution = outcome
                .into_solution()
                .map_err(|_| "interrompu".to_string())?;
            Ok(variables
                .get(&target)
                .map(|variable| solution.var_value(*variable)))
        }
        Err(microlp::Error::Unbounded) => Ok(None),
        Err(error) => Err(format!("{error}")),
    }
}
