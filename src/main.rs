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
    let matches = french::frenchify(cli::Arguments::command()).get_matches();
    let arguments = match cli::Arguments::from_arg_matches(&matches) {
        Ok(arguments) => arguments,
        Err(error) => error.exit(),
    };
    match std::panic::catch_unwind(|| cli::run(arguments)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(2),
    }
}
