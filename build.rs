//! Tells the integration tests, at compile time, which real tools (the oracles that judge
//! seisei's output) this build can use, so a test without its tool is reported by `cargo test`
//! as `ignored, needs …` in the normal output instead of passing silently. A runtime check
//! cannot do that: libtest captures what a passing test prints, and only `#[ignore]` shows.
//!
//! Each variable below turns on the `cfg` beside it when it is set and non-empty
//! (`SEISEI_MERMAID_CHECK` also not `0`). `tests/oracle/setup.sh` prints the exports; CI sets
//! `SEISEI_ORACLES=require`, which makes a test fail when any of them is off.
//!
//! It also hands the binary the commit it is built from (`SEISEI_COMMIT`, shown by
//! `--version`): `git rev-parse HEAD` when the package is the top of a git checkout, else
//! `unknown commit` (a crate tarball, a source archive, or a package copied inside another
//! repository, whose commit is not this code's). Only `--version` shows it: generated files
//! carry no version, so `check` cannot fail because seisei was rebuilt.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variable, and the `cfg` it enables.
const ORACLES: [(&str, &str); 5] = [
    ("SEISEI_TRAEFIK", "seisei_traefik"),
    ("SEISEI_COMPOSE", "seisei_compose"),
    ("SEISEI_DOCKER", "seisei_docker"),
    ("SEISEI_SCHEMAS_DIR", "seisei_schemas"),
    ("SEISEI_MERMAID_CHECK", "seisei_mermaid"),
];

fn main() {
    // Without a `rerun-if-changed`, Cargo would rerun this script on every change in the
    // package; only the variables, the script itself and git's HEAD matter.
    println!("cargo::rerun-if-changed=build.rs");
    let commit = commit().unwrap_or_else(|| "unknown commit".to_owned());
    println!("cargo::rustc-env=SEISEI_COMMIT={commit}");
    for (var, cfg) in ORACLES {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        let on = std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0");
        if on {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}

/// The commit of HEAD, when the package directory is the top of a git work tree; also asks
/// Cargo to rerun this script when HEAD moves (a commit, a checkout).
fn commit() -> Option<String> {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&manifest_dir)
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    if !same_dir(&top, &manifest_dir) {
        return None;
    }
    // HEAD names the branch; the branch's ref (loose, or in packed-refs) names the commit.
    for path in ["HEAD", "packed-refs"] {
        if let Some(file) = git(&["rev-parse", "--git-path", path]) {
            println!(
                "cargo::rerun-if-changed={}",
                manifest_dir.join(file).display()
            );
        }
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(file) = git(&["rev-parse", "--git-path", &branch])
    {
        println!(
            "cargo::rerun-if-changed={}",
            manifest_dir.join(file).display()
        );
    }
    let full = git(&["rev-parse", "HEAD"])?;
    (full.len() >= 12 && full.bytes().all(|b| b.is_ascii_hexdigit())).then(|| full[..12].to_owned())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
