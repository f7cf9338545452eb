//! `rapport.pdf`: the report typeset for print (A4, title page, table of contents, running
//! headers, tables repeating their header row, vector charts), from the same content as
//! `rapport.html`, by [`crate::print`].

use super::sections::portraits::Portrait;
use super::sections::{Content, KeyFigure, Section};
use super::{Context, ReportError};
use crate::print::{self, Document};
use serde::Serialize;
use std::collections::BTreeMap;

const TEMPLATE: &str = include_str!("templates/rapport.typ");
const PORTRAIT: &str = include_str!("templates/fiche.typ");
const PORTRAIT_ALONE: &str = include_str!("templates/fiche-seule.typ");

/// What the template reads from `/donnees.json`.
#[derive(Serialize)]
struct Data<'a> {
    network_name: &'a str,
    year: i32,
    members: Vec<String>,
    sections: &'a [Section],
    key_figures: &'a [KeyFigure],
    portraits: &'a [Portrait],
    /// The indicator sheets of the annex (`schemas/indicateurs.json`).
    indicator_sheets: Vec<crate::count::IndicatorSheet>,
    banner: Option<String>,
    date: Option<String>,
    threshold: u32,
    internal: bool,
}

/// The report as PDF bytes.
pub fn render(context: &Context, content: &Content) -> Result<Vec<u8>, ReportError> {
    let network = &context.verification.network;
    let data = Data {
        network_name: &network.name,
        year: context.year,
        members: network
            .members
            .iter()
            .map(|member| member.name.clone())
            .collect(),
        sections: &content.sections,
        key_figures: &content.key_figures,
        portraits: &content.portraits,
        indicator_sheets: sheets()?,
        banner: context.banner(),
        date: context
            .options
            .date
            .map(|date| date.format("%d/%m/%Y").to_string()),
        threshold: network.secret_threshold,
        internal: context.options.internal,
    };
    let document = Document {
        template: TEMPLATE,
        data: print::data(&data).map_err(|error| ReportError::render("le rapport PDF", error))?,
        files: modules(),
        ident: format!("observatoire-rapport-{}", context.year),
        date: context.options.date,
    };
    print::pdf(&document).map_err(|error| ReportError::render("le rapport PDF", error))
}

/// Every indicator's sheet, the report's then the census context's.
fn sheets() -> Result<Vec<crate::count::IndicatorSheet>, ReportError> {
    let schemas =
        crate::schema::schemas().map_err(|error| ReportError::render("les schémas", error))?;
    let mut sheets = crate::count::indicator_sheets(schemas);
    sheets.extend(crate::count::context_sheets(schemas));
    Ok(sheets)
}

fn modules() -> BTreeMap<String, Vec<u8>> {
    BTreeMap::from([("/fiche.typ".to_string(), PORTRAIT.as_bytes().to_vec())])
}

/// What the portrait template reads.
#[derive(Serialize)]
struct PortraitData<'a> {
    network_name: &'a str,
    year: i32,
    portrait: &'a Portrait,
    banner: Option<String>,
}

/// Each member's portrait on its own, as `(stem, PDF bytes)`.
pub fn portraits(
    context: &Context,
    content: &Content,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let failed = |error| ReportError::render("les fiches communes", error);
    content
        .portraits
        .iter()
        .map(|portrait| {
            let data = PortraitData {
                network_name: &context.verification.network.name,
                year: context.year,
                portrait,
                banner: context.banner(),
            };
            let document = Document {
                template: PORTRAIT_ALONE,
                data: print::data(&data).map_err(failed)?,
                files: modules(),
                ident: format!("observatoire-fiche-{}-{}", portrait.file_stem, context.year),
                date: context.options.date,
            };
            Ok((
                portrait.file_stem.clone(),
                print::pdf(&document).map_err(failed)?,
            ))
        })
        .collect()
}
