//! `observatoire modeles --sortie DOSSIER [--commune CODE] [--annee N]`

use clap::Args;
use observatoire::blank_forms::{write_templates, TemplateOptions};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Dossier où écrire les modèles (un fichier xlsx par modèle)
    #[arg(long, value_name = "DOSSIER")]
    sortie: PathBuf,
    /// Commune à pré-remplir : code Insee ou nom d'un membre du réseau (par exemple 44015 ou Blain)
    #[arg(long, value_name = "CODE")]
    commune: Option<String>,
    /// Année d'activité à pré-remplir (grille, temps de personnel)
    #[arg(long, value_name = "ANNEE")]
    annee: Option<i32>,
}

pub fn exec(options: Options) -> u8 {
    let template_options = TemplateOptions {
        commune: options.commune,
        year: options.annee,
    };
    match write_templates(&options.sortie, &template_options) {
        Ok(written) => {
            println!(
                "{} modèles écrits dans {} :",
                written.len(),
                options.sortie.display()
            );
            for template in written {
                let name = template
                    .path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if template.prefilled_rows > 0 {
                    println!(
                        "  {name} ({}, {} lignes pré-remplies)",
                        template.schema, template.prefilled_rows
                    );
                } else {
                    println!("  {name} ({})", template.schema);
                }
            }
            println!(
                "Chaque modèle a une feuille « Instructions » ; envoyez-les aux agents des CCAS."
            );
            0
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
