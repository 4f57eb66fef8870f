//! `include:`: finding the stack files a spec names and reading each one. Input: the spec's
//! patterns and folder; output: the stacks added to the spec, or diagnostics.
//!
//! An included file is part of the repository the spec lives in, so every file must resolve,
//! after links, to a regular file below the spec's folder. A file that does not is refused
//! by name, before a byte of it is read, and its diagnostic points at the `include` entry of
//! the spec, never into the refused file: a link into a credentials folder must not get its
//! first line printed under a YAML error. Patterns are resolved from the spec's folder, so
//! they match the same files from any working directory.

use std::path::{Path, PathBuf};

use super::{Included, MAX_SPEC_BYTES, Overlay, Source, Stack, de, parse_document, section_error};
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::fsread;

/// What a pattern found: files to read, and files refused by name.
#[derive(Default)]
struct Found {
    files: Vec<PathBuf>,
    refused: Vec<(PathBuf, String)>,
}

/// Loads the stack files named by `include` (glob patterns relative to the spec, `*` and
/// `?` in the file name), one stack per file, in sorted path order.
pub(super) fn include_stacks(
    source: &mut Source,
    overlay: &Overlay,
) -> Result<(), Vec<Diagnostic>> {
    if source.spec.include.is_empty() {
        return Ok(());
    }
    let base = source.base_dir().to_path_buf();
    let mut problems = Vec::new();
    // The folder every included file must resolve below, links followed.
    let root = match std::fs::canonicalize(on_disk(&base)) {
        Ok(root) => root,
        Err(e) => {
            return Err(vec![Diagnostic::new(
                Code::Io,
                &source.path,
                None,
                format!("cannot resolve the spec's folder for `include`: {e}"),
            )]);
        }
    };
    // A glob in the spec's own folder (`*.yaml`) would match the spec itself.
    let spec = std::fs::canonicalize(&source.path).ok();
    let mut files: Vec<(PathBuf, usize)> = Vec::new();
    for (index, pattern) in source.spec.include.iter().enumerate() {
        let at = ["include", &index.to_string()];
        match expand(&base, &root, pattern, overlay).map(|mut found| {
            found.files.retain(|f| spec.is_none() || std::fs::canonicalize(f).ok() != spec);
            found
        }) {
            Ok(found) if found.files.is_empty() && found.refused.is_empty() => problems.push(
                source
                    .at(Code::InvalidShape, &at, format!("`{pattern}` matches no file"))
                    .with_help("check the pattern (it is read from the spec's folder), or remove it from `include`"),
            ),
            Ok(found) => {
                files.extend(found.files.into_iter().map(|f| (f, index)));
                for (file, why) in found.refused {
                    problems.push(
                        source
                            .at(Code::Io, &at, format!("`{pattern}` matches {}, which {why}", file.display()))
                            .with_help("include only regular files below the spec's folder; copy a shared stack file in instead of linking to it"),
                    );
                }
            }
            Err(why) => problems.push(source.at(Code::InvalidShape, &at, format!("`{pattern}` {why}")).with_help("write a relative path such as `stacks/*.yaml`; `*` and `?` match inside the file name")),
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    for (file, index) in files {
        match load_included(&file, overlay.get(&file)) {
            Ok((name, stack, included)) => {
                if source.spec.stacks.contains_key(&name) {
                    let first = source.place(&["stacks", &name]).file.display().to_string();
                    let earlier = source.related_at_key(
                        &["stacks", &name],
                        format!("`{name}` is first defined here"),
                    );
                    problems.push(
                        Diagnostic::new(
                            Code::DuplicateKey,
                            &included.path,
                            included.document().key_or_parent(&[&name]),
                            format!("stack `{name}` is also defined in {first}"),
                        )
                        .with_help("keep one definition of each stack")
                        .with_related(earlier),
                    );
                    continue;
                }
                source.spec.stacks.insert(name, stack);
                source.included.push(included);
            }
            Err(Unread(why)) => {
                let at = ["include", &index.to_string()];
                problems.push(
                    source
                        .at(Code::Io, &at, format!("cannot read the included file {}: {why}", file.display()))
                        .with_help("include only regular UTF-8 files below the spec's folder, each under the size limit"),
                );
            }
            Err(Invalid(mut found)) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A path for the file system: the empty folder of `platform.yaml` is the working directory.
fn on_disk(path: &Path) -> &Path {
    if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    }
}

/// The files matching `pattern` under `base` (whose resolved form is `root`).
fn expand(base: &Path, root: &Path, pattern: &str, overlay: &Overlay) -> Result<Found, String> {
    if pattern.starts_with('/') || pattern.split('/').any(|c| c == "..") {
        return Err("must stay below the spec's folder".to_owned());
    }
    if pattern.contains('\\') {
        return Err("may not hold `\\`; separate folders with `/`".to_owned());
    }
    let (dir, name) = pattern.rsplit_once('/').unwrap_or(("", pattern));
    if dir.contains(['*', '?']) {
        return Err("may use wildcards only in the file name".to_owned());
    }
    let folder = base.join(dir);
    let mut found = Found::default();
    // The folder itself must resolve below the spec's folder: a linked folder is refused as a
    // whole, so none of its files is even listed.
    if !dir.is_empty()
        && let Ok(resolved) = std::fs::canonicalize(on_disk(&folder))
        && !resolved.starts_with(root)
    {
        return Err(format!(
            "runs through `{dir}`, which resolves outside the spec's folder (a link?)"
        ));
    }
    if !name.contains(['*', '?']) {
        let path = folder.join(name);
        if overlay.contains_key(&path) {
            found.files.push(path);
        } else if std::fs::symlink_metadata(&path).is_ok() {
            match check(&path, root) {
                Ok(()) => found.files.push(path),
                Err(why) => found.refused.push((path, why)),
            }
        }
        return Ok(found);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(on_disk(&folder))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| wildcard(name, &e.file_name().to_string_lossy()))
        // Folders that match (`old.yaml/`) are not stack files; a link to one is not either.
        .filter(|e| !std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()))
        .map(|e| folder.join(e.file_name()))
        .collect();
    entries.sort();
    for path in entries {
        if overlay.contains_key(&path) {
            continue;
        }
        match check(&path, root) {
            Ok(()) => found.files.push(path),
            Err(why) => found.refused.push((path, why)),
        }
    }
    found.files.extend(
        overlay
            .keys()
            .filter(|p| {
                p.parent() == Some(folder.as_path())
                    && p.file_name()
                        .is_some_and(|n| wildcard(name, &n.to_string_lossy()))
            })
            .cloned(),
    );
    Ok(found)
}

/// Whether `path` may be read as an included file: it resolves below `root`, to a regular
/// file. Nothing is opened.
fn check(path: &Path, root: &Path) -> Result<(), String> {
    let resolved = std::fs::canonicalize(path)
        .map_err(|e| format!("cannot be resolved ({e}; a broken link?)"))?;
    if !resolved.starts_with(root) {
        return Err("is a link that leads outside the spec's folder".to_owned());
    }
    let metadata = std::fs::metadata(&resolved).map_err(|e| format!("cannot be read ({e})"))?;
    match fsread::kind_of(&metadata) {
        Some(what) => Err(format!("is {what}, not a regular file")),
        None => Ok(()),
    }
}

/// Shell-style matching of `*` (any run) and `?` (one character).
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// Why an included file gave no stack.
enum Failure {
    /// It could not be read: the reason names what the file is, never what it holds.
    Unread(fsread::ReadError),
    /// It was read and is wrong: diagnostics inside it.
    Invalid(Vec<Diagnostic>),
}
use Failure::{Invalid, Unread};

/// Reads one included stack file: a mapping with exactly one key, the stack's name.
fn load_included(
    path: &Path,
    staged: Option<&String>,
) -> Result<(String, Stack, Included), Failure> {
    let text = if let Some(text) = staged {
        text.clone()
    } else {
        fsread::read_text(path, MAX_SPEC_BYTES).map_err(Unread)?
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    let mut document = parse_document(path, &text).map_err(Invalid)?;
    let one_stack = || {
        Invalid(vec![
            Diagnostic::new(
                Code::InvalidShape,
                path,
                Some(Span::point(1, 1)),
                "an included file holds exactly one stack",
            )
            .with_help("write `NAME:` at the top, with the stack's fields under it"),
        ])
    };
    let root = document.root().ok_or_else(one_stack)?;
    let (key, body) = {
        let mut entries = document.entries(document.resolve(root));
        let (Some(entry), None) = (entries.next(), entries.next()) else {
            return Err(one_stack());
        };
        entry
    };
    let name = document.scalar_text(key).ok_or_else(one_stack)?.to_owned();
    let masked = |d: Diagnostic| {
        let mut found = vec![d];
        super::mask(&document, &mut found);
        Invalid(found)
    };
    if let Some(d) = section_error::<Stack>(path, &document, body, vec![name.clone()]) {
        return Err(masked(d));
    }
    let stack: Stack =
        de::from_node(&document, body).map_err(|e| masked(super::shape_error(path, &e)))?;
    Ok((
        name.clone(),
        stack,
        Included {
            path: path.to_path_buf(),
            text,
            credentials: std::mem::take(&mut document.credentials),
            tree: super::tree::Tree::new(document),
            stack: name,
        },
    ))
}
