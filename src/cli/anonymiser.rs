//! `observatoire anonymiser ENTREE --cle FICHIER --sortie SORTIE`

use clap::Args;
use observatoire::anonymise::anonymise_file;
use observatoire::anonymise::key::read_key_file;
use observatoire::present;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Fichier du CCAS avec les noms (xlsx, xlsm, xls, ods ou csv) ; il n'est jamais modifié
    #[arg(value_name = "ENTREE")]
    entree: PathBuf,
    /// Clé secrète du réseau, créée une fois par « observatoire cle »
    #[arg(long, value_name = "FICHIER")]
    cle: PathBuf,
    /// Fichier anonymisé à écrire (même format que l'entrée ; xlsx pour un fichier xls)
    #[arg(long, value_name = "SORTIE")]
    sortie: PathBuf,
}

pub fn exec(options: Options) -> u8 {
    let key = match read_key_file(&options.cle) {
        Ok(key) => key,
        Err(error) => {
            eprintln!("observatoire : {error}");
            return 2;
        }
    };
    let report = match anonymise_file(&options.entree, &key, &options.sortie) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("observatoire : {error}");
            return 2;
        }
    };
    // Only labels, counts and places are printed: never a value from the input.
    for diagnostic in &report.diagnostics {
        print!(
            "{}",
            present::text::diagnostic_without_value(diagnostic, super::use_colour())
        );
    }
    if !report.diagnostics.is_empty() {
        println!();
    }
    println!("Fichier anonymisé : {}", report.output.display());
    if let Some(note) = &report.format_note {
        println!("  note : {note}");
    }
    for sheet in &report.sheets {
        let name = sheet.name.as_deref().unwrap_or("(csv)");
        println!(
            "Feuille « {name} » (modèle {}) : {} lignes traitées, {} foyers pseudonymisés ({} d'après le n° de dossier), {} tranches d'âge calculées",
            sheet.schema, sheet.rows, sheet.pseudonymised, sheet.from_file_number, sheet.age_bands
        );
        if sheet.removed.is_empty() {
            println!("  aucune colonne retirée");
        }
        for column in &sheet.removed {
            println!(
                "  colonne retirée : « {} » ({}) — {}",
                column.header, column.cell, column.reason
            );
        }
    }
    for name in &report.skipped_sheets {
        println!("Feuille « {name} » non reprise : elle ne suit aucun modèle.");
    }
    let failed = report.rows_without_pseudonym();
    println!(
        "{} lignes traitées, {} sans pseudonyme. Vérifiez le résultat avec « observatoire verifier {} » avant de l'envoyer.",
        report.rows(),
        failed,
        report.output.display()
    );
    if report.has_errors() {
        1
    } else {
        0
    }
}
