//! Finds the files of each stack below the import folder: a folder is a stack when it holds
//! a compose file, and the override file, variants, env files, Traefik static file and the
//! other files beside it belong to that stack. Input: the folder; output: one [`Found`] per
//! stack, in path order. Links are never followed, so a walk cannot leave the folder.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::fsread::{self, EntryKind};

/// Compose's own preference order for the main file of a project (`compose-go`'s
/// `DefaultFileNames`): the first one present wins.
pub const COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Deepest folder searched below the import folder.
const MAX_DEPTH: usize = 6;
/// Most entries read from one folder.
const MAX_ENTRIES: usize = 10_000;

/// The files of one stack.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The stack's folder.
    pub dir: PathBuf,
    /// Its compose file.
    pub compose: PathBuf,
    /// The override file Compose merges by default (`compose.override.yaml`,
    /// `docker-compose.override.yml`, …).
    pub overrides: Vec<PathBuf>,
    /// Other compose files beside it (`docker-compose.bind.yml`): used only with `-f`.
    pub variants: Vec<PathBuf>,
    /// Compose files beside the main one that are neither (a second main file name).
    pub ignored: Vec<PathBuf>,
    pub env_example: Option<PathBuf>,
    /// A real `.env`: only its keys are read.
    pub env: Option<PathBuf>,
    /// `traefik.yml` / `traefik.yaml` / `traefik.toml` beside the compose file.
    pub traefik_static: Option<PathBuf>,
    /// Every other regular file of the folder and its subfolders that no other stack owns
    /// (config files, page roots), relative to the stack's folder.
    pub others: Vec<String>,
}

/// Every stack below `dir`.
pub fn find(dir: &Path) -> Result<Vec<Found>, Vec<Diagnostic>> {
    let mut stacks = Vec::new();
    walk(dir, 0, &mut stacks).map_err(|e| {
        vec![
            Diagnostic::new(Code::Io, dir, None, format!("cannot read the folder: {e}"))
                .with_help("name a readable folder of compose stacks"),
        ]
    })?;
    if stacks.is_empty() {
        return Err(vec![
            Diagnostic::new(
                Code::Io,
                dir,
                None,
                "no compose file found below this folder",
            )
            .with_help(format!(
                "point `seisei import` at a folder whose stacks hold one of {}",
                COMPOSE_NAMES.join(", ")
            )),
        ]);
    }
    // A stack's other files stop at the folders of stacks nested inside it.
    let dirs: Vec<PathBuf> = stacks.iter().map(|s: &Found| s.dir.clone()).collect();
    for stack in &mut stacks {
        let mut others = Vec::new();
        collect_others(&stack.dir, &stack.dir, &dirs, 0, &mut others);
        let own: Vec<PathBuf> = [Some(&stack.compose), stack.env_example.as_ref()]
            .into_iter()
            .flatten()
            .chain(&stack.overrides)
            .chain(&stack.variants)
            .chain(&stack.ignored)
            .chain(stack.env.iter())
            .chain(stack.traefik_static.iter())
            .cloned()
            .collect();
        stack.others = others
            .into_iter()
            .filter(|p| !own.contains(p))
            .map(|p| super::relative(&stack.dir, &p))
            .collect();
    }
    Ok(stacks)
}

fn walk(dir: &Path, depth: usize, stacks: &mut Vec<Found>) -> std::io::Result<()> {
    let entries = fsread::entries(dir, MAX_ENTRIES)?;
    let files: Vec<&str> = entries
        .iter()
        .filter(|(_, k)| *k == EntryKind::File)
        .map(|(n, _)| n.as_str())
        .collect();
    if let Some(main) = COMPOSE_NAMES.iter().find(|n| files.contains(n)) {
        let mut found = Found {
            dir: dir.to_path_buf(),
            compose: dir.join(main),
            ..Found::default()
        };
        let stem = main.rsplit_once('.').map_or(*main, |(s, _)| s);
        for name in &files {
            if name == main {
                continue;
            }
            let path = dir.join(name);
            let yaml = is_yaml(name);
            if COMPOSE_NAMES.contains(name) {
                found.ignored.push(path);
            } else if yaml && name.starts_with(&format!("{stem}.override.")) {
                found.overrides.push(path);
            } else if yaml && (name.starts_with("docker-compose.") || name.starts_with("compose."))
            {
                found.variants.push(path);
            } else if *name == ".env.example" {
                found.env_example = Some(path);
            } else if *name == ".env" {
                found.env = Some(path);
            } else if matches!(*name, "traefik.yml" | "traefik.yaml" | "traefik.toml") {
                found.traefik_static = Some(path);
            }
        }
        stacks.push(found);
    }
    if depth >= MAX_DEPTH {
        return Ok(());
    }
    for (name, kind) in &entries {
        if *kind == EntryKind::Dir && !skipped(name) {
            walk(&dir.join(name), depth + 1, stacks)?;
        }
    }
    Ok(())
}

/// A `.yml` or `.yaml` file name, in any case (Compose and Traefik read both).
pub fn is_yaml(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

/// Folders no stack keeps its configuration in: version control, dependencies.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

fn collect_others(
    root: &Path,
    dir: &Path,
    stacks: &[PathBuf],
    depth: usize,
    out: &mut Vec<PathBuf>,
) {
    let Ok(entries) = fsread::entries(dir, MAX_ENTRIES) else {
        return;
    };
    for (name, kind) in entries {
        let path = dir.join(&name);
        match kind {
            EntryKind::File => out.push(path),
            EntryKind::Dir
                if depth < MAX_DEPTH
                    && !skipped(&name)
                    && !stacks.iter().any(|s| s == &path && s != root) =>
            {
                collect_others(root, &path, stacks, depth + 1, out);
            }
            _ => {}
        }
    }
}
