//! Regions of hand-written Markdown files that seisei keeps current: everything between
//! `<!-- seisei:begin NAME -->` and `<!-- seisei:end NAME -->` is generated, every other
//! byte of the file is the author's and is never touched.

use std::path::{Path, PathBuf};

use super::{OutputError, io_error, read_optional, write_atomic};

/// A hand-written file whose regions are out of date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocUpdate {
    pub path: PathBuf,
    /// The path as the spec lists it, for messages and diffs.
    pub label: String,
    /// The spec's folder, which `label` is relative to.
    pub spec_dir: PathBuf,
    pub old: Vec<u8>,
    pub new: Vec<u8>,
}

/// A marker problem, at a 1-based line and column of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerError {
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub message: String,
    pub help: String,
}

/// Why a document could not be planned.
#[derive(Debug)]
pub enum DocError {
    Output(OutputError),
    Markers {
        path: PathBuf,
        text: String,
        errors: Vec<MarkerError>,
    },
}

/// Reads the document at `spec_dir/relative` and fills its regions with `lookup(name)`.
/// Returns the update when any region changed.
pub fn plan(
    spec_dir: &Path,
    relative: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<DocUpdate>, DocError> {
    let path = spec_dir.join(relative);
    super::ensure_inside(spec_dir, relative).map_err(DocError::Output)?;
    // Bounded, and only a regular file: a document linked to `/dev/zero` or a FIFO is refused,
    // not read.
    let old = read_optional(&path)
        .map_err(DocError::Output)?
        .ok_or_else(|| {
            DocError::Output(OutputError {
                path: path.clone(),
                message: format!("cannot read `{relative}`, listed in `platform.docs`: it does not exist"),
                help: "create the file with the markers where the generated parts go, or remove it from `platform.docs`".into(),
            })
        })?;
    let text = String::from_utf8(old.clone()).map_err(|_| {
        DocError::Output(OutputError {
            path: path.clone(),
            message: format!("`{relative}` is not UTF-8"),
            help: "save it as UTF-8".into(),
        })
    })?;
    let new = fill(&text, lookup).map_err(|errors| DocError::Markers {
        path: path.clone(),
        text: text.clone(),
        errors,
    })?;
    Ok((new.as_bytes() != old.as_slice()).then(|| DocUpdate {
        path,
        label: relative.to_owned(),
        spec_dir: spec_dir.to_path_buf(),
        old,
        new: new.into_bytes(),
    }))
}

/// Writes each update atomically.
pub fn write(updates: &[DocUpdate]) -> Result<(), OutputError> {
    write_with(updates, &mut |_| Ok(()))
}

/// [`write`], calling `before_each` first (see [`super::write_with`]). The document is
/// checked for links on its path again, as every write is.
pub fn write_with(
    updates: &[DocUpdate],
    before_each: &mut dyn FnMut(&Path) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    for update in updates {
        before_each(&update.path).map_err(|e| io_error(&update.path, "cannot write", &e))?;
        super::ensure_inside(&update.spec_dir, &update.label)?;
        write_atomic(&update.path, &update.new)?;
    }
    Ok(())
}

const BEGIN: &str = "<!-- seisei:begin ";
const END: &str = "<!-- seisei:end ";

/// Replaces the body of every region of `text` with `lookup(name)`, keeping the marker lines
/// and the file's line endings. Reports every marker problem at once.
pub fn fill(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Vec<MarkerError>> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len());
    let mut errors = Vec::new();
    // The open region: its name, line, and the text that replaces its body.
    let mut open: Option<(String, usize, usize, Option<String>)> = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        let indent = content.len() - content.trim_start().len() + 1;
        if let Some(name) = marker(trimmed, BEGIN) {
            if let Some((other, at, ..)) = &open {
                errors.push(MarkerError {
                    line: number,
                    column: indent,
                    width: trimmed.chars().count(),
                    message: format!("region `{name}` begins inside region `{other}` (opened on line {at})"),
                    help: format!("close `{other}` with `<!-- seisei:end {other} -->` first; regions cannot nest"),
                });
                out.push_str(line);
                continue;
            }
            let body = lookup(name);
            if body.is_none() {
                errors.push(MarkerError {
                    line: number,
                    column: indent,
                    width: trimmed.chars().count(),
                    message: format!("unknown region `{name}`"),
                    help: "use `inventory`, `routes`, `volumes`, `networks`, `topology` or `stack:NAME` with a stack of the spec".into(),
                });
            }
            out.push_str(line);
            open = Some((name.to_owned(), number, indent, body));
        } else if let Some(name) = marker(trimmed, END) {
            match open.take() {
                Some((begun, at, _, body)) if begun == name => {
                    if let Some(body) = body {
                        // A blank line on each side, so Markdown tables and fences stand alone.
                        out.push_str(newline);
                        for body_line in body.trim_end_matches('\n').split('\n') {
                            out.push_str(body_line);
                            out.push_str(newline);
                        }
                        out.push_str(newline);
                    } else {
                        let _ = at;
                    }
                    out.push_str(line);
                }
                Some((begun, at, indent_at, body)) => {
                    errors.push(MarkerError {
                        line: number,
                        column: indent,
                        width: trimmed.chars().count(),
                        message: format!(
                            "region `{name}` ends, but the open region is `{begun}` (line {at})"
                        ),
                        help: format!("write `<!-- seisei:end {begun} -->` here"),
                    });
                    out.push_str(line);
                    open = Some((begun, at, indent_at, body));
                }
                None => {
                    errors.push(MarkerError {
                        line: number,
                        column: indent,
                        width: trimmed.chars().count(),
                        message: format!("region `{name}` ends but never began"),
                        help: format!(
                            "add `<!-- seisei:begin {name} -->` above, or remove this marker"
                        ),
                    });
                    out.push_str(line);
                }
            }
        } else if trimmed.starts_with("<!-- seisei:") {
            errors.push(MarkerError {
                line: number,
                column: indent,
                width: trimmed.chars().count(),
                message: "unrecognised seisei marker".into(),
                help: "markers are `<!-- seisei:begin NAME -->` and `<!-- seisei:end NAME -->`, alone on their line".into(),
            });
            out.push_str(line);
        } else if open.is_none() {
            out.push_str(line);
        }
        // Lines inside an open region are the old generated body: dropped.
    }
    if let Some((name, at, indent, _)) = open {
        errors.push(MarkerError {
            line: at,
            column: indent,
            width: BEGIN.len() + name.len() + 4,
            message: format!("region `{name}` never ends"),
            help: format!("add `<!-- seisei:end {name} -->` after the generated part"),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The region name of a marker line, such as `routes` in `<!-- seisei:begin routes -->`.
fn marker<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let name = line.strip_prefix(prefix)?.strip_suffix("-->")?.trim();
    (!name.is_empty() && !name.contains(char::is_whitespace)).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "routes" => Some("| a |\n|---|\n".into()),
            "stack:web" => Some("web".into()),
            _ => None,
        }
    }

    #[test]
    fn fills_regions_and_keeps_every_other_byte() {
        let text = "# Ops\n\nProse.\n<!-- seisei:begin routes -->\nold\n<!-- seisei:end routes -->\nMore prose\n  <!-- seisei:begin stack:web -->\n  <!-- seisei:end stack:web -->\n";
        let filled = fill(text, &lookup).unwrap();
        assert_eq!(
            filled,
            "# Ops\n\nProse.\n<!-- seisei:begin routes -->\n\n| a |\n|---|\n\n<!-- seisei:end routes -->\nMore prose\n  <!-- seisei:begin stack:web -->\n\nweb\n\n  <!-- seisei:end stack:web -->\n"
        );
        assert_eq!(
            fill(&filled, &lookup).unwrap(),
            filled,
            "filling is idempotent"
        );
    }

    #[test]
    fn keeps_crlf_files_crlf() {
        let text = "a\r\n<!-- seisei:begin stack:web -->\r\n<!-- seisei:end stack:web -->\r\n";
        assert_eq!(
            fill(text, &lookup).unwrap(),
            "a\r\n<!-- seisei:begin stack:web -->\r\n\r\nweb\r\n\r\n<!-- seisei:end stack:web -->\r\n"
        );
    }

    #[test]
    fn reports_every_marker_problem() {
        let text = "<!-- seisei:end routes -->\n<!-- seisei:begin nope -->\n<!-- seisei:end nope -->\n<!-- seisei:begin routes -->\n<!-- seisei:begin stack:web -->\n<!-- seisei:stop -->\n";
        let errors = fill(text, &lookup).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 5, 6, 4], "{errors:#?}");
        assert!(errors[0].message.contains("never began"));
        assert!(errors[1].message.contains("unknown region `nope`"));
        assert!(errors[2].message.contains("inside region `routes`"));
        assert!(errors[4].message.contains("never ends"));
    }
}
