//! The command line: clap and printing only; the work is done by the library.

mod cli;
#[path = "cli/french.rs"]
mod french;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Panics while reading a damaged file are caught and reported as diagnostics; any
    // other is a bug of the tool, reported in French, and the tool exits with code 2.
    std::panic::set_hook(Box::new(|info| {
        if !observatoire::read::in_guarded_read() {
            eprintln!("observatoire : erreur interne, merci de la signaler ({info})");
        }
    }));
    let parsed = french::frenchify(cli::Arguments::command())
        .try_get_matches()
        .and_then(|matches| cli::Arguments::from_arg_matches(&matches));
    let arguments = match parsed {
        Ok(arguments) => arguments,
        Err(error) => return usage_failure(&error),
    };
    match std::panic::catch_unwind(|| cli::run(arguments)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(2),
    }
}

/// `--help` and `--version` print and succeed; a command line the tool cannot read is told
/// in French, with exit code 2 (the tool could not do its job).
fn usage_failure(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Printing the help can only fail on a closed output, where there is no one to tell.
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            ExitCode::from(2)
        }
        _ => {
            eprintln!("{}", french::usage_error(error));
            ExitCode::from(2)
        }
    }
}
