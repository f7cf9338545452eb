//! `observatoire exemple --sortie DIR`

use clap::Args;
use observatoire::generate::{generate, row_counts, write_example, ExampleOptions};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct Options {
    /// Dossier où écrire les fichiers
    #[arg(long, value_name = "DOSSIER", default_value = "sample_data")]
    sortie: PathBuf,
    /// Graine du générateur : la même graine donne les mêmes fichiers
    #[arg(long, default_value_t = 2014)]
    graine: u64,
    /// Nombre de communes (les six de la convention, puis des communes fictives)
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=999))]
    communes: u16,
    /// Années, par exemple 2020-2024
    #[arg(long, default_value = "2020-2024", value_parser = parse_years)]
    annees: (i32, i32),
    /// Demandes par commune et par an (par défaut : environ 25 pour 1 000 habitants)
    #[arg(long, value_name = "N")]
    demandes_par_an: Option<usize>,
}

fn parse_years(text: &str) -> Result<(i32, i32), String> {
    let (first, last) = text.split_once('-').unwrap_or((text, text));
    let first: i32 = first
        .trim()
        .parse()
        .map_err(|_| format!("« {text} » : années attendues, par exemple 2020-2024"))?;
    let last: i32 = last
        .trim()
        .parse()
        .map_err(|_| format!("« {text} » : années attendues, par exemple 2020-2024"))?;
    if !(2000..=2100).contains(&first) || !(first..=2100).contains(&last) {
        return Err(format!(
            "« {text} » : deux années entre 2000 et 2100, la première avant la seconde"
        ));
    }
    Ok((first, last))
}

pub fn exec(options: Options) -> u8 {
    let example_options = ExampleOptions {
        seed: options.graine,
        communes: usize::from(options.communes),
        first_year: options.annees.0,
        last_year: options.annees.1,
        requests_per_year: options.demandes_par_an,
    };
    let result = generate(&example_options)
        .and_then(|data| write_example(&data, &options.sortie).map(|()| data));
    match result {
        Ok(data) => {
            let counts = row_counts(&data);
            println!(
                "Jeu d'exemple écrit dans {} : {} fichiers, {} communes.",
                options.sortie.display(),
                data.files.len() + 1,
                data.communes.len()
            );
            for (schema, rows) in counts {
                println!("  {schema} : {rows} lignes");
            }
            0
        }
        Err(error) => {
            eprintln!("observatoire : {error}");
            2
        }
    }
}
