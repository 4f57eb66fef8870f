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
    ManifestEntry,
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
            Code::ManifestEntry => "W0604",
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
            Code::ManifestEntry => "manifest-entry",
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
}

impl Diagnostic {
    pub fn new(code: Code, file: &Path, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            file: file.to_path_buf(),
            span,
            help: None,
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
            paint("1", &self.message)
        );
        match self.span {
            Some(span) => {
                let _ = writeln!(
                    out,
                    "  {} {}:{}:{}",
                    paint("1;34", "-->"),
                    self.file.display(),
                    span.line,
                    span.column
                );
                if let Some(line) = lines.and_then(|l| l.line(span.line)) {
                    let gutter = span.line.to_string();
                    let pad = " ".repeat(gutter.len());
                    let snippet = Snippet::new(line, span);
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
                let _ = writeln!(out, "  {} {}", paint("1;34", "-->"), self.file.display());
            }
        }
        if let Some(help) = &self.help {
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
/// Lines are those of [`str::lines`]: split at `\n`, with a `\r` before it dropped.
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
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(i, b)| b == b'\n' && i + 1 < text.len())
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
            None => line,
        })
    }
}

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
    fn new(line: &str, span: Span) -> Snippet {
        // Tabs become one space each, so a caret column is a character count.
        let chars: Vec<char> = line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let caret = span.column.saturating_sub(1);
        let width = if span.end_line == span.line {
            span.end_column.saturating_sub(span.column).max(1)
        } else {
            chars.len().saturating_sub(caret).max(1)
        };
        if chars.len() <= LONG_LINE {
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
        if start > 0 {
            text.push('…');
            indent += 1;
        }
        text.extend(&chars[start..end]);
        if end < chars.len() {
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

/// Sorts problems by file and position so output reads top to bottom, then by code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.span, a.code, &a.message).cmp(&(&b.file, b.span, b.code, &b.message))
    });
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity() == Severity::Error)
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// "did you mean `edge`?", or nothing when no candidate is close.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Edit distance where swapping two neighbouring characters counts as one edit (optimal
/// string alignment), the most common typo. Names are short, so the full table is fine.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("egde", ["edge", "odoo18"]), Some("edge"));
        assert_eq!(closest("backend", ["edge", "odoo18"]), None);
    }

    /// The index finds the lines `str::lines` finds, line breaks of either kind included.
    #[test]
    fn line_index_agrees_with_lines() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\rb\n",
            "\n\nc",
            "x\r",
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
