//! The `seisei` binary: parses arguments (`cli`), runs the command (`commands`) on the
//! library's pipeline, exits with its code.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Huge pages are already off, from a constructor that ran before the allocator's
    // (commands/huge_pages.rs); the command turns them on for a large spec.
    // Before anything is parsed or printed: with `COMPLETE` set, the run is the shell asking
    // for completions, answered and ended here.
    commands::complete::answer_request();
    let cli = cli::Cli::parse();
    ExitCode::from(commands::run(&cli))
}

/// jemalloc, not the C library's allocator: once a process has started a second thread,
/// glibc's malloc and free take their arena's lock on every call, and the two threads of
/// the spec's read and the tree's comparison wait on each other's (docs/decisions.md, "The
/// allocator"). `check` at 10,000 stacks: 1.13–1.62 s to 1.00 s, 266 to 246 MB.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
