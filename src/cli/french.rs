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
