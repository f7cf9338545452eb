//! `observatoire contexte FICHIER... --dossier DOSSIER --millesime AAAA`

use clap::Args;
use observatoire::context::{import_context, ContextOptions};
use observatoire::french::french_integer;
use rust_decimal::prelude::ToPrimitive;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Bases communales du recensement de l'Insee (csv « ; », xlsx ou zip) : base-cc-evol-struct-pop et base-cc-coupl-fam-men, ou dossier_complet
    #[arg(value_name = "FICHIER", required = true)]
    fichiers: Vec<PathBuf>,
    /// Dossier des données (celui de reseau.toml) : le contexte est écrit dans son sous-dossier contexte/
    #[arg(long, value_name = "DOSSIER")]
    dossier: PathBuf,
    /// Millésime du recensement, par exemple 2021 (variables P21_…, C21_…)
    #[arg(long, value_name = "AAAA", value_parser = clap::value_parser!(i32).range(2006..=2100))]
    millesime: i32,
}

pub fn exec(options: Options) -> u8 {
    let import = ContextOptions {
        files: options.fichiers,
        folder: options.dossier,
        vintage: options.millesime,
    };
    match import_context(&import) {
        Ok(report) => {
            super::print_diagnostics(&report.diagnostics);
            let count = |value: usize| french_integer(i64::try_from(value).unwrap_or(i64::MAX));
            println!(
                "{} lignes de communes lues dans les fichiers de l'Insee{}.",
                count(report.rows_read),
                if report.districts_skipped > 0 {
                    format!(
                        " ({} arrondissements municipaux écartés : leur commune est comptée)",
                        count(report.districts_skipped)
                    )
                } else {
                    String::new()
                }
            );
            if report.rows_without_code > 0 {
                println!(
                    "{} lignes sans code commune (CODGEO) écartées : notes ou totaux sous le tableau.",
                    count(report.rows_without_code)
                );
            }
            match &report.written {
                Some((path, zones)) => {
                    println!(
                        "Contexte du recensement {} écrit dans {} (valeurs arrondies à l'unité après addition des valeurs exactes) :",
                        import.vintage,
                        path.display()
                    );
                    for zone in zones {
                        let whole = |value: rust_decimal::Decimal| {
                            french_integer(value.to_i64().unwrap_or_default())
                        };
                        let summed = zone
                            .communes
                            .map(|communes| format!(" ({} communes)", count(communes)))
                            .unwrap_or_default();
                        println!(
                            "  {} {}{summed} : {} habitants, {} ménages",
                            zone.code,
                            zone.name,
                            whole(zone.population),
                            whole(zone.households)
                        );
                    }
                }
                None => println!("Aucun fichier n'a été écrit."),
            }
            report.exit_code()
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
