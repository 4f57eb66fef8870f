//! `seisei init`: starts a platform in the current folder. Input: a display name and a
//! domain; output: `platform.yaml` (a Traefik edge stack and one routed example app),
//! `.gitignore` lines that keep `.env` files and seisei's lock out of git, and a
//! `.pre-commit-config.yaml` running `seisei check --staged`; then `gen` writes the rest.
//!
//! The new spec is proved valid, with no warning, before any file is written, and an
//! existing `platform.yaml` is never replaced: `init` begins a platform, it does not reset one.

use std::path::Path;

use seisei::encode::yaml::yaml_scalar;
use seisei::{EXIT_ERROR, EXIT_OK};

/// The lines `.gitignore` must hold: the filled-in variables of every stack (Compose reads
/// `.env` beside each docker-compose.yml) and the lock file of a running `gen`.
const IGNORED: [&str; 2] = [".env", ".seisei.lock"];

/// The pre-commit framework's configuration: a local hook, so it needs no repository URL
/// and runs the `seisei` the team installed.
const PRE_COMMIT: &str = "\
# Hooks for the pre-commit framework (https://pre-commit.com): `pre-commit install` once.
repos:
  - repo: local
    hooks:
      - id: seisei-check
        name: seisei check
        # Fails when the generated files being committed do not match the spec being committed.
        entry: seisei check --staged
        language: system
        pass_filenames: false
        files: '\\.(ya?ml|md)$|(^|/)generated/'
";

/// `platform.yaml`, with `{name}`, `{domain}` and `{email}` to fill in (each already a YAML
/// scalar).
const PLATFORM: &str = "\
# yaml-language-server: $schema=generated/platform.schema.json
# The platform's single source of truth. Edit it, run `seisei gen`, commit both.

platform:
  name: {name}
  domain: {domain}
  output: generated
  stacks_dir: stacks

traefik:
  version: \"3.7\"
  stack: edge
  service: traefik
  network: public
  entrypoints:
    web:
      address: \":80\"
      redirect_to: websecure
      purpose: HTTP; redirects every request to HTTPS
    websecure:
      address: \":443\"
      tls: true
      purpose: HTTPS for every public route
  default_entrypoints: [websecure]
  cert_resolvers:
    letsencrypt:
      email: {email}
      storage: /etc/traefik/acme/acme.json
      http_challenge_entrypoint: web
  default_cert_resolver: letsencrypt
  default_provider: docker

networks:
  public:
    purpose: Shared by Traefik and every routed service
    external: true

stacks:
  edge:
    purpose: Reverse proxy and TLS termination
    status: production
    networks: [public]
    services:
      traefik:
        image: traefik:v3.7.9
        ports:
          - { container: 80, publish: true, note: \"HTTP, redirects to HTTPS\" }
          - { container: 443, publish: true, note: HTTPS }
        mounts:
          - { volume: acme, target: /etc/traefik/acme }
    volumes:
      acme:
        purpose: Let's Encrypt certificates

  hello:
    purpose: Example app; replace it with your first real service
    status: testing
    networks: [public]
    services:
      web:
        image: traefik/whoami:v1.10.3
        command: [\"--port\", \"8080\"]
        ports:
          - { container: 8080 }
        routes:
          - hosts: [{host}]
";

/// What `init` writes, given the options.
pub struct Options<'a> {
    pub name: Option<&'a str>,
    pub domain: &'a str,
}

/// Writes the new platform's files into `dir` and returns the spec's path, or the exit code
/// after printing why nothing was written.
pub fn write(dir: &Path, options: &Options<'_>) -> Result<std::path::PathBuf, u8> {
    // Relative to the current folder, as every other command names the spec.
    let spec = if dir == Path::new(".") {
        std::path::PathBuf::from("platform.yaml")
    } else {
        dir.join("platform.yaml")
    };
    if spec.symlink_metadata().is_ok() {
        eprintln!(
            "seisei: {} already exists; `seisei init` starts a new platform and never replaces one: edit that file, or run `init` in an empty folder",
            spec.display()
        );
        return Err(EXIT_ERROR);
    }
    let folder = std::fs::canonicalize(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "platform".to_owned());
    let name = options.name.unwrap_or(&folder);
    let domain = options.domain.trim_end_matches('.').to_ascii_lowercase();
    let text = PLATFORM
        .replace("{name}", &yaml_scalar(name))
        .replace("{domain}", &yaml_scalar(&domain))
        .replace("{email}", &yaml_scalar(&format!("ops@{domain}")))
        .replace("{host}", &yaml_scalar(&format!("hello.{domain}")));
    // Proved valid before anything is written: a domain the model refuses is reported at
    // the `--domain` the user typed, not as a broken file left behind.
    let problems = match seisei::spec::parse(&spec, text.clone()) {
        Ok(source) => match seisei::model::build(&source) {
            Ok((_, warnings)) => warnings,
            Err(problems) => problems,
        },
        Err(problems) => problems,
    };
    if !problems.is_empty() {
        let said: Vec<String> = problems.iter().map(|d| d.message.clone()).collect();
        eprintln!(
            "seisei: a platform named {name:?} on domain {domain:?} would not be valid ({}); choose another `--name` or `--domain`",
            said.join("; ")
        );
        return Err(EXIT_ERROR);
    }
    let mut written = vec!["platform.yaml"];
    let result = seisei::output::write_atomic(&spec, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {}", spec.display(), e.message))
        .and_then(|()| gitignore(dir, &mut written))
        .and_then(|()| pre_commit(dir, &mut written));
    if let Err(message) = result {
        eprintln!("seisei: {message}");
        return Err(EXIT_ERROR);
    }
    println!("created {}", written.join(", "));
    Ok(spec)
}

/// Adds the missing [`IGNORED`] lines to `.gitignore`, creating it if needed.
fn gitignore(dir: &Path, written: &mut Vec<&'static str>) -> Result<(), String> {
    let path = dir.join(".gitignore");
    let old = if path.symlink_metadata().is_ok() {
        seisei::fsread::read_text(&path, 1024 * 1024)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
    } else {
        String::new()
    };
    let missing: Vec<&str> = IGNORED
        .iter()
        .copied()
        .filter(|line| !old.lines().any(|l| l.trim() == *line))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut new = old.clone();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str("# Filled-in variables (secrets) and the lock of a running `seisei gen`.\n");
    for line in missing {
        new.push_str(line);
        new.push('\n');
    }
    seisei::output::write_atomic(&path, new.as_bytes())
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.message))?;
    written.push(".gitignore");
    Ok(())
}

/// Writes `.pre-commit-config.yaml` unless the folder has one, which is left alone.
fn pre_commit(dir: &Path, written: &mut Vec<&'static str>) -> Result<(), String> {
    let path = dir.join(".pre-commit-config.yaml");
    if path.symlink_metadata().is_ok() {
        println!(
            "kept the existing .pre-commit-config.yaml: add the `seisei-check` hook (entry `seisei check --staged`) to it"
        );
        return Ok(());
    }
    seisei::output::write_atomic(&path, PRE_COMMIT.as_bytes())
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.message))?;
    written.push(".pre-commit-config.yaml");
    Ok(())
}

/// What to do next, after `gen` wrote the tree.
pub fn next_steps() -> u8 {
    println!(
        "next: `seisei routes` shows the routing table; `git init && seisei hook install` (or `pre-commit install`) checks every commit"
    );
    EXIT_OK
}
