//! Shell completion that knows the platform: the registration script `seisei completions
//! SHELL` prints, and the stack names offered for `--stack` (and `show STACK`). The script
//! asks seisei itself at each <Tab> (`COMPLETE=bash seisei -- seisei gen --stack …`), so the
//! names are those of the spec at that moment, not of the day the script was written.
//! Input: the shell, the spec found from the current directory; output: text on stdout.

use std::io::Write as _;
use std::path::PathBuf;

use clap::CommandFactory as _;
use clap_complete::CompletionCandidate;
use clap_complete::env::EnvCompleter;

use seisei::{EXIT_ERROR, EXIT_OK};

/// The environment variable that turns a run into a completion request.
pub const VAR: &str = "COMPLETE";

/// Answers a completion request and exits when `COMPLETE` is set; returns otherwise.
pub fn answer_request() {
    clap_complete::CompleteEnv::with_factory(|| {
        // Built first: clap adds a subcommand's arguments only when the tree is built.
        let mut command = crate::cli::Cli::command();
        command.build();
        with_stack_names(command)
    })
    .var(VAR)
    .complete();
}

/// Every argument called `stack` (`--stack`, `show STACK`, `new service STACK`) completes
/// with the spec's stack names; attached here, so the argument types stay plain clap.
fn with_stack_names(command: clap::Command) -> clap::Command {
    let command = if command.get_arguments().any(|a| a.get_id() == "stack") {
        command.mut_arg("stack", |arg| {
            arg.add(clap_complete::ArgValueCandidates::new(stack_names))
        })
    } else {
        command
    };
    command.mut_subcommands(with_stack_names)
}

/// `seisei completions SHELL`: the script that registers seisei's completion with the shell.
pub fn registration(shell: clap_complete::Shell) -> u8 {
    let completer: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &clap_complete::env::Bash,
        clap_complete::Shell::Elvish => &clap_complete::env::Elvish,
        clap_complete::Shell::Fish => &clap_complete::env::Fish,
        clap_complete::Shell::PowerShell => &clap_complete::env::Powershell,
        clap_complete::Shell::Zsh => &clap_complete::env::Zsh,
        _ => {
            eprintln!("seisei: no completion for {shell}");
            return EXIT_ERROR;
        }
    };
    let mut script = Vec::new();
    // `seisei` as found on PATH when <Tab> is pressed, like the command being completed.
    if completer
        .write_registration(VAR, "seisei", "seisei", "seisei", &mut script)
        .is_err()
    {
        return EXIT_ERROR;
    }
    let _ = std::io::stdout().write_all(&script);
    EXIT_OK
}

/// The stack names of the spec that `--spec`'s defaults find (`$SEISEI_SPEC`, else
/// platform.yaml here or above): a completion cannot see the rest of the command line. A spec
/// that does not compile offers nothing rather than an error in the middle of a prompt.
pub fn stack_names() -> Vec<CompletionCandidate> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let given = std::env::var_os("SEISEI_SPEC").map(PathBuf::from);
    let path = crate::cli::find_spec(given.as_deref(), &cwd);
    let Ok(compiled) = seisei::compile(&path) else {
        return Vec::new();
    };
    compiled
        .model
        .stacks
        .iter()
        .map(|stack| CompletionCandidate::new(&stack.name).help(Some(stack.purpose.clone().into())))
        .collect()
}
