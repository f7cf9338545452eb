//! The content of the report, section by section: the tables and charts every renderer
//! shares (the HTML page shows them, the workbook has one sheet per table).

mod communes;
mod evolution;
mod method;
mod natures;
pub mod portraits;
mod profile;
mod quality;
mod requests;
mod summary;

use super::charts::{Chart, Series, Shape};
use super::tables::{Table, View};
use super::Context;
use crate::count::{Unit, NETWORK};
use crate::french::french_fixed;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

/// One block of a section.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub text: Option<String>,
    pub table: Option<Table>,
    pub chart: Option<ChartItem>,
}

/// A chart as placed in the page.
#[derive(Debug, Clone, Serialize)]
pub struct ChartItem {
    pub id: String,
    pub title: String,
    pub description: String,
    pub svg: String,
    pub table_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// A key figure of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
}

/// Everything the renderers show.
#[derive(Debug, Clone, Serialize)]
pub struct Content {
    pub sections: Vec<Section>,
    #[serde(skip)]
    pub charts: Vec<Chart>,
    #[serde(skip)]
    pub tables: Vec<Table>,
    pub key_figures: Vec<KeyFigure>,
    /// One portrait per member commune (`rapport.pdf` and `fiches/`).
    #[serde(skip)]
    pub portraits: Vec<portraits::Portrait>,
}

struct Builder<'a> {
    context: &'a Context<'a>,
    view: View<'a>,
    content: Content,
}

impl Builder<'_> {
    fn section(&mut self, id: &str, title: &str) {
        self.content.sections.push(Section {
            id: id.to_string(),
            title: title.to_string(),
            items: Vec::new(),
        });
    }

    fn push(&mut self, item: Item) {
        if let Some(section) = self.content.sections.last_mut() {
            section.items.push(item);
        }
    }

    fn text(&mut self, text: impl Into<String>) {
        self.push(Item {
            text: Some(text.into()),
            table: None,
            chart: None,
        });
    }

    fn table(&mut self, table: Option<Table>) {
        let Some(table) = table else { return };
        self.content.tables.push(table.clone());
        self.push(Item {
            text: None,
            table: Some(table),
            chart: None,
        });
    }

    fn chart(&mut self, chart: Chart) {
        self.push(Item {
            text: None,
            table: None,
            chart: Some(ChartItem {
                id: chart.id.clone(),
                title: chart.title.clone(),
                description: chart.description.clone(),
                svg: chart.svg(),
                table_id: chart.table_id.clone(),
            }),
        });
        self.content.charts.push(chart);
    }

    fn source_line(&self) -> String {
        format!(
            "Source : {}, demandes d'aide facultative {} – traitement observatoire",
            self.context.verification.network.name, self.context.year
        )
    }

    /// A bar chart of one network row over the modalities of an indicator.
    fn network_bars(&self, id: &str, title: &str, code: &str, table_id: &str) -> Chart {
        let year = self.context.year;
        let modalities: Vec<String> = self
            .context
            .indicators
            .definition(code)
            .map(|definition| definition.modalities.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|modality| {
                self.context
                    .indicators
                    .get(year, NETWORK, code, modality)
                    .is_some_and(|figure| !figure.value.is_zero())
            })
            .collect();
        let mut values = Vec::new();
        let mut labels = Vec::new();
        for modality in &modalities {
            let shown = self.view.shown(year, NETWORK, code, modality);
            values.push(
                self.view
                    .published(year, NETWORK, code, modality)
                    .and_then(|value| value.to_f64()),
            );
            labels.push(shown.text);
        }
        let description = modalities
            .iter()
            .zip(&labels)
            .map(|(modality, label)| format!("{modality} : {label}"))
            .collect::<Vec<_>>()
            .join(" ; ");
        Chart {
            id: id.to_string(),
            title: format!("{title} – réseau, {year}"),
            description: format!("{title} pour l'ensemble du réseau en {year}. {description}."),
            source: self.source_line(),
            shape: Shape::Bars,
            categories: modalities,
            series: vec![Series {
                name: title.to_string(),
                values,
                labels,
            }],
            table_id: table_id.to_string(),
            banner: self.context.banner(),
        }
    }
}

/// The change from `previous` to `current`: points for a percentage, % otherwise.
fn variation(current: Option<Decimal>, previous: Option<Decimal>, unit: Unit) -> String {
    let (Some(current), Some(previous)) = (current, previous) else {
        return "—".to_string();
    };
    if unit == Unit::Percent {
        let difference = current - previous;
        let sign = if difference > Decimal::ZERO { "+" } else { "" };
        return format!("{sign}{}\u{a0}point", french_fixed(difference, 1));
    }
    if previous.is_zero() {
        return "—".to_string();
    }
    let change = (current - previous) * Decimal::ONE_HUNDRED / previous;
    let sign = if change > Decimal::ZERO { "+" } else { "" };
    format!("{sign}{}\u{a0}%", french_fixed(change, 1))
}

/// The key indicators of the summary and of each commune.
const KEY_INDICATORS: [&str; 9] = [
    "demandes",
    "foyers_distincts",
    "foyers_demandes_multiples",
    "foyers_plusieurs_communes",
    "part_demandes_accordees",
    "montant_accorde",
    "delai_median_decision",
    "reste_a_vivre_median",
    "demandes_pour_1000_habitants",
];

/// Builds the sections of the report.
pub fn build<'a>(context: &'a Context<'a>) -> Content {
    let names = |code: &str| context.name(code);
    let mut builder = Builder {
        context,
        view: View {
            indicators: context.indicators,
            secret: context.secret,
            names: &names,
        },
        content: Content {
            sections: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
            key_figures: Vec::new(),
            portraits: Vec::new(),
        },
    };
    summary::add(&mut builder);
    requests::add(&mut builder);
    natures::add(&mut builder);
    profile::add(&mut builder);
    communes::add(&mut builder);
    evolution::add(&mut builder);
    quality::add(&mut builder);
    method::add(&mut builder);
    builder.content.portraits = portraits::build(&builder);
    builder.content
}
