//! `observatoire populations FICHIER --reseau reseau.toml --millesime AAAA --en-vigueur AAAA-MM-JJ`

use chrono::NaiveDate;
use clap::Args;
use observatoire::french::french_integer;
use observatoire::repartition::populations::{import_populations, ImportOptions};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Fichier des populations légales des communes publié par l'Insee (csv « ; » ou xlsx)
    #[arg(value_name = "FICHIER")]
    fichier: PathBuf,
    /// Fichier reseau.toml à compléter (ses commentaires sont conservés)
    #[arg(long, value_name = "FICHIER")]
    reseau: PathBuf,
    /// Millésime des populations, par exemple 2022 (populations légales 2022)
    #[arg(long, value_name = "AAAA", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    millesime: i32,
    /// Date d'entrée en vigueur, en principe le 1er janvier de millésime + 3 (par exemple 2025-01-01)
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = super::parse_date)]
    en_vigueur: NaiveDate,
}

pub fn exec(options: Options) -> u8 {
    let import = ImportOptions {
        insee_file: options.fichier,
        network_file: options.reseau,
        vintage: options.millesime,
        in_force_from: options.en_vigueur,
    };
    match import_populations(&import) {
        Ok(report) => {
            super::print_diagnostics(&report.diagnostics);
            match &report.added {
                Some(added) => {
                    println!(
                        "Millésime {} ajouté à {} (en vigueur le {}) :",
                        import.vintage,
                        import.network_file.display(),
                        import.in_force_from.format("%d/%m/%Y")
                    );
                    for (code, nom, population) in added {
                        println!(
                            "  {code} {nom} : municipale {}, totale {}",
                            french_integer(i64::try_from(population.municipal).unwrap_or(i64::MAX)),
                            french_integer(i64::try_from(population.total).unwrap_or(i64::MAX))
                        );
                    }
                }
                None => println!("reseau.toml n'a pas été modifié."),
            }
            report.exit_code()
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
