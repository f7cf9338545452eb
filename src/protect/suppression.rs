//! Secondary suppression: which other cells to hide so that every cell hidden by the
//! primary rule keeps a wide enough protection interval.
//!
//! The method is the one behind τ-Argus's optimal and modular protections, cell by cell:
//! for a primary cell `p` that must be able to move up by `U` (and down by `L`) without a
//! reader noticing, we look for a *perturbation* `y` of the table: `y_p = +U`, every
//! relation of the [`Model`] still holds for `value + y`, every moved cell stays at 1 or
//! more, unmoved cells are published. The cheapest such perturbation is a linear
//! programme (minimise the cost of the cells it moves, an already hidden cell costing
//! almost nothing, a network cell or a total costing more); the cells it moves are
//! hidden. Since `value + y` is then a second set of values a reader cannot tell from the
//! true one, the interval of `p` is at least `U + L` wide: the protection holds by
//! construction, and [`super::attack`] checks it afterwards with an independent
//! computation.
//!
//! The programme is first solved on the primary cell's own table (a few rows when the
//! network is large); only when that has no solution is it widened to the cell's family,
//! then to the whole year. Primary cells are taken in key order and every tie in the
//! simplex is resolved the same way, so the same data gives the same mask on every run.

use super::model::{CellInfo, Family, Model, Relation};
use crate::count::NETWORK;
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::collections::{BTreeMap, BTreeSet};

/// How much each primary cell must be able to move, down and up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub down: i64,
    pub up: i64,
}

/// The share of an amount that a hidden amount must be able to move, each way (percent).
pub const AMOUNT_PROTECTION_PERCENT: i64 = 25;

/// The movement a primary cell of `value` needs: a count's interval must be `level`
/// wide, an amount's must reach ± [`AMOUNT_PROTECTION_PERCENT`] of it.
pub fn targets(family: Family, value: i64, level: i64) -> Targets {
    if family == Family::Amounts {
        let side = (value * AMOUNT_PROTECTION_PERCENT + 99) / 100;
        return Targets {
            down: side.min(value - 1).max(0),
            up: side.max(1),
        };
    }
    // Down as far as the cell can go (to 1): moving down needs partners that move up,
    // which any cell can; moving up needs partners with room to move down.
    let down = (value - 1).min(level).max(0);
    Targets {
        down,
        up: (level - down).max(1),
    }
}

/// The width of interval the audit requires of a primary cell.
pub fn required_width(family: Family, value: i64, level: i64) -> i64 {
    let targets = targets(family, value, level);
    targets.down + targets.up
}

/// The result of a protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    pub hidden: Vec<bool>,
    /// Primary cells for which no perturbation was found (the audit will fail on them).
    pub unprotected: Vec<usize>,
}

/// Rows kept around the primary cell when a table has many.
const NEIGHBOUR_ROWS: usize = 8;

/// Hides the primary cells and the secondary cells that protect them.
pub fn protect(model: &Model, level: i64) -> Mask {
    let mut hidden: Vec<bool> = model
        .variables
        .iter()
        .map(|variable| variable.cell.as_ref().is_some_and(|cell| cell.primary))
        .collect();
    let constraints_of = model.constraints_of();
    let mut primaries: Vec<(usize, &CellInfo)> = model
        .variables
        .iter()
        .enumerate()
        .filter_map(|(index, variable)| {
            variable
                .cell
                .as_ref()
                .filter(|cell| cell.primary)
                .map(|cell| (index, cell))
        })
        .collect();
    primaries.sort_by(|left, right| left.1.key.cmp(&right.1.key));
    let mut unprotected = Vec::new();
    for (primary, cell) in primaries {
        let value = model
            .variables
            .get(primary)
            .map_or(0, |variable| variable.value);
        let wanted = targets(cell.family, value, level);
        let width = wanted.down + wanted.up;
        // The usual split first; when one side cannot move that far (a small total that
        // cannot go down, say), the other side takes the whole width.
        let mut splits = vec![(wanted.down, wanted.up)];
        for down in (0..=wanted.down.max(value - 1).min(width)).rev() {
            if down != wanted.down {
                splits.push((down, (width - down).max(1)));
            }
        }
        let mut protected = false;
        for (down, up) in splits {
            let mut moved: Vec<usize> = Vec::new();
            let mut feasible = true;
            for shift in [-down, up] {
                if shift == 0 {
                    continue;
                }
                let found = [Scope::Table, Scope::Family, Scope::Year]
                    .into_iter()
                    .find_map(|scope| {
                        let members = neighbourhood(model, &hidden, primary, cell, scope);
                        perturbation(model, &constraints_of, &hidden, &members, primary, shift)
                    });
                match found {
                    Some(cells) => moved.extend(cells),
                    None => {
                        feasible = false;
                        break;
                    }
                }
            }
            if feasible {
                for moved_cell in moved {
                    if let Some(flag) = hidden.get_mut(moved_cell) {
                        *flag = true;
                    }
                }
                protected = true;
                break;
            }
        }
        if !protected {
            unprotected.push(primary);
        }
    }
    unprotected.dedup();
    Mask {
        hidden,
        unprotected,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Table,
    Family,
    Year,
}

/// The variables the perturbation may move: the primary cell's table (or family, or
/// year), on its own row, the network's, rows already holding hidden cells and the rows
/// with the largest values, plus the unknowns.
fn neighbourhood(
    model: &Model,
    hidden: &[bool],
    primary: usize,
    cell: &CellInfo,
    scope: Scope,
) -> Vec<usize> {
    let widen = scope == Scope::Table && (cell.is_row_total || cell.family == Family::Households);
    let scope = if widen { Scope::Family } else { scope };
    let in_scope = |other: &CellInfo| -> bool {
        match scope {
            Scope::Table => other.table == cell.table,
            Scope::Family => other.family == cell.family,
            Scope::Year => true,
        }
    };
    let candidates: Vec<(usize, &CellInfo, i64)> = model
        .variables
        .iter()
        .enumerate()
        .filter_map(|(index, variable)| {
            variable
                .cell
                .as_ref()
                .filter(|other| in_scope(other) && variable.value > 0)
                .map(|other| (index, other, variable.value))
        })
        .collect();
    let all_rows: BTreeSet<&str> = candidates
        .iter()
        .map(|(_, other, _)| other.row.as_str())
        .collect();
    let rows: BTreeSet<&str> = if scope == Scope::Year || all_rows.len() <= NEIGHBOUR_ROWS + 2 {
        all_rows
    } else {
        let mut rows: BTreeSet<&str> = [cell.row.as_str(), NETWORK].into_iter().collect();
        for (index, other, _) in &candidates {
            if hidden.get(*index).copied().unwrap_or(false) && other.table == cell.table {
                rows.insert(other.row.as_str());
            }
        }
        // The largest rows of the primary cell's column (its modality), then of its table.
        let mut column: Vec<(i64, &str)> = candidates
            .iter()
            .filter(|(_, other, _)| {
                other.table == cell.table && other.key.modality == cell.key.modality
            })
            .map(|(_, other, value)| (*value, other.row.as_str()))
            .collect();
        column.sort_by(|left, right| right.0.cmp(&left.0).then(left.1.cmp(right.1)));
        for (_, row) in column.into_iter().take(NEIGHBOUR_ROWS) {
            rows.insert(row);
        }
        rows
    };
    let mut members: Vec<usize> = candidates
        .iter()
        .filter(|(index, other, _)| *index == primary || rows.contains(other.row.as_str()))
        .map(|(index, _, _)| *index)
        .collect();
    if !members.contains(&primary) {
        members.push(primary);
    }
    members.extend(
        model
            .variables
            .iter()
            .enumerate()
            .filter(|(_, variable)| variable.cell.is_none())
            .map(|(index, _)| index),
    );
    members.sort_unstable();
    members
}

/// What hiding a published cell costs: one cell, more for the network's and for totals,
/// a little more for large values (which readers use most).
fn cost(model: &Model, hidden: &[bool], variable: usize) -> f64 {
    if hidden.get(variable).copied().unwrap_or(false) {
        return 0.001;
    }
    let Some(item) = model.variables.get(variable) else {
        return 1.0;
    };
    let Some(cell) = item.cell.as_ref() else {
        return 0.0;
    };
    let mut cost = 1.0 + 0.01 * ((item.value.max(0) as f64) + 1.0).ln();
    if cell.row == NETWORK {
        cost += 2.0;
    }
    if cell.is_row_total {
        cost += 2.0;
    }
    cost
}

/// The cells moved by the cheapest perturbation that moves `primary` by `shift`, `None`
/// when there is none among `members`.
fn perturbation(
    model: &Model,
    constraints_of: &[Vec<usize>],
    hidden: &[bool],
    members: &[usize],
    primary: usize,
    shift: i64,
) -> Option<Vec<usize>> {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    // For a cell: (up, down) parts of its movement; for an unknown: one free variable.
    let mut parts: BTreeMap<usize, (microlp::Variable, Option<microlp::Variable>)> =
        BTreeMap::new();
    for member in members {
        let item = model.variables.get(*member)?;
        if item.cell.is_none() {
            let free = problem.add_var(0.0, (f64::NEG_INFINITY, f64::INFINITY));
            parts.insert(*member, (free, None));
            continue;
        }
        let room_down = (item.value - model.lower_bound(*member)).max(0) as f64;
        let unit_cost = cost(model, hidden, *member);
        let (up_bounds, down_bounds) = if *member == primary {
            if shift > 0 {
                ((shift as f64, shift as f64), (0.0, 0.0))
            } else {
                ((0.0, 0.0), (-shift as f64, -shift as f64))
            }
        } else {
            ((0.0, f64::INFINITY), (0.0, room_down))
        };
        if *member == primary && shift < 0 && (-shift as f64) > room_down {
            return None;
        }
        let up = problem.add_var(unit_cost, up_bounds);
        let down = problem.add_var(unit_cost, down_bounds);
        parts.insert(*member, (up, Some(down)));
    }
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    for member in members {
        for position in constraints_of.get(*member).into_iter().flatten() {
            if !seen.insert(*position) {
                continue;
            }
            let constraint = model.constraints.get(*position)?;
            let mut expression: Vec<(microlp::Variable, f64)> = Vec::new();
            let mut current: i128 = 0;
            for (variable, coefficient) in &constraint.terms {
                let value = model.variables.get(*variable).map_or(0, |item| item.value);
                current += i128::from(*coefficient) * i128::from(value);
                if let Some((up, down)) = parts.get(variable) {
                    expression.push((*up, *coefficient as f64));
                    if let Some(down) = down {
                        expression.push((*down, -(*coefficient as f64)));
                    }
                }
            }
            let slack = (i128::from(constraint.constant) - current) as f64;
            let operator = match constraint.relation {
                Relation::Equal => ComparisonOp::Eq,
                Relation::AtMost => ComparisonOp::Le,
                Relation::AtLeast => ComparisonOp::Ge,
            };
            let rhs = if constraint.relation == Relation::Equal {
                0.0
            } else {
                slack
            };
            problem.add_constraint(expression.as_slice(), operator, rhs);
        }
    }
    let solution = problem.solve().ok()?.into_solution().ok()?;
    let mut moved = Vec::new();
    for (member, (up, down)) in &parts {
        if model
            .variables
            .get(*member)
            .is_some_and(|item| item.cell.is_none())
        {
            continue;
        }
        let movement = solution.var_value(*up) - down.map_or(0.0, |down| solution.var_value(down));
        if movement.abs() > 1e-6 && *member != primary {
            moved.push(*member);
        }
    }
    Some(moved)
}

/// Groups larger than this are not pruned (the audit still runs on them).
const PRUNE_GROUP_LIMIT: usize = 80;

/// Publishes back the secondary cells the protection does not need: each one in turn,
/// the costliest first (the network's, totals, large values), is shown again when the
/// interval attack on its group still finds every primary cell wide enough and no
/// hidden cell exact. The perturbations chose cells one primary cell at a time; this
/// removes what later choices made redundant.
pub fn prune(model: &Model, mut mask: Mask, level: i64) -> Mask {
    let mut candidates: Vec<(usize, f64)> = (0..model.variables.len())
        .filter(|index| mask.hidden.get(*index).copied().unwrap_or(false))
        .filter(|index| {
            model
                .variables
                .get(*index)
                .and_then(|variable| variable.cell.as_ref())
                .is_some_and(|cell| !cell.primary)
        })
        .map(|index| (index, cost(model, &[], index)))
        .collect();
    candidates.sort_by(|left, right| right.1.total_cmp(&left.1).then(left.0.cmp(&right.0)));
    let constraints_of = model.constraints_of();
    for (candidate, _) in candidates {
        let group = super::attack::group_of(model, &constraints_of, &mask.hidden, candidate);
        if group.len() > PRUNE_GROUP_LIMIT {
            continue;
        }
        if let Some(flag) = mask.hidden.get_mut(candidate) {
            *flag = false;
        }
        let targets: Vec<usize> = group
            .iter()
            .copied()
            .filter(|index| *index != candidate)
            .filter(|index| {
                model
                    .variables
                    .get(*index)
                    .is_some_and(|variable| variable.cell.is_some())
            })
            .collect();
        let wanted: BTreeSet<usize> = targets.iter().copied().collect();
        // Once the candidate is shown, its former group may split: each part is attacked.
        let mut parts: Vec<Vec<usize>> = Vec::new();
        for target in &targets {
            if !parts.iter().any(|part| part.contains(target)) {
                parts.push(super::attack::group_of(
                    model,
                    &constraints_of,
                    &mask.hidden,
                    *target,
                ));
            }
        }
        let result: Result<Vec<(usize, super::attack::Interval)>, _> = parts
            .iter()
            .map(|part| super::attack::attack_group(model, &mask.hidden, part, &wanted))
            .collect::<Result<Vec<_>, _>>()
            .map(|found| found.into_iter().flatten().collect());
        let holds = match result {
            Ok(intervals) => {
                intervals.len() == targets.len()
                    && intervals.iter().all(|(index, interval)| {
                        let Some(variable) = model.variables.get(*index) else {
                            return false;
                        };
                        let required = match variable.cell.as_ref() {
                            Some(cell) if cell.primary => {
                                required_width(cell.family, variable.value, level)
                            }
                            _ => 1,
                        };
                        interval.width().is_none_or(|width| width >= required)
                    })
            }
            Err(_) => false,
        };
        if !holds {
            if let Some(flag) = mask.hidden.get_mut(candidate) {
                *flag = true;
            }
        }
    }
    mask
}
