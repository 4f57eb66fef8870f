//! `seisei init` through the real binary: a new folder gets a valid platform, its generated
//! tree, a `.gitignore` that keeps `.env` out and a pre-commit configuration; an existing
//! platform is never replaced. The platform it writes is also the `init` fixture, so the
//! golden trees and every real-tool oracle (Traefik, Compose, Swarm) judge it as well.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn seisei(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(args)
        .current_dir(dir)
        .env_remove("SEISEI_SPEC")
        .output()
        .expect("run seisei")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn init_starts_a_valid_generated_platform() {
    let dir = tempfile::tempdir().unwrap();
    let out = seisei(
        dir.path(),
        &["init", "--name", "Acme", "--domain", "acme.example"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "created platform.yaml, .gitignore, .pre-commit-config.yaml\n\
         8 written, 0 unchanged, 0 removed\n\
         next: `seisei routes` shows the routing table; `git init && seisei hook install` (or `pre-commit install`) checks every commit\n"
    );
    assert_eq!(text(&out.stderr), "", "no warning");
    let spec = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    // The fixture is this file with the fixtures' output folder.
    let fixture = crate::repo_root().join("tests/fixtures/init/platform.yaml");
    let as_fixture = spec
        .replace("output: generated", "output: expected")
        .replace("$schema=generated/", "$schema=expected/");
    if std::env::var_os("SEISEI_BLESS").is_some() {
        fs::write(&fixture, &as_fixture).unwrap();
    }
    assert_eq!(
        fs::read_to_string(&fixture).unwrap(),
        as_fixture,
        "tests/fixtures/init/platform.yaml is what `init` writes: SEISEI_BLESS=1 cargo test"
    );
    assert!(spec.contains("domain: acme.example") && spec.contains("hosts: [hello.acme.example]"));
    for args in [&["validate", "--deny-warnings"][..], &["check"]] {
        let out = seisei(dir.path(), args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let routed = seisei(dir.path(), &["route", "https://hello.acme.example/"]);
    assert!(
        text(&routed.stdout).contains("answered by `hello-web@docker`"),
        "{}",
        text(&routed.stdout)
    );
    assert!(
        dir.path()
            .join("generated/stacks/hello/docker-compose.yml")
            .is_file()
    );
    let ignore = fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == ".env"), "{ignore}");
    let pre_commit: serde_yaml::Value = serde_yaml::from_str(
        &fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap(),
    )
    .unwrap();
    let hook = &pre_commit["repos"][0]["hooks"][0];
    assert_eq!(hook["entry"].as_str(), Some("seisei check --staged"));
}

#[test]
fn git_ignores_the_env_files_init_keeps_out() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(seisei(dir.path(), &["init"]).status.code(), Some(0));
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run git")
    };
    assert!(git(&["init", "-q"]).status.success());
    fs::write(dir.path().join("generated/stacks/hello/.env"), "SECRET=1\n").unwrap();
    let ignored = git(&["check-ignore", "generated/stacks/hello/.env"]);
    assert!(ignored.status.success(), "git ignores a stack's .env");
    let spec = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    let folder = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let name = spec.lines().find(|l| l.starts_with("  name: ")).unwrap();
    assert!(
        name.contains(&folder),
        "the name defaults to the folder's: {name}"
    );
}

#[test]
fn init_never_replaces_a_platform_and_keeps_what_is_there() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".gitignore"), "/target").unwrap();
    fs::write(dir.path().join(".pre-commit-config.yaml"), "repos: []\n").unwrap();
    let out = seisei(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with(
            "created platform.yaml, .gitignore\nkept the existing .pre-commit-config.yaml"
        ) || text(&out.stdout).starts_with("kept the existing .pre-commit-config.yaml"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/target\n# Filled-in variables (secrets) and the lock of a running `seisei gen`.\n.env\n.seisei.lock\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap(),
        "repos: []\n"
    );
    let spec = fs::read(dir.path().join("platform.yaml")).unwrap();
    let again = seisei(dir.path(), &["init", "--domain", "other.example"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        text(&again.stderr),
        "seisei: platform.yaml already exists; `seisei init` starts a new platform and never replaces one: edit that file, or run `init` in an empty folder\n"
    );
    assert_eq!(
        fs::read(dir.path().join("platform.yaml")).unwrap(),
        spec,
        "untouched"
    );
}

#[test]
fn a_domain_the_platform_cannot_use_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = seisei(dir.path(), &["init", "--domain", "not a domain"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("choose another `--name` or `--domain`"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
}
