//! Reading `platform.yaml`: the only stage besides `output` that touches the disk. It turns
//! the file into typed [`Spec`] values plus the parsed [`Document`] that says where every node
//! is written, or into diagnostics that point at the line to fix.

pub mod de;
mod document;
pub mod secrets;
mod types;

use std::path::{Path, PathBuf};

pub use document::{
    Document, MAX_ALIAS_NODES, MAX_DEPTH, NodePosition, SEPARATOR as PATH_SEPARATOR,
    display as display_path, key as path_key,
};
pub use types::*;

use crate::diagnostics::{Code, Diagnostic, Span, did_you_mean};
use document::NodeId;

/// Larger specs are refused before parsing, so a runaway file cannot take the memory. A
/// platform of ten thousand stacks is a few megabytes.
pub const MAX_SPEC_BYTES: u64 = 32 * 1024 * 1024;

/// A spec read from disk, with what diagnostics need to point into it.
#[derive(Debug)]
pub struct Source {
    pub spec: Spec,
    pub document: Document,
    pub text: String,
    pub path: PathBuf,
    /// Stack files pulled in by `include`, in the order their stacks were added.
    pub included: Vec<Included>,
}

/// A stack file named by `include`: one stack, `NAME: { … }`.
#[derive(Debug)]
pub struct Included {
    pub path: PathBuf,
    pub text: String,
    pub document: Document,
    pub stack: String,
}

/// Where the node at a spec path is written: the file, its index, and the path inside it.
struct Place<'a> {
    file: &'a Path,
    document: &'a Document,
    text: &'a str,
    segments: Vec<&'a str>,
}

impl Source {
    /// The file that holds `segments`: an included stack file for `stacks.NAME…` when NAME
    /// came from one (its root key is the stack name), else the spec itself.
    fn place<'a>(&'a self, segments: &[&'a str]) -> Place<'a> {
        if segments.len() >= 2
            && segments[0] == "stacks"
            && let Some(file) = self.included.iter().find(|f| f.stack == segments[1])
        {
            return Place {
                file: &file.path,
                document: &file.document,
                text: &file.text,
                segments: segments[1..].to_vec(),
            };
        }
        Place {
            file: &self.path,
            document: &self.document,
            text: &self.text,
            segments: segments.to_vec(),
        }
    }

    /// Whether the node at `segments` is written in the spec (or its included files).
    pub fn has(&self, segments: &[&str]) -> bool {
        let place = self.place(segments);
        place.document.get(&place.segments).is_some()
    }

    /// A diagnostic pointing at the value at `segments` (or its nearest existing parent).
    pub fn at(&self, code: Code, segments: &[&str], message: impl Into<String>) -> Diagnostic {
        let place = self.place(segments);
        Diagnostic::new(
            code,
            place.file,
            place.document.value_or_parent(&place.segments),
            message,
        )
    }

    /// A diagnostic pointing at the key at `segments`.
    pub fn at_key(&self, code: Code, segments: &[&str], message: impl Into<String>) -> Diagnostic {
        let place = self.place(segments);
        Diagnostic::new(
            code,
            place.file,
            place.document.key_or_parent(&place.segments),
            message,
        )
    }

    /// A diagnostic pointing inside the string value at `segments`: at the bytes `range` of
    /// `value`, when the value is written on one line without escapes (so source columns and
    /// value offsets line up); otherwise at the whole value.
    pub fn at_offset(
        &self,
        code: Code,
        segments: &[&str],
        value: &str,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let place = self.place(segments);
        let whole = place.document.value_or_parent(&place.segments);
        let inner = whole.and_then(|span| {
            if span.line != span.end_line {
                return None;
            }
            let line: Vec<char> = place.text.lines().nth(span.line - 1)?.chars().collect();
            let raw: String = line
                .get(span.column - 1..span.end_column - 1)?
                .iter()
                .collect();
            let quoted = raw.len() >= 2
                && (raw.starts_with('\'') || raw.starts_with('"'))
                && raw[1..raw.len() - 1] == *value;
            let offset = if raw == value {
                0
            } else if quoted {
                1
            } else {
                return None;
            };
            let start = span.column + offset + value.get(..range.start)?.chars().count();
            let width = value.get(range)?.chars().count().max(1);
            Some(Span {
                line: span.line,
                column: start,
                end_line: span.line,
                end_column: start + width,
            })
        });
        Diagnostic::new(code, place.file, inner.or(whole), message)
    }

    /// The first key, in file order, of the mapping at `segments` (`stacks` → the first stack).
    pub fn spec_child(&self, segments: &[&str]) -> Option<String> {
        self.document.first_key(segments).map(str::to_owned)
    }

    /// Directory the spec's relative paths start from.
    pub fn base_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// The JSON Schema of platform.yaml, for editors (yaml-language-server) and `seisei schema`.
/// `comment` becomes the schema's `$comment`, which sorts first: the generated header.
pub fn json_schema(comment: Option<&str>) -> String {
    let mut schema = schemars::schema_for!(Spec).to_value();
    if let (Some(comment), Some(object)) = (comment, schema.as_object_mut()) {
        object.insert("$comment".to_owned(), comment.into());
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads and parses the spec at `path`.
pub fn load(path: &Path) -> Result<Source, Vec<Diagnostic>> {
    let io_error = |e: std::io::Error| {
        vec![
            Diagnostic::new(Code::Io, path, None, format!("cannot read the spec: {e}"))
                .with_help("pass the spec with `--spec PATH`, or run seisei next to platform.yaml"),
        ]
    };
    let size = std::fs::metadata(path).map_err(io_error)?.len();
    if size > MAX_SPEC_BYTES {
        return Err(vec![
            Diagnostic::new(
                Code::Io,
                path,
                None,
                format!("the spec is {size} bytes, over the limit of {MAX_SPEC_BYTES}"),
            )
            .with_help("split the platform or remove what is not a stack definition"),
        ]);
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = &e.as_bytes()[..offset];
        let line = valid.split(|b| *b == b'\n').count();
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        vec![
            Diagnostic::new(
                Code::InvalidYaml,
                path,
                Some(Span::point(line, column)),
                "the spec is not valid UTF-8",
            )
            .with_help("save the file as UTF-8"),
        ]
    })?;
    parse(path, text)
}

/// Parses spec text that claims to come from `path`.
pub fn parse(path: &Path, text: String) -> Result<Source, Vec<Diagnostic>> {
    parse_with(path, text, &Overlay::new())
}

/// Files that stand in for what is on disk: `seisei new` checks an edit before writing it.
pub type Overlay = std::collections::BTreeMap<PathBuf, String>;

/// [`parse`], reading included stack files from `overlay` first.
pub fn parse_with(path: &Path, text: String, overlay: &Overlay) -> Result<Source, Vec<Diagnostic>> {
    // A byte-order mark is harmless; strip it so columns on line 1 stay right.
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(vec![
            Diagnostic::new(Code::EmptySpec, path, None, "the spec is empty").with_help(
                "start from the README's example: a `platform`, a `traefik` and a `stacks` section",
            ),
        ]);
    }
    let document = parse_document(path, &text)?;
    let root = document.root().ok_or_else(|| {
        vec![Diagnostic::new(
            Code::EmptySpec,
            path,
            None,
            "the spec is empty",
        )]
    })?;
    let spec: Spec =
        de::from_node(&document, root).map_err(|e| shape_errors(path, &document, &e))?;
    let mut source = Source {
        spec,
        document,
        text,
        path: path.to_path_buf(),
        included: Vec::new(),
    };
    include_stacks(&mut source, overlay)?;
    Ok(source)
}

/// The parsed document of `text`, or its syntax errors, duplicate keys and tags.
fn parse_document(path: &Path, text: &str) -> Result<Document, Vec<Diagnostic>> {
    let document = Document::parse(text).map_err(|e| {
        let mut diagnostic = Diagnostic::new(Code::InvalidYaml, path, Some(e.span), e.message);
        diagnostic.help = e.help;
        vec![diagnostic]
    })?;
    if document.findings.is_empty() {
        return Ok(document);
    }
    Err(document
        .findings
        .iter()
        .map(|(finding, span)| match finding {
            document::Finding::DuplicateKey { path: key } => Diagnostic::new(
                Code::DuplicateKey,
                path,
                Some(*span),
                format!("duplicate key `{}`", display_path(key)),
            )
            .with_help("remove one of the two entries; YAML keeps only one"),
            document::Finding::Tag { tag } => Diagnostic::new(
                Code::InvalidYaml,
                path,
                Some(*span),
                format!("the YAML tag `{tag}` is not supported"),
            )
            .with_help("remove the tag; quote the value if it must stay a string"),
        })
        .collect())
}

/// Loads the stack files named by `include` (glob patterns relative to the spec, `*` and
/// `?` in the file name), one stack per file, in sorted path order.
fn include_stacks(source: &mut Source, overlay: &Overlay) -> Result<(), Vec<Diagnostic>> {
    let base = source.base_dir().to_path_buf();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for (index, pattern) in source.spec.include.iter().enumerate() {
        let at = ["include", &index.to_string()];
        match expand(&base, pattern, overlay) {
            Ok(found) if found.is_empty() => problems.push(
                source.at(Code::InvalidShape, &at, format!("`{pattern}` matches no file")).with_help("check the pattern, or remove it from `include`"),
            ),
            Ok(found) => files.extend(found),
            Err(why) => problems.push(source.at(Code::InvalidShape, &at, format!("`{pattern}` {why}")).with_help("write a relative path such as `stacks/*.yaml`; `*` and `?` match inside the file name")),
        }
    }
    files.sort();
    files.dedup();
    for file in files {
        match load_included(&file, overlay.get(&file)) {
            Ok((name, stack, included)) => {
                if source.spec.stacks.contains_key(&name) {
                    let first = source.place(&["stacks", &name]).file.display().to_string();
                    problems.push(
                        Diagnostic::new(
                            Code::DuplicateKey,
                            &included.path,
                            included.document.key_or_parent(&[&name]),
                            format!("stack `{name}` is also defined in {first}"),
                        )
                        .with_help("keep one definition of each stack"),
                    );
                    continue;
                }
                source.spec.stacks.insert(name, stack);
                source.included.push(included);
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The files matching `pattern` under `base`.
fn expand(base: &Path, pattern: &str, overlay: &Overlay) -> Result<Vec<PathBuf>, &'static str> {
    if pattern.starts_with('/') || pattern.split('/').any(|c| c == "..") {
        return Err("must stay below the spec's folder");
    }
    let (dir, name) = pattern.rsplit_once('/').unwrap_or(("", pattern));
    if dir.contains(['*', '?']) {
        return Err("may use wildcards only in the file name");
    }
    let folder = base.join(dir);
    if !name.contains(['*', '?']) {
        let path = folder.join(name);
        return Ok(if path.is_file() || overlay.contains_key(&path) {
            vec![path]
        } else {
            Vec::new()
        });
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(&folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter(|e| wildcard(name, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    found.extend(
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

/// Reads one included stack file: a mapping with exactly one key, the stack's name.
fn load_included(
    path: &Path,
    staged: Option<&String>,
) -> Result<(String, Stack, Included), Vec<Diagnostic>> {
    let io = |e: std::io::Error| {
        vec![Diagnostic::new(
            Code::Io,
            path,
            None,
            format!("cannot read the included file: {e}"),
        )]
    };
    let text = if let Some(text) = staged {
        text.clone()
    } else {
        if std::fs::metadata(path).map_err(io)?.len() > MAX_SPEC_BYTES {
            return Err(vec![Diagnostic::new(
                Code::Io,
                path,
                None,
                format!("the file is over the limit of {MAX_SPEC_BYTES} bytes"),
            )]);
        }
        String::from_utf8(std::fs::read(path).map_err(io)?).map_err(|_| {
            vec![
                Diagnostic::new(Code::InvalidYaml, path, None, "the file is not valid UTF-8")
                    .with_help("save it as UTF-8"),
            ]
        })?
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    let document = parse_document(path, &text)?;
    let one_stack = || {
        vec![
            Diagnostic::new(
                Code::InvalidShape,
                path,
                Some(Span::point(1, 1)),
                "an included file holds exactly one stack",
            )
            .with_help("write `NAME:` at the top, with the stack's fields under it"),
        ]
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
    if let Some(d) = section_error::<Stack>(path, &document, body, vec![name.clone()]) {
        return Err(vec![d]);
    }
    let stack: Stack = de::from_node(&document, body).map_err(|e| vec![shape_error(path, &e)])?;
    Ok((
        name.clone(),
        stack,
        Included {
            path: path.to_path_buf(),
            text,
            document,
            stack: name,
        },
    ))
}

/// The top-level keys of the spec.
const SECTIONS: [&str; 5] = ["platform", "traefik", "networks", "stacks", "include"];

/// Every shape error of the spec, not just the first one serde stops at: each section and
/// each network and stack is deserialized on its own from the document tree, and each error
/// is placed at the node it is about. Falls back to serde's first error when that finds
/// nothing more precise.
fn shape_errors(path: &Path, document: &Document, first: &de::Error) -> Vec<Diagnostic> {
    let fallback = || vec![shape_error(path, first)];
    let Some(root) = document.root().map(|r| document.resolve(r)) else {
        return fallback();
    };
    if !matches!(document.kind(root), document::Kind::Mapping { .. }) {
        return vec![
            Diagnostic::new(
                Code::InvalidShape,
                path,
                Some(Span::point(1, 1)),
                "the spec is not a mapping",
            )
            .with_help("the spec must be a mapping with `platform`, `traefik` and `stacks`"),
        ];
    }
    let mut found = Vec::new();
    for (key, _) in document.entries(root) {
        let name = document.scalar_text(key).unwrap_or("?");
        if !SECTIONS.contains(&name) {
            found.push(
                Diagnostic::new(
                    Code::InvalidShape,
                    path,
                    Some(document.span(key)),
                    format!("unknown field `{name}`"),
                )
                .with_help(did_you_mean(name, SECTIONS).unwrap_or_else(|| {
                    format!("remove `{name}`; valid keys here: {}", SECTIONS.join(", "))
                })),
            );
        }
    }
    for required in ["platform", "traefik"] {
        if document.lookup(root, required).is_none() {
            found.push(
                Diagnostic::new(
                    Code::InvalidShape,
                    path,
                    Some(Span::point(1, 1)),
                    format!("missing field `{required}`"),
                )
                .with_help(format!("add a `{required}:` section")),
            );
        }
    }
    let mut section =
        |segments: &[&str],
         node,
         check: fn(&Path, &Document, NodeId, Vec<String>) -> Option<Diagnostic>| {
            let segments = segments.iter().map(|s| (*s).to_owned()).collect();
            found.extend(check(path, document, node, segments));
        };
    if let Some(v) = document.lookup(root, "platform") {
        section(&["platform"], v, section_error::<Platform>);
    }
    if let Some(v) = document.lookup(root, "traefik") {
        section(&["traefik"], v, section_error::<Traefik>);
    }
    for name in ["networks", "stacks"] {
        let Some(v) = document.lookup(root, name) else {
            continue;
        };
        let entries: Vec<(NodeId, NodeId)> = document.entries(document.resolve(v)).collect();
        if entries.is_empty() {
            // Not a mapping (or an empty one): check the section as a whole.
            if name == "stacks" {
                section(
                    &[name],
                    v,
                    section_error::<std::collections::BTreeMap<String, Stack>>,
                );
            } else {
                section(
                    &[name],
                    v,
                    section_error::<std::collections::BTreeMap<String, Network>>,
                );
            }
            continue;
        }
        for (key, entry) in entries {
            let key = document.scalar_text(key).unwrap_or("?");
            if name == "stacks" {
                section(&[name, key], entry, section_error::<Stack>);
            } else {
                section(&[name, key], entry, section_error::<Network>);
            }
        }
    }
    if let Some(v) = document.lookup(root, "include") {
        section(&["include"], v, section_error::<Vec<String>>);
    }
    if found.is_empty() {
        return fallback();
    }
    crate::diagnostics::sort(&mut found);
    found
}

/// The first shape error inside one section, placed at the node it is about.
fn section_error<T: serde::de::DeserializeOwned>(
    path: &Path,
    document: &Document,
    node: NodeId,
    mut segments: Vec<String>,
) -> Option<Diagnostic> {
    use serde_path_to_error::Segment;
    let error = serde_path_to_error::deserialize::<_, T>(de::Node::new(document, node)).err()?;
    for segment in error.path() {
        match segment {
            Segment::Seq { index } => segments.push(index.to_string()),
            Segment::Map { key } => segments.push(key.clone()),
            Segment::Enum { variant } => segments.push(variant.clone()),
            Segment::Unknown => {}
        }
    }
    let message = error.inner().to_string();
    let view: Vec<&str> = segments.iter().map(String::as_str).collect();
    let span = if let Some(field) = backticked_after(&message, "unknown field `") {
        if view.last() == Some(&field) {
            document.key_or_parent(&view)
        } else {
            let mut with_field = view.clone();
            with_field.push(field);
            document.key_or_parent(&with_field)
        }
    } else if message.starts_with("missing field") {
        document.key_or_parent(&view)
    } else {
        document.value_or_parent(&view)
    };
    let located = display_path(&path_key(&view));
    let mut diagnostic = shape_message(path, span.or(error.inner().span), &message);
    if !located.is_empty() {
        diagnostic.message = format!("{located}: {}", diagnostic.message);
    }
    Some(diagnostic)
}

fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// Turns serde's message into a diagnostic at its position, with a "did you mean" for an
/// unknown key (serde lists the expected ones).
fn shape_error(path: &Path, error: &de::Error) -> Diagnostic {
    shape_message(path, error.span, &error.message)
}

/// A diagnostic for one of serde's messages, with the fix it implies: a "did you mean" for
/// an unknown key or variant (serde lists the expected ones).
fn shape_message(path: &Path, span: Option<Span>, message: &str) -> Diagnostic {
    let message = message.to_owned();
    let code = if message.starts_with("invalid type")
        || message.starts_with("unknown")
        || message.starts_with("missing field")
        || message.contains("expected")
    {
        Code::InvalidShape
    } else {
        Code::InvalidYaml
    };
    if message.contains("top-level") || span.is_none() && message.starts_with("invalid type") {
        return Diagnostic::new(code, path, span, message)
            .with_help("the spec must be a mapping with `platform`, `traefik` and `stacks`");
    }
    let mut diagnostic = Diagnostic::new(code, path, span, message.clone());
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected ")
    {
        let candidates: Vec<&str> = expected
            .trim_start_matches("one of ")
            .split(", ")
            .map(|c| c.trim_matches('`'))
            .collect();
        diagnostic.help = Some(
            did_you_mean(field, candidates.iter().copied()).unwrap_or_else(|| {
                format!(
                    "remove `{field}`; valid keys here: {}",
                    candidates.join(", ")
                )
            }),
        );
    } else if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((variant, expected)) = rest.split_once("`, expected ")
    {
        let candidates: Vec<&str> = expected
            .trim_start_matches("one of ")
            .split(", ")
            .map(|c| c.trim_matches('`'))
            .collect();
        diagnostic.help = Some(
            did_you_mean(variant, candidates.iter().copied())
                .unwrap_or_else(|| format!("use one of: {}", candidates.join(", "))),
        );
    }
    diagnostic
}
