//! The only code that touches the output tree. `plan` compares the artifacts with what is
//! on disk; `write` applies a plan (for `gen`), and the plan itself is what `check`
//! reports. seisei owns exactly the files its manifest lists, and never writes or deletes
//! anything else.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::render::{Files, header_prefixes};

mod compare;
pub mod docs;
pub mod files;
pub mod interrupt;
pub mod lock;
pub mod manifest;
pub mod mask;
pub mod paths;

pub use files::{read_optional, write_atomic};
pub use lock::{LOCK_FILE, Lock, lock};
pub use manifest::MANIFEST;
pub(crate) use paths::ensure_inside;

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
    /// Manifest entries seisei will not act on, each with the reason: reported, never removed.
    pub warnings: Vec<OutputError>,
    /// The manifest as it should be after `gen`.
    manifest: Vec<u8>,
    manifest_changed: bool,
    /// Files the manifest on disk lists: the only ones `--force` may take back.
    previous: BTreeSet<String>,
    /// Listed files that are already gone, as a run killed while removing orphans leaves
    /// them: their folders are removed once empty.
    vanished: Vec<String>,
}

impl Plan {
    pub fn is_clean(&self) -> bool {
        self.changes.is_empty() && !self.manifest_changed
    }

    /// What [`write`] makes of the stale files: `Ok(false)` it writes them, `Ok(true)` only
    /// with `force` (a header was removed by hand), `Err(path)` never (seisei did not
    /// generate that file). `check` advises the command that will work.
    pub fn needs_force(&self) -> Result<bool, &str> {
        let mut force = false;
        for change in &self.changes {
            if let Change::Stale { old, path, .. } = change
                && !is_generated(old)
            {
                if !self.previous.contains(path) {
                    return Err(path);
                }
                force = true;
            }
        }
        Ok(force)
    }
}

/// An I/O or ownership problem in the output tree (or, in [`Plan::warnings`], a manifest
/// entry left alone).
#[derive(Debug)]
pub struct OutputError {
    pub path: PathBuf,
    pub message: String,
    pub help: String,
}

/// Compares `artifacts` with the tree under `root`. Each file is rendered (when `artifacts`
/// renders on demand), read and compared on its own, and kept in the plan only when it
/// differs: an up-to-date tree is never held in memory whole.
pub fn plan(
    root: &Path,
    artifacts: &(impl Files + ?Sized),
    spec_name: &str,
) -> Result<Plan, OutputError> {
    if root.exists() && !root.is_dir() {
        return Err(OutputError {
            path: root.to_path_buf(),
            message: "the output directory is a file".into(),
            help: "move the file away, or set `platform.output` to a directory".into(),
        });
    }
    let count = artifacts.count();
    if let Some(problem) = paths::artifact_collision((0..count).map(|i| artifacts.path(i))) {
        return Err(OutputError {
            path: root.to_path_buf(),
            message: problem,
            help:
                "give the stacks and the inventory paths that do not overlap; nothing was written"
                    .into(),
        });
    }
    let manifest_path = root.join(MANIFEST);
    let mut plan = Plan::default();
    let previous = match read_optional(&manifest_path)? {
        Some(bytes) => {
            let (entries, refused) = manifest::parse(&bytes);
            for r in refused {
                plan.warnings.push(OutputError {
                    path: manifest_path.clone(),
                    message: format!("manifest entry `{}` {}; it is left alone", r.entry, r.why),
                    help: "seisei removes only plain paths below its output directory; run `seisei gen` to rewrite the manifest".into(),
                });
            }
            entries
        }
        None => BTreeSet::new(),
    };
    let produced: BTreeSet<&str> = (0..count).map(|i| artifacts.path(i)).collect();
    // Each file is rendered, read and compared on its own; folders already checked and a
    // read buffer are kept per thread.
    let indices: Vec<usize> = (0..count).collect();
    let compared = crate::parallel::map_with(&indices, Scratch::default, |scratch, &index| {
        compare(root, artifacts, index, scratch)
    });
    for change in compared {
        match change? {
            Some(change) => plan.changes.push(change),
            None => plan.unchanged += 1,
        }
    }
    for path in previous.iter().filter(|p| !produced.contains(p.as_str())) {
        // The checks a write gets: an entry through a linked folder (another project's
        // tree) is reported and left alone, never read or removed.
        if let Some(why) = paths::removal_problem(root, path) {
            plan.warnings.push(OutputError {
                path: manifest_path.clone(),
                message: format!("manifest entry `{path}` {why}; it is not removed"),
                help:
                    "replace the link with a real folder, or remove the file by hand if it is yours"
                        .into(),
            });
            continue;
        }
        match read_optional(&root.join(path))? {
            // A listed file whose header is gone was taken over by hand: leave it alone.
            Some(old) if is_generated(&old) => plan.changes.push(Change::Orphaned {
                path: path.clone(),
                old,
            }),
            Some(_) => {}
            None => plan.vanished.push(path.clone()),
        }
    }
    plan.changes.sort_by(|a, b| a.path().cmp(b.path()));
    plan.previous = previous;
    plan.manifest = manifest::bytes(spec_name, &produced);
    plan.manifest_changed =
        read_optional(&manifest_path)?.as_deref() != Some(plan.manifest.as_slice());
    Ok(plan)
}

/// What one thread of the plan keeps from file to file.
#[derive(Default)]
struct Scratch {
    /// Folders checked for links.
    checked: HashSet<PathBuf>,
    /// Folders found missing: a tree written from nothing costs one look per folder, not
    /// two failing calls per file.
    absent: HashSet<PathBuf>,
    /// The read buffer of the comparison.
    buffer: Vec<u8>,
}

/// What file `index` of `artifacts` needs: `None` when the tree already holds its bytes.
fn compare(
    root: &Path,
    artifacts: &(impl Files + ?Sized),
    index: usize,
    scratch: &mut Scratch,
) -> Result<Option<Change>, OutputError> {
    let path = artifacts.path(index);
    let reach = paths::reach_checked(root, path, &mut scratch.checked, &mut scratch.absent)?;
    let target = root.join(path);
    let failed = |e: askama::Error| OutputError {
        path: target.clone(),
        message: format!("a template failed to render: {e}"),
        help: "this is a bug in seisei: please report it with the spec that causes it".into(),
    };
    let opened = match reach {
        paths::Reach::Absent => None,
        paths::Reach::Clear => {
            files::open_optional(&target).map_err(|e| paths::link_at(&target).unwrap_or(e))?
        }
    };
    let Some((file, size)) = opened else {
        return Ok(Some(Change::Missing {
            path: path.to_owned(),
            bytes: artifacts.bytes(index).map_err(failed)?,
        }));
    };
    // Rendered and read side by side; only a file that differs is rendered and read whole,
    // for the diff and the write.
    let mut comparer = compare::Comparer::new(file, &mut scratch.buffer).expecting(size);
    artifacts
        .feed(index, &mut |piece| comparer.feed(piece))
        .map_err(failed)?;
    if comparer
        .finish()
        .map_err(|e| io_error(&target, "cannot read", &e))?
    {
        return Ok(None);
    }
    let bytes = artifacts.bytes(index).map_err(failed)?;
    Ok(match read_optional(&target)? {
        None => Some(Change::Missing {
            path: path.to_owned(),
            bytes,
        }),
        Some(old) if old == bytes => None,
        Some(old) => Some(Change::Stale {
            path: path.to_owned(),
            old,
            bytes,
        }),
    })
}

/// Applies a plan: writes missing and stale files atomically, removes orphans, then writes
/// the manifest last, so an interrupted run leaves every file old or new and the next run
/// finishes the job.
///
/// A file without seisei's header (someone took it over by hand) is refused unless `force`.
pub fn write(root: &Path, plan: &Plan, force: bool) -> Result<(), OutputError> {
    write_with(root, plan, force, &mut |_| Ok(()))
}

/// [`write`], calling `before_each` before every file operation; an error it returns stops
/// the run there, as a full disk, a kill or a caught signal would. Tests inject failures
/// through it, and `gen` checks for SIGINT and SIGTERM with it.
pub fn write_with(
    root: &Path,
    plan: &Plan,
    force: bool,
    before_each: &mut dyn FnMut(&Path) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    // Ownership is checked for every file before the first write, so a refusal leaves the
    // tree exactly as it was.
    for change in &plan.changes {
        if let Change::Stale { old, path, .. } = change
            && !is_generated(old)
            && !(force && plan.previous.contains(path))
        {
            return Err(not_ours(&root.join(path), plan.previous.contains(path)));
        }
    }
    let mut checked = HashSet::new();
    // New and changed files first, staged and made durable together, then renamed; orphans
    // go after, and the manifest last of all.
    let mut batch = files::Batch::default();
    for change in &plan.changes {
        if let Change::Missing { bytes, .. } | Change::Stale { bytes, .. } = change {
            let target = root.join(change.path());
            before_each(&target).map_err(|e| io_error(&target, "cannot write", &e))?;
            // Checked again: the plan was made a moment ago, the write happens now.
            paths::ensure_inside_checked(root, change.path(), &mut checked)?;
            batch.stage(&target, bytes, matches!(change, Change::Stale { .. }))?;
        }
    }
    batch.commit(root, before_each)?;
    for change in &plan.changes {
        let target = root.join(change.path());
        match change {
            Change::Missing { .. } | Change::Stale { .. } => {}
            Change::Orphaned { path, .. } => {
                before_each(&target).map_err(|e| io_error(&target, "cannot write", &e))?;
                if let Some(why) = paths::removal_problem(root, path) {
                    return Err(OutputError {
                        path: target.clone(),
                        message: format!("refusing to remove `{path}`: it {why}"),
                        help: "replace the link with a real folder; seisei removes only files inside its output directory".into(),
                    });
                }
                fs::remove_file(&target).map_err(|e| io_error(&target, "cannot remove", &e))?;
                remove_empty_parents(root, &target);
            }
        }
    }
    for path in &plan.vanished {
        if paths::removal_problem(root, path).is_none() {
            remove_empty_parents(root, &root.join(path));
        }
    }
    if plan.manifest_changed {
        let manifest = root.join(MANIFEST);
        before_each(&manifest).map_err(|e| io_error(&manifest, "cannot write", &e))?;
        paths::ensure_inside(root, MANIFEST)?;
        write_atomic(&manifest, &plan.manifest)?;
    }
    Ok(())
}

/// Resolves the output directory of a spec and refuses one that leaves the spec's folder
/// through `..`, an absolute path or a symbolic link, unless the spec allows it.
pub fn output_root(
    spec_dir: &Path,
    output: &str,
    allow_external: bool,
) -> Result<PathBuf, OutputError> {
    let relative = Path::new(output);
    let root = spec_dir.join(relative);
    if allow_external {
        return Ok(root);
    }
    let refuse = |why: &str| {
        OutputError {
        path: root.clone(),
        message: format!("the output directory `{output}` {why}"),
        help: "keep `platform.output` a folder below platform.yaml, or set `platform.allow_external_output: true` if this is intended".into(),
    }
    };
    if relative.is_absolute() {
        return Err(refuse("is an absolute path"));
    }
    if relative
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(refuse("leaves the spec's folder through `..`"));
    }
    let mut current = spec_dir.to_path_buf();
    for component in relative.components() {
        current.push(component);
        if fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(refuse("goes through a symbolic link"));
        }
    }
    Ok(root)
}

fn is_generated(bytes: &[u8]) -> bool {
    header_prefixes()
        .iter()
        .any(|p| bytes.starts_with(p.as_bytes()))
}

fn not_ours(path: &Path, taken_over: bool) -> OutputError {
    if taken_over {
        OutputError {
            path: path.to_path_buf(),
            message: "refusing to overwrite a generated file whose header was removed by hand".into(),
            help: "move your edits into platform.yaml, then run `seisei gen --force` to take the file back".into(),
        }
    } else {
        OutputError {
            path: path.to_path_buf(),
            message: "refusing to overwrite a file seisei did not generate".into(),
            help: "move the file out of the output directory (or delete it), then run `seisei gen` again".into(),
        }
    }
}

pub(crate) fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

pub fn io_error(path: &Path, what: &str, error: &std::io::Error) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: format!("{what} `{}`: {error}", path.display()),
        help: match error.kind() {
            std::io::ErrorKind::FileTooLarge => "the file-size limit (`ulimit -f`) is below this file's size: raise it and run `seisei gen` again; every file is old or new".into(),
            std::io::ErrorKind::StorageFull => "the disk is full: free some space and run `seisei gen` again; every file is old or new".into(),
            std::io::ErrorKind::Interrupted => "run `seisei gen` again; every file is old or new".into(),
            _ => "check the permissions of the output directory".into(),
        },
    }
}

/// A unified diff of one change, with paths as `a/…` and `b/…` like git.
pub fn diff(change: &Change, root_label: &str) -> String {
    let path = format!("{root_label}/{}", change.path());
    let (old, new, a, b) = match change {
        Change::Missing { bytes, .. } => (
            &[][..],
            &bytes[..],
            "/dev/null".to_owned(),
            format!("b/{path}"),
        ),
        Change::Stale { old, bytes, .. } => (
            &old[..],
            &bytes[..],
            format!("a/{path}"),
            format!("b/{path}"),
        ),
        Change::Orphaned { old, .. } => (
            &old[..],
            &[][..],
            format!("a/{path}"),
            "/dev/null".to_owned(),
        ),
    };
    unified_diff(old, new, &a, &b)
}

/// A unified diff (patience algorithm, three lines of context) between two texts.
pub fn unified_diff(old: &[u8], new: &[u8], a: &str, b: &str) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(a, b)
        .to_string()
}
