//! `observatoire repartition DOSSIER --annee N --sortie DIR [--date-appel AAAA-MM-JJ]`

use chrono::NaiveDate;
use clap::Args;
use observatoire::repartition::{run, write::render_summary, RepartitionOptions};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Dossier contenant reseau.toml, les dépenses et le temps de personnel
    #[arg(value_name = "DOSSIER")]
    dossier: PathBuf,
    /// Exercice à répartir, par exemple 2024
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(2000..=2100))]
    annee: i32,
    /// Dossier où écrire l'état de répartition, les appels à régularisation et les tableaux
    #[arg(long, value_name = "DIR")]
    sortie: PathBuf,
    /// Date de l'appel (par défaut : la journée annuelle de l'année, sinon le 31 décembre)
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = super::parse_date)]
    date_appel: Option<NaiveDate>,
    /// Fichier reseau.toml à utiliser (sinon celui à la racine du dossier)
    #[arg(long, value_name = "FICHIER")]
    reseau: Option<PathBuf>,
    /// Taille maximale d'un fichier lu (256Mo par défaut ; par exemple 1Go) : un fichier plus gros est refusé sans être lu
    #[arg(long = "taille-max", value_name = "TAILLE", default_value = "256Mo", value_parser = observatoire::read::parse_size)]
    taille_max: u64,
}

pub fn exec(options: Options) -> u8 {
    let repartition_options = RepartitionOptions {
        folder: options.dossier,
        network_file: options.reseau,
        year: options.annee,
        call_date: options.date_appel,
        output: options.sortie,
        max_input_bytes: options.taille_max,
    };
    match run(&repartition_options) {
        Ok(report) => {
            super::print_diagnostics(&report.diagnostics);
            match &report.statement {
                Some(statement) => {
                    print!("{}", render_summary(statement));
                    for path in &report.written {
                        println!("écrit : {}", path.display());
                    }
                }
                None => println!(
                    "Aucun fichier écrit : corrigez les erreurs ci-dessus, puis relancez la répartition."
                ),
            }
            report.exit_code()
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
