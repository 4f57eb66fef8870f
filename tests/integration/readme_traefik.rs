//! The README's "Traefik features" section is tested: its YAML blocks, merged into one
//! document, are a platform that `seisei validate` accepts, every subsection shows at least one
//! block, and its console example is what `seisei route` prints for that platform.

use std::process::Command;

use serde_yaml::{Mapping, Value};

use crate::repo_root;

/// The section's text, from its heading to the next `## ` heading.
fn section() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let start = readme
        .find("\n## Traefik features\n")
        .expect("README.md has a `## Traefik features` section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_owned()
}

/// The bodies of the fenced blocks of `lang` in `text`, in order.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("a closed fence");
        out.push(body[..end].to_owned());
        rest = &body[end..];
    }
    out
}

/// Merges `from` into `into`, mapping by mapping; the same leaf written twice is a mistake in
/// the README (two examples that disagree), so it panics.
fn merge(into: &mut Mapping, from: Mapping, path: &str) {
    for (key, value) in from {
        let name = format!("{path}.{}", key.as_str().unwrap_or("?"));
        match (into.get_mut(&key), value) {
            (Some(Value::Mapping(existing)), Value::Mapping(more)) => merge(existing, more, &name),
            (Some(_), _) => panic!("the README sets `{name}` in two examples"),
            (None, value) => {
                into.insert(key, value);
            }
        }
    }
}

#[test]
fn the_traefik_features_section_is_one_valid_platform() {
    let text = section();
    for subsection in text.split("\n### ").skip(1) {
        let title = subsection.lines().next().unwrap_or_default();
        assert!(
            !blocks(subsection, "yaml traefik-features").is_empty(),
            "README subsection `{title}` shows no YAML example"
        );
    }
    let mut platform: Mapping = serde_yaml::from_str(
        "platform: { name: Readme, domain: lab.example.org }\n\
         networks:\n  edge: { purpose: Traefik and every routed container, external: true }\n",
    )
    .expect("the base");
    for block in blocks(&text, "yaml traefik-features") {
        let value: Mapping = serde_yaml::from_str(&block)
            .unwrap_or_else(|e| panic!("a README block is not a YAML mapping: {e}\n{block}"));
        merge(&mut platform, value, "");
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("platform.yaml"),
        serde_yaml::to_string(&platform).expect("serialise"),
    )
    .expect("write the platform");
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run seisei");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (status, _, stderr) = run(&["validate", "--deny-warnings"]);
    assert_eq!(
        status,
        Some(0),
        "the README's Traefik examples are not a valid platform:\n{stderr}"
    );

    // Each console example: `$ seisei …` and the lines it prints.
    // Marked `console traefik-features`: it runs on the platform of this section's examples,
    // not on the bundled one that `readme.rs` runs plain console blocks on.
    let consoles = blocks(&text, "console traefik-features");
    assert!(
        !consoles.is_empty(),
        "the section shows `seisei route` for TCP"
    );
    for console in consoles {
        let (command, expected) = console.split_once('\n').expect("a command and its output");
        let args: Vec<&str> = command
            .strip_prefix("$ seisei ")
            .expect("`$ seisei …`")
            .split_whitespace()
            .collect();
        let (_, stdout, stderr) = run(&args);
        assert_eq!(stdout, expected, "`{command}` prints otherwise ({stderr})");
    }
}
