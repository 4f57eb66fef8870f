//! The `seisei` binary: parses arguments, runs the command, exits with its code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = seisei::cli::Cli::parse();
    ExitCode::from(seisei::run(&cli))
}
