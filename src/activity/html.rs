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

const PDF_TEMPLATE: &str = include_str!("templates/bilan.typ");

/// `bilan.pdf`: the same evaluation for print (A4).
pub fn render_pdf(evaluation: &Evaluation) -> Result<Vec<u8>, ActivityError> {
    #[derive(serde::Serialize)]
    struct Data<'a> {
        e: &'a Evaluation,
    }
    let failed = |error| ActivityError::render("le bilan PDF", error);
    let document = crate::print::Document {
        template: PDF_TEMPLATE,
        data: crate::print::data(&Data { e: evaluation }).map_err(failed)?,
        files: Default::default(),
        ident: format!("observatoire-bilan-{}", evaluation.year),
        date: None,
    };
    crate::print::pdf(&document).map_err(failed)
}
