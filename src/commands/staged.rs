//! `seisei check --staged`: a private copy of what the git index holds under the spec's
//! folder (the spec, its stack files, the hand-written docs, the output tree), for `check` to
//! compare as it compares a working tree. Input: the spec's path; output: the copy's root and
//! the spec's path inside it, removed again when dropped.
//!
//! A commit records the index, not the working tree, so a hook that checks the working tree
//! passes while a stale tree is committed: the spec staged without the regenerated files, a
//! new stack's folder left untracked. In the copy an untracked file does not exist and an
//! unstaged edit is not there, so `check` reports them as missing or stale.
//!
//! The files come out of the index with `git checkout-index` (the bytes `git show :path`
//! prints, written to disk in one process instead of one per file). Git runs with the hook's
//! environment, so `git commit -a` and `git commit PATH`, which stage into a temporary index
//! named by `GIT_INDEX_FILE`, are checked against that index.

use std::ffi::{OsStr, OsString};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{EXIT_ERROR, Mode, SpecArgs, StackArgs, Terminal, spec_path};

/// `check --staged`: `check` on a copy of what the git index holds.
pub(super) fn check(term: Terminal, args: &crate::cli::CheckArgs) -> u8 {
    let copy = match index_copy(&spec_path(&args.target.spec)) {
        Ok(copy) => copy,
        Err(message) => {
            eprintln!("seisei: {message}");
            return EXIT_ERROR;
        }
    };
    if let Err(e) = std::env::set_current_dir(&copy.cwd) {
        eprintln!("seisei: cannot enter {}: {e}", copy.cwd.display());
        return EXIT_ERROR;
    }
    let target = StackArgs {
        spec: SpecArgs {
            spec: Some(copy.spec.clone()),
            deny_warnings: args.target.spec.deny_warnings,
        },
        stack: args.target.stack.clone(),
    };
    super::check(term, &target, args.format == "json", Mode::Staged)
}

/// The index's files under the spec's folder, in a temporary folder of their own.
pub struct IndexCopy {
    root: PathBuf,
    /// The spec inside the copy, relative to the directory `check` then runs in.
    pub spec: PathBuf,
    /// The directory to run in: the copy's image of the current directory, so relative
    /// paths in messages read as they would in the working tree.
    pub cwd: PathBuf,
}

impl Drop for IndexCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Copies what the index holds under the folder of `spec` (a path as the user gave it,
/// relative to the current directory) into a new temporary folder.
pub fn index_copy(spec: &Path) -> Result<IndexCopy, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let spec_abs = absolute(&cwd, spec);
    let spec_dir = spec_abs.parent().unwrap_or(Path::new("/")).to_path_buf();
    let top = git(&spec_dir, &["rev-parse", "--show-toplevel"], None)
        .map_err(|e| {
            format!(
                "`--staged` compares what git will commit, but {e}; run it inside the repository that holds {}",
                spec.display()
            )
        })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches('\n'));
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let spec_dir = std::fs::canonicalize(&spec_dir).unwrap_or(spec_dir);
    let Ok(spec_in_repo) = spec_dir.strip_prefix(&top).map(Path::to_path_buf) else {
        return Err(format!(
            "{} is outside the git repository at {}; `--staged` checks a spec the repository holds",
            spec.display(),
            top.display()
        ));
    };
    let name = spec_abs.file_name().unwrap_or_default();
    let root = temp_root()?;
    let mut copy = IndexCopy {
        spec: PathBuf::new(),
        cwd: PathBuf::new(),
        root,
    };
    let mut pathspec = spec_in_repo.as_os_str().to_owned();
    if pathspec.is_empty() {
        pathspec = OsString::from(".");
    }
    let listed = git(
        &top,
        &[
            OsStr::new("ls-files"),
            OsStr::new("-z"),
            OsStr::new("--"),
            &pathspec,
        ],
        None,
    )?;
    let mut prefix = copy.root.as_os_str().to_owned();
    prefix.push("/");
    let mut prefix_arg = OsString::from("--prefix=");
    prefix_arg.push(&prefix);
    git(
        &top,
        &[
            OsStr::new("checkout-index"),
            OsStr::new("-z"),
            OsStr::new("--stdin"),
            &prefix_arg,
        ],
        Some(&listed),
    )?;
    let staged_spec = copy.root.join(&spec_in_repo).join(name);
    if staged_spec.symlink_metadata().is_err() {
        return Err(format!(
            "{} is not in the git index, so a commit would not hold it; `git add` it first",
            spec.display()
        ));
    }
    // Messages name files as the working tree does: run from the copy's image of the current
    // directory when it is inside the repository.
    let (cwd, spec) = match cwd
        .canonicalize()
        .ok()
        .and_then(|c| c.strip_prefix(&top).ok().map(Path::to_path_buf))
    {
        Some(inside) if spec.is_relative() => {
            let image = copy.root.join(inside);
            std::fs::create_dir_all(&image)
                .map_err(|e| format!("cannot create {}: {e}", image.display()))?;
            (image, spec.to_path_buf())
        }
        _ => (copy.root.clone(), staged_spec),
    };
    copy.cwd = cwd;
    copy.spec = spec;
    Ok(copy)
}

fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    }
}

/// A new, empty, private folder under the system's temporary directory.
fn temp_root() -> Result<PathBuf, String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("no random bytes for a temporary folder: {e}"))?;
    let suffix = u64::from_le_bytes(bytes);
    let root = std::env::temp_dir().join(format!("seisei-staged-{suffix:016x}"));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&root)
        .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    Ok(root)
}

/// Runs git in `dir` and returns its stdout; `Err` names what failed. Relative `GIT_DIR`,
/// `GIT_WORK_TREE` and `GIT_INDEX_FILE` (a hook may inherit them) are made absolute first,
/// since git reads them against its own working directory.
pub(super) fn git<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: &[S],
    input: Option<&[u8]>,
) -> Result<Vec<u8>, String> {
    let mut command = Command::new("git");
    command.args(args).current_dir(dir);
    if let Ok(here) = std::env::current_dir() {
        for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"] {
            if let Some(value) = std::env::var_os(var) {
                command.env(var, absolute(&here, Path::new(&value)));
            }
        }
    }
    command
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let shown = args
        .iter()
        .map(|a| a.as_ref().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = command.spawn().map_err(|e| {
        format!("`git {shown}` could not start ({e}); install git or put it on PATH")
    })?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(bytes)
            .map_err(|e| format!("cannot feed `git {shown}`: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("`git {shown}` failed: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(format!("`git {shown}` failed: {}", said.trim()));
    }
    Ok(output.stdout)
}
