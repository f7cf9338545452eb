//! The interval attack: what a reader holding every published file can say of each hidden
//! cell.
//!
//! The reader knows the published cells, every relation of the [`Model`], that a hidden
//! cell is at least 1 (zeros are published) and that counts are whole numbers. For each
//! hidden cell the attack computes the smallest and the largest value it can take under
//! all of these at once, by linear programming (`microlp`, a pure-Rust simplex with
//! branch and bound): first the continuous relaxation, then, when its optimum is not a
//! whole number, the same problem with whole-number unknowns, so the bounds are exact.
//!
//! Unknowns that share no relation cannot tell anything of each other, so the hidden
//! cells are split into connected groups and each group is solved on its own: the result
//! is the same as solving the whole year at once, and much faster.
//!
//! On a large network the column relations (communes add up to the network) join
//! thousands of hidden cells into one group, where two exact programmes per cell would
//! take hours. There each cell's width is *proven* instead, by certificates: a
//! certificate is a movement of hidden cells and unknowns after which every relation
//! still holds, checked here in whole numbers, so the moved values are a second set of
//! values the reader cannot tell from the true one. The movements of a cell across its
//! valid certificates give a width the true interval is at least as wide as
//! ([`Interval::exact`] is then false). The certificates come from the masking
//! ([`super::suppression::Mask::certificates`]), or are searched here when a cell has
//! none; a cell still without enough proof gets the exact programmes on its group, so
//! no cell is ever declared protected without proof.

use super::model::{Family, Model, Relation};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::collections::BTreeMap;

/// The values a reader can give a hidden cell: `lower ≤ value ≤ upper`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub lower: i64,
    /// `None` when nothing published bounds the cell from above.
    pub upper: Option<i64>,
    /// Whether these are the reader's exact bounds (true), or values proven reachable by
    /// certificates, inside the reader's interval (false).
    pub exact: bool,
}

impl Interval {
    /// `upper − lower`, `None` when unbounded.
    pub fn width(&self) -> Option<i64> {
        self.upper.map(|upper| upper - self.lower)
    }
}

/// Why the attack could not be run (a solver failure is a bug, never a verdict).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("l'audit du secret statistique n'a pas pu être calculé ({0})")]
pub struct AttackError(pub String);

/// The connected groups of unknowns (hidden cells and auxiliary unknowns): two unknowns
/// are in the same group when a relation links them.
pub fn groups(model: &Model, hidden: &[bool]) -> Vec<Vec<usize>> {
    let count = model.variables.len();
    let unknown = |variable: usize| model.is_unknown(variable, hidden);
    let mut parent: Vec<usize> = (0..count).collect();
    fn find(parent: &mut [usize], mut item: usize) -> usize {
        while parent[item] != item {
            parent[item] = parent[parent[item]];
            item = parent[item];
        }
        item
    }
    for constraint in &model.constraints {
        let mut first: Option<usize> = None;
        for (variable, _) in &constraint.terms {
            if *variable >= count || !unknown(*variable) {
                continue;
            }
            match first {
                None => first = Some(*variable),
                Some(anchor) => {
                    let left = find(&mut parent, anchor);
                    let right = find(&mut parent, *variable);
                    if left != right {
                        parent[left.max(right)] = left.min(right);
                    }
                }
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for variable in (0..count).filter(|variable| unknown(*variable)) {
        let root = find(&mut parent, variable);
        by_root.entry(root).or_default().push(variable);
    }
    by_root.into_values().collect()
}

/// One relation of a group: terms over the members' local indices, the relation, and the
/// right-hand side once the published cells are moved over.
type GroupRow = (Vec<(usize, f64)>, Relation, f64);

/// The attacker's problem for one group of unknowns.
struct GroupProblem<'a> {
    model: &'a Model,
    members: &'a [usize],
    /// Each constraint touching the group, as (terms over members' local indices,
    /// relation, right-hand side once the published cells are moved over).
    rows: Vec<GroupRow>,
}

impl<'a> GroupProblem<'a> {
    fn new(model: &'a Model, members: &'a [usize], hidden: &[bool]) -> GroupProblem<'a> {
        let local: BTreeMap<usize, usize> = members
            .iter()
            .enumerate()
            .map(|(position, variable)| (*variable, position))
            .collect();
        let is_unknown = |variable: usize| model.is_unknown(variable, hidden);
        let mut rows = Vec::new();
        for constraint in &model.constraints {
            if !constraint
                .terms
                .iter()
                .any(|(variable, _)| local.contains_key(variable))
            {
                continue;
            }
            let mut terms = Vec::new();
            let mut constant = constraint.constant as f64;
            for (variable, coefficient) in &constraint.terms {
                if is_unknown(*variable) {
                    if let Some(position) = local.get(variable) {
                        terms.push((*position, *coefficient as f64));
                    }
                } else {
                    let value = model.variables.get(*variable).map_or(0, |item| item.value);
                    constant -= (*coefficient as f64) * (value as f64);
                }
            }
            rows.push((terms, constraint.relation, constant));
        }
        GroupProblem {
            model,
            members,
            rows,
        }
    }

    /// The extreme value of member `target`, `None` when unbounded.
    fn extreme(
        &self,
        target: usize,
        direction: OptimizationDirection,
        whole: bool,
    ) -> Result<Option<f64>, AttackError> {
        let mut problem = Problem::new(direction);
        let variables: Vec<microlp::Variable> = self
            .members
            .iter()
            .enumerate()
            .map(|(position, variable)| {
                let objective = if position == target { 1.0 } else { 0.0 };
                let lower = self.model.lower_bound(*variable);
                if whole {
                    let lower = i32::try_from(lower).unwrap_or(i32::MAX);
                    problem.add_integer_var(objective, (lower, i32::MAX))
                } else {
                    problem.add_var(objective, (lower as f64, f64::INFINITY))
                }
            })
            .collect();
        for (terms, relation, constant) in &self.rows {
            let expression: Vec<(microlp::Variable, f64)> = terms
                .iter()
                .filter_map(|(position, coefficient)| {
                    variables
                        .get(*position)
                        .map(|variable| (*variable, *coefficient))
                })
                .collect();
            if expression.is_empty() {
                continue;
            }
            let operator = match relation {
                Relation::Equal => ComparisonOp::Eq,
                Relation::AtMost => ComparisonOp::Le,
                Relation::AtLeast => ComparisonOp::Ge,
            };
            problem.add_constraint(expression.as_slice(), operator, *constant);
        }
        match problem.solve() {
            Ok(outcome) => match outcome.into_solution() {
                Ok(solution) => Ok(variables
                    .get(target)
                    .map(|variable| solution.var_value(*variable))),
                Err(_) => Err(AttackError("résolution interrompue".to_string())),
            },
            Err(microlp::Error::Unbounded) => Ok(None),
            Err(error) => Err(AttackError(error.to_string())),
        }
    }
}

const TOLERANCE: f64 = 1e-6;

fn is_whole(value: f64) -> bool {
    (value - value.round()).abs() < TOLERANCE
}

/// The group of unknowns linked to `start` (a hidden cell or an unknown), found by
/// walking the relations from it: the same as its member of [`groups`], at the cost of
/// the group alone. `None` as soon as the group has more than `limit` members.
pub fn group_of(
    model: &Model,
    constraints_of: &[Vec<usize>],
    hidden: &[bool],
    start: usize,
    limit: usize,
) -> Option<Vec<usize>> {
    let unknown = |variable: usize| model.is_unknown(variable, hidden);
    let mut seen: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    let mut queue = vec![start];
    seen.insert(start);
    while let Some(variable) = queue.pop() {
        for position in constraints_of.get(variable).into_iter().flatten() {
            let Some(constraint) = model.constraints.get(*position) else {
                continue;
            };
            for (other, _) in &constraint.terms {
                if unknown(*other) && seen.insert(*other) {
                    if seen.len() > limit {
                        return None;
                    }
                    queue.push(*other);
                }
            }
        }
    }
    Some(seen.into_iter().collect())
}

/// Groups of more unknowns than this are proven by certificates rather than solved
/// exactly (below it, two exact programmes per cell take a few milliseconds).
pub const EXACT_GROUP_LIMIT: usize = 40;

/// The width each hidden cell must reach: its protection width for a primary cell, 1
/// (never exact) for a secondary one.
pub fn required_width(model: &Model, variable: usize, level: i64) -> i64 {
    match model
        .variables
        .get(variable)
        .map(|item| (item.value, item.cell.as_ref()))
    {
        Some((value, Some(cell))) if cell.primary => {
            super::suppression::required_width(cell.family, value, level).max(1)
        }
        _ => 1,
    }
}

/// The interval of each target (hidden cells), in the order given. `certificates` are
/// candidate movements (from the masking); only those that hold are used.
pub fn attack(
    model: &Model,
    hidden: &[bool],
    targets: &[usize],
    certificates: &[Vec<(usize, i64)>],
    level: i64,
) -> Result<Vec<(usize, Interval)>, AttackError> {
    let wanted: std::collections::BTreeSet<usize> = targets.iter().copied().collect();
    let constraints_of = model.constraints_of();
    let mut proven = Reach::default();
    for certificate in certificates {
        proven.add(model, &constraints_of, hidden, certificate);
    }
    let mut found: BTreeMap<usize, Interval> = BTreeMap::new();
    for members in groups(model, hidden) {
        if !members.iter().any(|member| wanted.contains(member)) {
            continue;
        }
        if members.len() <= EXACT_GROUP_LIMIT {
            found.extend(attack_group(model, hidden, &members, &wanted)?);
            continue;
        }
        let mut unproven: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
        for member in members.iter().filter(|member| wanted.contains(member)) {
            let required = required_width(model, *member, level);
            if proven.width(*member) < required {
                search(
                    model,
                    &constraints_of,
                    hidden,
                    &members,
                    *member,
                    level,
                    &mut proven,
                );
            }
            if proven.width(*member) >= required {
                found.insert(*member, proven.interval(model, *member));
            } else {
                unproven.insert(*member);
            }
        }
        if !unproven.is_empty() {
            found.extend(attack_group(model, hidden, &members, &unproven)?);
        }
    }
    targets
        .iter()
        .map(|target| {
            found
                .get(target)
                .map(|interval| (*target, *interval))
                .ok_or_else(|| AttackError(format!("cellule {target} absente du modèle")))
        })
        .collect()
}

/// The smallest and largest movement of each variable over the valid certificates.
#[derive(Debug, Default)]
pub(super) struct Reach {
    range: BTreeMap<usize, (i64, i64)>,
}

impl Reach {
    /// Adds `movement` when it is a certificate: it moves only unknowns, keeps each at
    /// its lower bound or more, and every relation it touches holds in whole numbers.
    pub(super) fn add(
        &mut self,
        model: &Model,
        constraints_of: &[Vec<usize>],
        hidden: &[bool],
        movement: &[(usize, i64)],
    ) -> bool {
        if !is_certificate(model, constraints_of, hidden, movement) {
            return false;
        }
        for (variable, change) in movement {
            let entry = self.range.entry(*variable).or_insert((0, 0));
            entry.0 = entry.0.min(*change);
            entry.1 = entry.1.max(*change);
        }
        true
    }

    pub(super) fn width(&self, variable: usize) -> i64 {
        self.range
            .get(&variable)
            .map_or(0, |(down, up)| up.saturating_sub(*down))
    }

    fn interval(&self, model: &Model, variable: usize) -> Interval {
        let value = model.variables.get(variable).map_or(0, |item| item.value);
        let (down, up) = self.range.get(&variable).copied().unwrap_or((0, 0));
        Interval {
            lower: value.saturating_add(down),
            upper: Some(value.saturating_add(up)),
            exact: false,
        }
    }
}

/// Whether `movement` (sorted by variable) gives a second set of values the reader
/// cannot tell from the true one, checked exactly.
pub fn is_certificate(
    model: &Model,
    constraints_of: &[Vec<usize>],
    hidden: &[bool],
    movement: &[(usize, i64)],
) -> bool {
    let change_of = |variable: usize| -> i64 {
        movement
            .binary_search_by_key(&variable, |(moved, _)| *moved)
            .ok()
            .and_then(|position| movement.get(position))
            .map_or(0, |(_, change)| *change)
    };
    let sorted = movement.windows(2).all(|pair| pair[0].0 < pair[1].0);
    if !sorted {
        return false;
    }
    let mut touched: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    for (variable, change) in movement {
        let Some(item) = model.variables.get(*variable) else {
            return false;
        };
        if !model.is_unknown(*variable, hidden)
            || item.value.saturating_add(*change) < model.lower_bound(*variable)
        {
            return false;
        }
        touched.extend(constraints_of.get(*variable).into_iter().flatten().copied());
    }
    touched.into_iter().all(|position| {
        model.constraints.get(position).is_some_and(|constraint| {
            constraint.holds_for(|variable| {
                model
                    .variables
                    .get(variable)
                    .map_or(0, |item| item.value)
                    .saturating_add(change_of(variable))
            })
        })
    })
}

/// Looks for certificates that move `target` as far as it must go, among the unknowns of
/// its group: the masking's split first, then a move of one either way.
fn search(
    model: &Model,
    constraints_of: &[Vec<usize>],
    hidden: &[bool],
    members: &[usize],
    target: usize,
    level: i64,
    proven: &mut Reach,
) {
    let Some(item) = model.variables.get(target) else {
        return;
    };
    let mut shifts: Vec<i64> = Vec::new();
    if let Some(cell) = item.cell.as_ref().filter(|cell| cell.primary) {
        let wanted = super::suppression::targets(cell.family, item.value, level);
        shifts.extend([wanted.up, -wanted.down]);
    } else {
        shifts.extend([1, -1]);
    }
    let required = required_width(model, target, level);
    for shift in shifts {
        if shift == 0 || proven.width(target) >= required {
            continue;
        }
        if let Some((_, movement)) =
            super::suppression::perturbation(model, constraints_of, hidden, members, target, shift)
        {
            proven.add(model, constraints_of, hidden, &movement);
        }
    }
}

/// The intervals of the `wanted` members of one group of unknowns.
pub fn attack_group(
    model: &Model,
    hidden: &[bool],
    members: &[usize],
    wanted: &std::collections::BTreeSet<usize>,
) -> Result<BTreeMap<usize, Interval>, AttackError> {
    let mut found: BTreeMap<usize, Interval> = BTreeMap::new();
    {
        let problem = GroupProblem::new(model, members, hidden);
        for (position, variable) in members.iter().enumerate() {
            if !wanted.contains(variable) {
                continue;
            }
            let counts = model
                .variables
                .get(*variable)
                .and_then(|item| item.cell.as_ref())
                .is_some_and(|cell| cell.family != Family::Amounts);
            let bound = |direction: OptimizationDirection| -> Result<Option<f64>, AttackError> {
                let relaxed = problem.extreme(position, direction, false)?;
                match relaxed {
                    Some(value) if counts && !is_whole(value) => {
                        problem.extreme(position, direction, true)
                    }
                    other => Ok(other),
                }
            };
            let lower = bound(OptimizationDirection::Minimize)?
                .ok_or_else(|| AttackError("minimum non borné".to_string()))?;
            let upper = bound(OptimizationDirection::Maximize)?;
            let lower = (lower - TOLERANCE).ceil() as i64;
            let upper = upper.map(|upper| (upper + TOLERANCE).floor() as i64);
            found.insert(
                *variable,
                Interval {
                    lower,
                    upper,
                    exact: true,
                },
            );
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::Key;
    use crate::protect::model::CellInfo;

    /// A 2 × 2 table with its margins: `[[2, 3], [4, 5]]`, the four inner cells hidden.
    fn square() -> (Model, Vec<bool>, [usize; 4]) {
        let mut model = Model::default();
        let cell = |model: &mut Model, value: i64, name: &str| {
            model.add_cell(
                value,
                CellInfo {
                    key: Key::new(2024, name, "t", name),
                    family: Family::Requests,
                    table: "t".to_string(),
                    row: name.to_string(),
                    is_row_total: false,
                    primary: value < 5,
                },
            )
        };
        let inner = [
            cell(&mut model, 2, "a"),
            cell(&mut model, 3, "b"),
            cell(&mut model, 4, "c"),
            cell(&mut model, 5, "d"),
        ];
        let first_row = cell(&mut model, 5, "r1");
        let second_row = cell(&mut model, 9, "r2");
        let first_column = cell(&mut model, 6, "c1");
        let second_column = cell(&mut model, 8, "c2");
        model.sum(&[inner[0], inner[1]], first_row);
        model.sum(&[inner[2], inner[3]], second_row);
        model.sum(&[inner[0], inner[2]], first_column);
        model.sum(&[inner[1], inner[3]], second_column);
        let mut hidden = vec![false; model.variables.len()];
        for index in inner {
            hidden[index] = true;
        }
        (model, hidden, inner)
    }

    #[test]
    fn a_movement_is_a_certificate_only_when_every_relation_holds() {
        let (model, hidden, [a, b, c, d]) = square();
        let constraints_of = model.constraints_of();
        let check =
            |movement: &[(usize, i64)]| is_certificate(&model, &constraints_of, &hidden, movement);
        assert!(check(&[(a, 1), (b, -1), (c, -1), (d, 1)]));
        assert!(check(&[(a, -1), (b, 1), (c, 1), (d, -1)]));
        // A column no longer adds up.
        assert!(!check(&[(a, 1), (b, -1)]));
        // `a` would fall to 0, which a reader knows a hidden cell is not.
        assert!(!check(&[(a, -2), (b, 2), (c, 2), (d, -2)]));
        // A published cell may not move.
        let mut shown = hidden.clone();
        shown[d] = false;
        assert!(!is_certificate(
            &model,
            &constraints_of,
            &shown,
            &[(a, 1), (b, -1), (c, -1), (d, 1)]
        ));
        // Out of order: refused rather than misread.
        assert!(!check(&[(b, -1), (a, 1), (c, -1), (d, 1)]));
    }

    #[test]
    fn certified_widths_are_what_the_certificates_reach() {
        let (model, hidden, [a, b, c, d]) = square();
        let constraints_of = model.constraints_of();
        let mut reach = Reach::default();
        assert!(reach.add(
            &model,
            &constraints_of,
            &hidden,
            &[(a, 1), (b, -1), (c, -1), (d, 1)]
        ));
        assert!(!reach.add(&model, &constraints_of, &hidden, &[(a, 5), (b, -5)]));
        assert_eq!(reach.width(a), 1);
        assert!(reach.add(
            &model,
            &constraints_of,
            &hidden,
            &[(a, -1), (b, 1), (c, 1), (d, -1)]
        ));
        assert_eq!(reach.width(a), 2);
        let interval = reach.interval(&model, a);
        assert_eq!(
            (interval.lower, interval.upper, interval.exact),
            (1, Some(3), false)
        );
        // Inside the exact interval: a is between 1 and 4 (b = 5 − a is at least 1).
        let exact =
            attack_group(&model, &hidden, &[a, b, c, d], &[a].into_iter().collect()).unwrap();
        assert_eq!(exact[&a].lower, 1);
        assert_eq!(exact[&a].upper, Some(4));
    }
}
