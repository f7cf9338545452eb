//! The command line: clap and printing only; the work is done by the library.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let arguments = cli::Arguments::parse();
    ExitCode::from(cli::run(arguments))
}
