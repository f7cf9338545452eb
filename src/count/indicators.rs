//! The result of counting: every figure addressed by its [`Key`], with what stands behind
//! it, and which commune-years the figures come from.

use super::definitions::Definition;
use super::grid::Consistency;
use super::records::Records;
use super::NETWORK;
use crate::network::Network;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Where a commune-year's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Source {
    Forms,
    Grid,
}

/// The address of one value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub year: i32,
    pub commune: String,
    pub indicator: String,
    pub modality: String,
}

impl Key {
    pub fn new(year: i32, commune: &str, indicator: &str, modality: &str) -> Key {
        Key {
            year,
            commune: commune.to_string(),
            indicator: indicator.to_string(),
            modality: modality.to_string(),
        }
    }
}

/// One value and what stands behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Decimal,
    /// The number of households (or requests, for counts of requests) the value is made
    /// from: the primary secret hides the value when it is below the threshold.
    pub basis: u64,
    /// The cells this value is computed from (a rate from its count, a share from its
    /// counts): hidden whenever one of them is.
    pub depends_on: Vec<Key>,
    /// For an amount: the largest part of it that one household holds (the dominance
    /// rule), when the requests are known.
    pub largest: Option<Decimal>,
    /// For a median: the number of values it rests on.
    pub observations: u64,
}

/// Every figure of the report, before the statistical secret.
#[derive(Debug, Clone)]
pub struct Indicators {
    pub definitions: Vec<Definition>,
    pub figures: BTreeMap<Key, Figure>,
    /// The years present, ascending.
    pub years: Vec<i32>,
    /// Communes (INSEE codes) with data, in the network's member order.
    pub communes: Vec<String>,
    /// The source of each commune-year.
    pub sources: BTreeMap<(i32, String), Source>,
    /// Forms versus grid, where a commune-year has both.
    pub consistency: Vec<Consistency>,
    /// The population vintage (millésime) used for each year's rates.
    pub vintages: BTreeMap<i32, i32>,
    /// The census vintage of `contexte` used for each year's over-representation.
    pub context_vintages: BTreeMap<i32, i32>,
}

impl Indicators {
    pub fn definition(&self, code: &str) -> Option<&Definition> {
        self.definitions
            .iter()
            .find(|definition| definition.code == code)
    }

    pub fn get(
        &self,
        year: i32,
        commune: &str,
        indicator: &str,
        modality: &str,
    ) -> Option<&Figure> {
        self.figures
            .get(&Key::new(year, commune, indicator, modality))
    }

    /// The rows of every commune then the network, in display order.
    pub fn rows(&self) -> Vec<String> {
        let mut rows = self.communes.clone();
        rows.push(NETWORK.to_string());
        rows
    }
}

/// The whole part of a non-negative value, 0 otherwise.
pub fn whole(value: Decimal) -> u64 {
    use rust_decimal::prelude::ToPrimitive;
    value.trunc().to_u64().unwrap_or(0)
}

/// A count: its own basis, made of nothing else.
pub(super) fn count_figure(value: u64) -> Figure {
    Figure {
        value: Decimal::from(value),
        basis: value,
        depends_on: Vec::new(),
        largest: None,
        observations: 0,
    }
}

/// Which commune-years have forms, which only a grid: forms win when there are both.
pub(super) fn sources_of(records: &Records) -> BTreeMap<(i32, String), Source> {
    let mut sources: BTreeMap<(i32, String), Source> = BTreeMap::new();
    for request in &records.requests {
        sources.insert((request.year, request.commune.clone()), Source::Forms);
    }
    for row in &records.grid {
        sources
            .entry((row.year, row.commune.clone()))
            .or_insert(Source::Grid);
    }
    sources
}

/// The years with data, ascending.
pub(super) fn years_of(sources: &BTreeMap<(i32, String), Source>) -> Vec<i32> {
    sources
        .keys()
        .map(|(year, _)| *year)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The communes with data: the network's members in their order, then any other commune
/// in code order.
pub(super) fn communes_in_member_order(
    sources: &BTreeMap<(i32, String), Source>,
    network: &Network,
) -> Vec<String> {
    let present: BTreeSet<&String> = sources.keys().map(|(_, commune)| commune).collect();
    let mut communes: Vec<String> = network
        .members
        .iter()
        .filter(|member| present.contains(&member.code))
        .map(|member| member.code.clone())
        .collect();
    for commune in present {
        if !communes.contains(commune) {
            communes.push(commune.clone());
        }
    }
    communes
}
