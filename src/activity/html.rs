//! `bilan.html`: one self-contained page (inline CSS) rendered by minijinja from the
//! template embedded at build time, the first page carrying the warnings.

use super::{ActivityError, Evaluation};
use minijinja::{context, Environment};

const TEMPLATE: &str = include_str!("templates/bilan.html");

/// The page as text.
pub fn render(evaluation: &Evaluation) -> Result<String, ActivityError> {
    let mut environment = Environment::new();
    environment
        .add_template("bilan.html", TEMPLATE)
        .map_err(|error| ActivityError::render("le modèle du bilan", error))?;
    environment
        .get_template("bilan.html")
        .and_then(|template| template.render(context! { e => evaluation }))
        .map_err(|error| ActivityError::render("la page du bilan", error))
}
