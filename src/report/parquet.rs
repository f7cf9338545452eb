//! `indicateurs.parquet` and `demandes.parquet`, for analysts using DuckDB, R or Python.
//!
//! The published edition's request file leaves out the household pseudonym and the request
//! number (microdata linkable across years) and keeps the month of the request instead of
//! its dates; the internal edition keeps them all (as Parquet dates). Amounts are written as
//! text with a decimal point (exact), and so are the values of the indicators.

use super::{Context, ReportError};
use crate::count::records::Request;
use polars::prelude::*;
use rust_decimal::Decimal;

fn write(frame: &mut DataFrame, what: &str) -> Result<Vec<u8>, ReportError> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Uncompressed)
        .set_parallel(false)
        .finish(frame)
        .map_err(|error| ReportError::render(what, error))?;
    Ok(bytes)
}

fn banner_column(context: &Context, height: usize) -> Option<Column> {
    context
        .banner()
        .map(|banner| Column::new("diffusion".into(), vec![banner; height]))
}

/// Every indicator value, hidden ones as null with `secret = true`.
pub fn indicators(context: &Context) -> Result<Vec<u8>, ReportError> {
    let mut years = Vec::new();
    let mut communes = Vec::new();
    let mut indicators = Vec::new();
    let mut modalities = Vec::new();
    let mut values: Vec<Option<String>> = Vec::new();
    let mut secrets = Vec::new();
    for (key, figure) in &context.indicators.figures {
        let hidden = context.secret.is_hidden(key);
        years.push(key.year);
        communes.push(key.commune.clone());
        indicators.push(key.indicator.clone());
        modalities.push(key.modality.clone());
        values.push((!hidden).then(|| figure.value.normalize().to_string()));
        secrets.push(hidden);
    }
    let height = years.len();
    let mut columns = vec![
        Column::new("annee".into(), years),
        Column::new("code_commune".into(), communes),
        Column::new("indicateur".into(), indicators),
        Column::new("modalite".into(), modalities),
        Column::new("valeur".into(), values),
        Column::new("secret".into(), secrets),
    ];
    columns.extend(banner_column(context, height));
    let mut frame = DataFrame::new_infer_height(columns)
        .map_err(|error| ReportError::render("indicateurs.parquet", error))?;
    write(&mut frame, "indicateurs.parquet")
}

/// One column of the request file: `value` of each request.
fn column<T>(name: &str, requests: &[Request], value: impl Fn(&Request) -> T) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(name.into(), requests.iter().map(value).collect::<Vec<_>>())
}

/// An amount as exact text with a decimal point.
fn amount(value: Option<Decimal>) -> Option<String> {
    value.map(|value| crate::french::money(value).to_string())
}

/// Where and when: the year and the commune, then in the internal edition the request
/// number, the household pseudonym and the date of the request, in the published one its
/// month only.
fn identity_columns(requests: &[Request], internal: bool) -> Vec<Column> {
    let mut columns = vec![
        column("annee", requests, |request| request.year),
        column("code_commune", requests, |request| request.commune.clone()),
    ];
    if internal {
        columns.push(column("numero_demande", requests, |request| {
            request.number.clone()
        }));
        columns.push(column("foyer", requests, |request| {
            request.household_pseudonym.clone()
        }));
        columns.push(column("date_demande", requests, |request| request.date));
    } else {
        // Exact dates, with the commune and the household's make-up, could single out a
        // household: the published file keeps the month only.
        columns.push(column("mois_demande", requests, |request| {
            request.date.format("%Y-%m").to_string()
        }));
    }
    columns
}

/// One column per category field, in the order of the first request's fields.
fn category_columns(requests: &[Request]) -> Vec<Column> {
    let fields: Vec<String> = requests
        .first()
        .map(|request| request.categories.keys().cloned().collect())
        .unwrap_or_default();
    fields
        .iter()
        .map(|field| {
            column(field, requests, |request| {
                request.category(field).to_string()
            })
        })
        .collect()
}

/// The household's size, resources and charges, and the amounts asked and granted.
fn amount_columns(requests: &[Request]) -> Vec<Column> {
    vec![
        column("nombre_personnes", requests, |request| request.persons),
        column("nombre_enfants", requests, |request| request.children),
        column("ressources_mensuelles", requests, |request| {
            amount(request.monthly_resources)
        }),
        column("charges_mensuelles", requests, |request| {
            amount(request.monthly_charges)
        }),
        column("montant_demande", requests, |request| {
            amount(request.amount_requested)
        }),
        column("montant_accorde", requests, |request| {
            amount(request.amount_granted)
        }),
    ]
}

/// The decision's date (internal edition only) and delay, and the reste à vivre.
fn decision_columns(requests: &[Request], internal: bool) -> Vec<Column> {
    let mut columns = Vec::new();
    if internal {
        columns.push(column("date_decision", requests, |request| {
            request.decision_date
        }));
    }
    columns.push(column("delai_decision_jours", requests, |request| {
        request.decision_delay_days()
    }));
    columns.push(column("reste_a_vivre_jour_uc", requests, |request| {
        amount(request.remaining_per_day_per_unit())
    }));
    columns
}

/// The accepted requests after normalisation.
pub fn requests(context: &Context) -> Result<Vec<u8>, ReportError> {
    let requests = &context.records.requests;
    let internal = context.options.internal;
    let mut columns = identity_columns(requests, internal);
    columns.extend(category_columns(requests));
    columns.extend(amount_columns(requests));
    columns.extend(decision_columns(requests, internal));
    columns.extend(banner_column(context, requests.len()));
    let mut frame = DataFrame::new_infer_height(columns)
        .map_err(|error| ReportError::render("demandes.parquet", error))?;
    write(&mut frame, "demandes.parquet")
}
