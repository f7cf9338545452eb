//! clap speaks English by default: the headings, the `--help` and `--version` flags and the
//! `help` subcommand are given French words here, for every subcommand.

use clap::{Arg, ArgAction, Command};

const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

/// The command, with French headings and flags, recursively.
pub fn frenchify(command: Command) -> Command {
    let command = command
        .help_template(TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("Commandes")
        .subcommand_value_name("COMMANDE")
        .arg(
            Arg::new("aide")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Affiche cette aide")
                .global(true),
        );
    let command = if command.get_version().is_some() {
        command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Affiche la version"),
        )
    } else {
        command
    };
    command.mut_subcommands(|subcommand| {
        subcommand
            .help_template(TEMPLATE)
            .disable_help_flag(true)
            .mut_args(|argument| {
                // The help texts name the values and defaults in French; flags have none.
                if argument.get_action().takes_values() {
                    argument.hide_possible_values(true).hide_default_value(true)
                } else {
                    argument
                }
            })
    })
}

/// A command-line error (a missing argument, an unknown option, a wrong value), in French.
pub fn usage_error(error: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind: ContextKind| -> String {
        match error.get(kind) {
            Some(ContextValue::String(value)) => value.clone(),
            Some(ContextValue::Strings(values)) => values.join(", "),
            Some(ContextValue::StyledStr(value)) => value.to_string(),
            Some(ContextValue::Number(value)) => value.to_string(),
            _ => String::new(),
        }
    };
    let argument = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let mut message = match error.kind() {
        ErrorKind::MissingRequiredArgument => format!("il manque {argument}"),
        ErrorKind::MissingSubcommand => "il manque la commande".to_string(),
        ErrorKind::UnknownArgument => format!("option inconnue « {argument} »"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "commande inconnue « {} »",
                text(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::InvalidValue => {
            let valid = text(ContextKind::ValidValue);
            if value.is_empty() {
                format!("une valeur est attendue après {argument}")
            } else if valid.is_empty() {
                format!("valeur « {value} » refusée pour {argument}")
            } else {
                format!("valeur « {value} » refusée pour {argument} (valeurs possibles : {valid})")
            }
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(error)
                .map(french_reason)
                .unwrap_or_default();
            format!("valeur « {value} » refusée pour {argument} : {reason}")
        }
        ErrorKind::ArgumentConflict => {
            let other = text(ContextKind::PriorArg);
            format!("{argument} ne peut pas être donné avec {other}")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("nombre de valeurs incorrect pour {argument}")
        }
        ErrorKind::NoEquals => format!("{argument} s'écrit avec « = » suivi de sa valeur"),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte lisible (UTF-8)".to_string(),
        _ => "la ligne de commande n'a pas pu être lue".to_string(),
    };
    let suggested = text(ContextKind::SuggestedArg);
    let suggested = if suggested.is_empty() {
        text(ContextKind::SuggestedSubcommand)
    } else {
        suggested
    };
    if !suggested.is_empty() {
        message.push_str(&format!(" ; vouliez-vous dire « {suggested} » ?"));
    }
    let usage = text(ContextKind::Usage);
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .unwrap_or(usage.trim())
        .trim();
    if usage.is_empty() {
        format!("observatoire : {message}\nAide : observatoire --help")
    } else {
        format!(
            "observatoire : {message}\nUtilisation : {usage}\nAide : ajoutez --help à la commande"
        )
    }
}

/// Why a value was refused: our own parsers already speak French; the standard ones are
/// translated.
fn french_reason(source: &(dyn std::error::Error + 'static)) -> String {
    if source.downcast_ref::<std::num::ParseIntError>().is_some() {
        return "un nombre entier est attendu".to_string();
    }
    let text = source.to_string();
    // clap's range check: "600 is not in 1..=500".
    if let Some((_, range)) = text.split_once(" is not in ") {
        if let Some((low, high)) = range.split_once("..=") {
            return format!("un nombre de {low} à {high} est attendu");
        }
    }
    text
}
