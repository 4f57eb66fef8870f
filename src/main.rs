//! The `seisei` binary: parses arguments (`cli`), runs the command (`commands`) on the
//! library's pipeline, exits with its code.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before anything is parsed or printed: with `COMPLETE` set, the run is the shell asking
    // for completions, answered and ended here.
    commands::complete::answer_request();
    let cli = cli::Cli::parse();
    ExitCode::from(commands::run(&cli))
}
