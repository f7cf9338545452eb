//! One file per subcommand: each declares its arguments and calls one library function.

mod exemple;
mod rapport;
mod verifier;

use clap::{Parser, Subcommand};

/// Observatoire social partagé d'un réseau de CCAS : vérification des fichiers,
/// rapport d'analyse des besoins sociaux et répartition des coûts.
#[derive(Debug, Parser)]
#[command(name = "observatoire", version, about, long_about = None)]
pub struct Arguments {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Vérifie les fichiers (xlsx, xls, ods, csv) d'un ou plusieurs dossiers
    Verifier(verifier::Options),
    /// Écrit un jeu de données fictif mais réaliste (pour essayer l'outil)
    Exemple(exemple::Options),
    /// Écrit le rapport d'analyse des besoins sociaux (HTML, xlsx, CSV, Parquet, graphiques)
    Rapport(rapport::Options),
}

/// Runs a command and returns its exit code (0, 1 or 2).
pub fn run(arguments: Arguments) -> u8 {
    match arguments.command {
        Command::Verifier(options) => verifier::exec(options),
        Command::Exemple(options) => exemple::exec(options),
        Command::Rapport(options) => rapport::exec(options),
    }
}

/// Whether to colour the terminal output: only on a terminal, never with `NO_COLOR`.
pub fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::io::stdout().is_terminal()
}
