//! `observatoire verifier CHEMIN… [--retours DIR]`

use clap::{Args, ValueEnum};
use observatoire::feedback::{self, Feedback};
use observatoire::present;
use observatoire::verify::{verify, VerifyOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Texte en français pour le terminal
    Texte,
    /// Rapport JSON (pour les programmes)
    Json,
}

#[derive(Debug, Args)]
pub struct Options {
    /// Fichiers ou dossiers à vérifier (les dossiers sont lus avec leurs sous-dossiers)
    #[arg(required = true, value_name = "CHEMIN")]
    chemins: Vec<PathBuf>,
    /// Fichier reseau.toml à utiliser (sinon celui à la racine du dossier, ou le réseau par défaut)
    #[arg(long, value_name = "FICHIER")]
    reseau: Option<PathBuf>,
    /// Format de sortie : texte (par défaut) ou json
    #[arg(long, value_enum, default_value = "texte")]
    format: Format,
    /// Écrit dans DIR, pour chaque CCAS, une copie annotée de ses fichiers à corriger et une note retour.html
    #[arg(long, value_name = "DIR")]
    retours: Option<PathBuf>,
    /// Taille maximale d'un fichier lu (256Mo par défaut ; par exemple 1Go) : un fichier plus gros est refusé sans être lu
    #[arg(long = "taille-max", value_name = "TAILLE", default_value = "256Mo", value_parser = observatoire::read::parse_size)]
    taille_max: u64,
}

pub fn exec(options: Options) -> u8 {
    if let Some(folder) = &options.retours {
        if let Err(error) = feedback::refuse_inside(&options.chemins, folder) {
            eprintln!("observatoire : {error}");
            return 2;
        }
    }
    let verify_options = VerifyOptions {
        network_file: options.reseau,
        max_input_bytes: options.taille_max,
    };
    match verify(&options.chemins, &verify_options) {
        Ok(verification) => {
            let text = match options.format {
                Format::Texte => present::text::verification(&verification, super::use_colour()),
                Format::Json => present::json::verification(&verification),
            };
            print!("{text}");
            let Some(folder) = &options.retours else {
                return verification.outcome().exit_code();
            };
            match feedback::send_back(&options.chemins, &verification, folder) {
                Ok(written) => {
                    let summary = summary(&written, folder);
                    // The JSON on stdout stays one document.
                    match options.format {
                        Format::Texte => print!("\n{summary}"),
                        Format::Json => eprint!("{summary}"),
                    }
                    verification.outcome().exit_code()
                }
                Err(error) => {
                    eprintln!("observatoire : aucun retour écrit : {error}");
                    2
                }
            }
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}

/// What was written for each CCAS, and « aucune correction » for the rest.
fn summary(feedback: &Feedback, folder: &Path) -> String {
    let mut text = format!("Retours (dans {})\n", folder.display());
    if feedback.ccas.is_empty() {
        text.push_str("  aucun fichier lu : aucun retour\n");
    }
    for ccas in &feedback.ccas {
        if ccas.has_problems() {
            text.push_str(&format!("  {}/retour.html\n", ccas.folder));
        } else {
            text.push_str(&format!(
                "  {} : aucune correction (rien n'est écrit)\n",
                ccas.folder
            ));
        }
        for file in &ccas.files {
            match &file.copy {
                Some(copy) => text.push_str(&format!(
                    "    {} → {}/{copy} ({} problème{})\n",
                    file.file,
                    ccas.folder,
                    file.problems,
                    if file.problems > 1 { "s" } else { "" }
                )),
                None => text.push_str(&format!("    {} : aucune correction\n", file.file)),
            }
        }
    }
    text
}
