//! One file per subcommand: each declares its arguments and calls one library function.

mod annuaire;
mod anonymiser;
mod bilan;
mod cle;
mod contexte;
mod exemple;
mod modeles;
mod populations;
mod rapport;
mod repartition;
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
    /// Écrit les modèles de tableurs à remplir (un par modèle de données), avec listes et consignes
    Modeles(modeles::Options),
    /// Crée la clé secrète du réseau pour les pseudonymes (à garder hors des fichiers envoyés)
    Cle(cle::Options),
    /// Retire les données identifiantes d'un fichier du CCAS et pseudonymise les foyers
    Anonymiser(anonymiser::Options),
    /// Répartit les coûts d'une année entre les CCAS et écrit les appels à régularisation
    Repartition(repartition::Options),
    /// Ajoute à reseau.toml les populations légales de l'Insee d'un millésime
    Populations(populations::Options),
    /// Écrit le contexte du recensement (âges, ménages, département, France) à partir des fichiers de l'Insee
    Contexte(contexte::Options),
    /// Écrit le rapport d'analyse des besoins sociaux (HTML, xlsx, CSV, Parquet, graphiques)
    Rapport(rapport::Options),
    /// Écrit le bilan annuel du réseau (article 7 : COPIL, actions, dépenses, convention)
    Bilan(bilan::Options),
    /// Écrit l'annuaire des acteurs sociaux du territoire (HTML consultable hors ligne, CSV)
    Annuaire(annuaire::Options),
}

/// Runs a command and returns its exit code (0, 1 or 2).
pub fn run(arguments: Arguments) -> u8 {
    match arguments.command {
        Command::Verifier(options) => verifier::exec(options),
        Command::Exemple(options) => exemple::exec(options),
        Command::Modeles(options) => modeles::exec(options),
        Command::Cle(options) => cle::exec(options),
        Command::Anonymiser(options) => anonymiser::exec(options),
        Command::Repartition(options) => repartition::exec(options),
        Command::Populations(options) => populations::exec(options),
        Command::Contexte(options) => contexte::exec(options),
        Command::Rapport(options) => rapport::exec(options),
        Command::Bilan(options) => bilan::exec(options),
        Command::Annuaire(options) => annuaire::exec(options),
    }
}

/// A date of the command line (`--date`, `--date-appel`, `--en-vigueur`), refused in French.
pub fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| "date attendue sous la forme AAAA-MM-JJ, par exemple 2024-11-15".to_string())
}

/// Prints each diagnostic as French text, in colour on a terminal (see [`use_colour`]).
pub fn print_diagnostics(diagnostics: &[observatoire::diagnostic::Diagnostic]) {
    for diagnostic in diagnostics {
        print!(
            "{}",
            observatoire::present::text::diagnostic(diagnostic, use_colour())
        );
    }
}

/// Whether to colour the terminal output: only on a terminal, never with `NO_COLOR`.
pub fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::io::stdout().is_terminal()
}
