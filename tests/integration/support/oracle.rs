//! Where the real tools are, and how a generated tree is laid out for them: the shared part of
//! the oracle tests (`real_*.rs`). Which tools a build has is decided at compile time by
//! `build.rs` (`cfg(seisei_traefik)` and friends), so that a test without its tool is reported
//! `ignored, needs …` by `cargo test`; see CONTRIBUTING.md.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::repo_root;

/// The command that installs the tools and prints the variables, for messages.
pub const SETUP: &str = "eval \"$(bash tests/oracle/setup.sh)\"";

/// The path of a tool the build was told about, read again at run time so that a test run
/// by hand with `--ignored` names what is missing instead of failing obscurely.
pub fn tool(var: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("{var} is not set: run `{SETUP}`, then cargo test"));
    let path = PathBuf::from(path);
    assert!(
        path.is_file(),
        "{var} names {}, which is not a file: run `{SETUP}` again",
        path.display()
    );
    path
}

/// The folder holding the checked-in generated tree of a platform: `generated/` for the
/// repository's own, `expected/` beside a fixture's `platform.yaml`.
pub fn golden_dir(spec: &Path) -> PathBuf {
    let dir = spec.parent().expect("a spec has a folder");
    if spec == repo_root().join("platform.yaml") {
        dir.join("generated")
    } else {
        dir.join("expected")
    }
}

/// A short name for a platform in messages: `seisei`, else the fixture's folder.
pub fn case_name(spec: &Path) -> String {
    if spec == repo_root().join("platform.yaml") {
        return "seisei".to_owned();
    }
    spec.parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .expect("fixtures live in tests/fixtures/<case>/platform.yaml")
}

/// Reads a checked-in generated file, which must be what seisei generates now (the golden
/// tests say so too; here it guards the mapping from artifact to file).
pub fn golden_file(spec: &Path, artifact: &seisei::render::Artifact) -> PathBuf {
    let path = golden_dir(spec).join(&artifact.path);
    let on_disk = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        on_disk == artifact.bytes,
        "{} is not what seisei generates: run SEISEI_BLESS=1 cargo test",
        path.display()
    );
    path
}

/// Exit status, stdout and stderr of a finished tool, for failure messages.
pub fn describe(output: &Output) -> String {
    format!(
        "exit: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every `${NAME` a Compose file interpolates (`$${` is a literal dollar, not a reference).
pub fn interpolated_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'$' && bytes[i + 1] == b'$' {
            i += 2;
            continue;
        }
        if bytes[i] == b'$' && bytes[i + 1] == b'{' {
            let start = i + 2;
            let end = text[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(text.len(), |n| start + n);
            names.push(text[start..end].to_owned());
            i = end;
            continue;
        }
        i += 1;
    }
    names.sort();
    names.dedup();
    names
}

/// The value every variable gets in the oracle tests, so that the canonical model shows
/// which variable reached which field.
pub fn sentinel(name: &str) -> String {
    format!("sentinel-{name}")
}

/// Seconds in a Go duration as Compose prints it (`1m30s`, `500ms`, `10s`).
pub fn go_duration_seconds(text: &str) -> f64 {
    let mut total = 0.0;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_digit() || n == '.' {
                break;
            }
            unit.push(n);
            chars.next();
        }
        let value: f64 = number
            .parse()
            .unwrap_or_else(|_| panic!("`{text}` is no Go duration"));
        number.clear();
        total += value
            * match unit.as_str() {
                "h" => 3600.0,
                "m" => 60.0,
                "s" => 1.0,
                "ms" => 0.001,
                "us" | "µs" => 0.000_001,
                "ns" => 0.000_000_001,
                _ => panic!("`{text}`: unknown unit `{unit}`"),
            };
    }
    assert!(number.is_empty(), "`{text}` ends without a unit");
    total
}
