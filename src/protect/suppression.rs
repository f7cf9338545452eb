//! Cell suppression on tables linked by additive equations (parts add up to a total).
//!
//! The method is the usual one of statistical offices, kept small enough to be read:
//! 1. primary cells (given) are hidden;
//! 2. *line rule*: an equation with exactly one hidden cell would give it away by
//!    subtraction, so the smallest other cell of that equation is hidden too (positive
//!    cells first, zeros only when nothing else is left); an equation whose hidden parts
//!    are all 1 is also opened (a hidden count is at least 1, so their sum would betray
//!    them);
//! 3. *audit*: the equations restricted to the hidden cells are reduced (Gauss–Jordan); a
//!    hidden cell whose reduced row has no other unknown is exactly recoverable from the
//!    published cells and totals, even through several tables at once: one more cell of
//!    one of its equations is hidden, and we start again from 2.
//!
//! Every choice is made in cell order, so the same input gives the same mask.

use std::collections::{BTreeMap, HashMap};

/// One cell of a protection problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Its value (a count, or cents for amounts).
    pub value: i64,
    /// Whether the primary secret hides it.
    pub primary: bool,
}

/// `parts` add up to `total` (indices into the cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equation {
    pub parts: Vec<usize>,
    pub total: usize,
}

impl Equation {
    fn cells(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts
            .iter()
            .copied()
            .chain(std::iter::once(self.total))
    }
}

/// Cells and the equations an attacker knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    pub cells: Vec<Cell>,
    pub equations: Vec<Equation>,
}

/// Above this many hidden cells the exact audit is skipped (the line rule still applies);
/// the report says so.
pub const AUDIT_LIMIT: usize = 4_000;

/// The result of a protection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    pub hidden: Vec<bool>,
    /// Whether the exact audit ran on the final mask and found nothing recoverable.
    pub audited: bool,
}

/// Hides the primary cells and enough others that none can be recovered.
pub fn protect(problem: &Problem) -> Mask {
    let mut hidden: Vec<bool> = problem.cells.iter().map(|cell| cell.primary).collect();
    let mut equations_of: Vec<Vec<usize>> = vec![Vec::new(); problem.cells.len()];
    for (position, equation) in problem.equations.iter().enumerate() {
        for cell in equation.cells() {
            if let Some(list) = equations_of.get_mut(cell) {
                list.push(position);
            }
        }
    }
    // Each round hides at least one more cell, so this ends.
    for _ in 0..=problem.cells.len() {
        if apply_line_rule(problem, &mut hidden) {
            continue;
        }
        let Some(recoverable) = recoverable_cells(problem, &hidden) else {
            return Mask {
                hidden,
                audited: false,
            };
        };
        if recoverable.is_empty() {
            return Mask {
                hidden,
                audited: true,
            };
        }
        let mut changed = false;
        for cell in recoverable {
            if let Some(candidate) = equations_of
                .get(cell)
                .into_iter()
                .flatten()
                .filter_map(|position| problem.equations.get(*position))
                .filter_map(|equation| smallest_visible(problem, &hidden, equation))
                .min_by_key(|candidate| candidate_rank(problem, *candidate))
            {
                if let Some(flag) = hidden.get_mut(candidate) {
                    if !*flag {
                        *flag = true;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            // Nothing left to hide next to the recoverable cells: hide the smallest visible
            // cell of any equation that has a hidden cell, which widens the unknowns.
            let candidate = problem
                .equations
                .iter()
                .filter(|equation| equation.cells().any(|cell| hidden[cell]))
                .filter_map(|equation| smallest_visible(problem, &hidden, equation))
                .min_by_key(|candidate| candidate_rank(problem, *candidate));
            match candidate {
                Some(candidate) => hidden[candidate] = true,
                None => {
                    return Mask {
                        hidden,
                        audited: false,
                    }
                }
            }
        }
    }
    Mask {
        hidden,
        audited: false,
    }
}

/// Zeros last, then smallest value, then cell order.
fn candidate_rank(problem: &Problem, cell: usize) -> (bool, i64, usize) {
    let value = problem.cells.get(cell).map_or(0, |cell| cell.value);
    (value == 0, value.abs(), cell)
}

fn smallest_visible(problem: &Problem, hidden: &[bool], equation: &Equation) -> Option<usize> {
    equation
        .cells()
        .filter(|cell| !hidden.get(*cell).copied().unwrap_or(true))
        .min_by_key(|cell| candidate_rank(problem, *cell))
}

/// One pass of the line rule; true when a cell was hidden.
fn apply_line_rule(problem: &Problem, hidden: &mut [bool]) -> bool {
    let mut changed = false;
    for equation in &problem.equations {
        let hidden_cells: Vec<usize> = equation.cells().filter(|cell| hidden[*cell]).collect();
        let hidden_parts: Vec<usize> = equation
            .parts
            .iter()
            .copied()
            .filter(|cell| hidden[*cell])
            .collect();
        let lone = hidden_cells.len() == 1;
        let all_ones = !hidden[equation.total]
            && hidden_parts.len() >= 2
            && hidden_parts
                .iter()
                .all(|cell| problem.cells.get(*cell).is_some_and(|cell| cell.value == 1));
        if lone || all_ones {
            if let Some(candidate) = smallest_visible(problem, hidden, equation) {
                hidden[candidate] = true;
                changed = true;
            }
        }
    }
    changed
}

const EPSILON: f64 = 1e-9;

/// The hidden cells an attacker can compute exactly from the published cells and the
/// equations (`None` when there are too many hidden cells to audit).
pub fn recoverable_cells(problem: &Problem, hidden: &[bool]) -> Option<Vec<usize>> {
    let unknowns: Vec<usize> = (0..problem.cells.len())
        .filter(|cell| hidden.get(*cell).copied().unwrap_or(false))
        .collect();
    if unknowns.len() > AUDIT_LIMIT {
        return None;
    }
    let local: HashMap<usize, usize> = unknowns
        .iter()
        .enumerate()
        .map(|(position, cell)| (*cell, position))
        .collect();
    // Reduced rows, each with its pivot column (coefficient 1) absent from all other rows.
    let mut pivot_rows: Vec<(usize, BTreeMap<usize, f64>)> = Vec::new();
    let mut pivot_of_column: HashMap<usize, usize> = HashMap::new();
    for equation in &problem.equations {
        let mut row: BTreeMap<usize, f64> = BTreeMap::new();
        for (cell, sign) in equation
            .parts
            .iter()
            .map(|cell| (*cell, 1.0))
            .chain(std::iter::once((equation.total, -1.0)))
        {
            if let Some(column) = local.get(&cell) {
                *row.entry(*column).or_insert(0.0) += sign;
            }
        }
        row.retain(|_, coefficient| coefficient.abs() > EPSILON);
        // Eliminate the existing pivots from the new row; a reduced pivot row holds no
        // other pivot column, so each factor is the row's coefficient as it stands.
        let pivots_in_row: Vec<(usize, f64)> = row
            .iter()
            .filter_map(|(column, coefficient)| {
                pivot_of_column
                    .get(column)
                    .map(|pivot| (*pivot, *coefficient))
            })
            .collect();
        for (pivot, factor) in pivots_in_row {
            let Some((_, pivot_row)) = pivot_rows.get(pivot) else {
                continue;
            };
            for (column, coefficient) in pivot_row {
                *row.entry(*column).or_insert(0.0) -= factor * coefficient;
            }
        }
        row.retain(|_, coefficient| coefficient.abs() > EPSILON);
        let Some((&column, &coefficient)) = row.iter().next() else {
            continue;
        };
        for value in row.values_mut() {
            *value /= coefficient;
        }
        // Keep the other rows reduced: remove the new pivot column from them.
        for (_, other) in pivot_rows.iter_mut() {
            if let Some(factor) = other.get(&column).copied() {
                for (other_column, value) in &row {
                    *other.entry(*other_column).or_insert(0.0) -= factor * value;
                }
                other.retain(|_, coefficient| coefficient.abs() > EPSILON);
            }
        }
        pivot_of_column.insert(column, pivot_rows.len());
        pivot_rows.push((column, row));
    }
    let mut recoverable: Vec<usize> = pivot_rows
        .iter()
        .filter(|(_, row)| row.len() == 1)
        .filter_map(|(column, _)| unknowns.get(*column))
        .copied()
        .collect();
    recoverable.sort_unstable();
    Some(recoverable)
}
