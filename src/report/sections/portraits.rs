//! The portrait of each member commune (« fiche commune »): its key figures beside the
//! network's, its trend over the years, its requesters against its census population,
//! and a few sentences of reading. Every figure goes through the same mask as the rest of
//! the report: a hidden value shows « s », is never drawn and is never put in words.

use super::profile::{self, AgeProfile};
use super::{variation, Builder, ChartItem, KEY_INDICATORS};
use crate::count::{Unit, NETWORK};
use crate::report::charts::{Chart, Series, Shape};
use crate::report::tables::{Shown, Table};
use crate::schema::TOTAL_MODALITY;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// One member commune's portrait.
#[derive(Debug, Clone, Serialize)]
pub struct Portrait {
    pub code: String,
    pub name: String,
    /// `44015-blain`: the portrait is `fiches/<stem>.pdf`.
    pub file_stem: String,
    /// Whether the commune sent data for the year.
    pub has_data: bool,
    pub reading: Vec<String>,
    pub key_figures: Table,
    pub trend: Table,
    pub trend_chart: ChartItem,
    pub profile: Option<Table>,
    pub profile_chart: Option<ChartItem>,
    /// The trend chart's source line (the annual event's slide shows it).
    pub trend_source: String,
    /// The portrait's charts themselves, trend first (for the editable deck's pictures).
    #[serde(skip)]
    pub charts: Vec<Chart>,
}

/// The portraits of every member of the network, in the order of `reseau.toml`.
pub(super) fn build(builder: &Builder) -> Vec<Portrait> {
    builder
        .context
        .verification
        .network
        .members
        .iter()
        .map(|member| portrait(builder, &member.code, &member.name))
        .collect()
}

fn item(chart: &Chart) -> ChartItem {
    ChartItem {
        id: chart.id.clone(),
        title: chart.title.clone(),
        description: chart.description.clone(),
        svg: chart.svg(),
        table_id: chart.table_id.clone(),
    }
}

fn portrait(builder: &Builder, code: &str, name: &str) -> Portrait {
    let year = builder.context.year;
    let has_data = builder
        .view
        .rows_of_year(year)
        .iter()
        .any(|row| row == code);
    let vintage = builder
        .context
        .indicators
        .context_vintages
        .get(&year)
        .copied();
    let trend_chart = trend_chart(builder, code, name);
    let mut charts = vec![trend_chart];
    let (profile, profile_chart) = match vintage {
        Some(vintage) if has_data => {
            let (table, chart) = age_profile(builder, code, name, vintage);
            let shown = item(&chart);
            charts.push(chart);
            (Some(table), Some(shown))
        }
        _ => (None, None),
    };
    Portrait {
        code: code.to_string(),
        name: name.to_string(),
        file_stem: format!("{code}-{}", crate::repartition::write::slug(name)),
        has_data,
        reading: reading(builder, code, name, has_data),
        key_figures: key_figures(builder, code, name),
        trend: trend(builder, code),
        trend_chart: item(&charts[0]),
        profile,
        profile_chart,
        trend_source: charts[0].source.clone(),
        charts,
    }
}

/// The key indicators of the year: the commune, the network.
fn key_figures(builder: &Builder, code: &str, name: &str) -> Table {
    let year = builder.context.year;
    let indicators = builder.context.indicators;
    let rows = KEY_INDICATORS
        .iter()
        .filter_map(|indicator| {
            let definition = indicators.definition(indicator)?;
            // « Foyers vus dans deux communes ou plus » is published for the network only.
            if *indicator == "foyers_plusieurs_communes" {
                return None;
            }
            Some(vec![
                Shown::text(definition.label.clone()),
                builder.view.shown(year, code, indicator, TOTAL_MODALITY),
                builder.view.shown(year, NETWORK, indicator, TOTAL_MODALITY),
            ])
        })
        .collect();
    Table {
        id: format!("fiche-{code}-chiffres"),
        title: format!("Chiffres clés, {year} : {name} et le réseau"),
        headers: vec![
            "Indicateur".to_string(),
            name.to_string(),
            "Réseau".to_string(),
        ],
        rows,
        note: None,
    }
}

/// The years shown in the trend: every year of the data up to the year reported on.
fn years(builder: &Builder) -> Vec<i32> {
    let year = builder.context.year;
    builder
        .context
        .indicators
        .years
        .iter()
        .copied()
        .filter(|candidate| *candidate <= year)
        .collect()
}

/// Requests, households and the rate per 1 000 inhabitants over the years.
fn trend(builder: &Builder, code: &str) -> Table {
    let rows = years(builder)
        .into_iter()
        .map(|year| {
            vec![
                Shown::text(year.to_string()),
                builder.view.shown(year, code, "demandes", TOTAL_MODALITY),
                builder
                    .view
                    .shown(year, code, "foyers_distincts", TOTAL_MODALITY),
                builder
                    .view
                    .shown(year, code, "demandes_pour_1000_habitants", TOTAL_MODALITY),
                builder.view.shown(
                    year,
                    NETWORK,
                    "demandes_pour_1000_habitants",
                    TOTAL_MODALITY,
                ),
            ]
        })
        .collect();
    Table {
        id: format!("fiche-{code}-evolution"),
        title: "Évolution".to_string(),
        headers: vec![
            "Année".to_string(),
            "Demandes".to_string(),
            "Foyers distincts".to_string(),
            "Demandes pour 1 000 hab.".to_string(),
            "Réseau (pour 1 000 hab.)".to_string(),
        ],
        rows,
        note: None,
    }
}

/// The rate per 1 000 inhabitants over the years, the commune's line beside the network's.
fn trend_chart(builder: &Builder, code: &str, name: &str) -> Chart {
    let years = years(builder);
    let year = builder.context.year;
    let first = years.first().copied().unwrap_or(year);
    let indicator = "demandes_pour_1000_habitants";
    let series: Vec<Series> = [(code, name), (NETWORK, "Réseau")]
        .into_iter()
        .map(|(row, label)| Series {
            name: label.to_string(),
            values: years
                .iter()
                .map(|year| {
                    builder
                        .view
                        .published(*year, row, indicator, TOTAL_MODALITY)
                        .and_then(|value| value.to_f64())
                })
                .collect(),
            labels: years
                .iter()
                .map(|year| {
                    builder
                        .view
                        .shown(*year, row, indicator, TOTAL_MODALITY)
                        .text
                })
                .collect(),
        })
        .collect();
    let description = years
        .iter()
        .enumerate()
        .map(|(position, year)| {
            format!(
                "{year} : {} pour {name}, {} pour le réseau",
                series[0].labels[position], series[1].labels[position]
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    Chart {
        id: format!("fiche-{code}-evolution"),
        title: format!("Demandes pour 1 000 habitants, {first}-{year} : {name} et le réseau"),
        description: format!("Demandes pour 1 000 habitants. {description}."),
        source: format!(
            "Source : {}, demandes d'aide facultative {first}-{year} ; Insee, populations légales – traitement observatoire",
            builder.context.verification.network.name
        ),
        shape: Shape::Lines,
        categories: years.iter().map(i32::to_string).collect(),
        series,
        table_id: format!("fiche-{code}-evolution"),
        banner: builder.context.banner(),
    }
}

/// The commune's requesters by age band against its census population.
fn age_profile(builder: &Builder, code: &str, name: &str, vintage: i32) -> (Table, Chart) {
    let year = builder.context.year;
    profile::age_profile(
        builder,
        vintage,
        &AgeProfile {
            commune: code,
            id: &format!("fiche-{code}-ages"),
            table_title: format!("Âge des demandeurs et de la population, {year}"),
            chart_title: format!("Âge des demandeurs et de la population – {name}, {year}"),
            note: "Population : recensement de l'Insee ; la première tranche ne compte que les 15 ans ou plus. Les parts des demandes ne sont pas publiées si une tranche est couverte par le secret.",
        },
    )
}

/// A published value in words, or `None` when it is hidden or absent.
fn said(builder: &Builder, year: i32, row: &str, indicator: &str) -> Option<String> {
    let shown = builder.view.shown(year, row, indicator, TOTAL_MODALITY);
    (!shown.secret && shown.number.is_some()).then_some(shown.text)
}

/// A few sentences of reading, from published figures only.
fn reading(builder: &Builder, code: &str, name: &str, has_data: bool) -> Vec<String> {
    let year = builder.context.year;
    if !has_data {
        return vec![format!(
            "{name} n'a pas transmis de données pour {year} : sa fiche ne montre que les années précédentes, s'il y en a."
        )];
    }
    let mut sentences = Vec::new();
    match (
        said(builder, year, code, "demandes"),
        said(builder, year, code, "foyers_distincts"),
    ) {
        (Some(requests), Some(households)) => sentences.push(format!(
            "En {year}, le CCAS de {name} a reçu {requests} demandes d'aide facultative, venant de {households} foyers distincts."
        )),
        (Some(requests), None) => sentences.push(format!(
            "En {year}, le CCAS de {name} a reçu {requests} demandes d'aide facultative."
        )),
        _ => sentences.push(format!(
            "En {year}, le nombre de demandes reçues par le CCAS de {name} est couvert par le secret statistique."
        )),
    }
    if let (Some(rate), Some(network_rate)) = (
        said(builder, year, code, "demandes_pour_1000_habitants"),
        said(builder, year, NETWORK, "demandes_pour_1000_habitants"),
    ) {
        sentences.push(format!(
            "Cela représente {rate} demandes pour 1 000 habitants, contre {network_rate} pour l'ensemble du réseau."
        ));
    }
    let change = variation(
        builder
            .view
            .published(year, code, "demandes", TOTAL_MODALITY),
        builder
            .view
            .published(year - 1, code, "demandes", TOTAL_MODALITY),
        Unit::Requests,
    );
    if change != "—" {
        sentences.push(format!(
            "Le nombre de demandes évolue de {change} par rapport à {}.",
            year - 1
        ));
    }
    if let (Some(share), Some(network_share)) = (
        said(builder, year, code, "part_demandes_accordees"),
        said(builder, year, NETWORK, "part_demandes_accordees"),
    ) {
        sentences.push(format!(
            "La part des demandes accordées, totalement ou partiellement, est de {share} (réseau : {network_share})."
        ));
    }
    sentences
}
