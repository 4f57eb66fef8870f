//! Bounded reads of files the user (or a committed repository) controls: the spec, included
//! stack files, the manifest, the lock, hand-written docs. Input: a path and a byte limit;
//! output: the bytes, or why they were not read.
//!
//! The size a file system reports is a claim, not a bound: `/dev/zero` and
//! `/proc/self/pagemap` report 0 or a few bytes and never end, and a FIFO blocks the first
//! read forever. So a file must be a regular file (after links) before it is opened, it is
//! opened without blocking, checked again on the open handle (a swap between the two checks
//! is caught), and read through [`std::io::Read::take`] with the limit plus one byte. A file
//! that yields more than the size it reported is refused as soon as it does: a procfs file
//! reports 0 bytes, so reading one costs a single chunk, whatever the limit.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::Path;

/// Why a file was not read. Each message names what the file is, never what it holds.
#[derive(Debug)]
pub enum ReadError {
    /// A directory, FIFO, socket or device: `what` says which.
    NotRegular {
        what: &'static str,
    },
    /// More than `limit` bytes.
    TooLarge {
        limit: u64,
    },
    /// More bytes than the size the file reported: a pseudo-file of `/proc` or `/sys`
    /// (which report 0 and stream), or a file that grew while it was read.
    Streams {
        reported: u64,
    },
    /// Not valid UTF-8: the byte offset of the first bad byte and the bytes before it.
    NotUtf8 {
        valid: Vec<u8>,
    },
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular { what } => {
                write!(f, "it is {what}, not a regular file")
            }
            ReadError::TooLarge { limit } => write!(f, "it is over the limit of {limit} bytes"),
            ReadError::Streams { reported } => write!(
                f,
                "it reports {reported} bytes but yields more (a /proc or /sys file, or one that grew while it was read)"
            ),
            ReadError::NotUtf8 { .. } => write!(f, "it is not valid UTF-8"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl ReadError {
    /// Whether the file simply does not exist (as opposed to being refused).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// The bytes of the regular file at `path` (links followed), at most `limit` of them.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    regular(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    regular(&metadata)?;
    // The reported size only sizes the first allocation; the limit bounds the read.
    let ceiling = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let first = usize::try_from(metadata.len())
        .unwrap_or(0)
        .saturating_add(1);
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(first.max(CHUNK).min(ceiling));
    let mut reader = file.take(limit.saturating_add(1));
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if bytes.len() + n > bytes.capacity() {
            // Doubling, but never past the limit: a file that claims 0 bytes and streams
            // (procfs) costs at most the limit, not twice it.
            let target = (bytes.capacity() * 2).clamp(bytes.len() + n, ceiling);
            bytes.reserve_exact(target - bytes.len());
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() as u64 > metadata.len() {
            // A regular file ends at its size; one that does not is not read on.
            return Err(if bytes.len() as u64 > limit {
                ReadError::TooLarge { limit }
            } else {
                ReadError::Streams {
                    reported: metadata.len(),
                }
            });
        }
    }
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Bytes read at a time.
const CHUNK: usize = 64 * 1024;

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read(path, limit)?).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let mut bytes = e.into_bytes();
        bytes.truncate(valid);
        ReadError::NotUtf8 { valid: bytes }
    })
}

/// What a directory entry is, for walks that must not follow links out of a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    File,
    Dir,
    /// A symbolic link, FIFO, socket or device: never read by a walk.
    Other,
}

/// The entries of the directory at `dir`, sorted by name, each with its kind as the entry
/// itself is (a link is `Other`, not what it points to), at most `limit` of them. Names that
/// are not UTF-8 are skipped: nothing seisei reads by walking is named that way.
pub fn entries(dir: &Path, limit: usize) -> std::io::Result<Vec<(String, EntryKind)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let kind = entry.file_type()?;
        let kind = if kind.is_file() {
            EntryKind::File
        } else if kind.is_dir() {
            EntryKind::Dir
        } else {
            EntryKind::Other
        };
        out.push((name, kind));
        if out.len() > limit {
            return Err(std::io::Error::other(format!(
                "{} holds more than {limit} entries",
                dir.display()
            )));
        }
    }
    out.sort();
    Ok(out)
}

/// Refuses what is not a regular file, naming what it is.
fn regular(metadata: &Metadata) -> Result<(), ReadError> {
    match kind_of(metadata) {
        None => Ok(()),
        Some(what) => Err(ReadError::NotRegular { what }),
    }
}

/// What a file is when it is not a regular file (`a FIFO (named pipe)`), or `None`.
pub fn kind_of(metadata: &Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    (!kind.is_file()).then(|| describe(kind))
}

#[cfg(unix)]
fn describe(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn describe(kind: std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Opens for reading with `O_NONBLOCK` where there is one, so a file swapped for a FIFO
/// between the check and the open does not block; the handle is checked again after.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    // O_NONBLOCK is 0o4000 on Linux and 0x4 on the BSDs and macOS.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const O_NONBLOCK: i32 = 0o4000;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const O_NONBLOCK: i32 = 0x4;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_one_byte_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "abcd").unwrap();
        assert_eq!(read(&path, 4).unwrap(), b"abcd");
        assert!(matches!(
            read(&path, 3),
            Err(ReadError::TooLarge { limit: 3 })
        ));
        assert!(matches!(
            read(dir.path(), 3),
            Err(ReadError::NotRegular {
                what: "a directory"
            })
        ));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn refuses_proc_files_after_one_chunk() {
        let found = read(Path::new("/proc/self/maps"), 1 << 30);
        assert!(
            matches!(found, Err(ReadError::Streams { reported: 0 })),
            "{found:?}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn refuses_devices_that_claim_to_be_empty() {
        for device in ["/dev/zero", "/dev/null"] {
            assert!(
                matches!(
                    read(Path::new(device), 10),
                    Err(ReadError::NotRegular { .. })
                ),
                "{device}"
            );
        }
    }
}
