//! Counting: the indicators of the report, per commune, per year and for the network
//! (`RESEAU`), from the requests (`demandes`) or, for a commune-year without forms, from
//! the annual grid (`grille`).
//!
//! Additive indicators (counts, sums of euros) are grouped with polars ([`frame`]);
//! ratios, medians and rates are computed afterwards in exact decimals, so that euros never
//! pass through floating point.
//!
//! The steps, in order: [`definitions()`] says which indicators exist; the forms give their
//! figures (`forms`); the grid fills in the commune-years without forms and is compared
//! with the forms elsewhere (`grid`); the derived values come last (`derived`), once the
//! counts they are made from are known.

mod definitions;
mod derived;
mod forms;
pub mod frame;
mod grid;
mod indicators;
pub mod records;

pub use definitions::{
    context_sheets, definitions, indicator_sheets, Definition, IndicatorSheet, Kind, Unit,
    GRANTED_DECISIONS, REMAINING_BANDS,
};
pub use forms::{median, round_to, MEDIAN_AMOUNT_STEP};
pub use grid::{Consistency, Discrepancy};
pub use indicators::{whole, Figure, Indicators, Key, Source};

use crate::network::Network;
use crate::schema::SchemaSet;
use polars::prelude::PolarsError;
use records::Records;
use std::collections::BTreeMap;

/// `code_commune` of the network's own rows.
pub const NETWORK: &str = "RESEAU";

/// Errors of the counting stage (a polars failure is a bug, reported as such).
#[derive(Debug, thiserror::Error)]
pub enum CountError {
    #[error("erreur interne du calcul des indicateurs ({0})")]
    Frame(#[from] PolarsError),
    #[error("erreur interne : {0}")]
    Internal(String),
}

/// Computes every indicator from the accepted records.
pub fn count(
    records: &Records,
    network: &Network,
    schemas: &SchemaSet,
) -> Result<Indicators, CountError> {
    let definitions = definitions(schemas);
    let categorical = schemas
        .get("demandes")
        .map(records::categorical_fields)
        .unwrap_or_default();
    let sources = indicators::sources_of(records);
    let years = indicators::years_of(&sources);
    let communes = indicators::communes_in_member_order(&sources, network);

    let mut figures = BTreeMap::new();
    forms::add_form_figures(&mut figures, records, &categorical, &definitions)?;
    let consistency = grid::add_grid_figures(&mut figures, records, &definitions, &sources);
    let vintages =
        derived::add_derived(&mut figures, records, network, &years, &communes, &sources);

    Ok(Indicators {
        definitions,
        figures,
        years,
        communes,
        sources,
        consistency,
        vintages: vintages.population,
        context_vintages: vintages.context,
    })
}
