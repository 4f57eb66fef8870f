//! The only code that touches the output tree. `plan` compares the artifacts with what is
//! on disk; `write` applies a plan (for `gen`), and the plan itself is what `check`
//! reports. seisei owns exactly the files its manifest lists, and never writes or deletes
//! anything else.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::render::{Artifact, header_prefixes};

pub mod docs;

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
    /// Files the manifest on disk lists: the only ones `--force` may take back.
    previous: BTreeSet<String>,
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
    // Each file is checked and read on its own; folders already checked are remembered per
    // thread.
    let compared = crate::parallel::map_with(artifacts, HashSet::new, |checked, artifact| {
        ensure_inside_checked(root, &artifact.path, checked)?;
        Ok(match read_optional(&root.join(&artifact.path))? {
            None => Some(Change::Missing {
                path: artifact.path.clone(),
                bytes: artifact.bytes.clone(),
            }),
            Some(old) if old == artifact.bytes => None,
            Some(old) => Some(Change::Stale {
                path: artifact.path.clone(),
                old,
                bytes: artifact.bytes.clone(),
            }),
        })
    });
    for change in compared {
        match change? {
            Some(change) => plan.changes.push(change),
            None => plan.unchanged += 1,
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
    plan.previous = previous;
    plan.manifest = manifest_bytes(spec_name, &produced);
    plan.manifest_changed =
        read_optional(&root.join(MANIFEST))?.as_deref() != Some(plan.manifest.as_slice());
    Ok(plan)
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
/// the run there, as a full disk or a kill would. Tests inject failures through it.
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
    for change in &plan.changes {
        let target = root.join(change.path());
        before_each(&target).map_err(|e| io_error(&target, "cannot write", &e))?;
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
        let manifest = root.join(MANIFEST);
        before_each(&manifest).map_err(|e| io_error(&manifest, "cannot write", &e))?;
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

/// Refuses an artifact whose path inside the output directory crosses a symbolic link,
/// which would make a write land outside the tree seisei owns.
pub(crate) fn ensure_inside(root: &Path, relative: &str) -> Result<(), OutputError> {
    ensure_inside_checked(root, relative, &mut HashSet::new())
}

/// [`ensure_inside`], skipping the folders in `checked` and adding those it checks: the
/// thousands of files of a large tree share a few folders, and each check is a system call.
fn ensure_inside_checked(
    root: &Path,
    relative: &str,
    checked: &mut HashSet<PathBuf>,
) -> Result<(), OutputError> {
    let mut current = root.to_path_buf();
    let mut components = Path::new(relative).components().peekable();
    while let Some(component) = components.next() {
        current.push(component);
        let is_folder = components.peek().is_some();
        if is_folder && checked.contains(&current) {
            continue;
        }
        if fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(OutputError {
                path: current.clone(),
                message: format!("refusing to write through the symbolic link `{}`", current.display()),
                help: "replace the link with a real folder or file; seisei only writes inside its output directory".into(),
            });
        }
        if is_folder {
            checked.insert(current.clone());
        }
    }
    Ok(())
}

/// Serialises `gen` runs on one spec: a second run fails with a clear message instead of
/// interleaving its writes with the first. The lock is released when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Name of the lock file beside the spec.
pub const LOCK_FILE: &str = ".seisei.lock";

/// Takes the lock of the spec in `spec_dir`. A lock left by a process that no longer runs
/// (a killed `gen`) is taken over.
pub fn lock(spec_dir: &Path) -> Result<Lock, OutputError> {
    let path = spec_dir.join(LOCK_FILE);
    for _ in 0..2 {
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                let _ = writeln!(file, "{}", std::process::id());
                return Ok(Lock { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(&path)
                    .unwrap_or_default()
                    .trim()
                    .parse::<u32>()
                    .ok();
                let alive = holder.is_none_or(|pid| {
                    !Path::new("/proc").is_dir() || Path::new(&format!("/proc/{pid}")).exists()
                });
                if alive {
                    let who = holder.map_or_else(String::new, |pid| format!(" (pid {pid})"));
                    return Err(OutputError {
                        path: path.clone(),
                        message: format!("another `seisei gen` is running on this spec{who}"),
                        help: format!(
                            "wait for it to finish; if no seisei is running, delete `{}`",
                            path.display()
                        ),
                    });
                }
                let _ = fs::remove_file(&path);
            }
            Err(e) => return Err(io_error(&path, "cannot create the lock", &e)),
        }
    }
    Err(OutputError {
        path: path.clone(),
        message: "cannot take the lock".into(),
        help: format!("delete `{}` and try again", path.display()),
    })
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

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, OutputError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error(path, "cannot read", &e)),
    }
}

/// Writes to a temporary file in the same directory, syncs it, then renames it over the
/// target: readers see the old or the new file, never a half-written one.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), OutputError> {
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

pub(crate) fn io_error(path: &Path, what: &str, error: &std::io::Error) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: format!("{what} `{}`: {error}", path.display()),
        help: "check the permissions of the output directory".into(),
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
