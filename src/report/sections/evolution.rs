//! « Évolution » : the network's and each commune's figures over the years.

use super::{variation, Builder};
use crate::count::{Unit, NETWORK};
use crate::report::charts::{Chart, Series, Shape};
use crate::report::tables::{Shown, Table};
use crate::schema::TOTAL_MODALITY;
use rust_decimal::prelude::ToPrimitive;

/// The « Évolution » section.
pub(super) fn add(builder: &mut Builder) {
    let year = builder.context.year;
    builder.section("evolution", "Évolution");
    let years: Vec<i32> = builder
        .context
        .indicators
        .years
        .iter()
        .copied()
        .filter(|candidate| *candidate <= year)
        .collect();
    network_table(builder, &years);
    communes_table(builder, &years);
    let chart = network_chart(builder, &years);
    builder.chart(chart);
}

/// The network's main figures, one line per year.
fn network_table(builder: &mut Builder, years: &[i32]) {
    let codes = [
        "demandes",
        "foyers_distincts",
        "montant_accorde",
        "part_demandes_accordees",
        "demandes_pour_1000_habitants",
    ];
    let mut headers = vec!["Année".to_string()];
    for code in codes {
        if let Some(definition) = builder.context.indicators.definition(code) {
            headers.push(definition.label.clone());
        }
    }
    let mut rows = Vec::new();
    for candidate in years {
        let mut row = vec![Shown::text(candidate.to_string())];
        for code in codes {
            row.push(
                builder
                    .view
                    .shown(*candidate, NETWORK, code, TOTAL_MODALITY),
            );
        }
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "evolution-reseau".to_string(),
        title: "Évolution du réseau".to_string(),
        headers,
        rows,
        note: None,
    }));
}

/// Each commune's requests over the years, and their change over the last year.
fn communes_table(builder: &mut Builder, years: &[i32]) {
    let year = builder.context.year;
    let mut headers = vec!["Commune".to_string()];
    headers.extend(years.iter().map(i32::to_string));
    headers.push(format!("Évolution {}-{year}", year - 1));
    let mut rows = Vec::new();
    for commune in builder.context.indicators.rows() {
        let mut row = vec![Shown::text(builder.context.name(&commune))];
        if commune == NETWORK {
            row[0].strong = true;
        }
        for candidate in years {
            row.push(
                builder
                    .view
                    .shown(*candidate, &commune, "demandes", TOTAL_MODALITY),
            );
        }
        row.push(Shown::text(variation(
            builder
                .view
                .published(year, &commune, "demandes", TOTAL_MODALITY),
            builder
                .view
                .published(year - 1, &commune, "demandes", TOTAL_MODALITY),
            Unit::Requests,
        )));
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "evolution-communes".to_string(),
        title: "Demandes par commune et par année".to_string(),
        headers,
        rows,
        note: None,
    }));
}

/// The lines of the network's requests and households over the years.
fn network_chart(builder: &Builder, years: &[i32]) -> Chart {
    let year = builder.context.year;
    let mut series = Vec::new();
    for (code, name) in [
        ("demandes", "Demandes"),
        ("foyers_distincts", "Foyers distincts"),
    ] {
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for candidate in years {
            values.push(
                builder
                    .view
                    .published(*candidate, NETWORK, code, TOTAL_MODALITY)
                    .and_then(|value| value.to_f64()),
            );
            labels.push(
                builder
                    .view
                    .shown(*candidate, NETWORK, code, TOTAL_MODALITY)
                    .text,
            );
        }
        series.push(Series {
            name: name.to_string(),
            values,
            labels,
        });
    }
    let description = years
        .iter()
        .enumerate()
        .map(|(position, candidate)| {
            format!(
                "{candidate} : {} demandes, {} foyers",
                series[0].labels.get(position).cloned().unwrap_or_default(),
                series[1].labels.get(position).cloned().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    let first = years.first().copied().unwrap_or(year);
    Chart {
        id: "evolution".to_string(),
        title: format!("Demandes et foyers du réseau, {first}-{year}"),
        description: format!(
            "Évolution du nombre de demandes et de foyers distincts du réseau. {description}."
        ),
        source: format!(
            "Source : {}, demandes d'aide facultative {first}-{year} – traitement observatoire",
            builder.context.verification.network.nom
        ),
        shape: Shape::Lines,
        categories: years.iter().map(i32::to_string).collect(),
        series,
        table_id: "evolution-reseau".to_string(),
        banner: builder.context.banner(),
    }
}
