//! `retour.html`: a one-page note for one CCAS, « Retour sur vos fichiers <année> »: its
//! files with the rows read, accepted and rejected, the problems by kind, what to do and
//! how to send the files again. Self-contained (inline CSS), printable on one A4 page.
//!
//! The PDF twin waits for the print engine; the note is written as HTML only for now.

use super::{CcasFeedback, FeedbackError};
use crate::french::french_integer;
use crate::network::Network;
use minijinja::{context, Environment};
use serde::Serialize;

const TEMPLATE: &str = include_str!("templates/retour.html");

#[derive(Serialize)]
struct FileLine {
    fichier: String,
    lues: String,
    acceptees: String,
    rejetees: String,
    problemes: String,
    copie: Option<String>,
    illisible: bool,
    convertie: bool,
}

#[derive(Serialize)]
struct CodeLine {
    code: String,
    gravite: &'static str,
    signification: &'static str,
    nombre: String,
}

fn count(number: usize) -> String {
    french_integer(i64::try_from(number).unwrap_or(i64::MAX))
}

/// The note as text.
pub fn render(feedback: &CcasFeedback, network: &Network) -> Result<String, FeedbackError> {
    let mut environment = Environment::new();
    environment
        .add_template("retour.html", TEMPLATE)
        .map_err(|error| FeedbackError::render("le modèle du retour", error))?;
    let template = environment
        .get_template("retour.html")
        .map_err(|error| FeedbackError::render("le modèle du retour", error))?;
    let files: Vec<FileLine> = feedback
        .files
        .iter()
        .map(|file| FileLine {
            fichier: file.file.clone(),
            lues: count(file.rows_read),
            acceptees: count(file.rows_accepted),
            rejetees: count(file.rows_rejected),
            problemes: count(file.problems),
            copie: file.copy.clone(),
            illisible: file.unreadable,
            convertie: file.converted,
        })
        .collect();
    let codes: Vec<CodeLine> = feedback
        .by_code
        .iter()
        .map(|(code, number)| CodeLine {
            code: code.to_string(),
            gravite: code.severity().label(),
            signification: code.summary(),
            nombre: count(*number),
        })
        .collect();
    let total = |pick: fn(&super::FileFeedback) -> usize| {
        count(feedback.files.iter().map(pick).sum::<usize>())
    };
    template
        .render(context! {
            network_name => network.name,
            commune => feedback.commune.as_ref().map(|(_, name)| name.clone()),
            code => feedback.commune.as_ref().map(|(code, _)| code.clone()),
            year => feedback.year,
            files => files,
            codes => codes,
            read => total(|file| file.rows_read),
            accepted => total(|file| file.rows_accepted),
            rejected => total(|file| file.rows_rejected),
            any_converted => feedback.files.iter().any(|file| file.converted),
            any_identifying => feedback.by_code.contains_key(&crate::diagnostic::Code::E010),
        })
        .map_err(|error| FeedbackError::render("la note de retour", error))
}
