//! Runs the `seisei` binary from a test: in a folder, with arguments and no `SEISEI_SPEC`
//! from the caller's environment; answers the exit code, stdout and stderr.

use std::path::Path;
use std::process::Command;

/// `seisei ARGS` in `dir`.
pub fn seisei_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(args)
        .current_dir(dir)
        .env_remove("SEISEI_SPEC")
        .output()
        .expect("run seisei");
    (
        output.status.code().expect("exit code"),
        String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    )
}
