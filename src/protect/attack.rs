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

use super::model::{Family, Model, Relation};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use std::collections::BTreeMap;

/// The values a reader can give a hidden cell: `lower ≤ value ≤ upper`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub lower: i64,
    /// `None` when nothing published bounds the cell from above.
    pub upper: Option<i64>,
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
/// the group alone.
pub fn group_of(
    model: &Model,
    constraints_of: &[Vec<usize>],
    hidden: &[bool],
    start: usize,
) -> Vec<usize> {
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
                    queue.push(*other);
                }
            }
        }
    }
    seen.into_iter().collect()
}

/// The interval of each target (hidden cells), in the order given.
pub fn attack(
    model: &Model,
    hidden: &[bool],
    targets: &[usize],
) -> Result<Vec<(usize, Interval)>, AttackError> {
    let wanted: std::collections::BTreeSet<usize> = targets.iter().copied().collect();
    let mut found: BTreeMap<usize, Interval> = BTreeMap::new();
    for members in groups(model, hidden) {
        if !members.iter().any(|member| wanted.contains(member)) {
            continue;
        }
        found.extend(attack_group(model, hidden, &members, &wanted)?);
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
            found.insert(*variable, Interval { lower, upper });
        }
    }
    Ok(found)
}
