//! Problems found in a spec or on disk, as data: a stable code, a severity, a message, a
//! source position and a fix. Rendering turns them into compiler-style text with the source
//! line and a caret, or into one JSON object per line for editors and CI.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors stop `gen`; warnings are printed and never fail a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Every kind of problem seisei reports. The code (`E0203`) and the slug
/// (`unknown-network`) are stable: scripts and editors may match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    // 01xx: reading and shape.
    Io,
    InvalidYaml,
    InvalidShape,
    DuplicateKey,
    EmptySpec,
    // 02xx: names and references.
    InvalidName,
    UnknownNetwork,
    UnknownVolume,
    UnknownService,
    UnknownStack,
    UnknownMiddleware,
    UnknownEntrypoint,
    UnknownCertResolver,
    UnknownVariable,
    ExtendsCycle,
    // 03xx: collisions.
    DuplicateContainerName,
    DuplicateRouter,
    HostPortCollision,
    EscapeHatchCollision,
    DuplicatePath,
    // 04xx: routing.
    RouteNetwork,
    RoutePort,
    InvalidRoute,
    RuleLint,
    RouteConflict,
    ShadowedRoute,
    ProviderTie,
    UnreachableRoute,
    // 05xx: hygiene.
    UnusedVariable,
    SecretValue,
    UnpinnedImage,
    PublishedDatabase,
    Credential,
    // 06xx: the output tree.
    OutputPath,
    NotGenerated,
    Marker,
}

impl Code {
    /// The stable identifier, e.g. `E0203`.
    pub fn id(self) -> &'static str {
        match self {
            Code::Io => "E0101",
            Code::InvalidYaml => "E0102",
            Code::InvalidShape => "E0103",
            Code::DuplicateKey => "E0104",
            Code::EmptySpec => "E0105",
            Code::InvalidName => "E0201",
            Code::UnknownNetwork => "E0203",
            Code::UnknownVolume => "E0204",
            Code::UnknownService => "E0205",
            Code::UnknownStack => "E0206",
            Code::UnknownMiddleware => "E0207",
            Code::UnknownEntrypoint => "E0208",
            Code::UnknownCertResolver => "E0209",
            Code::UnknownVariable => "E0210",
            Code::ExtendsCycle => "E0211",
            Code::DuplicateContainerName => "E0301",
            Code::DuplicateRouter => "E0302",
            Code::HostPortCollision => "E0303",
            Code::EscapeHatchCollision => "E0304",
            Code::DuplicatePath => "E0305",
            Code::RouteNetwork => "E0401",
            Code::RoutePort => "E0402",
            Code::InvalidRoute => "E0403",
            Code::RuleLint => "W0404",
            Code::RouteConflict => "E0405",
            Code::ShadowedRoute => "W0406",
            Code::ProviderTie => "W0407",
            Code::UnreachableRoute => "W0408",
            Code::UnusedVariable => "W0501",
            Code::SecretValue => "E0502",
            Code::UnpinnedImage => "W0503",
            Code::PublishedDatabase => "W0504",
            Code::Credential => "E0505",
            Code::OutputPath => "E0601",
            Code::NotGenerated => "E0602",
            Code::Marker => "E0603",
        }
    }

    /// The stable human-readable name, e.g. `unknown-network`.
    pub fn slug(self) -> &'static str {
        match self {
            Code::Io => "io",
            Code::InvalidYaml => "invalid-yaml",
            Code::InvalidShape => "invalid-shape",
            Code::DuplicateKey => "duplicate-key",
            Code::EmptySpec => "empty-spec",
            Code::InvalidName => "invalid-name",
            Code::UnknownNetwork => "unknown-network",
            Code::UnknownVolume => "unknown-volume",
            Code::UnknownService => "unknown-service",
            Code::UnknownStack => "unknown-stack",
            Code::UnknownMiddleware => "unknown-middleware",
            Code::UnknownEntrypoint => "unknown-entrypoint",
            Code::UnknownCertResolver => "unknown-cert-resolver",
            Code::UnknownVariable => "unknown-variable",
            Code::ExtendsCycle => "extends-cycle",
            Code::DuplicateContainerName => "duplicate-container-name",
            Code::DuplicateRouter => "duplicate-router",
            Code::HostPortCollision => "host-port-collision",
            Code::EscapeHatchCollision => "escape-hatch-collision",
            Code::DuplicatePath => "duplicate-path",
            Code::RouteNetwork => "route-network",
            Code::RoutePort => "route-port",
            Code::InvalidRoute => "invalid-route",
            Code::RuleLint => "rule-lint",
            Code::RouteConflict => "route-conflict",
            Code::ShadowedRoute => "shadowed-route",
            Code::ProviderTie => "provider-tie",
            Code::UnreachableRoute => "unreachable-route",
            Code::UnusedVariable => "unused-variable",
            Code::SecretValue => "secret-value",
            Code::UnpinnedImage => "unpinned-image",
            Code::PublishedDatabase => "published-database-port",
            Code::Credential => "credential",
            Code::OutputPath => "output-path",
            Code::NotGenerated => "not-generated",
            Code::Marker => "marker",
        }
    }

    pub fn severity(self) -> Severity {
        if self.id().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

/// A position in a source file: 1-based line and column (columns count characters), plus
/// the end of the span on the same or a later line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    pub fn point(line: usize, column: usize) -> Span {
        Span {
            line,
            column,
            end_line: line,
            end_column: column + 1,
        }
    }
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub file: PathBuf,
    /// `None` for problems that are not about a place in a file (a missing spec file).
    pub span: Option<Span>,
    /// What to do about it, as an imperative sentence.
    pub help: Option<String>,
    /// Places in `self.file` that hold a secret (the example of a secret variable, a value
    /// that looks like a credential): a quoted source line shows `****` there instead.
    pub masked: Vec<Span>,
}

impl Diagnostic {
    pub fn new(code: Code, file: &Path, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            file: file.to_path_buf(),
            span,
            help: None,
            masked: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Renders like a compiler: location, message, the source line with a caret under the
    /// span, then the fix. `source` is the text of `self.file`, when it could be read.
    pub fn render(&self, source: Option<&str>) -> String {
        self.render_styled(source, false)
    }

    /// [`Diagnostic::render`] with ANSI colours when `color` is set: the severity, the
    /// location arrow, the caret and the fix stand out on a terminal. It indexes `source`
    /// for this one diagnostic; a batch of them is rendered with [`render_all`], which indexes
    /// each file once.
    pub fn render_styled(&self, source: Option<&str>, color: bool) -> String {
        self.render_indexed(source.map(LineIndex::new).as_ref(), color)
    }

    /// [`Diagnostic::render_styled`] with the lines of `self.file` already indexed.
    pub fn render_indexed(&self, lines: Option<&LineIndex<'_>>, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_owned()
            }
        };
        let severity_color = match self.severity() {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
        };
        let mut out = String::new();
        let label = format!(
            "{}[{}/{}]",
            self.severity().label(),
            self.code.id(),
            self.code.slug()
        );
        let _ = writeln!(
            out,
            "{}: {}",
            paint(severity_color, &label),
            paint("1", &escape_controls(&self.message))
        );
        let file = escape_controls(&self.file.display().to_string()).into_owned();
        match self.span {
            Some(span) => {
                let _ = writeln!(
                    out,
                    "  {} {}:{}:{}",
                    paint("1;34", "-->"),
                    file,
                    span.line,
                    span.column
                );
                if let Some(line) = lines.and_then(|l| l.line(span.line)) {
                    let gutter = span.line.to_string();
                    let pad = " ".repeat(gutter.len());
                    let snippet = Snippet::new(line, span, &self.masked);
                    let bar = paint("1;34", "|");
                    let _ = writeln!(out, "{pad} {bar}");
                    let _ = writeln!(out, "{} {bar} {}", paint("1;34", &gutter), snippet.text);
                    let carets = "^".repeat(snippet.width);
                    let _ = writeln!(
                        out,
                        "{pad} {bar} {}{}",
                        " ".repeat(snippet.indent),
                        paint(severity_color, &carets)
                    );
                }
            }
            None => {
                let _ = writeln!(out, "  {} {file}", paint("1;34", "-->"));
            }
        }
        if let Some(help) = &self.help {
            let help = escape_controls(help);
            let _ = writeln!(out, "  {} {help}", paint("1;36", "= help:"));
        }
        out
    }

    /// One JSON object, for `--format json`.
    pub fn to_json(&self) -> serde_json::Value {
        let span = self.span.unwrap_or_default();
        serde_json::json!({
            "code": self.code.id(),
            "name": self.code.slug(),
            "severity": self.severity().label(),
            "message": self.message,
            "file": self.file.display().to_string(),
            "line": span.line,
            "column": span.column,
            "end_line": span.end_line,
            "end_column": span.end_column,
            "suggestion": self.help,
        })
    }
}

/// Renders a batch of diagnostics in order. `read` gives the text of a file (the spec's is
/// already in memory; others are read from disk), and is asked once per file: each file is
/// read and indexed once, so N problems in a file of N lines take linear time, not the
/// quadratic time of finding every line from the top of the file.
pub fn render_all<'a, 't>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    mut read: impl FnMut(&Path) -> Option<Cow<'t, str>>,
    color: bool,
) -> String {
    let diagnostics: Vec<&Diagnostic> = diagnostics.into_iter().collect();
    let mut texts: BTreeMap<&Path, Option<Cow<'t, str>>> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.span.is_some()) {
        texts.entry(&d.file).or_insert_with(|| read(&d.file));
    }
    let indexes: BTreeMap<&Path, LineIndex<'_>> = texts
        .iter()
        .filter_map(|(path, text)| Some((*path, LineIndex::new(text.as_deref()?))))
        .collect();
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.render_indexed(indexes.get(d.file.as_path()), color));
    }
    out
}

/// Where each line of a text starts, built in one pass so that finding line N is a lookup.
/// Lines are those YAML sees: split at `\n`, `\r\n` or a lone `\r` (old Mac files), the
/// break dropped, as [`lines`] splits them.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = Vec::new();
        if !text.is_empty() {
            starts.push(0);
        }
        let bytes = text.as_bytes();
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| {
                    (b == b'\n' || b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                        && i + 1 < text.len()
                })
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// Line `number` (1-based) without its line break, or `None` past the end.
    pub fn line(&self, number: usize) -> Option<&'a str> {
        let start = *self.starts.get(number.checked_sub(1)?)?;
        let end = self.starts.get(number).copied().unwrap_or(self.text.len());
        let line = &self.text[start..end];
        Some(match line.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => line.strip_suffix('\r').unwrap_or(line),
        })
    }
}

/// The lines of `text` as YAML reads them: split at `\n`, `\r\n` or a lone `\r`, the
/// breaks dropped; like [`str::lines`], a final break ends the last line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let text = rest?;
        let Some(at) = text.find(['\n', '\r']) else {
            rest = None;
            return Some(text);
        };
        let width = if text[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = Some(&text[at + width..]).filter(|t| !t.is_empty());
        Some(&text[..at])
    })
}

/// The 1-based line and column just after `before`, counting lines as [`lines`] does and
/// columns in characters.
pub fn line_column(before: &str) -> (usize, usize) {
    let bytes = before.as_bytes();
    let mut line = 1;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            line += 1;
            start = i + 1;
        }
    }
    (line, before[start..].chars().count() + 1)
}

/// `text` with every control character written as a Rust escape (`\u{1b}`), so text taken
/// from a spec (a stack name, a message quoting a value) cannot move the cursor, clear the
/// screen or start a hyperlink on the terminal that shows a diagnostic.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// No character further than this from the caret is ever shown in a snippet: masks beyond
/// it need not be kept with a diagnostic.
pub const SHOWN_AROUND_CARET: usize = LONG_LINE + REGION;

/// What a masked secret looks like in a quoted source line.
pub const MASK: &str = "****";

/// Lines longer than this many characters are shown as a window around the caret: a
/// minified or generated line of megabytes would otherwise fill the terminal.
const LONG_LINE: usize = 200;
/// Characters shown before the caret in a window.
const WINDOW_BEFORE: usize = 40;
/// Characters shown in a window in all.
const WINDOW: usize = 120;

/// The source line as printed under a diagnostic, with where its carets go.
struct Snippet {
    text: String,
    /// Columns before the first caret.
    indent: usize,
    /// Number of carets.
    width: usize,
}

impl Snippet {
    fn new(line: &str, span: Span, masked: &[Span]) -> Snippet {
        // A long line is cut to a region around the caret before anything else, so each
        // diagnostic on a line of megabytes costs the window, not the line.
        let (skipped, region, more) = region(line, span.column.saturating_sub(1));
        let shift = |m: &Span| {
            let on_line = |l: usize| l == span.line;
            Span {
                column: if on_line(m.line) { m.column.saturating_sub(skipped).max(1) } else { m.column },
                end_column: if on_line(m.end_line) { m.end_column.saturating_sub(skipped).max(1) } else { m.end_column },
                ..*m
            }
        };
        let masked: Vec<Span> = masked.iter().map(shift).collect();
        // Tabs become one space each, so a caret column is a character count. Control
        // characters (a raw `\r` of a mixed-ending file) become `?` for the same reason.
        let chars: Vec<char> = region
            .chars()
            .map(|c| match c {
                '\t' => ' ',
                c if c.is_control() => '?',
                c => c,
            })
            .collect();
        let (chars, span) = mask(chars, shift(&span), &masked);
        let caret = span.column.saturating_sub(1);
        let width = if span.end_line == span.line {
            span.end_column.saturating_sub(span.column).max(1)
        } else {
            chars.len().saturating_sub(caret).max(1)
        };
        if skipped == 0 && !more && chars.len() <= LONG_LINE {
            return Snippet {
                text: chars.into_iter().collect(),
                indent: caret,
                width,
            };
        }
        // A window around the caret, full width even when the caret is near either end.
        let end = (caret.saturating_sub(WINDOW_BEFORE) + WINDOW).min(chars.len());
        let start = end
            .saturating_sub(WINDOW)
            .min(caret.saturating_sub(WINDOW_BEFORE));
        let mut text = String::new();
        let mut indent = caret - start;
        if start > 0 || skipped > 0 {
            text.push('…');
            indent += 1;
        }
        text.extend(&chars[start..end]);
        if end < chars.len() || more {
            text.push('…');
        }
        // Carets stop at the window's edge; one stays even for a caret past the line's end.
        let width = width.min(end.saturating_sub(caret)).max(1);
        Snippet {
            text,
            indent,
            width,
        }
    }
}

/// Characters kept on either side of the caret when a long line is cut to a region: more
/// than a window, so the window is the same as on the whole line.
const REGION: usize = WINDOW + 8;

/// The part of `line` around character `caret`: how many characters were skipped before it,
/// the part, and whether characters follow it. A line short enough to show whole is kept.
fn region(line: &str, caret: usize) -> (usize, &str, bool) {
    let ascii = line.is_ascii();
    if line.len() <= LONG_LINE || !ascii && line.chars().nth(LONG_LINE).is_none() {
        return (0, line, false);
    }
    let first = caret.saturating_sub(REGION);
    let last = caret + REGION;
    // Byte offsets of characters `first` and `last`: direct for ASCII, counted otherwise.
    let (start, end) = if ascii {
        (first.min(line.len()), last.min(line.len()))
    } else {
        let mut offsets = line.char_indices().map(|(i, _)| i).chain([line.len()]);
        let start = offsets.by_ref().nth(first).unwrap_or(line.len());
        let end = offsets.nth(last - first - 1).unwrap_or(line.len());
        (start, end)
    };
    let skipped = if ascii || start < line.len() {
        first.min(start)
    } else {
        line.chars().count()
    };
    if skipped == 0 && end == line.len() {
        return (0, line, false);
    }
    (skipped, &line[start..end], end < line.len())
}

/// `chars` (line `span.line`) with each masked range on it replaced by [`MASK`], and `span`
/// moved to match: a caret after a mask shifts with it, one inside it covers the mask.
fn mask(chars: Vec<char>, span: Span, masked: &[Span]) -> (Vec<char>, Span) {
    let (line, len) = (span.line, chars.len());
    // The masked ranges on this line, as 0-based half-open character ranges, merged.
    let mut ranges: Vec<(usize, usize)> = masked
        .iter()
        .filter(|m| m.line <= line && line <= m.end_line.max(m.line))
        .map(|m| {
            let start = if m.line == line { m.column.max(1) - 1 } else { 0 };
            let end = if m.end_line == line {
                m.end_column.max(1) - 1
            } else {
                len
            };
            (start.min(len), end.min(len))
        })
        .filter(|(start, end)| start < end)
        .collect();
    if ranges.is_empty() {
        return (chars, span);
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    // `map[i]`: where old character `i` (or the mask that covers it) starts in the new line.
    let mut out = Vec::with_capacity(len);
    let mut map = vec![0usize; len + 1];
    let mut i = 0;
    for &(start, end) in &merged {
        while i < start {
            map[i] = out.len();
            out.push(chars[i]);
            i += 1;
        }
        let at = out.len();
        out.extend(MASK.chars());
        map[start..end].fill(at);
        i = end;
    }
    while i < len {
        map[i] = out.len();
        out.push(chars[i]);
        i += 1;
    }
    map[len] = out.len();
    // A 0-based boundary in the old line → the new line; past the end stays past the end.
    let boundary = |old: usize| {
        if old > len {
            return out.len() + (old - len);
        }
        match merged.iter().find(|&&(s, e)| s < old && old < e) {
            Some(&(s, _)) => map[s] + MASK.chars().count(),
            None => map[old],
        }
    };
    let column = map[span.column.saturating_sub(1).min(len)] + 1
        + span.column.saturating_sub(1).saturating_sub(len);
    let end_column = if span.end_line == span.line {
        (boundary(span.end_column.saturating_sub(1)) + 1).max(column + 1)
    } else {
        span.end_column
    };
    (
        out,
        Span {
            column,
            end_column,
            ..span
        },
    )
}

/// Sorts problems by file and position so output reads top to bottom, then by code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.span, a.code, &a.message).cmp(&(&b.file, b.span, b.code, &b.message))
    });
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity() == Severity::Error)
}

/// Names longer than this get no "did you mean": a typo is found in names people type, and
/// comparing two long names costs their lengths multiplied.
pub const MAX_SUGGESTED_NAME: usize = 64;

/// Table cells all suggestions of one stage (reading, validating) may compute together: a
/// spec of thousands of misspelt references to thousands of long names would otherwise take
/// minutes. Each suggestion is cheap; only a hostile number of them runs out, and the rest of
/// the diagnostics then simply go without a "did you mean".
pub const SUGGESTION_CELLS: u64 = 20_000_000;

thread_local! {
    /// What is left of [`SUGGESTION_CELLS`] on this thread. Per thread, so tests that
    /// compile specs in parallel do not share it; stages run on one thread, so the same
    /// input gets the same suggestions.
    static SUGGESTION_BUDGET: std::cell::Cell<u64> = const { std::cell::Cell::new(SUGGESTION_CELLS) };
}

/// Gives the stage that starts now the whole [`SUGGESTION_CELLS`].
pub fn reset_suggestion_budget() {
    SUGGESTION_BUDGET.set(SUGGESTION_CELLS);
}

/// Up to `max` names, then how many more: `a, b, c and 12 more`. Help texts list known
/// names; a spec with thousands of them must not make every message megabytes long.
pub fn name_list<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let mut names = names.into_iter();
    let shown: Vec<&str> = names.by_ref().take(max).collect();
    let rest = names.count();
    let mut text = shown.join(", ");
    if rest > 0 {
        let _ = write!(text, " and {rest} more");
    }
    text
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
///
/// Bounded so that hostile input cannot make it slow: a name over [`MAX_SUGGESTED_NAME`]
/// characters is not compared at all, a candidate whose length differs by more than the
/// allowed distance is skipped before any work, and the distance is computed only inside
/// the band of that width, stopping as soon as every cell of a row is over the limit. One
/// comparison costs at most 65 × 43 cells, whatever the input, and all of a stage's
/// comparisons together at most [`SUGGESTION_CELLS`].
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name: Vec<char> = name.chars().take(MAX_SUGGESTED_NAME + 1).collect();
    if name.len() > MAX_SUGGESTED_NAME {
        return None;
    }
    let limit = (name.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut other = Vec::with_capacity(MAX_SUGGESTED_NAME + limit);
    for candidate in candidates {
        // The length in characters is at least the byte length over four; both bounds are
        // checked before the candidate is decoded.
        if candidate.len() / 4 > name.len() + limit || candidate.len() + limit < name.len() {
            continue;
        }
        other.clear();
        other.extend(candidate.chars().take(name.len() + limit + 1));
        if other.len().abs_diff(name.len()) > limit {
            continue;
        }
        let bound = best.map_or(limit, |(d, _)| d);
        let cost = (name.len() as u64 + 1) * (2 * bound as u64 + 1);
        let left = SUGGESTION_BUDGET.get();
        if left < cost {
            SUGGESTION_BUDGET.set(0);
            return None;
        }
        SUGGESTION_BUDGET.set(left - cost);
        if let Some(distance) = bounded_distance(&name, &other, bound)
            && best.is_none_or(|(d, c)| (distance, candidate) < (d, c))
        {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `edge`?", or nothing when no candidate is close.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Edit distance where swapping two neighbouring characters counts as one edit (optimal
/// string alignment), the most common typo; `None` when it is over `limit`. Only cells
/// within `limit` of the diagonal can hold a distance of at most `limit`, so only those are
/// computed, in three rolling rows.
fn bounded_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let far = limit + 1;
    let width = b.len() + 1;
    let mut before = vec![far; width];
    let mut previous: Vec<usize> = (0..width).map(|j| j.min(far)).collect();
    let mut current = vec![far; width];
    for i in 1..=a.len() {
        current.fill(far);
        if i <= limit {
            current[0] = i;
        }
        let low = i.saturating_sub(limit).max(1);
        let high = (i + limit).min(b.len());
        let mut row_best = current[0];
        for j in low..=high {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(before[j - 2] + 1);
            }
            current[j] = cell.min(far);
            row_best = row_best.min(current[j]);
        }
        if row_best > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|d| *d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("egde", ["edge", "odoo18"]), Some("edge"));
        assert_eq!(closest("backend", ["edge", "odoo18"]), None);
    }

    /// The index finds the lines `str::lines` finds when no lone `\r` is in the text, line
    /// breaks of either kind included.
    #[test]
    fn line_index_agrees_with_lines() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "\n\nc",
            "x\r\n\r\n",
        ] {
            let index = LineIndex::new(text);
            let lines: Vec<&str> = text.lines().collect();
            for number in 0..=lines.len() + 1 {
                let expected = number.checked_sub(1).and_then(|i| lines.get(i).copied());
                assert_eq!(index.line(number), expected, "{text:?} line {number}");
            }
        }
    }

    /// A lone `\r` ends a line, as it does for the YAML parser (old Mac files).
    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let index = LineIndex::new("a\rb\r\nc\rd\r");
        let found: Vec<_> = (1..=5).map(|n| index.line(n)).collect();
        assert_eq!(found, [Some("a"), Some("b"), Some("c"), Some("d"), None]);
        assert_eq!(lines("a\rb\n\rc").collect::<Vec<_>>(), ["a", "b", "", "c"]);
        assert_eq!(line_column("ab\rcd"), (2, 3));
        assert_eq!(line_column("ab\r\ncd"), (2, 3));
    }

    /// The distance with a band and an early exit agrees with the full table.
    #[test]
    fn bounded_distance_agrees_with_the_full_table() {
        fn full(a: &[char], b: &[char]) -> usize {
            let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in t.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in t[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut best = (t[i - 1][j] + 1).min(t[i][j - 1] + 1).min(t[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        best = best.min(t[i - 2][j - 2] + 1);
                    }
                    t[i][j] = best;
                }
            }
            t[a.len()][b.len()]
        }
        let words = ["", "a", "ab", "ba", "edge", "egde", "odoo18", "backend", "abcdef", "badcfe", "kitten", "sitting", "ca", "abc"];
        for a in words {
            for b in words {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let exact = full(&x, &y);
                for limit in 0..5 {
                    assert_eq!(bounded_distance(&x, &y, limit), Some(exact).filter(|d| *d <= limit), "{a} {b} {limit}");
                }
            }
        }
    }

    /// A long name is not compared, so a hostile spec of long names stays fast.
    #[test]
    fn long_names_get_no_suggestion() {
        let long = "n".repeat(MAX_SUGGESTED_NAME + 1);
        assert_eq!(closest(&long, [long.as_str()]), None);
        let fit = "n".repeat(MAX_SUGGESTED_NAME);
        let near = format!("{}m", "n".repeat(MAX_SUGGESTED_NAME - 1));
        assert_eq!(closest(&fit, [near.as_str()]), Some(near.as_str()));
    }

    /// A secret on the quoted line is shown as `****`, and the caret still points where it did.
    #[test]
    fn masks_secrets_on_the_quoted_line() {
        let line = "    TOKEN: {secret: true, example: hunter2hunter2, descripton: x}";
        let value = line.find("hunter2").unwrap() + 1;
        let key = line.find("descripton").unwrap() + 1;
        let d = Diagnostic {
            masked: vec![Span { line: 1, column: value, end_line: 1, end_column: value + 14 }],
            ..Diagnostic::new(
                Code::InvalidShape,
                Path::new("platform.yaml"),
                Some(Span { line: 1, column: key, end_line: 1, end_column: key + 10 }),
                "unknown field `descripton`",
            )
        };
        let text = d.render(Some(line));
        assert!(!text.contains("hunter2"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let source = lines[3].strip_prefix("1 | ").unwrap();
        let carets = lines[4].strip_prefix("  | ").unwrap();
        assert!(source.contains("example: ****, descripton"), "{source}");
        let under: String = source.chars().skip(carets.find('^').unwrap()).take(10).collect();
        assert_eq!(under, "descripton", "{text}");
        // A caret on the secret itself covers the mask.
        let on = Diagnostic { span: d.masked.first().copied(), ..d.clone() };
        let text = on.render(Some(line));
        let carets = text.lines().nth(4).unwrap().strip_prefix("  | ").unwrap();
        assert_eq!(carets.trim(), "^^^^", "{text}");
    }

    /// Control characters in a message or path are shown escaped.
    #[test]
    fn control_characters_are_escaped() {
        let d = Diagnostic::new(Code::InvalidName, Path::new("a\u{1b}[2J.yaml"), None, "stack `x\u{1b}[2J`");
        let text = d.render(None);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("stack `x\\u{1b}[2J`"), "{text}");
    }

    /// A batch renders as its diagnostics one by one, each file asked for once.
    #[test]
    fn render_all_reads_each_file_once() {
        let spec = "a: 1\nb: 2\nc: 3\n";
        let at = |line| {
            Diagnostic::new(
                Code::DuplicateKey,
                Path::new("platform.yaml"),
                Some(Span::point(line, 1)),
                "duplicate key",
            )
        };
        let batch = [at(3), at(1), at(2)];
        let mut reads = 0;
        let text = render_all(
            &batch,
            |_| {
                reads += 1;
                Some(Cow::Borrowed(spec))
            },
            false,
        );
        assert_eq!(reads, 1);
        let one_by_one: String = batch.iter().map(|d| d.render(Some(spec))).collect();
        assert_eq!(text, one_by_one);
    }

    /// A long line is cut to a window around the caret, marked with `…` at each cut, and the
    /// caret stays under the character it points at.
    #[test]
    fn long_lines_show_a_window_around_the_caret() {
        let line = format!("key: {}BAD{}", "x".repeat(300), "y".repeat(300));
        let column = line.find("BAD").unwrap() + 1;
        let d = Diagnostic::new(
            Code::InvalidShape,
            Path::new("platform.yaml"),
            Some(Span {
                line: 1,
                column,
                end_line: 1,
                end_column: column + 3,
            }),
            "bad value",
        );
        let text = d.render(Some(&line));
        let lines: Vec<&str> = text.lines().collect();
        let (source, carets) = (lines[3], lines[4]);
        let source = source.strip_prefix("1 | ").unwrap();
        let carets = carets.strip_prefix("  | ").unwrap();
        assert!(source.starts_with('…') && source.ends_with('…'), "{source}");
        assert_eq!(source.chars().count(), WINDOW + 2);
        let under: String = source
            .chars()
            .skip(carets.find('^').unwrap())
            .take(carets.trim_start().len())
            .collect();
        assert_eq!(under, "BAD", "{text}");
        // Near the start of the line there is nothing to cut before the caret.
        let early = Diagnostic {
            span: Some(Span::point(1, 6)),
            ..d.clone()
        };
        let text = early.render(Some(&line));
        let source = text.lines().nth(3).unwrap().strip_prefix("1 | ").unwrap();
        assert!(
            source.starts_with("key: x") && source.ends_with('…'),
            "{source}"
        );
        assert_eq!(text.lines().nth(4), Some("  |      ^"));
        // A short line is printed whole.
        assert!(d.render(Some("key: BAD")).contains("1 | key: BAD\n"));
    }

    #[test]
    fn renders_caret_under_span() {
        let d = Diagnostic::new(
            Code::UnknownNetwork,
            Path::new("platform.yaml"),
            Some(Span {
                line: 2,
                column: 15,
                end_line: 2,
                end_column: 19,
            }),
            "unknown network `egde`",
        )
        .with_help("did you mean `edge`?");
        let text = d.render(Some("stacks:\n    networks: [egde]\n"));
        assert_eq!(
            text,
            "error[E0203/unknown-network]: unknown network `egde`\n  --> platform.yaml:2:15\n  |\n2 |     networks: [egde]\n  |               ^^^^\n  = help: did you mean `edge`?\n"
        );
    }
}
