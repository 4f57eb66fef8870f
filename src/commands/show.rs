//! `seisei show STACK`: a stack's generated files, printed one after the other, without
//! writing anything. Input: the compiled platform and a stack's name; output: each file under
//! a `==> PATH <==` line (as `head` prints several files), paths as `gen` would write them.

use seisei::{Compiled, EXIT_ERROR, EXIT_OK};

/// Prints the files of `stack` and returns the exit code.
pub fn show(compiled: &Compiled, stack: &str) -> u8 {
    let Some(found) = compiled.model.stacks.iter().find(|s| s.name == stack) else {
        let help = seisei::diagnostics::did_you_mean(
            stack,
            compiled.model.stacks.iter().map(|s| s.name.as_str()),
        )
        .unwrap_or_else(|| {
            "name a stack of the spec (`seisei routes` lists what is routed)".into()
        });
        eprintln!("seisei: there is no stack `{stack}`; {help}");
        return EXIT_ERROR;
    };
    let prefix = format!("{}/", found.dir);
    let label = compiled.model.output.trim_end_matches('/');
    let mut first = true;
    for artifact in compiled
        .artifacts
        .iter()
        .filter(|a| a.path.starts_with(&prefix))
    {
        if !first {
            println!();
        }
        first = false;
        println!("==> {label}/{} <==", artifact.path);
        print!("{}", String::from_utf8_lossy(&artifact.bytes));
    }
    EXIT_OK
}
