//! `observatoire annuaire DOSSIER --sortie DIR`

use clap::Args;
use observatoire::activity::directory::run_directory;
use observatoire::french::french_count;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Dossier contenant le tableau des acteurs (modèle acteurs) et reseau.toml
    #[arg(value_name = "DOSSIER")]
    dossier: PathBuf,
    /// Dossier où écrire annuaire.html, annuaire.pdf et annuaire.csv
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
    match run_directory(
        &options.dossier,
        options.reseau.as_deref(),
        options.taille_max,
        &options.sortie,
    ) {
        Ok((actors, written)) => {
            super::print_diagnostics(&written.diagnostics);
            println!(
                "Annuaire : {}.",
                french_count(actors.len(), "structure", "structures")
            );
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
