//! Every `${VAR}` seisei writes carries the spec's meaning: no generated compose file of any
//! fixture or of `generated/` holds a bare reference (`${VAR}` or `$VAR`), which Compose
//! would read as a blank string when the variable is unset. The committed trees are read as
//! checked in, so a stale golden fails too.

use std::path::Path;

use crate::{all_specs, compile, repo_root};

/// Bare references in Compose text: `${NAME}` with no operator, or `$NAME`; `$$` is a
/// literal `$`. Operands (`${A:-${B}}`) are scanned too.
fn bare_references(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let start = i + 2;
                let end = text[start..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(text.len(), |e| start + e);
                if bytes.get(end) == Some(&b'}') {
                    found.push(text[i..=end].to_owned());
                }
                i = end;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let end = text[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(text.len(), |e| i + 1 + e);
                found.push(text[i..end].to_owned());
                i = end;
            }
            _ => i += 1,
        }
    }
    found
}

#[test]
fn the_scanner_finds_bare_references_and_only_those() {
    assert_eq!(
        bare_references("a ${A} $B $$C ${D:?x} ${E:-${F}} $${G}"),
        vec!["${A}", "$B", "${F}"]
    );
}

#[test]
fn no_generated_compose_file_has_a_bare_variable() {
    let mut files = 0;
    let mut bare = Vec::new();
    for spec in all_specs() {
        let compiled = compile(&spec);
        for artifact in &compiled.artifacts {
            if !artifact.path.ends_with("docker-compose.yml") {
                continue;
            }
            let path = crate::support::golden_file(&spec, artifact);
            let text = std::fs::read_to_string(&path).expect("a compose file is UTF-8");
            let rendered = String::from_utf8_lossy(&artifact.bytes);
            assert_eq!(text, rendered, "{} is stale", path.display());
            // Comment lines are not interpolated.
            for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
                for reference in bare_references(line) {
                    bare.push(format!(
                        "{}: {reference} in `{}`",
                        shown(&path),
                        line.trim()
                    ));
                }
            }
            files += 1;
        }
    }
    assert!(files >= 18, "only {files} compose files found");
    assert!(bare.is_empty(), "bare references:\n{}", bare.join("\n"));
}

fn shown(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}
