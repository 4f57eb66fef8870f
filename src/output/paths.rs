//! Where seisei may write and remove inside its output directory. Every write and every
//! removal goes through the same checks: no component of the path is a symbolic link, and
//! the folder it lands in resolves below the output root. Input: the root and a relative
//! path; output: the refusal, if any.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::OutputError;
use super::files::is_temp_name;
use super::manifest::MANIFEST;

/// Refuses an artifact whose path inside the output directory crosses a symbolic link,
/// which would make a write land outside the tree seisei owns.
pub(crate) fn ensure_inside(root: &Path, relative: &str) -> Result<(), OutputError> {
    ensure_inside_checked(root, relative, &mut HashSet::new())
}

/// [`ensure_inside`], skipping the folders in `checked` and adding those it checks: the
/// thousands of files of a large tree share a few folders, and each check is a system call.
pub(crate) fn ensure_inside_checked(
    root: &Path,
    relative: &str,
    checked: &mut HashSet<PathBuf>,
) -> Result<(), OutputError> {
    match link_on_path(root, relative, checked) {
        Some(link) => Err(through_link(link)),
        None => Ok(()),
    }
}

/// What the plan learns of the path of a file it is about to read.
pub(crate) enum Reach {
    /// No component is a link: the file may be opened (it may still not exist).
    Clear,
    /// A folder on the path does not exist, so neither does the file.
    Absent,
}

/// [`ensure_inside_checked`] for the plan, which only reads: a folder found missing is
/// remembered in `absent`, and every file below it is known missing without another system
/// call. The file itself is not looked at: it is opened with `O_NOFOLLOW`, which refuses a
/// link there, and [`link_at`] names the refusal. (`gen` checks each path again when it
/// writes, with [`ensure_inside_checked`].)
pub(crate) fn reach_checked(
    root: &Path,
    relative: &str,
    checked: &mut HashSet<PathBuf>,
    absent: &mut HashSet<PathBuf>,
) -> Result<Reach, OutputError> {
    match walk(root, relative, checked, Some(absent), false) {
        Walk::Link(link) => Err(through_link(link)),
        Walk::Clear => Ok(Reach::Clear),
        Walk::Absent => Ok(Reach::Absent),
    }
}

/// The refusal of a file that is itself a symbolic link, when `path` is one: what a read
/// that `O_NOFOLLOW` stopped reports, in the words of every other link on a path.
pub(crate) fn link_at(path: &Path) -> Option<OutputError> {
    fs::symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_symlink())
        .then(|| through_link(path.to_path_buf()))
}

fn through_link(link: PathBuf) -> OutputError {
    OutputError {
        message: format!("refusing to write through the symbolic link `{}`", link.display()),
        path: link,
        help: "replace the link with a real folder or file; seisei only writes inside its output directory".into(),
    }
}

enum Walk {
    Link(PathBuf),
    Clear,
    Absent,
}

/// The first component of `root/relative` that is a symbolic link.
fn link_on_path(root: &Path, relative: &str, checked: &mut HashSet<PathBuf>) -> Option<PathBuf> {
    match walk(root, relative, checked, None, true) {
        Walk::Link(link) => Some(link),
        Walk::Clear | Walk::Absent => None,
    }
}

/// Looks at each component of `root/relative` in turn, skipping the folders in `checked`.
/// With `absent`, a missing folder ends the walk (nothing below it exists) and is recorded
/// there; without it, the walk goes on to the end. The last component is looked at only
/// with `last`.
fn walk(
    root: &Path,
    relative: &str,
    checked: &mut HashSet<PathBuf>,
    mut absent: Option<&mut HashSet<PathBuf>>,
    last: bool,
) -> Walk {
    let mut current = root.to_path_buf();
    let mut components = Path::new(relative).components().peekable();
    while let Some(component) = components.next() {
        current.push(component);
        let is_folder = components.peek().is_some();
        if is_folder && checked.contains(&current) {
            continue;
        }
        if !is_folder && !last {
            break;
        }
        if is_folder && absent.as_ref().is_some_and(|a| a.contains(&current)) {
            return Walk::Absent;
        }
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => return Walk::Link(current),
            Err(e) if is_folder && e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(absent) = absent.as_mut() {
                    absent.insert(current);
                    return Walk::Absent;
                }
            }
            Ok(_) | Err(_) => {}
        }
        if is_folder {
            checked.insert(current.clone());
        }
    }
    Walk::Clear
}

/// Why the manifest entry `relative` may not be removed: a link on its path (a folder
/// linked to another project's tree), a folder that resolves outside the root, or
/// something other than a regular file. `None` when removing it is safe, or when there is
/// nothing to remove.
pub fn removal_problem(root: &Path, relative: &str) -> Option<String> {
    if let Some(link) = link_on_path(root, relative, &mut HashSet::new()) {
        return Some(format!(
            "goes through the symbolic link `{}`",
            link.display()
        ));
    }
    let target = root.join(relative);
    let Ok(metadata) = fs::symlink_metadata(&target) else {
        return None;
    };
    if !metadata.file_type().is_file() {
        return Some("is not a regular file".into());
    }
    // No component is a link, so this holds; it is checked anyway, on the resolved paths,
    // because a removal cannot be taken back.
    let resolved_root = fs::canonicalize(root).ok()?;
    let resolved_dir = target.parent().and_then(|d| fs::canonicalize(d).ok());
    match resolved_dir {
        Some(dir) if dir.starts_with(&resolved_root) => None,
        _ => Some("resolves outside the output directory".into()),
    }
}

/// Two artifacts at one path, a file where another artifact needs a folder, or an artifact
/// named like the manifest or a temporary file. The model reports these with their places in
/// the spec; this is the last guard before anything is written.
pub fn artifact_collision<'a>(paths: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut files: HashSet<&str> = HashSet::new();
    let mut all = Vec::new();
    for path in paths {
        if !files.insert(path) {
            return Some(format!("two generated files share the path `{path}`"));
        }
        if path == MANIFEST || path.split('/').any(is_temp_name) {
            return Some(format!(
                "the generated file `{path}` is named like seisei's manifest or temporary files"
            ));
        }
        all.push(path);
    }
    for path in all {
        let mut end = 0;
        while let Some(at) = path[end..].find('/') {
            let folder = &path[..end + at];
            if files.contains(folder) {
                return Some(format!(
                    "`{folder}` is a generated file and the folder of `{path}`"
                ));
            }
            end += at + 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_between_artifacts_are_found() {
        assert_eq!(artifact_collision(["a/b", "a/c", "b"].into_iter()), None);
        assert!(artifact_collision(["a/b", "a/b"].into_iter()).is_some());
        assert!(
            artifact_collision(["STACKS.md", "STACKS.md/docker-compose.yml"].into_iter())
                .unwrap()
                .contains("folder")
        );
        assert!(artifact_collision(["x/.y.seisei-tmp-12"].into_iter()).is_some());
        assert!(artifact_collision([".seisei-manifest"].into_iter()).is_some());
    }
}
