//! `observatoire bilan DOSSIER --annee N --sortie DIR`

use clap::Args;
use observatoire::activity::run_bilan;
use observatoire::french::french_count;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Dossier contenant reseau.toml, le tableau d'activité, les dépenses et le temps de personnel
    #[arg(value_name = "DOSSIER")]
    dossier: PathBuf,
    /// Année du bilan, par exemple 2024
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(2000..=2100))]
    annee: i32,
    /// Dossier où écrire bilan.html, bilan.pdf et bilan.xlsx
    #[arg(long, value_name = "DIR")]
    sortie: PathBuf,
    /// Fichier reseau.toml à utiliser (sinon celui à la racine du dossier)
    #[arg(long, value_name = "FICHIER")]
    reseau: Option<PathBuf>,
    /// Taille maximale d'un fichier lu (256Mo par défaut ; par exemple 1Go) : un fichier plus gros est refusé sans être lu
    #[arg(long = "taille-max", value_name = "TAILLE", default_value = "256Mo", value_parser = observatoire::read::parse_size)]
    taille_max: u64,
}

pub fn exec(options: Options) -> u8 {
    match run_bilan(
        &options.dossier,
        options.reseau.as_deref(),
        options.taille_max,
        options.annee,
        &options.sortie,
    ) {
        Ok((evaluation, written)) => {
            super::print_diagnostics(&written.diagnostics);
            println!(
                "Bilan {} : {} du COPIL (minimum {}), {}.",
                evaluation.year,
                french_count(evaluation.copil.len(), "réunion", "réunions"),
                evaluation.minimum_copil,
                french_count(evaluation.actions.len(), "action", "actions")
            );
            for warning in &evaluation.warnings {
                println!("attention : {warning}");
            }
            for path in &written.written {
                println!("écrit : {}", path.display());
            }
            written.exit_code()
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
