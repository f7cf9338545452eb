//! `rapport.html`: one self-contained page (inline CSS, charts as inline SVG) rendered by
//! minijinja from the template embedded at build time.

use super::sections::Content;
use super::{Context, ReportError};
use minijinja::{context, Environment};

const TEMPLATE: &str = include_str!("templates/rapport.html");

/// The page as text.
pub fn render(context: &Context, content: &Content) -> Result<String, ReportError> {
    let mut environment = Environment::new();
    environment
        .add_template("rapport.html", TEMPLATE)
        .map_err(|error| ReportError::render("le modèle de page", error))?;
    let template = environment
        .get_template("rapport.html")
        .map_err(|error| ReportError::render("le modèle de page", error))?;
    let network = &context.verification.network;
    template
        .render(context! {
            network_name => network.name,
            year => context.year,
            sections => content.sections,
            key_figures => content.key_figures,
            banner => context.banner(),
            date => context.options.date.map(|date| date.format("%d/%m/%Y").to_string()),
            threshold => network.secret_threshold,
            internal => context.options.internal,
        })
        .map_err(|error| ReportError::render("la page HTML", error))
}
