//! The `seisei` binary: parses arguments (`cli`), runs the command (`commands`) on the
//! library's pipeline, exits with its code.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    ExitCode::from(commands::run(&cli))
}
