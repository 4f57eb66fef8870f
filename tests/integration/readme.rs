//! The README's examples are tests, so they cannot drift: every `console` block is run and
//! its output compared, every `yaml` block is validated as a platform by the real binary,
//! and the table of diagnostic codes names every code seisei has.
//!
//! A console block runs in a fresh sandbox: a git repository holding a copy of the bundled
//! `platform.yaml`, its `generated/` tree and `tests/broken/`, all committed, with `seisei`
//! on `PATH`. Each `$ ` line is run by `sh` with stderr merged into stdout; the lines up to
//! the next `$ ` are its expected output, where `[..]` in a line matches any text.
//! `SEISEI_BLESS=1 cargo test` writes the actual output into blocks without `[..]`.
//!
//! Info strings that change how a block is checked (CONTRIBUTING.md lists them):
//! - `yaml`: a whole platform.yaml, which `seisei validate --deny-warnings` accepts;
//! - `yaml pre-commit-config`: a `.pre-commit-config.yaml` using this repository's hooks;
//! - `yaml partial`: a deliberately partial spec (a fragment to paste): it must parse as YAML.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One fenced block of the README.
struct Block {
    info: String,
    /// Line number of the opening fence (1-based).
    line: usize,
    /// Index of the first content line in the README's lines.
    start: usize,
    lines: Vec<String>,
}

fn readme() -> String {
    fs::read_to_string(crate::repo_root().join("README.md")).expect("README.md")
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<(Block, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some((block, fence_indent)) = &mut current {
            if trimmed.starts_with("```") && trimmed.trim() == "```" {
                let (done, _) = current.take().unwrap();
                blocks.push(done);
                continue;
            }
            let content = line.get(fence_indent.len()..).unwrap_or(line.trim_start());
            block.lines.push(content.to_owned());
        } else if let Some(info) = trimmed.strip_prefix("```") {
            current = Some((
                Block {
                    info: info.trim().to_owned(),
                    line: index + 1,
                    start: index + 1,
                    lines: Vec::new(),
                },
                " ".repeat(indent),
            ));
        }
    }
    assert!(current.is_none(), "README.md has an unclosed code fence");
    blocks
}

#[test]
fn every_yaml_block_of_the_readme_is_valid() {
    let text = readme();
    let mut checked = 0;
    for block in blocks(&text).iter().filter(|b| b.info.starts_with("yaml")) {
        let yaml = block.lines.join("\n") + "\n";
        let at = format!("README.md:{} (```{})", block.line, block.info);
        match block.info.as_str() {
            "yaml" => {
                let dir = tempfile::tempdir().unwrap();
                fs::write(dir.path().join("platform.yaml"), &yaml).unwrap();
                let out = Command::new(env!("CARGO_BIN_EXE_seisei"))
                    .args(["validate", "--deny-warnings", "--color", "never"])
                    .current_dir(dir.path())
                    .env_remove("SEISEI_SPEC")
                    .output()
                    .unwrap();
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{at} is not a valid platform.yaml (mark a deliberately partial example \
                     ```yaml partial):\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            "yaml pre-commit-config" => {
                let config: serde_yaml::Value =
                    serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{at}: {e}"));
                let hooks: serde_yaml::Value = serde_yaml::from_str(
                    &fs::read_to_string(crate::repo_root().join(".pre-commit-hooks.yaml")).unwrap(),
                )
                .unwrap();
                let ids: Vec<&str> = hooks
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .filter_map(|h| h["id"].as_str())
                    .collect();
                for repo in config["repos"].as_sequence().expect("repos: a list") {
                    for hook in repo["hooks"].as_sequence().expect("hooks: a list") {
                        let id = hook["id"].as_str().expect("an id");
                        assert!(
                            ids.contains(&id),
                            "{at}: no hook `{id}` in .pre-commit-hooks.yaml"
                        );
                    }
                }
            }
            // Fragments a section's own test assembles into one platform and validates
            // (readme_traefik.rs, compose_readme.rs); here they must parse.
            "yaml partial" | "yaml traefik-features" | "yaml compose-features" => {
                serde_yaml::from_str::<serde_yaml::Value>(&yaml)
                    .unwrap_or_else(|e| panic!("{at} does not parse as YAML: {e}"));
            }
            other => panic!("{at}: unknown info string `{other}`; see tests/integration/readme.rs"),
        }
        checked += 1;
    }
    assert!(checked >= 2, "the README's YAML examples were not found");
}

/// The sandbox a console block runs in.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = crate::repo_root();
    fs::copy(root.join("platform.yaml"), dir.path().join("platform.yaml")).unwrap();
    copy_tree(&root.join("generated"), &dir.path().join("generated"));
    copy_tree(&root.join("tests/broken"), &dir.path().join("tests/broken"));
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "start"],
    ] {
        let out = sh_command(dir.path(), "git")
            .args(args)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A command with the environment every example runs in: seisei first on `PATH`, no colour,
/// no inherited spec, a git identity.
fn sh_command(dir: &Path, program: &str) -> Command {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_seisei"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env_remove("SEISEI_SPEC")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.test")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.test")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    command
}

/// `expected` (one README line) matches `actual`, where `[..]` stands for any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let mut rest = actual;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

#[test]
fn every_console_example_of_the_readme_prints_what_it_shows() {
    let text = readme();
    let mut readme_lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let bless = std::env::var_os("SEISEI_BLESS").is_some();
    let mut problems = Vec::new();
    let mut commands = 0;
    // Blocks are rewritten from the last, so earlier indices stay right.
    let mut rewrites: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for block in blocks(&text).iter().filter(|b| b.info == "console") {
        let dir = sandbox();
        let mut new_lines = Vec::new();
        let mut wildcard = false;
        let mut i = 0;
        while i < block.lines.len() {
            let Some(command) = block.lines[i].strip_prefix("$ ") else {
                problems.push(format!(
                    "README.md:{}: a console block starts with `$ COMMAND`",
                    block.start + i + 1
                ));
                break;
            };
            let at = block.start + i + 1;
            i += 1;
            let mut expected = Vec::new();
            while i < block.lines.len() && !block.lines[i].starts_with("$ ") {
                expected.push(block.lines[i].clone());
                i += 1;
            }
            wildcard |= expected.iter().any(|l| l.contains("[..]"));
            let out = sh_command(dir.path(), "sh")
                .args(["-c", &format!("{{ {command}\n}} 2>&1")])
                .output()
                .expect("run sh");
            let actual: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_owned)
                .collect();
            commands += 1;
            let same = expected.len() == actual.len()
                && expected
                    .iter()
                    .zip(&actual)
                    .all(|(e, a)| line_matches(e, a));
            if !same {
                problems.push(format!(
                    "README.md:{at}: `{command}` printed\n{}\ninstead of\n{}",
                    actual.join("\n"),
                    expected.join("\n")
                ));
            }
            new_lines.push(format!("$ {command}"));
            new_lines.extend(actual);
        }
        if !wildcard {
            rewrites.push((block.start, block.lines.len(), new_lines));
        }
    }
    if bless && !problems.is_empty() {
        for (start, len, lines) in rewrites.into_iter().rev() {
            readme_lines.splice(start..start + len, lines);
        }
        fs::write(
            crate::repo_root().join("README.md"),
            readme_lines.join("\n") + "\n",
        )
        .unwrap();
        return;
    }
    assert!(
        commands >= 5,
        "the README's console examples were not found"
    );
    assert!(
        problems.is_empty(),
        "{}\n\n(update the README to what seisei prints, or SEISEI_BLESS=1 cargo test)",
        problems.join("\n\n")
    );
}

#[test]
fn the_codes_table_of_the_readme_names_every_code() {
    let text = readme();
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| codes |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.len() > 3, "README.md has a `| codes |` table");
    let cells: Vec<&str> = table.iter().filter_map(|l| l.split('|').nth(1)).collect();
    // The codes, as `Code::id` spells them: read from the source, so a code added there is
    // checked here without a list to keep in step.
    let source = fs::read_to_string(crate::repo_root().join("src/diagnostics.rs")).unwrap();
    let body = source
        .split("pub fn id(self) -> &'static str {")
        .nth(1)
        .and_then(|rest| rest.split("\n    }\n").next())
        .expect("src/diagnostics.rs has `Code::id`");
    let ids: Vec<&str> = regex::Regex::new(r#"=> "([EW]\d{4})""#)
        .unwrap()
        .captures_iter(body)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    assert!(ids.len() > 30, "found only {ids:?} in `Code::id`");
    let mut missing = Vec::new();
    for id in ids {
        if !cells.iter().any(|cell| covers(cell, id)) {
            missing.push(id);
        }
    }
    assert!(
        missing.is_empty(),
        "the README's codes table does not name {missing:?}: add each, with what it checks"
    );
}

/// `cell` (`E0101–E0105, W0404`) names `id`, alone or inside a range of one letter.
fn covers(cell: &str, id: &str) -> bool {
    cell.split(',').map(str::trim).any(|item| {
        let item = item.trim_matches('`');
        match item.split_once('–') {
            None => item == id,
            Some((from, to)) => {
                let number = |s: &str| s.get(1..).and_then(|n| n.parse::<u32>().ok());
                match (number(from), number(to), number(id)) {
                    (Some(a), Some(b), Some(n)) => {
                        (a..=b).contains(&n)
                            && (id.starts_with(&from[..1]) || id.starts_with(&to[..1]))
                    }
                    _ => false,
                }
            }
        }
    })
}
