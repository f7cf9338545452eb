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

use super::attack::Reach;
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
    /// The perturbations found, rounded to whole numbers: each is a movement of hidden
    /// cells and unknowns, as (variable, movement) sorted by variable. The audit checks
    /// each one exactly against every relation and uses the valid ones as proofs of width
    /// ([`super::attack::attack`]).
    pub certificates: Vec<Vec<(usize, i64)>>,
}

/// Rows kept around the primary cell when a table has many.
const NEIGHBOUR_ROWS: usize = 8;

/// Rows of the primary cell's column tried first on a large network: rows already hidden
/// there (reusing them hides nothing more), then the largest. Measured on a 200-commune
/// network, more hidden rows hide a little less and cost a little more time.
const NEAR_HIDDEN_ROWS: usize = 16;
const NEAR_LARGEST_ROWS: usize = 2;

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
    let catalogue = Catalogue::new(model);
    let mut unprotected = Vec::new();
    let mut certificates: Vec<Vec<(usize, i64)>> = Vec::new();
    // What the perturbations found so far already prove: a primary cell they move far
    // enough needs no programme of its own.
    let mut reach = Reach::default();
    for (primary, cell) in primaries {
        let value = model
            .variables
            .get(primary)
            .map_or(0, |variable| variable.value);
        let wanted = targets(cell.family, value, level);
        let width = wanted.down + wanted.up;
        if reach.width(primary) >= width.max(1) {
            continue;
        }
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
            let mut found_movements: Vec<Vec<(usize, i64)>> = Vec::new();
            let mut feasible = true;
            for shift in [-down, up] {
                if shift == 0 {
                    continue;
                }
                let found = [Scope::Near, Scope::Table, Scope::Family, Scope::Year]
                    .into_iter()
                    .find_map(|scope| {
                        let members = neighbourhood(&catalogue, &hidden, primary, cell, scope)?;
                        perturbation(model, &constraints_of, &hidden, &members, primary, shift)
                    });
                match found {
                    Some((cells, movement)) => {
                        moved.extend(cells);
                        found_movements.push(movement);
                    }
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
                for movement in found_movements {
                    reach.add(model, &constraints_of, &hidden, &movement);
                    certificates.push(movement);
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
        certificates,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The primary cell's table on a few rows only: its own, the network's, and
    /// a few rows of its column, hidden ones first (large networks only).
    Near,
    Table,
    Family,
    Year,
}

/// One non-zero publishable cell: its index, what it is, its value.
type Entry<'a> = (usize, &'a CellInfo, i64);

/// Cells a perturbation may draw from, with the indices of each row's.
#[derive(Default)]
struct Pool<'a> {
    cells: Vec<Entry<'a>>,
    rows: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> Pool<'a> {
    fn push(&mut self, entry: Entry<'a>) {
        self.rows
            .entry(entry.1.row.as_str())
            .or_default()
            .push(entry.0);
        self.cells.push(entry);
    }
}

/// The publishable non-zero cells of the model by table, by family and by column, and
/// its unknowns, listed once so that each neighbourhood reads only its own part.
struct Catalogue<'a> {
    by_table: BTreeMap<&'a str, Pool<'a>>,
    by_family: BTreeMap<Family, Pool<'a>>,
    all: Pool<'a>,
    /// The cells of each (table, modality), largest first, ties by row.
    columns: BTreeMap<(&'a str, &'a str), Vec<Entry<'a>>>,
    unknowns: Vec<usize>,
}

impl<'a> Catalogue<'a> {
    fn new(model: &'a Model) -> Catalogue<'a> {
        let mut catalogue = Catalogue {
            by_table: BTreeMap::new(),
            by_family: BTreeMap::new(),
            all: Pool::default(),
            columns: BTreeMap::new(),
            unknowns: Vec::new(),
        };
        for (index, variable) in model.variables.iter().enumerate() {
            let Some(cell) = variable.cell.as_ref() else {
                catalogue.unknowns.push(index);
                continue;
            };
            if variable.value <= 0 {
                continue;
            }
            let entry = (index, cell, variable.value);
            catalogue
                .by_table
                .entry(cell.table.as_str())
                .or_default()
                .push(entry);
            catalogue
                .by_family
                .entry(cell.family)
                .or_default()
                .push(entry);
            catalogue.all.push(entry);
            catalogue
                .columns
                .entry((cell.table.as_str(), cell.key.modality.as_str()))
                .or_default()
                .push(entry);
        }
        for column in catalogue.columns.values_mut() {
            column.sort_by(|left, right| right.2.cmp(&left.2).then(left.1.row.cmp(&right.1.row)));
        }
        catalogue
    }

    fn column(&self, cell: &'a CellInfo) -> &[Entry<'a>] {
        self.columns
            .get(&(cell.table.as_str(), cell.key.modality.as_str()))
            .map_or(&[], Vec::as_slice)
    }
}

/// The variables the perturbation may move: the primary cell's table (or family, or
/// year), on its own row, the network's, rows already holding hidden cells and the rows
/// with the largest values, plus the unknowns. `None` when the scope is no smaller than
/// the next one (a small network has no near scope).
fn neighbourhood<'a>(
    catalogue: &Catalogue<'a>,
    hidden: &[bool],
    primary: usize,
    cell: &'a CellInfo,
    scope: Scope,
) -> Option<Vec<usize>> {
    let near = scope == Scope::Near;
    let widen = matches!(scope, Scope::Near | Scope::Table)
        && (cell.is_row_total || cell.family == Family::Households);
    let scope = if widen { Scope::Family } else { scope };
    let empty = Pool::default();
    let pool: &Pool = match scope {
        Scope::Near | Scope::Table => catalogue
            .by_table
            .get(cell.table.as_str())
            .unwrap_or(&empty),
        Scope::Family => catalogue.by_family.get(&cell.family).unwrap_or(&empty),
        Scope::Year => &catalogue.all,
    };
    let small = pool.rows.len() <= NEIGHBOUR_ROWS + 2;
    if near && small {
        return None;
    }
    let is_hidden = |index: usize| hidden.get(index).copied().unwrap_or(false);
    let column = catalogue.column(cell);
    let rows: BTreeSet<&str> = if near {
        near_rows(column, hidden, cell)
    } else if scope == Scope::Year || small {
        pool.rows.keys().copied().collect()
    } else {
        let mut rows: BTreeSet<&str> = [cell.row.as_str(), NETWORK].into_iter().collect();
        let table = catalogue
            .by_table
            .get(cell.table.as_str())
            .map_or(&[][..], |table| table.cells.as_slice());
        for (index, other, _) in table {
            if is_hidden(*index) {
                rows.insert(other.row.as_str());
            }
        }
        // The largest rows of the primary cell's column (its modality).
        for (_, other, _) in column.iter().take(NEIGHBOUR_ROWS) {
            rows.insert(other.row.as_str());
        }
        rows
    };
    let mut members: Vec<usize> = rows
        .iter()
        .filter_map(|row| pool.rows.get(row))
        .flatten()
        .copied()
        .collect();
    members.push(primary);
    members.extend(catalogue.unknowns.iter().copied());
    members.sort_unstable();
    members.dedup();
    Some(members)
}

/// The rows of the near scope: the primary cell's, the network's, then in its column the
/// [`NEAR_HIDDEN_ROWS`] largest rows already holding a hidden cell and the
/// [`NEAR_LARGEST_ROWS`] largest others (ties by row code, so the choice is the same on
/// every run).
fn near_rows<'a>(column: &[Entry<'a>], hidden: &[bool], cell: &'a CellInfo) -> BTreeSet<&'a str> {
    let mut rows: BTreeSet<&str> = [cell.row.as_str(), NETWORK].into_iter().collect();
    let is_hidden = |index: usize| hidden.get(index).copied().unwrap_or(false);
    let already_hidden: Vec<&str> = column
        .iter()
        .filter(|(index, other, _)| is_hidden(*index) && !rows.contains(other.row.as_str()))
        .take(NEAR_HIDDEN_ROWS)
        .map(|(_, other, _)| other.row.as_str())
        .collect();
    rows.extend(already_hidden);
    let largest: Vec<&str> = column
        .iter()
        .filter(|(_, other, _)| !rows.contains(other.row.as_str()))
        .take(NEAR_LARGEST_ROWS)
        .map(|(_, other, _)| other.row.as_str())
        .collect();
    rows.extend(largest);
    rows
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

/// A perturbation: the published cells it moves (other than the one it was asked to
/// move), and the whole movement rounded to whole numbers, unknowns included.
type Perturbation = (Vec<usize>, Vec<(usize, i64)>);

/// The cheapest perturbation that moves `primary` by `shift`, `None` when there is none
/// among `members`.
pub(super) fn perturbation(
    model: &Model,
    constraints_of: &[Vec<usize>],
    hidden: &[bool],
    members: &[usize],
    primary: usize,
    shift: i64,
) -> Option<Perturbation> {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    // For a cell: (up, down) parts of its movement; for an unknown: one free variable.
    let mut parts: BTreeMap<usize, (microlp::Variable, Option<microlp::Variable>)> =
        BTreeMap::new();
    for member in members {
        let item = model.variables.get(*member)?;
        if item.cell.is_none() {
            // An unknown is never negative: a reader knows it.
            let floor = (model.lower_bound(*member) - item.value) as f64;
            let free = problem.add_var(0.0, (floor, f64::INFINITY));
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
    let mut movement = Vec::new();
    for (member, (up, down)) in &parts {
        let change = solution.var_value(*up) - down.map_or(0.0, |down| solution.var_value(down));
        if change.abs() <= 1e-6 {
            continue;
        }
        movement.push((*member, change.round() as i64));
        let is_cell = model
            .variables
            .get(*member)
            .is_some_and(|item| item.cell.is_some());
        if is_cell && *member != primary {
            moved.push(*member);
        }
    }
    Some((moved, movement))
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
        let Some(group) = super::attack::group_of(
            model,
            &constraints_of,
            &mask.hidden,
            candidate,
            PRUNE_GROUP_LIMIT,
        ) else {
            continue;
        };
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
                // A part of a group of at most PRUNE_GROUP_LIMIT members is no larger.
                parts.extend(super::attack::group_of(
                    model,
                    &constraints_of,
                    &mask.hidden,
                    *target,
                    usize::MAX,
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
