//! `observatoire verifier CHEMIN…`

use clap::{Args, ValueEnum};
use observatoire::render;
use observatoire::verify::{verify, VerifyOptions};
use std::path::PathBuf;

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
    /// Taille maximale d'un fichier lu (256Mo par défaut ; par exemple 1Go) : un fichier plus gros est refusé sans être lu
    #[arg(long = "taille-max", value_name = "TAILLE", default_value = "256Mo", value_parser = observatoire::read::parse_size)]
    taille_max: u64,
}

pub fn exec(options: Options) -> u8 {
    let verify_options = VerifyOptions {
        network_file: options.reseau,
        max_input_bytes: options.taille_max,
    };
    match verify(&options.chemins, &verify_options) {
        Ok(verification) => {
            let text = match options.format {
                Format::Texte => {
                    render::text::render_verification(&verification, super::use_colour())
                }
                Format::Json => render::json::render_verification(&verification),
            };
            print!("{text}");
            verification.outcome().exit_code()
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
