//! Every YAML example of README.md's "Compose features" section is a fragment of a
//! `platform.yaml`: added to a small platform (Traefik's stack and network), it must pass
//! `seisei validate` and `seisei gen` through the real binary, and, with `SEISEI_COMPOSE`,
//! every compose file it generates must pass the real Compose's `config -q`.

use std::path::Path;
use std::process::Command;

use serde_yaml::Value;

const BASE: &str = r#"
platform: { name: Readme, domain: example.test, output: generated }
traefik:
  version: "3.7"
  stack: edge
  service: traefik
  network: proxy
  entrypoints:
    websecure: { address: ":443", tls: true }
  default_entrypoints: [websecure]
networks:
  proxy: { purpose: Traefik's network, owner: edge }
stacks:
  edge:
    purpose: The edge proxy
    status: production
    networks: [proxy]
    services:
      traefik:
        image: traefik:v3.7.1
        ports: [{ container: 443, publish: true }]
"#;

/// The YAML blocks of the README's `## Compose features` section.
fn examples() -> Vec<String> {
    let readme = std::fs::read_to_string(crate::repo_root().join("README.md")).expect("README");
    let start = readme
        .find("\n## Compose features\n")
        .expect("README has a Compose features section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut out = Vec::new();
    let mut rest = section;
    // Marked `yaml compose-features`: fragments this test assembles (readme.rs only parses them).
    let fence = "```yaml compose-features\n";
    while let Some(open) = rest.find(fence) {
        let body = &rest[open + fence.len()..];
        let close = body.find("```").expect("a closed block");
        out.push(body[..close].to_owned());
        rest = &body[close..][3..];
    }
    out
}

/// `over` merged into `base`, mappings key by key.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, other) => *slot = other,
    }
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_seisei"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run seisei")
}

#[test]
fn every_compose_features_example_validates_and_generates() {
    let examples = examples();
    assert!(
        examples.len() >= 9,
        "one example per feature, found {}",
        examples.len()
    );
    for (i, example) in examples.iter().enumerate() {
        let fragment: Value = serde_yaml::from_str(example)
            .unwrap_or_else(|e| panic!("example {i} is not YAML: {e}\n{example}"));
        let mut spec: Value = serde_yaml::from_str(BASE).expect("the base is YAML");
        merge(&mut spec, fragment);
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(
            dir.path().join("platform.yaml"),
            serde_yaml::to_string(&spec).expect("YAML"),
        )
        .expect("write the spec");
        for args in [&["validate", "--deny-warnings"][..], &["gen"][..]] {
            let out = run(dir.path(), args);
            assert!(
                out.status.success(),
                "README example {i} fails `seisei {}`:\n{}\n{example}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        compose_accepts(dir.path(), i);
    }
}

#[cfg(seisei_compose)]
fn compose_accepts(dir: &Path, example: usize) {
    let compose = crate::support::tool("SEISEI_COMPOSE");
    let mut files = Vec::new();
    let mut stack = vec![dir.join("generated")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "docker-compose.yml") {
                files.push(path);
            }
        }
    }
    assert!(
        !files.is_empty(),
        "example {example} generated no compose file"
    );
    for file in files {
        // Every variable the file reads, set, so that a required one does not stop Compose.
        let text = std::fs::read_to_string(&file).expect("UTF-8");
        let env: String = crate::support::interpolated_names(&text)
            .iter()
            .map(|n| format!("{n}={}\n", crate::support::sentinel(n)))
            .collect::<Vec<_>>()
            .concat();
        let env_file = dir.join("sentinel.env");
        std::fs::write(&env_file, env).expect("write the env file");
        let out = Command::new(&compose)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir)
            .arg("-f")
            .arg(&file)
            .arg("--env-file")
            .arg(&env_file)
            .args(["--profile", "*", "config", "-q"])
            .output()
            .expect("run compose");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "README example {example}: the real Compose refuses {}:\n{}",
            file.display(),
            crate::support::describe(&out)
        );
    }
}

#[cfg(not(seisei_compose))]
fn compose_accepts(_dir: &Path, _example: usize) {
    eprintln!("SEISEI_COMPOSE not set: the README examples are not handed to the real Compose");
}
