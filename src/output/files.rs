//! One file at a time, safely: bounded reads that never follow a link or open a device,
//! atomic writes through a temporary file created new and exclusive under a random name,
//! and the search for temporary files a killed run left behind. Input: paths and bytes;
//! output: bytes, or the file on disk.

use std::fs;
use std::io::{Read as _, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use super::{OutputError, io_error};

/// The largest file seisei reads from the output tree or as a document: ten times the
/// inventory of a 10,000-stack platform. A link to `/dev/zero` or a file that claims another
/// size is cut off here instead of filling memory.
pub const READ_CAP: u64 = 64 * 1024 * 1024;

pub use crate::layout::{TEMP_MARK, is_temp_name};

/// Flags for opening a file to read: never through a link at the last component (the
/// components before it are checked by the caller), and never blocking on a FIFO.
const READ_FLAGS: i32 = libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC;

/// Reads the regular file at `path`, at most [`READ_CAP`] bytes; `None` when it does not
/// exist. A link, a folder, a device or a FIFO is an error, not something to read.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, OutputError> {
    let Some((file, len)) = open_optional(path)? else {
        return Ok(None);
    };
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(READ_CAP)).unwrap_or(0));
    file.take(READ_CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, "cannot read", &e))?;
    if bytes.len() as u64 > READ_CAP {
        return Err(OutputError {
            path: path.to_path_buf(),
            message: format!(
                "`{}` is larger than {} MiB",
                path.display(),
                READ_CAP / 1024 / 1024
            ),
            help: "seisei never generates a file that large: move it out of the way".into(),
        });
    }
    Ok(Some(bytes))
}

/// Opens the regular file at `path` to read, with the size it claims; `None` when it does
/// not exist. A link, a folder, a device or a FIFO is an error, as for [`read_optional`].
pub fn open_optional(path: &Path) -> Result<Option<(fs::File, u64)>, OutputError> {
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(READ_FLAGS)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // ELOOP: the last component is a symbolic link, which O_NOFOLLOW refused.
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(not_regular(path, "a symbolic link"));
        }
        Err(e) => return Err(io_error(path, "cannot read", &e)),
    };
    let metadata = file
        .metadata()
        .map_err(|e| io_error(path, "cannot read", &e))?;
    if !metadata.is_file() {
        let what = if metadata.is_dir() {
            "a folder"
        } else {
            "a device, FIFO or socket"
        };
        return Err(not_regular(path, what));
    }
    Ok(Some((file, metadata.len())))
}

fn not_regular(path: &Path, what: &str) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: format!("`{}` is {what}, not a regular file", path.display()),
        help: "replace it with a regular file, or remove it; seisei reads and writes only regular files".into(),
    }
}

/// Writes to a temporary file in the same directory, syncs it, then renames it over the
/// target: readers see the old or the new file, never a half-written one.
///
/// The temporary file is created new and exclusive (`O_CREAT | O_EXCL`, which also refuses a
/// link at that name) under a name stepped from 64 random bits ([`temp_name`]), so nothing placed in the tree
/// beforehand, a committed link at the old predictable `.NAME.seisei-tmp-PID` among them,
/// can redirect the write. `rename` replaces the target's directory entry itself, so a link
/// at the target is replaced by the file, never followed.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create directory", &e))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (temp, mut file) =
        create_temp(dir, &name).map_err(|e| io_error(target, "cannot write", &e))?;
    // A hand-written document keeps its permissions; a new file gets the umask's.
    if let Ok(old) = fs::symlink_metadata(target)
        && old.is_file()
    {
        let _ = file.set_permissions(old.permissions());
    }
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, target)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(target, "cannot write", &e)
    })
}

/// Files written together: each to its temporary file first ([`Batch::stage`]), then all made
/// durable at once with one `syncfs` of the output's file system, then renamed into place
/// ([`Batch::commit`]). One flush for the whole tree instead of one `fsync` per file is what
/// makes a large `gen` cost about what copying the tree and `sync` cost, and the promise
/// holds: until its rename a target is untouched, and each rename swaps in a file that is
/// already on disk. A batch dropped before it is committed (an error, an interrupt) removes
/// its temporary files.
#[derive(Default)]
pub struct Batch {
    /// Temporary file and target, in the order they were staged.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Folders already created, so each is made once, not once per file.
    folders: std::collections::HashSet<PathBuf>,
}

impl Batch {
    /// Writes `bytes` to a new temporary file beside `target`, not yet synced or renamed.
    /// `replaces` says the plan found a file at `target`, whose permissions the new one keeps;
    /// for a file the plan found missing that look-up would fail, once per file.
    pub fn stage(
        &mut self,
        target: &Path,
        bytes: &[u8],
        replaces: bool,
    ) -> Result<(), OutputError> {
        let dir = target.parent().unwrap_or(Path::new("."));
        if !self.folders.contains(dir) {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create directory", &e))?;
            self.folders.insert(dir.to_path_buf());
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (temp, mut file) =
            create_temp(dir, &name).map_err(|e| io_error(target, "cannot write", &e))?;
        if replaces
            && let Ok(old) = fs::symlink_metadata(target)
            && old.is_file()
        {
            let _ = file.set_permissions(old.permissions());
        }
        self.staged.push((temp, target.to_path_buf()));
        file.write_all(bytes)
            .map_err(|e| io_error(target, "cannot write", &e))
    }

    /// Makes every staged file durable with one `syncfs` of the file system holding `root`,
    /// then renames each over its target (`before_each` may stop the run between two
    /// renames), then flushes again so the renames themselves are durable.
    pub fn commit(
        mut self,
        root: &Path,
        before_each: &mut dyn FnMut(&Path) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        if self.staged.is_empty() {
            return Ok(());
        }
        sync_file_system(root)?;
        let staged = std::mem::take(&mut self.staged);
        let mut renamed = 0;
        let result = (|| {
            for (temp, target) in &staged {
                before_each(target).map_err(|e| io_error(target, "cannot write", &e))?;
                fs::rename(temp, target).map_err(|e| io_error(target, "cannot write", &e))?;
                renamed += 1;
            }
            sync_file_system(root)
        })();
        // What was not renamed is removed here, as a dropped batch would.
        for (temp, _) in &staged[renamed..] {
            let _ = fs::remove_file(temp);
        }
        result
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for (temp, _) in &self.staged {
            let _ = fs::remove_file(temp);
        }
    }
}

/// Flushes every dirty page of the file system that holds `path` (`syncfs`): one call for a
/// whole tree of files.
fn sync_file_system(path: &Path) -> Result<(), OutputError> {
    let dir = fs::File::open(path).map_err(|e| io_error(path, "cannot sync", &e))?;
    rustix::fs::syncfs(&dir).map_err(|e| io_error(path, "cannot sync", &e.into()))
}

/// Creates a temporary file for `name` in `dir`, new and exclusive. A name that exists
/// (planted, or left by a killed run) is skipped for the next one.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, fs::File)> {
    let mut last = None;
    for _ in 0..8 {
        let temp = dir.join(temp_name(name)?);
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

/// `.NAME.seisei-tmp-` and 16 hexadecimal digits: a number drawn once per run from the
/// operating system's random source, stepped for every name, so no two names of a run repeat
/// and a run asks the random source once, not once per file. (The name need not be secret:
/// the file is created new and exclusive, never through a link, whatever is planted.)
fn temp_name(name: &str) -> std::io::Result<String> {
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seed = if let Some(seed) = SEED.get() {
        *seed
    } else {
        let drawn = getrandom::u64().map_err(|e| std::io::Error::other(e.to_string()))?;
        *SEED.get_or_init(|| drawn)
    };
    let step = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // An odd multiplier makes the steps distinct modulo 2^64.
    let number = seed.wrapping_add(step.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    Ok(format!(".{name}{TEMP_MARK}{number:016x}"))
}

/// Temporary files a killed run left: regular files with a temporary name anywhere below
/// `tree` (which is walked without following a link, and without entering `.git`), and
/// directly in each of `folders`. Sorted, without repeats.
///
/// The walk is the price of a whole `diff -r` of the tree's folders, so the caller passes a
/// `tree` only when a run was killed since the last one that ended (see
/// [`super::lock::Runs::Killed`]); the few `folders` are always looked in.
pub fn leftovers(tree: Option<&Path>, folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = tree.map(Path::to_path_buf).into_iter().collect();
    while let Some(dir) = pending.pop() {
        let readable = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        };
        let Ok(entries) = fs::read_dir(readable) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            // The entry's own type: a link is a link here, whatever it points to.
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            if kind.is_dir() {
                if name != ".git" {
                    pending.push(dir.join(&name));
                }
            } else if kind.is_file() && is_temp_name(&name.to_string_lossy()) {
                found.push(dir.join(&name));
            }
        }
    }
    for dir in folders {
        // The folder of a spec named `platform.yaml` is the empty path: the current folder.
        let readable = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(entries) = fs::read_dir(readable) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|k| k.is_file())
                && is_temp_name(&entry.file_name().to_string_lossy())
            {
                found.push(dir.join(entry.file_name()));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Removes the leftovers found by [`leftovers`]. Each is checked again just before: only a
/// regular file is unlinked, and unlinking a name never touches what a link points to. A
/// folder below `root` that the killed run created for the file alone goes with it.
pub fn remove_leftovers(root: &Path, paths: &[PathBuf]) -> Result<usize, OutputError> {
    let mut removed = 0;
    for path in paths {
        match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_file() => {
                fs::remove_file(path).map_err(|e| io_error(path, "cannot remove", &e))?;
                removed += 1;
                if path.starts_with(root) {
                    super::remove_empty_parents(root, path);
                }
            }
            _ => {}
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_never_gives_two_files_the_same_temporary_name() {
        let names: std::collections::HashSet<String> = (0..100_000)
            .map(|_| temp_name("docker-compose.yml").unwrap())
            .collect();
        assert_eq!(names.len(), 100_000);
        assert!(names.iter().all(|n| is_temp_name(n)));
    }

    #[test]
    fn temporary_names_are_recognised_old_and_new() {
        let new = temp_name("docker-compose.yml").unwrap();
        assert!(is_temp_name(&new), "{new}");
        assert_ne!(new, temp_name("docker-compose.yml").unwrap());
        assert!(is_temp_name(".STACKS.md.seisei-tmp-4242"));
        for name in [
            "STACKS.md",
            ".env.example",
            ".seisei-tmp-1",
            "x.seisei-tmp-1",
            ".x.seisei-tmp-",
            ".x.seisei-tmp-1/",
            ".x.seisei-tmp-1.yml",
        ] {
            assert!(!is_temp_name(name), "{name}");
        }
    }
}
