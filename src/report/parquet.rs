//! `indicateurs.parquet` and `demandes.parquet`, for analysts using DuckDB, R or Python.
//!
//! The published edition's request file leaves out the household pseudonym and the request
//! number (microdata linkable across years) and keeps the month of the request instead of
//! its dates; the internal edition keeps them all (as Parquet dates). Amounts are written as
//! text with a decimal point (exact), and so are the values of the indicators.

use super::{Context, ReportError};
use polars::prelude::*;

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

/// The accepted requests after normalisation.
pub fn requests(context: &Context) -> Result<Vec<u8>, ReportError> {
    let requests = &context.records.requests;
    let internal = context.options.internal;
    let decimal = |value: Option<rust_decimal::Decimal>| {
        value.map(|value| crate::french::money(value).to_string())
    };
    let mut columns = vec![
        Column::new(
            "annee".into(),
            requests
                .iter()
                .map(|request| request.year)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "code_commune".into(),
            requests
                .iter()
                .map(|request| request.commune.clone())
                .collect::<Vec<_>>(),
        ),
    ];
    if internal {
        columns.push(Column::new(
            "numero_demande".into(),
            requests
                .iter()
                .map(|request| request.number.clone())
                .collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            "foyer".into(),
            requests
                .iter()
                .map(|request| request.household_pseudonym.clone())
                .collect::<Vec<_>>(),
        ));
    }
    if internal {
        columns.push(Column::new(
            "date_demande".into(),
            requests
                .iter()
                .map(|request| request.date)
                .collect::<Vec<_>>(),
        ));
    } else {
        // Exact dates, with the commune and the household's make-up, could single out a
        // household: the published file keeps the month only.
        columns.push(Column::new(
            "mois_demande".into(),
            requests
                .iter()
                .map(|request| request.date.format("%Y-%m").to_string())
                .collect::<Vec<_>>(),
        ));
    }
    let fields: Vec<String> = requests
        .first()
        .map(|request| request.categories.keys().cloned().collect())
        .unwrap_or_default();
    for field in &fields {
        columns.push(Column::new(
            field.as_str().into(),
            requests
                .iter()
                .map(|request| request.category(field).to_string())
                .collect::<Vec<_>>(),
        ));
    }
    columns.push(Column::new(
        "nombre_personnes".into(),
        requests
            .iter()
            .map(|request| request.persons)
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "nombre_enfants".into(),
        requests
            .iter()
            .map(|request| request.children)
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "ressources_mensuelles".into(),
        requests
            .iter()
            .map(|request| decimal(request.monthly_resources))
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "charges_mensuelles".into(),
        requests
            .iter()
            .map(|request| decimal(request.monthly_charges))
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "montant_demande".into(),
        requests
            .iter()
            .map(|request| decimal(request.amount_requested))
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "montant_accorde".into(),
        requests
            .iter()
            .map(|request| decimal(request.amount_granted))
            .collect::<Vec<_>>(),
    ));
    if internal {
        columns.push(Column::new(
            "date_decision".into(),
            requests
                .iter()
                .map(|request| request.decision_date)
                .collect::<Vec<_>>(),
        ));
    }
    columns.push(Column::new(
        "delai_decision_jours".into(),
        requests
            .iter()
            .map(|request| request.decision_delay_days())
            .collect::<Vec<_>>(),
    ));
    columns.push(Column::new(
        "reste_a_vivre_jour_uc".into(),
        requests
            .iter()
            .map(|request| {
                request
                    .remaining_per_day_per_unit()
                    .map(|value| crate::french::money(value).to_string())
            })
            .collect::<Vec<_>>(),
    ));
    columns.extend(banner_column(context, requests.len()));
    let mut frame = DataFrame::new_infer_height(columns)
        .map_err(|error| ReportError::render("demandes.parquet", error))?;
    write(&mut frame, "demandes.parquet")
}
