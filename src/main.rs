//! The command line: clap and printing only; the work is done by the library.

mod cli;
#[path = "cli/french.rs"]
mod french;

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = french::frenchify(cli::Arguments::command()).get_matches();
    let arguments = match cli::Arguments::from_arg_matches(&matches) {
        Ok(arguments) => arguments,
        Err(error) => error.exit(),
    };
    ExitCode::from(cli::run(arguments))
}
