//! What a reader of the published files knows, written as linear relations.
//!
//! One [`Model`] holds a year's linked tables: every publishable additive cell (counts of
//! requests, amounts in cents, counts of households) with its true value, the unknowns a
//! reader cannot see but can reason about (the extra appearances of households seen in
//! several communes), and every relation between them that the published files allow:
//! categories add up to the commune's total, communes add up to the network, amounts by
//! nature add up to the amount, and the household inequalities (a commune has no more
//! households than requests, the network no more than the sum of its communes…).
//!
//! Both the choice of secondary cells ([`super::suppression`]) and the interval attack
//! ([`super::attack`]) read the same model, so what is protected is what is audited.

use crate::count::Key;

/// The three families of additive cells, which are protected with their own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Counts of requests: `demandes` and its breakdowns.
    Requests,
    /// Amounts granted, in cents: `montant_accorde` and its breakdown by nature.
    Amounts,
    /// Counts of households.
    Households,
}

/// One variable of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The true value (a count, or cents).
    pub value: i64,
    /// `None` for an unknown that is never published (an auxiliary quantity).
    pub cell: Option<CellInfo>,
}

/// A publishable cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellInfo {
    pub key: Key,
    pub family: Family,
    /// The table the cell belongs to (an indicator code: cells of one breakdown).
    pub table: String,
    /// The row of the cell: a commune's code or the network's.
    pub row: String,
    /// Whether the cell is its row's total for the breakdown tables (e.g. `demandes`).
    pub is_row_total: bool,
    /// Whether the primary rule hides it.
    pub primary: bool,
}

/// `=`, `≤` or `≥`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Equal,
    AtMost,
    AtLeast,
}

/// `Σ coefficient × variable (relation) constant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub terms: Vec<(usize, i64)>,
    pub relation: Relation,
    pub constant: i64,
}

impl Constraint {
    /// Whether the values `value_of` gives satisfy it.
    pub fn holds_for(&self, value_of: impl Fn(usize) -> i64) -> bool {
        let total: i128 = self
            .terms
            .iter()
            .map(|(variable, coefficient)| {
                i128::from(value_of(*variable)) * i128::from(*coefficient)
            })
            .sum();
        let constant = i128::from(self.constant);
        match self.relation {
            Relation::Equal => total == constant,
            Relation::AtMost => total <= constant,
            Relation::AtLeast => total >= constant,
        }
    }
}

/// Variables and the relations a reader knows between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    pub variables: Vec<Variable>,
    pub constraints: Vec<Constraint>,
}

impl Model {
    /// Adds a publishable cell and returns its index.
    pub fn add_cell(&mut self, value: i64, cell: CellInfo) -> usize {
        self.variables.push(Variable {
            value,
            cell: Some(cell),
        });
        self.variables.len() - 1
    }

    /// Adds an unknown that is never published.
    pub fn add_unknown(&mut self, value: i64) -> usize {
        self.variables.push(Variable { value, cell: None });
        self.variables.len() - 1
    }

    /// Adds a relation; one the true values break is not a relation and is left out (a
    /// grid whose categories do not add up to its total, for example).
    pub fn relate(&mut self, terms: Vec<(usize, i64)>, relation: Relation, constant: i64) {
        if terms.is_empty() {
            return;
        }
        let constraint = Constraint {
            terms,
            relation,
            constant,
        };
        let variables = &self.variables;
        let holds =
            constraint.holds_for(|variable| variables.get(variable).map_or(0, |item| item.value));
        if holds {
            self.constraints.push(constraint);
        }
    }

    /// `Σ parts = total`.
    pub fn sum(&mut self, parts: &[usize], total: usize) {
        let mut terms: Vec<(usize, i64)> = parts.iter().map(|part| (*part, 1)).collect();
        terms.push((total, -1));
        self.relate(terms, Relation::Equal, 0);
    }

    /// Whether a reader does not see `variable`: a hidden cell, or an unknown that is
    /// never published. False for an index outside the model.
    pub fn is_unknown(&self, variable: usize, hidden: &[bool]) -> bool {
        match self.variables.get(variable) {
            Some(item) if item.cell.is_some() => hidden.get(variable).copied().unwrap_or(false),
            Some(_) => true,
            None => false,
        }
    }

    /// The smallest value a hidden variable can take, as a reader knows it: a hidden
    /// cell is never a zero (zeros are published), an unknown is never negative.
    pub fn lower_bound(&self, variable: usize) -> i64 {
        match self
            .variables
            .get(variable)
            .and_then(|item| item.cell.as_ref())
        {
            Some(_) => 1,
            None => 0,
        }
    }

    /// The constraints each variable appears in.
    pub fn constraints_of(&self) -> Vec<Vec<usize>> {
        let mut list = vec![Vec::new(); self.variables.len()];
        for (position, constraint) in self.constraints.iter().enumerate() {
            for (variable, _) in &constraint.terms {
                if let Some(entry) = list.get_mut(*variable) {
                    if entry.last() != Some(&position) {
                        entry.push(position);
                    }
                }
            }
        }
        list
    }
}
