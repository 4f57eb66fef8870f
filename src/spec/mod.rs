//! Reading `platform.yaml`: the only stage besides `output` that touches the disk. It turns
//! the file into typed [`Spec`] values plus the parsed [`Document`] that says where every node
//! is written (dropped once the spec is read and parsed again when a diagnostic needs it),
//! or into diagnostics that point at the line to fix.

mod backend;
mod compose_habits;
mod compose_objects;
pub mod de;
mod document;
mod include;
mod indentation;
mod l4;
mod map;
mod middleware;
mod middleware_tcp;
mod route;
pub mod secrets;
mod service_fields;
pub mod stream;
mod swarm;
mod tls;
mod traefik_static;
mod tree;
mod types;
mod variant;

use std::path::{Path, PathBuf};

pub use backend::*;
pub use compose_objects::*;
pub use document::{
    Document, MAX_ALIAS_NODES, MAX_DEPTH, NodePosition, SEPARATOR as PATH_SEPARATOR,
    display as display_path, key as path_key,
};
pub use l4::*;
pub use map::Map;
pub use middleware::*;
pub use middleware_tcp::*;
pub use route::{Route, TlsDomain};
pub use service_fields::*;
pub use swarm::*;
pub use tls::*;
pub use traefik_static::*;
pub use types::*;
pub use variant::*;

use crate::diagnostics::{Code, Diagnostic, Related, Span, did_you_mean};
use document::NodeId;

/// Larger specs are refused before parsing, so a runaway file cannot take the memory. A
/// platform of ten thousand stacks is a few megabytes.
pub const MAX_SPEC_BYTES: u64 = 32 * 1024 * 1024;

/// A spec read from disk, with what diagnostics need to point into it.
#[derive(Debug)]
pub struct Source {
    pub spec: Spec,
    /// The document tree of `text`, dropped once the spec is read ([`tree`]); see
    /// [`Source::document`].
    tree: tree::Tree,
    /// Strings of the spec that look like real credentials: (path, what they look like).
    pub credentials: Vec<(String, &'static str)>,
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
    tree: tree::Tree,
    /// As [`Source::credentials`], with paths from the file's root (`NAME…`).
    pub credentials: Vec<(String, &'static str)>,
    pub stack: String,
}

impl Included {
    /// The file's document tree, parsed again if it was dropped.
    pub fn document(&self) -> &Document {
        self.tree.get(&self.text)
    }
}

/// Where the node at a spec path is written: the file, its index, and the path inside it.
struct Place<'a> {
    file: &'a Path,
    document: &'a Document,
    text: &'a str,
    segments: Vec<&'a str>,
}

impl Source {
    /// The spec's document tree: where every node is written. It is dropped once the spec
    /// is read and parsed again here, once, when a diagnostic needs a position.
    pub fn document(&self) -> &Document {
        self.tree.get(&self.text)
    }

    /// Drops the document trees of the spec and its included files.
    fn release_trees(&mut self) {
        self.tree.release();
        for file in &mut self.included {
            file.tree.release();
        }
    }

    /// Whether a tree was parsed again after [`Source::release_trees`]: a run that reports
    /// nothing must not pay for a second parse.
    pub fn reparsed(&self) -> bool {
        self.tree.is_held() || self.included.iter().any(|f| f.tree.is_held())
    }

    /// The file that holds `segments`: an included stack file for `stacks.NAME…` when NAME
    /// came from one (its root key is the stack name), else the spec itself.
    fn place<'a>(&'a self, segments: &[&'a str]) -> Place<'a> {
        if segments.len() >= 2
            && segments[0] == "stacks"
            && let Some(file) = self.included.iter().find(|f| f.stack == segments[1])
        {
            return Place {
                file: &file.path,
                document: file.document(),
                text: &file.text,
                segments: segments[1..].to_vec(),
            };
        }
        Place {
            file: &self.path,
            document: self.document(),
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

    /// Another place a diagnostic is about: the value at `segments`, with what it is. `None`
    /// when the spec does not write that value (a router seisei adds itself).
    pub fn related_at(&self, segments: &[&str], label: impl Into<String>) -> Option<Related> {
        let place = self.place(segments);
        let span = place.document.value_or_parent(&place.segments)?;
        Some(Related {
            file: place.file.to_path_buf(),
            span,
            label: label.into(),
            masked: masks_near(place.document, span),
        })
    }

    /// [`Source::related_at`] at the key of `segments` instead of its value.
    pub fn related_at_key(&self, segments: &[&str], label: impl Into<String>) -> Option<Related> {
        let place = self.place(segments);
        let span = place.document.key_or_parent(&place.segments)?;
        Some(Related {
            file: place.file.to_path_buf(),
            span,
            label: label.into(),
            masked: masks_near(place.document, span),
        })
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
            let line: Vec<char> = crate::diagnostics::lines(place.text)
                .nth(span.line - 1)?
                .chars()
                .collect();
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
        self.document().first_key(segments).map(str::to_owned)
    }

    /// Sets `masked` on each diagnostic about the spec or an included file: the secrets
    /// written on the line it quotes, so no rendering shows them.
    pub fn mask(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics.iter_mut() {
            let document = if d.file == self.path {
                self.document()
            } else if let Some(file) = self.included.iter().find(|f| f.path == d.file) {
                file.document()
            } else {
                continue;
            };
            mask(document, std::slice::from_mut(d));
        }
    }

    /// Directory the spec's relative paths start from.
    pub fn base_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// The JSON Schema of platform.yaml as `schemars` derives it from the spec types. Deriving
/// and printing it took 1.3 ms of the 4 ms `check` of the Seisei platform, at every run, for
/// the same bytes, so it is derived once into this file; `schema_file_is_derived` keeps the
/// two equal (`SEISEI_BLESS=1 cargo test` rewrites it).
const SCHEMA: &str = include_str!("platform.schema.json");

/// The JSON Schema of platform.yaml, for editors (yaml-language-server) and `seisei schema`.
/// `comment` becomes the schema's `$comment`, which sorts first: the generated header.
pub fn json_schema(comment: Option<&str>) -> String {
    let Some(comment) = comment else {
        return SCHEMA.to_owned();
    };
    let (head, rest) = json_schema_pieces(comment);
    head + rest
}

/// [`json_schema`] with a comment, in two pieces: the lines up to the comment, then the
/// embedded schema's text as it is, which `check` compares without copying it.
pub fn json_schema_pieces(comment: &str) -> (String, &'static str) {
    // `$comment` sorts before every other key of the root object, so it is the first line
    // after the opening brace, as serde_json would print it.
    let rest = SCHEMA.strip_prefix("{\n").unwrap_or(SCHEMA);
    let quoted = serde_json::to_string(comment).unwrap_or_default();
    (format!("{{\n  \"$comment\": {quoted},\n"), rest)
}

/// The schema derived from the types now, printed as `json_schema` prints it.
#[cfg(test)]
fn derived_schema(comment: Option<&str>) -> String {
    let mut schema = schemars::schema_for!(Spec).to_value();
    if let (Some(comment), Some(object)) = (comment, schema.as_object_mut()) {
        object.insert("$comment".to_owned(), comment.into());
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads and parses the spec at `path`: a regular file (a link to one is followed) of at
/// most [`MAX_SPEC_BYTES`], read through [`crate::fsread`] so a device or FIFO is refused
/// before it is opened and a file that streams forever stops at the limit.
pub fn load(path: &Path) -> Result<Source, Vec<Diagnostic>> {
    let text = crate::fsread::read_text(path, MAX_SPEC_BYTES).map_err(|e| {
        let diagnostic = match e {
            crate::fsread::ReadError::NotUtf8 { valid } => {
                // The bytes before the first bad one are valid UTF-8.
                let before = String::from_utf8_lossy(&valid);
                let (line, column) = crate::diagnostics::line_column(&before);
                Diagnostic::new(
                    Code::InvalidYaml,
                    path,
                    Some(Span::point(line, column)),
                    "the spec is not valid UTF-8",
                )
                .with_help("save the file as UTF-8")
            }
            crate::fsread::ReadError::TooLarge { limit } => Diagnostic::new(
                Code::Io,
                path,
                None,
                format!("the spec is over the limit of {limit} bytes"),
            )
            .with_help("split the platform or remove what is not a stack definition"),
            other => Diagnostic::new(
                Code::Io,
                path,
                None,
                format!("cannot read the spec: {other}"),
            )
            .with_help(if other.is_not_found() {
                "pass the spec with `--spec PATH`, or run seisei next to platform.yaml"
            } else {
                "pass a regular file with `--spec PATH`"
            }),
        };
        vec![diagnostic]
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
    crate::diagnostics::reset_suggestion_budget();
    // A byte-order mark is harmless; strip it so columns on line 1 stay right.
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if crate::diagnostics::lines(&text)
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(vec![
            Diagnostic::new(Code::EmptySpec, path, None, "the spec is empty").with_help(
                "start from the README's example: a `platform`, a `traefik` and a `stacks` section",
            ),
        ]);
    }
    // A spec with nothing to report is read with no tree (`stream`); any other through the
    // tree, which says what is wrong and where.
    let (spec, credentials, tree) = match stream::spec(&text) {
        Some(spec) => (spec, Vec::new(), tree::Tree::default()),
        None => read_through_tree(path, &text)?,
    };
    let mut source = Source {
        spec,
        credentials,
        tree,
        text,
        path: path.to_path_buf(),
        included: Vec::new(),
    };
    include::include_stacks(&mut source, overlay).map_err(|mut found| {
        source.mask(&mut found);
        found
    })?;
    source.release_trees();
    Ok(source)
}

/// The typed spec read from the document tree, with the credentials the tree found and the
/// tree itself; or every problem of the text.
type ReadSpec = (Spec, Vec<(String, &'static str)>, tree::Tree);

fn read_through_tree(path: &Path, text: &str) -> Result<ReadSpec, Vec<Diagnostic>> {
    let mut document = parse_document(path, text)?;
    let root = document.root().ok_or_else(|| {
        vec![Diagnostic::new(
            Code::EmptySpec,
            path,
            None,
            "the spec is empty",
        )]
    })?;
    let spec: Spec = de::spec_on_two_threads(&document, root).map_err(|e| {
        let mut found = shape_errors(path, &document, &e);
        mask(&document, &mut found);
        found
    })?;
    let credentials = std::mem::take(&mut document.credentials);
    Ok((spec, credentials, tree::Tree::new(document)))
}

/// The parsed document of `text`, or its syntax errors, duplicate keys, tags and control
/// characters, each masked where it quotes a secret.
fn parse_document(path: &Path, text: &str) -> Result<Document, Vec<Diagnostic>> {
    let document = Document::parse(text).map_err(|e| {
        let mut diagnostic = Diagnostic::new(Code::InvalidYaml, path, Some(e.span), e.message);
        diagnostic.help = e.help;
        if indentation::is_indentation_message(&diagnostic.message)
            && let Some(fix) = indentation::diagnose(text, e.span.line)
        {
            diagnostic.span = Some(Span {
                line: fix.line,
                column: 1,
                end_line: fix.line,
                end_column: fix.found.max(1) + 1,
            });
            diagnostic.message = fix.message;
            diagnostic.help = Some(fix.help);
        }
        diagnostic.masked = unparsed_secrets(text, e.span.line);
        vec![diagnostic]
    })?;
    if document.findings.is_empty() {
        return Ok(document);
    }
    let mut found: Vec<Diagnostic> = document
        .findings
        .iter()
        .map(|(finding, span)| match finding {
            document::Finding::DuplicateKey { path: key, first } => Diagnostic::new(
                Code::DuplicateKey,
                path,
                Some(*span),
                format!("duplicate key `{}`", display_path(key)),
            )
            .with_help("remove one of the two entries; YAML keeps only one")
            .with_related(Some(Related {
                file: path.to_path_buf(),
                span: *first,
                label: "first written here".to_owned(),
                masked: masks_near(&document, *first),
            })),
            document::Finding::Tag { tag } => Diagnostic::new(
                Code::InvalidYaml,
                path,
                Some(*span),
                format!("the YAML tag `{tag}` is not supported"),
            )
            .with_help("remove the tag; seisei honours only `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` on values of their type"),
            document::Finding::TagMismatch { tag } => Diagnostic::new(
                Code::InvalidYaml,
                path,
                Some(*span),
                format!("the value tagged `{tag}` is not of that type"),
            )
            .with_help("remove the tag, or write a value of its type; quote the value if it must stay a string"),
            document::Finding::Control { path: at, character } => Diagnostic::new(
                Code::InvalidShape,
                path,
                Some(*span),
                format!(
                    "`{}` holds a control character (U+{:04X})",
                    display_path(at),
                    u32::from(*character)
                ),
            )
            .with_help("remove it: names and the text seisei prints or writes to Markdown (purposes, descriptions, notes) may hold only printable characters, tabs and line breaks"),
        })
        .collect();
    mask(&document, &mut found);
    Err(found)
}

/// Sets `masked` on each diagnostic: the secrets of `document` on the line it quotes.
fn mask(document: &Document, diagnostics: &mut [Diagnostic]) {
    if document.sensitive.is_empty() {
        return;
    }
    for d in diagnostics {
        let Some(span) = d.span else { continue };
        d.masked.extend(masks_near(document, span));
    }
}

/// The secrets of `document` that a snippet of `span`'s line can show. Only those: a line of
/// thousands of secrets must not give each of its diagnostics thousands of masks.
fn masks_near(document: &Document, span: Span) -> Vec<Span> {
    if document.sensitive.is_empty() {
        return Vec::new();
    }
    let near = crate::diagnostics::SHOWN_AROUND_CARET;
    let (low, high) = (span.column.saturating_sub(near), span.column + near);
    document
        .sensitive_on(span.line)
        .filter(|m| {
            let start = if m.line == span.line { m.column } else { 0 };
            let end = if m.end_line == span.line {
                m.end_column
            } else {
                usize::MAX
            };
            start <= high && end >= low
        })
        .copied()
        .collect()
}

/// Where a line that did not parse may hold a secret: what follows an `example:` or
/// `default:` key on it (the only fields a secret's value is written in), up to the end of
/// the line or of a flow value. Without a tree, a secret variable's example cannot be told
/// from another one, so every example and default on the line is masked.
fn unparsed_secrets(text: &str, line: usize) -> Vec<Span> {
    let Some(source) = crate::diagnostics::lines(text).nth(line.saturating_sub(1)) else {
        return Vec::new();
    };
    let chars: Vec<char> = source.chars().collect();
    let mut spans = Vec::new();
    for key in ["example:", "default:"] {
        for (at, _) in source.match_indices(key) {
            // A key starts the line's content or follows `{`, `,` or a blank.
            let before = source[..at].chars().next_back();
            if before.is_some_and(|c| !matches!(c, ' ' | '\t' | '{' | ',' | '-')) {
                continue;
            }
            let start = source[..at + key.len()].chars().count();
            let mut end = start;
            while end < chars.len() && !matches!(chars[end], ',' | '}' | ']') {
                end += 1;
            }
            let start = start + chars[start..end].iter().take_while(|c| **c == ' ').count();
            if start < end {
                spans.push(Span {
                    line,
                    column: start + 1,
                    end_line: line,
                    end_column: end + 1,
                });
            }
        }
    }
    spans
}

/// The top-level keys of the spec.
const SECTIONS: [&str; 7] = [
    "platform", "traefik", "networks", "stacks", "include", "env", "defaults",
];

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
    if let Some(v) = document.lookup(root, "env") {
        section(
            &["env"],
            v,
            section_error::<std::collections::BTreeMap<String, Variable>>,
        );
    }
    if let Some(v) = document.lookup(root, "defaults") {
        section(&["defaults"], v, section_error::<ServiceDefaults>);
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
    } else if let Some(variant) = backticked_after(&message, "unknown variant `")
        && view.last() == Some(&variant)
    {
        // A one-key map read as an enum (a middleware's kind): the key is the variant.
        document.key_or_parent(&view)
    } else {
        document.value_or_parent(&view)
    };
    let located = display_path(&path_key(&view));
    let mut diagnostic = shape_message(path, span.or(error.inner().span), &message);
    if !located.is_empty() {
        diagnostic.message = format!("{located}: {}", diagnostic.message);
    }
    compose_habits::explain(document, &view, &located, &mut diagnostic);
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

#[cfg(test)]
mod schema_tests {
    /// The embedded schema is what the types derive; a field added without re-deriving
    /// fails here, not in an editor.
    #[test]
    fn schema_file_is_derived() {
        let derived = super::derived_schema(None);
        if std::env::var_os("SEISEI_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/spec/platform.schema.json");
            std::fs::write(path, &derived).unwrap();
            return;
        }
        assert!(
            super::SCHEMA == derived,
            "src/spec/platform.schema.json is not what the spec types derive: \
             run `SEISEI_BLESS=1 cargo test --lib schema_file_is_derived`"
        );
        for comment in ["Generated by seisei.", "quotes \" \\ and `ticks`\n", ""] {
            assert_eq!(
                super::json_schema(Some(comment)),
                super::derived_schema(Some(comment))
            );
        }
    }
}
