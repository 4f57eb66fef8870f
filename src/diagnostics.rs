//! Problems found in a spec or on disk, as data: a stable code, a severity, a message, a
//! source position and a fix. Rendering turns them into compiler-style text with the source
//! line and a caret, or into one JSON object per line for editors and CI.

mod snippet;
mod suggest;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use snippet::Snippet;
pub use snippet::{LineIndex, MASK, SHOWN_AROUND_CARET, escape_controls, line_column, lines};
pub use suggest::{
    MAX_SUGGESTED_NAME, SUGGESTION_CELLS, closest, did_you_mean, name_list, reset_suggestion_budget,
};

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
    InvalidOption,
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
    /// A servers transport, TLS options or Traefik service reference that names nothing.
    UnknownTraefikObject,
    MiddlewareCycle,
    /// A grant or escape-hatch reference to a secret the stack does not declare.
    UnknownSecret,
    /// A grant or escape-hatch reference to a config the stack does not declare.
    UnknownConfig,
    // 03xx: collisions.
    DuplicateContainerName,
    DuplicateRouter,
    HostPortCollision,
    EscapeHatchCollision,
    DuplicatePath,
    /// A key set both by `env` and by `environment` of one service.
    DuplicateEnvironment,
    /// A `traefik.` label outside routes.
    TraefikLabel,
    /// A non-external network that several stacks join (Compose would split it).
    SplitNetwork,
    /// A shared volume neither owned nor external, or owned by a stack that does not mount it.
    SplitVolume,
    // 04xx: routing.
    RouteNetwork,
    RoutePort,
    InvalidRoute,
    RuleLint,
    RouteConflict,
    ShadowedRoute,
    ProviderTie,
    ProviderClaim,
    UnreachableRoute,
    UnpublishedEntrypoint,
    NotOnMount,
    UnknownTarget,
    PublicDashboard,
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
    // 07xx: the Swarm target.
    /// A setting `docker stack deploy` ignores or refuses, with the Swarm way to say it.
    SwarmUnsupported,
    /// Swarm settings that contradict each other or what Swarm accepts.
    SwarmSetting,
    /// A node-local volume on a service Swarm may start on any node.
    SwarmLocalVolume,
    // 08xx: defects `seisei import` finds in a hand-kept platform.
    /// Traefik router labels while the Docker provider is off.
    ImportDeadLabels,
    /// Traefik v2 rule syntax on a v3 Traefik.
    ImportV2Rule,
    /// A dynamic-file server naming no container, or a port it does not listen on.
    ImportUnknownBackend,
    /// A regular expression of a rule that is not anchored.
    ImportUnanchored,
    /// One host claimed by two routers that say nothing else.
    ImportSharedHost,
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
            Code::InvalidOption => "E0110",
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
            Code::UnknownTraefikObject => "E0212",
            Code::MiddlewareCycle => "E0213",
            Code::UnknownSecret => "E0214",
            Code::UnknownConfig => "E0215",
            Code::DuplicateContainerName => "E0301",
            Code::DuplicateRouter => "E0302",
            Code::HostPortCollision => "E0303",
            Code::EscapeHatchCollision => "E0304",
            Code::DuplicatePath => "E0305",
            Code::DuplicateEnvironment => "E0311",
            Code::TraefikLabel => "E0312",
            Code::SplitNetwork => "E0313",
            Code::SplitVolume => "E0314",
            Code::RouteNetwork => "E0401",
            Code::RoutePort => "E0402",
            Code::InvalidRoute => "E0403",
            Code::RuleLint => "W0404",
            Code::RouteConflict => "E0405",
            Code::ShadowedRoute => "W0406",
            Code::ProviderTie => "W0407",
            Code::ProviderClaim => "E0409",
            Code::UnreachableRoute => "W0408",
            Code::UnpublishedEntrypoint => "E0420",
            Code::NotOnMount => "E0421",
            Code::UnknownTarget => "E0422",
            Code::PublicDashboard => "E0423",
            Code::UnusedVariable => "W0501",
            Code::SecretValue => "E0502",
            Code::UnpinnedImage => "W0503",
            Code::PublishedDatabase => "W0504",
            Code::Credential => "E0505",
            Code::OutputPath => "E0601",
            Code::NotGenerated => "E0602",
            Code::Marker => "E0603",
            Code::ManifestEntry => "W0604",
            Code::SwarmUnsupported => "E0701",
            Code::SwarmSetting => "E0702",
            Code::SwarmLocalVolume => "W0703",
            Code::ImportDeadLabels => "W0801",
            Code::ImportV2Rule => "W0802",
            Code::ImportUnknownBackend => "W0803",
            Code::ImportUnanchored => "W0804",
            Code::ImportSharedHost => "W0805",
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
            Code::InvalidOption => "invalid-option",
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
            Code::UnknownTraefikObject => "unknown-traefik-object",
            Code::MiddlewareCycle => "middleware-cycle",
            Code::UnknownSecret => "unknown-secret",
            Code::UnknownConfig => "unknown-config",
            Code::DuplicateContainerName => "duplicate-container-name",
            Code::DuplicateRouter => "duplicate-router",
            Code::HostPortCollision => "host-port-collision",
            Code::EscapeHatchCollision => "escape-hatch-collision",
            Code::DuplicatePath => "duplicate-path",
            Code::DuplicateEnvironment => "duplicate-environment",
            Code::TraefikLabel => "traefik-label",
            Code::SplitNetwork => "split-network",
            Code::SplitVolume => "split-volume",
            Code::RouteNetwork => "route-network",
            Code::RoutePort => "route-port",
            Code::InvalidRoute => "invalid-route",
            Code::RuleLint => "rule-lint",
            Code::RouteConflict => "route-conflict",
            Code::ShadowedRoute => "shadowed-route",
            Code::ProviderTie => "provider-tie",
            Code::ProviderClaim => "provider-claim",
            Code::UnreachableRoute => "unreachable-route",
            Code::UnpublishedEntrypoint => "unpublished-entrypoint",
            Code::NotOnMount => "file-not-mounted",
            Code::UnknownTarget => "unknown-target",
            Code::PublicDashboard => "public-dashboard",
            Code::UnusedVariable => "unused-variable",
            Code::SecretValue => "secret-value",
            Code::UnpinnedImage => "unpinned-image",
            Code::PublishedDatabase => "published-database-port",
            Code::Credential => "credential",
            Code::OutputPath => "output-path",
            Code::NotGenerated => "not-generated",
            Code::Marker => "marker",
            Code::ManifestEntry => "manifest-entry",
            Code::SwarmUnsupported => "swarm-unsupported",
            Code::SwarmSetting => "swarm-setting",
            Code::SwarmLocalVolume => "swarm-local-volume",
            Code::ImportDeadLabels => "labels-without-docker-provider",
            Code::ImportV2Rule => "v2-rule-syntax",
            Code::ImportUnknownBackend => "unknown-backend",
            Code::ImportUnanchored => "unanchored-regexp",
            Code::ImportSharedHost => "shared-host",
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
    /// The other places the problem is about (the router it conflicts with, where a name was
    /// first declared), each shown with its own snippet after the main one.
    pub related: Vec<Related>,
}

/// A second place a diagnostic is about, with what it is (`first declared here`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: PathBuf,
    pub span: Span,
    pub label: String,
    /// Secrets on the quoted line, masked as in [`Diagnostic::masked`].
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
            related: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds another place the problem is about; `None` (a place with no position, such as a
    /// router seisei adds itself) adds nothing.
    #[must_use]
    pub fn with_related(mut self, related: Option<Related>) -> Self {
        self.related.extend(related);
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
        let own = |file: &Path| if file == self.file { lines } else { None };
        self.render_in(&own, color)
    }

    /// Renders with the lines of every file it quotes found through `lines`: the main place's
    /// file and those of [`Diagnostic::related`].
    pub fn render_in<'i>(
        &self,
        lines: &dyn Fn(&Path) -> Option<&'i LineIndex<'i>>,
        color: bool,
    ) -> String {
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
                let quoted = lines(&self.file).and_then(|l| l.line(span.line));
                let place = Place {
                    file: &file,
                    span,
                    line: quoted,
                    masked: &self.masked,
                };
                place.write(&mut out, &paint, ('^', severity_color), None);
            }
            None => {
                let _ = writeln!(out, "  {} {file}", paint("1;34", "-->"));
            }
        }
        for related in &self.related {
            let file = escape_controls(&related.file.display().to_string()).into_owned();
            let quoted = lines(&related.file).and_then(|l| l.line(related.span.line));
            let place = Place {
                file: &file,
                span: related.span,
                line: quoted,
                masked: &related.masked,
            };
            let label = escape_controls(&related.label);
            place.write(&mut out, &paint, ('-', "1;34"), Some(&label));
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
        let mut json = serde_json::json!({
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
        });
        // Only when there is one, so the objects of every other problem stay as they were.
        if !self.related.is_empty() {
            json["related"] = self
                .related
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "file": r.file.display().to_string(),
                        "line": r.span.line,
                        "column": r.span.column,
                        "end_line": r.span.end_line,
                        "end_column": r.span.end_column,
                        "label": r.label,
                    })
                })
                .collect();
        }
        json
    }
}

/// One place as printed: `--> file:line:column`, then the quoted line with marks under the
/// span and, for a related place, what it is.
struct Place<'a> {
    file: &'a str,
    span: Span,
    line: Option<&'a str>,
    masked: &'a [Span],
}

impl Place<'_> {
    fn write(
        &self,
        out: &mut String,
        paint: &dyn Fn(&str, &str) -> String,
        (mark, mark_color): (char, &str),
        label: Option<&str>,
    ) {
        let span = self.span;
        let _ = writeln!(
            out,
            "  {} {}:{}:{}",
            paint("1;34", "-->"),
            self.file,
            span.line,
            span.column
        );
        let Some(line) = self.line else { return };
        let gutter = span.line.to_string();
        let pad = " ".repeat(gutter.len());
        let snippet = Snippet::new(line, span, self.masked);
        let bar = paint("1;34", "|");
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{} {bar} {}", paint("1;34", &gutter), snippet.text);
        let marks = mark.to_string().repeat(snippet.width);
        let label = label.map(|l| format!(" {l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(snippet.indent),
            paint(mark_color, &format!("{marks}{label}"))
        );
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
    for r in diagnostics.iter().flat_map(|d| &d.related) {
        texts.entry(&r.file).or_insert_with(|| read(&r.file));
    }
    let indexes: BTreeMap<&Path, LineIndex<'_>> = texts
        .iter()
        .filter_map(|(path, text)| Some((*path, LineIndex::new(text.as_deref()?))))
        .collect();
    let mut out = String::new();
    let lookup = |file: &Path| indexes.get(file);
    for d in diagnostics {
        out.push_str(&d.render_in(&lookup, color));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A second place in another file is read once with the rest of the batch, printed with
    /// its own snippet and label, and carried in the JSON form; a diagnostic without one has
    /// no `related` key at all.
    #[test]
    fn related_places_render_in_their_own_file() {
        let d = Diagnostic::new(
            Code::DuplicateKey,
            Path::new("a.yaml"),
            Some(Span::point(2, 3)),
            "twice",
        )
        .with_related(Some(Related {
            file: PathBuf::from("b.yaml"),
            span: Span {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 4,
            },
            label: "first here".into(),
            masked: Vec::new(),
        }));
        let mut asked = Vec::new();
        let out = render_all(
            [&d],
            |p| {
                asked.push(p.to_path_buf());
                Some(Cow::Borrowed(if p == Path::new("a.yaml") {
                    "x\n  y: 1\n"
                } else {
                    "key: 2\n"
                }))
            },
            false,
        );
        assert_eq!(asked, [PathBuf::from("a.yaml"), PathBuf::from("b.yaml")]);
        assert_eq!(
            out,
            "error[E0104/duplicate-key]: twice\n  --> a.yaml:2:3\n  |\n2 |   y: 1\n  |   ^\n  --> b.yaml:1:1\n  |\n1 | key: 2\n  | --- first here\n"
        );
        assert_eq!(d.to_json()["related"][0]["file"], "b.yaml");
        assert_eq!(d.to_json()["related"][0]["label"], "first here");
        let plain = Diagnostic::new(Code::DuplicateKey, Path::new("a.yaml"), None, "x");
        assert!(plain.to_json().get("related").is_none());
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
