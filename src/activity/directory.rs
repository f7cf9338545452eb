//! `annuaire`: the directory of the territory's social actors (article 2), as one
//! self-contained HTML page searchable offline (filters by commune and theme, plain inline
//! JavaScript, no network access) and as a CSV (`;`, UTF-8 with a byte-order mark) that
//! French Excel opens as it is.

use super::{own_diagnostics, read, ActivityError, Written};
use crate::check::activity::commune_list;
use crate::check::{Checker, Value};
use crate::fold::fold;
use crate::output::OutputFile;
use minijinja::{context, Environment};
use serde::Serialize;
use std::path::{Path, PathBuf};

const TEMPLATE: &str = include_str!("templates/annuaire.html");

/// One structure of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub structure: String,
    #[serde(rename = "type_structure")]
    pub kind: String,
    /// Names of the communes served, in the network's order.
    pub communes: Vec<String>,
    pub themes: Vec<String>,
    pub public: String,
    #[serde(rename = "telephone")]
    pub phone: String,
    #[serde(rename = "courriel")]
    pub email: String,
    #[serde(rename = "horaires")]
    pub opening_hours: String,
    /// What the filters compare: codes of the communes and folded themes.
    pub commune_codes: String,
    pub theme_keys: String,
}

/// The accepted rows of every `acteurs` sheet, sorted by first commune (in the network's
/// order), first theme, then structure.
pub fn actors(verification: &crate::verify::Verification) -> Vec<Actor> {
    let Ok(schemas) = crate::schema::schemas() else {
        return Vec::new();
    };
    let network = &verification.network;
    let checker = Checker::new(schemas, network);
    let mut actors = Vec::new();
    for sheet in verification
        .sheets
        .iter()
        .filter(|sheet| sheet.schema.name == "acteurs")
    {
        let text = |record: &crate::check::Record, name: &str| {
            sheet
                .schema
                .field_index(name)
                .and_then(|index| record.values.get(index))
                .and_then(Value::as_text)
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        for record in sheet.records.iter().filter(|record| !record.rejected) {
            let codes = commune_list(&checker, &text(record, "communes")).codes;
            let members: Vec<_> = network
                .members
                .iter()
                .filter(|member| codes.contains(&member.code))
                .collect();
            let themes: Vec<String> = text(record, "themes")
                .split([',', ';'])
                .map(str::trim)
                .filter(|theme| !theme.is_empty())
                .map(capitalised)
                .collect();
            actors.push(Actor {
                structure: text(record, "structure"),
                kind: text(record, "type_structure"),
                communes: members.iter().map(|member| member.name.clone()).collect(),
                commune_codes: members
                    .iter()
                    .map(|member| member.code.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
                theme_keys: themes
                    .iter()
                    .map(|theme| fold(theme).replace(' ', "-"))
                    .collect::<Vec<_>>()
                    .join(" "),
                themes,
                public: text(record, "public"),
                phone: text(record, "telephone"),
                email: text(record, "courriel"),
                opening_hours: text(record, "horaires"),
            });
        }
    }
    let rank = |actor: &Actor| {
        network
            .members
            .iter()
            .position(|member| actor.communes.first() == Some(&member.name))
            .unwrap_or(usize::MAX)
    };
    actors.sort_by(|left, right| {
        (
            rank(left),
            left.communes.len(),
            fold(left.themes.first().map_or("", String::as_str)),
            fold(&left.structure),
        )
            .cmp(&(
                rank(right),
                right.communes.len(),
                fold(right.themes.first().map_or("", String::as_str)),
                fold(&right.structure),
            ))
    });
    actors
}

/// « alimentation » → « Alimentation », so that the same theme typed two ways is one.
fn capitalised(theme: &str) -> String {
    let mut characters = theme.chars();
    characters
        .next()
        .map(|first| first.to_uppercase().chain(characters).collect())
        .unwrap_or_default()
}

/// The themes of the filter: each theme once (by its folded form), in French order.
fn theme_choices(actors: &[Actor]) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = Vec::new();
    for theme in actors.iter().flat_map(|actor| actor.themes.iter()) {
        let key = fold(theme).replace(' ', "-");
        if !choices.iter().any(|(known, _)| *known == key) {
            choices.push((key, theme.clone()));
        }
    }
    choices.sort_by(|left, right| left.0.cmp(&right.0));
    choices
}

/// The page as text.
pub fn render_html(
    network: &crate::network::Network,
    actors: &[Actor],
) -> Result<String, ActivityError> {
    let mut environment = Environment::new();
    environment
        .add_template("annuaire.html", TEMPLATE)
        .map_err(|error| ActivityError::render("le modèle de l'annuaire", error))?;
    let communes: Vec<(String, String)> = network
        .members
        .iter()
        .map(|member| (member.code.clone(), member.name.clone()))
        .collect();
    environment
        .get_template("annuaire.html")
        .and_then(|template| {
            template.render(context! {
                network_name => network.name,
                actors => actors,
                communes => communes,
                themes => theme_choices(actors),
            })
        })
        .map_err(|error| ActivityError::render("la page de l'annuaire", error))
}

/// The CSV: one row per structure, communes and themes joined by « , ».
pub fn render_csv(actors: &[Actor]) -> Result<Vec<u8>, ActivityError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let failed = |error: csv::Error| ActivityError::render("le fichier csv de l'annuaire", error);
    writer
        .write_record([
            "structure",
            "type",
            "communes",
            "themes",
            "public",
            "telephone",
            "courriel",
            "horaires",
        ])
        .map_err(failed)?;
    for actor in actors {
        writer
            .write_record([
                actor.structure.as_str(),
                actor.kind.as_str(),
                &actor.communes.join(", "),
                &actor.themes.join(", "),
                &actor.public,
                &actor.phone,
                &actor.email,
                &actor.opening_hours,
            ])
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| ActivityError::render("le fichier csv de l'annuaire", error))
}

/// What an earlier `annuaire` may have left in its folder.
const DIRECTORY_FILES: &[&str] = &["annuaire.html", "annuaire.pdf", "annuaire.csv"];

const PDF_TEMPLATE: &str = include_str!("templates/annuaire.typ");

/// The printable directory (A4, two columns), in the same order as the page.
pub fn render_pdf(
    network: &crate::network::Network,
    actors: &[Actor],
) -> Result<Vec<u8>, ActivityError> {
    #[derive(serde::Serialize)]
    struct Data<'a> {
        network_name: &'a str,
        actors: &'a [Actor],
    }
    let failed = |error| ActivityError::render("l'annuaire PDF", error);
    let document = crate::print::Document {
        template: PDF_TEMPLATE,
        data: crate::print::data(&Data {
            network_name: &network.name,
            actors,
        })
        .map_err(failed)?,
        files: Default::default(),
        ident: "observatoire-annuaire".to_string(),
        date: None,
    };
    crate::print::pdf(&document).map_err(failed)
}

/// `observatoire annuaire DOSSIER --sortie DIR`: `annuaire.html`, `annuaire.pdf` and
/// `annuaire.csv`, written as one set.
pub fn run_directory(
    folder: &Path,
    network_file: Option<&Path>,
    max_input_bytes: u64,
    output: &Path,
) -> Result<(Vec<Actor>, Written), ActivityError> {
    let verification = read(folder, network_file, max_input_bytes)?;
    let actors = actors(&verification);
    let files = vec![
        OutputFile {
            path: PathBuf::from("annuaire.html"),
            bytes: render_html(&verification.network, &actors)?.into_bytes(),
        },
        OutputFile {
            path: PathBuf::from("annuaire.pdf"),
            bytes: render_pdf(&verification.network, &actors)?,
        },
        OutputFile {
            path: PathBuf::from("annuaire.csv"),
            bytes: render_csv(&actors)?,
        },
    ];
    crate::output::write_set(output, &files, DIRECTORY_FILES)?;
    let written = files.iter().map(|file| output.join(&file.path)).collect();
    let diagnostics = own_diagnostics(&verification, &["acteurs"]);
    Ok((
        actors,
        Written {
            diagnostics,
            written,
        },
    ))
}
