//! « Les communes » : each commune's key figures beside the network's, and the chart of
//! requests per 1 000 inhabitants.

use super::{Builder, KEY_INDICATORS};
use crate::count::NETWORK;
use crate::report::charts::{Chart, Series, Shape};
use crate::report::tables::{Shown, Table};
use crate::schema::TOTAL_MODALITY;
use rust_decimal::prelude::ToPrimitive;

/// The most bars a chart shows (a slide stays readable).
const MAX_BARS: usize = 25;

/// The « Les communes » section: the table of the key figures, then the rates chart.
pub(super) fn add(builder: &mut Builder) {
    let year = builder.context.year;
    builder.section("communes", "Les communes");
    builder.text("Chaque commune est présentée à côté du réseau (dernière ligne, en gras).");
    let indicators = builder.context.indicators;
    let mut headers = vec!["Commune".to_string()];
    let codes: Vec<&str> = KEY_INDICATORS.to_vec();
    for code in &codes {
        if let Some(definition) = indicators.definition(code) {
            headers.push(definition.label.clone());
        }
    }
    let mut rows = Vec::new();
    for commune in builder.view.rows_of_year(year) {
        let mut row = vec![Shown::text(builder.context.name(&commune))];
        if commune == NETWORK {
            row[0].strong = true;
        }
        for code in &codes {
            row.push(builder.view.shown(year, &commune, code, TOTAL_MODALITY));
        }
        rows.push(row);
    }
    builder.table(Some(Table {
        id: "communes".to_string(),
        title: format!("Les communes et le réseau ({year})"),
        headers,
        rows,
        note: None,
    }));
    let chart = rates_chart(builder);
    builder.chart(chart);
}

/// The communes the rates chart shows: all of them and the network, or on a large
/// network its [`MAX_BARS`] highest rates then the network.
fn charted_communes(builder: &Builder) -> (Vec<String>, bool) {
    let year = builder.context.year;
    let mut charted = builder.view.rows_of_year(year);
    let too_many = charted.len() > MAX_BARS + 1;
    if too_many {
        charted.retain(|commune| commune != NETWORK);
        charted.sort_by_key(|commune| {
            std::cmp::Reverse(builder.view.published(
                year,
                commune,
                "demandes_pour_1000_habitants",
                TOTAL_MODALITY,
            ))
        });
        charted.truncate(MAX_BARS);
        charted.push(NETWORK.to_string());
    }
    (charted, too_many)
}

/// The bars of the requests per 1 000 inhabitants of each commune and of the network.
fn rates_chart(builder: &Builder) -> Chart {
    let year = builder.context.year;
    let mut categories = Vec::new();
    let mut values = Vec::new();
    let mut labels = Vec::new();
    let (charted, too_many) = charted_communes(builder);
    for commune in charted {
        let shown = builder.view.shown(
            year,
            &commune,
            "demandes_pour_1000_habitants",
            TOTAL_MODALITY,
        );
        categories.push(builder.context.name(&commune));
        values.push(
            builder
                .view
                .published(
                    year,
                    &commune,
                    "demandes_pour_1000_habitants",
                    TOTAL_MODALITY,
                )
                .and_then(|value| value.to_f64()),
        );
        labels.push(shown.text);
    }
    let description = categories
        .iter()
        .zip(&labels)
        .map(|(commune, label)| format!("{commune} : {label}"))
        .collect::<Vec<_>>()
        .join(" ; ");
    let vintage = builder.context.indicators.vintages.get(&year).map_or_else(
        || "aucun millésime en vigueur".to_string(),
        |vintage| format!("Insee, populations légales millésime {vintage}"),
    );
    Chart {
        id: "taux-communes".to_string(),
        title: if too_many {
            format!("Demandes pour 1 000 habitants : les {MAX_BARS} taux les plus élevés, {year}")
        } else {
            format!("Demandes pour 1 000 habitants par commune, {year}")
        },
        description: format!("Demandes pour 1 000 habitants en {year}. {description}."),
        source: format!("{} ; {vintage}", builder.source_line()),
        shape: Shape::Bars,
        categories,
        series: vec![Series {
            name: "Demandes pour 1 000 habitants".to_string(),
            values,
            labels,
        }],
        table_id: "communes".to_string(),
        banner: builder.context.banner(),
    }
}
