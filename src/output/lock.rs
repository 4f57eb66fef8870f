//! The lock that serialises `gen` runs on one spec: an advisory lock (`flock`) on
//! `.seisei.lock` beside the spec. The kernel releases it when the process ends, however it
//! ends, so a run killed with SIGKILL, or as pid 1 of a container, never blocks the next one.
//! The file holds the holder's pid, only to name it in the message of a concurrent run.
//!
//! The file is also the sign of a killed run: a run removes it when it ends, so a lock file
//! nobody holds was left by a run that was killed, and only then can the output tree hold
//! temporary files. That spares `check` and `gen` a walk of the whole tree on every run.

use std::fs;
use std::io::{Read as _, Seek as _, Write as _};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use super::{OutputError, io_error};

pub use crate::layout::LOCK_FILE;

/// A held lock. Dropping it removes the file, then releases the lock.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    // Held open for the lock's lifetime: closing it releases the `flock`.
    _file: fs::File,
    /// The file was there before this run took it: a killed run left it.
    left_by_killed_run: bool,
}

impl Lock {
    /// Whether the lock file was there, unheld, when this run took it: the run that made it
    /// was killed and may have left temporary files.
    pub fn left_by_killed_run(&self) -> bool {
        self.left_by_killed_run
    }

    /// Makes the lock file's name durable (`fsync` of its folder), so that after a power
    /// loss no temporary file this run creates can be on disk without it. Called once,
    /// before the first file of the output tree is written; the folders of the spec and the
    /// documents are looked in after every run, so their writes need no mark.
    pub fn make_durable(&self) -> Result<(), OutputError> {
        // The folder of a spec named `platform.yaml` is the empty path: the current folder.
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error(dir, "cannot sync", &e))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Unlinked while still locked: a run that opened this file meanwhile finds, once it
        // gets the lock, that the path no longer names it, and starts over (see `lock`).
        let _ = fs::remove_file(&self.path);
    }
}

/// Takes the lock of the spec in `spec_dir`, or says which process holds it.
pub fn lock(spec_dir: &Path) -> Result<Lock, OutputError> {
    let path = spec_dir.join(LOCK_FILE);
    // Seen before the first attempt: a retry finds the file the previous attempt made.
    let left_by_killed_run = existing_file(&path)?;
    for _ in 0..16 {
        existing_file(&path)?;
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(&path)
            .map_err(|e| io_error(&path, "cannot create the lock", &e))?;
        match file.try_lock() {
            Ok(()) => {
                // The lock must be on the file the path names now; a run that just ended
                // unlinked the one this run opened.
                let ours = file.metadata().ok();
                let named = fs::symlink_metadata(&path).ok();
                let same = match (ours, named) {
                    (Some(a), Some(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                    _ => false,
                };
                if !same {
                    continue;
                }
                let _ = file.set_len(0);
                let _ = file.rewind();
                let _ = writeln!(file, "{}", std::process::id());
                return Ok(Lock {
                    path,
                    _file: file,
                    left_by_killed_run,
                });
            }
            Err(fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = (&file).take(32).read_to_string(&mut text);
                let who = text
                    .trim()
                    .parse::<u32>()
                    .map_or_else(|_| String::new(), |pid| format!(" (pid {pid})"));
                return Err(OutputError {
                    path: path.clone(),
                    message: format!("another `seisei gen` is running on this spec{who}"),
                    help: "wait for it to finish: the lock is released the moment that process ends, even if it is killed".into(),
                });
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(io_error(&path, "cannot take the lock", &e));
            }
        }
    }
    Err(OutputError {
        path: path.clone(),
        message: "cannot take the lock: other runs keep replacing it".into(),
        help: "wait for the other `seisei gen` runs on this spec to finish, then try again".into(),
    })
}

/// What the lock file of a spec says about the runs on it, for `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// No lock file: every run since the last one that ended has ended too.
    Ended,
    /// Another process holds the lock: a `gen` is writing now, and the temporary files are
    /// its own, not leftovers.
    InProgress,
    /// A lock file nobody holds: a run was killed, and may have left temporary files in the
    /// output tree.
    Killed,
}

/// What the lock file of the spec in `spec_dir` says right now. Anything at its name that
/// cannot be opened but is there (a link, a folder) counts as a killed run, so the tree is
/// looked in.
pub fn runs(spec_dir: &Path) -> Runs {
    let path = spec_dir.join(LOCK_FILE);
    match fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(&path)
    {
        Ok(file) if matches!(file.try_lock_shared(), Err(fs::TryLockError::WouldBlock)) => {
            Runs::InProgress
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Runs::Ended,
        Ok(_) | Err(_) => Runs::Killed,
    }
}

/// Whether a regular file is at the lock's name. A link or a folder there is refused:
/// opening it would follow the link or fail with a message that does not say why.
fn existing_file(path: &Path) -> Result<bool, OutputError> {
    match fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => Err(OutputError {
            path: path.to_path_buf(),
            message: format!(
                "`{}` is not a regular file (a link, folder or device)",
                path.display()
            ),
            help: format!(
                "remove `{}`; seisei creates it as a regular file",
                path.display()
            ),
        }),
        Ok(_) => Ok(true),
        Err(_) => Ok(false),
    }
}
