//! The only code that touches the output tree. `plan` compares the artifacts with what is
//! on disk; `write` applies a plan (for `gen`), and the plan itself is what `check`
//! reports. seisei owns exactly the files its manifest lists, and never writes or deletes
//! anything else.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::render::{Artifact, header_prefixes};

/// Name of the manifest inside the output directory: the list of files seisei generated.
pub const MANIFEST: &str = ".seisei-manifest";

/// What a file needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not on disk yet.
    Missing { path: String, bytes: Vec<u8> },
    /// On disk with other bytes.
    Stale {
        path: String,
        old: Vec<u8>,
        bytes: Vec<u8>,
    },
    /// Generated before, not produced by the spec any more.
    Orphaned { path: String, old: Vec<u8> },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Missing { path, .. }
            | Change::Stale { path, .. }
            | Change::Orphaned { path, .. } => path,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Change::Missing { .. } => "missing",
            Change::Stale { .. } => "stale",
            Change::Orphaned { .. } => "orphaned",
        }
    }
}

/// The comparison of the artifacts with the output tree.
#[derive(Debug, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub unchanged: usize,
    /// The manifest as it should be after `gen`.
    manifest: Vec<u8>,
    manifest_changed: bool,
}

impl Plan {
    pub fn is_clean(&self) -> bool {
        self.changes.is_empty() && !self.manifest_changed
    }
}

/// An I/O or ownership problem in the output tree.
#[derive(Debug)]
pub struct OutputError {
    pub path: PathBuf,
    pub message: String,
    pub help: String,
}

/// Compares `artifacts` with the tree under `root`.
pub fn plan(root: &Path, artifacts: &[Artifact], spec_name: &str) -> Result<Plan, OutputError> {
    if root.exists() && !root.is_dir() {
        return Err(OutputError {
            path: root.to_path_buf(),
            message: "the output directory is a file".into(),
            help: "move the file away, or set `platform.output` to a directory".into(),
        });
    }
    let previous = read_manifest(root)?;
    let mut plan = Plan::default();
    let produced: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    for artifact in artifacts {
        let target = root.join(&artifact.path);
        match read_optional(&target)? {
            None => plan.changes.push(Change::Missing {
                path: artifact.path.clone(),
                bytes: artifact.bytes.clone(),
            }),
            Some(old) if old == artifact.bytes => plan.unchanged += 1,
            Some(old) => {
                plan.changes.push(Change::Stale {
                    path: artifact.path.clone(),
                    old,
                    bytes: artifact.bytes.clone(),
                });
            }
        }
    }
    for path in previous.iter().filter(|p| !produced.contains(p.as_str())) {
        if let Some(old) = read_optional(&root.join(path))? {
            // A listed file whose header is gone was taken over by hand: leave it alone.
            if is_generated(&old) {
                plan.changes.push(Change::Orphaned {
                    path: path.clone(),
                    old,
                });
            }
        }
    }
    plan.changes.sort_by(|a, b| a.path().cmp(b.path()));
    plan.manifest = manifest_bytes(spec_name, &produced);
    plan.manifest_changed =
        read_optional(&root.join(MANIFEST))?.as_deref() != Some(plan.manifest.as_slice());
    Ok(plan)
}

/// Applies a plan: writes missing and stale files atomically, removes orphans, then writes
/// the manifest last, so an interrupted run leaves every file old or new and the next run
/// finishes the job.
pub fn write(root: &Path, plan: &Plan) -> Result<(), OutputError> {
    // Ownership is checked for every file before the first write, so a refusal leaves the
    // tree exactly as it was.
    for change in &plan.changes {
        if let Change::Stale { old, .. } = change
            && !is_generated(old)
        {
            return Err(not_ours(&root.join(change.path())));
        }
    }
    for change in &plan.changes {
        let target = root.join(change.path());
        match change {
            Change::Missing { bytes, .. } | Change::Stale { bytes, .. } => {
                write_atomic(&target, bytes)?;
            }
            Change::Orphaned { .. } => {
                fs::remove_file(&target).map_err(|e| io_error(&target, "cannot remove", &e))?;
                remove_empty_parents(root, &target);
            }
        }
    }
    if plan.manifest_changed {
        write_atomic(&root.join(MANIFEST), &plan.manifest)?;
    }
    Ok(())
}

fn manifest_bytes(spec_name: &str, paths: &BTreeSet<&str>) -> Vec<u8> {
    let mut text = format!(
        "# Generated by seisei from {spec_name}. Do not edit; run `seisei gen`.\n# Files seisei owns in this directory; it never writes or removes any other.\n"
    );
    for path in paths {
        text.push_str(path);
        text.push('\n');
    }
    text.into_bytes()
}

fn read_manifest(root: &Path) -> Result<BTreeSet<String>, OutputError> {
    let Some(bytes) = read_optional(&root.join(MANIFEST))? else {
        return Ok(BTreeSet::new());
    };
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        // Only plain relative paths: a tampered manifest cannot point outside the tree.
        .filter(|l| !l.starts_with('/') && !l.split('/').any(|c| c == ".." || c.is_empty()))
        .map(str::to_owned)
        .collect())
}

fn is_generated(bytes: &[u8]) -> bool {
    header_prefixes()
        .iter()
        .any(|p| bytes.starts_with(p.as_bytes()))
}

fn not_ours(path: &Path) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: "refusing to overwrite a file seisei did not generate".into(),
        help:
            "move the file out of the output directory (or delete it), then run `seisei gen` again"
                .into(),
    }
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, OutputError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, "cannot read", &e)),
    }
}

/// Writes to a temporary file in the same directory, syncs it, then renames it over the
/// target: readers see the old or the new file, never a half-written one.
fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create directory", &e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.seisei-tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, target)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(target, "cannot write", &e)
    })
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

fn io_error(path: &Path, what: &str, error: &std::io::Error) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: format!("{what} `{}`: {error}", path.display()),
        help: "check the permissions of the output directory".into(),
    }
}

/// A unified diff of one change, with paths as `a/…` and `b/…` like git.
pub fn diff(change: &Change, root_label: &str) -> String {
    let (old, new) = match change {
        Change::Missing { bytes, .. } => (Vec::new(), bytes.clone()),
        Change::Stale { old, bytes, .. } => (old.clone(), bytes.clone()),
        Change::Orphaned { old, .. } => (old.clone(), Vec::new()),
    };
    let old = String::from_utf8_lossy(&old);
    let new = String::from_utf8_lossy(&new);
    let path = format!("{root_label}/{}", change.path());
    let (a, b) = match change {
        Change::Missing { .. } => ("/dev/null".to_owned(), format!("b/{path}")),
        Change::Orphaned { .. } => (format!("a/{path}"), "/dev/null".to_owned()),
        Change::Stale { .. } => (format!("a/{path}"), format!("b/{path}")),
    };
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string()
}
