//! `observatoire rapport DOSSIER --sortie DIR [--annee N] [--interne] [--date AAAA-MM-JJ] [--sans-diaporama]`

use chrono::NaiveDate;
use clap::Args;
use observatoire::output::OutputFolder;
use observatoire::report::{self, ReportOptions};
use observatoire::verify::{verify, VerifyOptions};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Dossier des fichiers reçus des CCAS (demandes, grilles, contexte, reseau.toml)
    #[arg(value_name = "DOSSIER")]
    dossier: PathBuf,
    /// Dossier où écrire le rapport (créé au besoin)
    #[arg(long, value_name = "DIR")]
    sortie: PathBuf,
    /// Année du rapport (par défaut la dernière année présente)
    #[arg(long, value_name = "N")]
    annee: Option<i32>,
    /// Édition interne sans secret statistique, marquée « Document interne — ne pas diffuser »
    #[arg(long)]
    interne: bool,
    /// Date inscrite sur le rapport (aucune par défaut, pour des fichiers reproductibles)
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = super::parse_date)]
    date: Option<NaiveDate>,
    /// N'écrit pas les diaporamas de la journée annuelle (diaporama.pdf, diaporama.odp)
    #[arg(long = "sans-diaporama")]
    sans_diaporama: bool,
    /// Fichier reseau.toml à utiliser (sinon celui à la racine du dossier)
    #[arg(long, value_name = "FICHIER")]
    reseau: Option<PathBuf>,
    /// Taille maximale d'un fichier lu (256Mo par défaut ; par exemple 1Go) : un fichier plus gros est refusé sans être lu
    #[arg(long = "taille-max", value_name = "TAILLE", default_value = "256Mo", value_parser = observatoire::read::parse_size)]
    taille_max: u64,
}

pub fn exec(options: Options) -> u8 {
    let output = match OutputFolder::lock(&options.sortie) {
        Ok(output) => output,
        Err(error) => {
            eprintln!("observatoire : aucun rapport écrit : {error}");
            return 2;
        }
    };
    let verification = match verify(
        std::slice::from_ref(&options.dossier),
        &VerifyOptions {
            network_file: options.reseau,
            max_input_bytes: options.taille_max,
        },
    ) {
        Ok(verification) => verification,
        Err(error) => {
            eprintln!("observatoire : {error}");
            return 2;
        }
    };
    let report_options = ReportOptions {
        year: options.annee,
        internal: options.interne,
        date: options.date,
        pdf: true,
        deck: !options.sans_diaporama,
    };
    let built = match report::build(&verification, &report_options) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("observatoire : aucun rapport écrit : {error}");
            return 2;
        }
    };
    if let Err(error) = report::write_to(&built, &output) {
        eprintln!("observatoire : aucun rapport écrit : {error}");
        return 2;
    }
    println!(
        "Rapport {} écrit dans {} ({} fichiers{}).",
        built.year,
        options.sortie.display(),
        built.files.len(),
        if options.interne {
            ", édition interne sans secret statistique"
        } else {
            ""
        }
    );
    for file in &built.unreadable_files {
        println!("Fichier illisible, non pris en compte : {file}");
    }
    if built.rows_rejected > 0 || !built.unreadable_files.is_empty() {
        println!(
            "{} ligne(s) comportant des erreurs ont été écartées (détail : observatoire verifier {}).",
            built.rows_rejected,
            options.dossier.display()
        );
        1
    } else {
        0
    }
}
