//! `observatoire cle --sortie FICHIER`

use clap::Args;
use observatoire::anonymise::key::create_key_file;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Fichier où écrire la clé (il ne doit pas exister : une clé n'est jamais écrasée)
    #[arg(long, value_name = "FICHIER")]
    sortie: PathBuf,
}

pub fn exec(options: Options) -> u8 {
    match create_key_file(&options.sortie) {
        Ok(()) => {
            println!(
                "Clé du réseau écrite dans {} (lisible par vous seul).",
                options.sortie.display()
            );
            println!(
                "Donnez-la à chaque CCAS du réseau par un moyen sûr (en main propre, clé USB) ;"
            );
            println!("ne l'envoyez jamais avec les fichiers anonymisés et ne la perdez pas :");
            println!("avec une autre clé, les mêmes foyers auraient d'autres pseudonymes.");
            0
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
