//! seisei compiles one `platform.yaml` into every file a Docker Compose platform behind a
//! Traefik v3 edge proxy needs, and checks that what is committed matches.
//!
//! The pipeline, in reading order: [`spec`] reads the file, [`model`] validates and
//! resolves it, [`render`] turns it into artifacts through askama templates, and
//! [`output`] writes them (`gen`) or compares them with the tree (`check`). [`traefik`]
//! holds the Traefik rules knowledge; [`diagnostics`] the problems and how they print.
//! This crate is the library; the command-line layer (argument parsing and one function
//! per subcommand) lives with the binary, in `main.rs`, and only calls in.

pub mod diagnostics;
pub mod edit;
pub mod encode;
pub mod explain;
pub mod fsread;
pub mod import;
pub mod layout;
pub mod model;
pub mod output;
mod parallel;
pub mod render;
pub mod spec;
pub mod traefik;

use std::path::{Path, PathBuf};

use diagnostics::{Code, Diagnostic};

/// Exit code: success, or `check` found the tree up to date.
pub const EXIT_OK: u8 = 0;
/// Exit code: `check` found stale, missing or orphaned files.
pub const EXIT_STALE: u8 = 1;
/// Exit code: invalid spec, or an I/O error.
pub const EXIT_ERROR: u8 = 2;

/// A loaded, validated platform and where its output goes, not yet rendered.
pub struct Built {
    pub source: spec::Source,
    pub model: model::Model,
    pub warnings: Vec<Diagnostic>,
    pub output_dir: PathBuf,
}

impl Built {
    /// The platform's files, each rendered when asked for (`check` and `gen` compare them one
    /// at a time).
    pub fn outputs(&self) -> Result<render::Outputs<'_>, Box<Diagnostic>> {
        render::outputs(&self.model).map_err(|e| Box::new(render_failed(&self.source.path, &e)))
    }
}

/// A built platform with every file rendered.
pub struct Compiled {
    pub built: Built,
    pub artifacts: Vec<render::Artifact>,
}

impl std::ops::Deref for Compiled {
    type Target = Built;
    fn deref(&self) -> &Built {
        &self.built
    }
}

/// The diagnostic of a template that failed to render (a bug in seisei, not in the spec).
pub fn render_failed(spec_path: &Path, e: &askama::Error) -> Diagnostic {
    Diagnostic::new(
        Code::Io,
        spec_path,
        None,
        format!("a template failed to render: {e}"),
    )
}

/// The model `seisei route` answers on, the problems found, and the spec's text.
pub type RoutingModel = (model::Model, Vec<Diagnostic>, String);

/// Loads and builds the spec for `seisei route`, which answers even when validation found
/// routing errors (E04xx): the model and every problem; `Err` when loading fails or an error
/// is about something else, so that the model may be incomplete.
pub fn compile_for_routing(
    spec_path: &Path,
) -> Result<RoutingModel, (Option<String>, Vec<Diagnostic>)> {
    let source = spec::load(spec_path).map_err(|d| {
        let text = fsread::read_text(spec_path, spec::MAX_SPEC_BYTES).ok();
        (text, d)
    })?;
    let (model, problems) = model::build_with_problems(&source);
    let blocking = problems
        .iter()
        .any(|d| d.severity() == diagnostics::Severity::Error && !d.code.id().starts_with("E04"));
    if blocking {
        return Err((Some(source.text), problems));
    }
    Ok((model, problems, source.text))
}

/// Runs the pipeline up to the artifacts. On failure, returns every problem found.
pub fn compile(spec_path: &Path) -> Result<Compiled, (Option<String>, Vec<Diagnostic>)> {
    let built = build(spec_path)?;
    let artifacts =
        render::generate(&built.model).map_err(|e| (None, vec![render_failed(spec_path, &e)]))?;
    Ok(Compiled { built, artifacts })
}

/// Runs the pipeline up to the model: loaded, validated, resolved. On failure, returns every
/// problem found.
pub fn build(spec_path: &Path) -> Result<Built, (Option<String>, Vec<Diagnostic>)> {
    // The text is read again only to show source lines under load errors, bounded like the
    // first read: a spec refused for what it is must not be read without limit here.
    let source = spec::load(spec_path).map_err(|d| {
        let text = fsread::read_text(spec_path, spec::MAX_SPEC_BYTES).ok();
        (text, d)
    })?;
    let (model, warnings) = match model::build(&source) {
        Ok(built) => built,
        Err(problems) => return Err((Some(source.text), problems)),
    };
    let platform = &source.spec.platform;
    let output_dir = output::output_root(
        source.base_dir(),
        &platform.output,
        platform.allow_external_output,
    )
    .map_err(|e| {
        let d = source
            .at(Code::OutputPath, &["platform", "output"], e.message)
            .with_help(e.help);
        (Some(source.text.clone()), vec![d])
    })?;
    Ok(Built {
        source,
        model,
        warnings,
        output_dir,
    })
}

/// The hand-written documents of `platform.docs` whose regions are out of date.
pub fn doc_updates(compiled: &Built) -> Result<Vec<output::docs::DocUpdate>, Vec<Diagnostic>> {
    let spec_dir = compiled.source.base_dir();
    let model = &compiled.model;
    let mut updates = Vec::new();
    let mut problems = Vec::new();
    for (index, relative) in compiled.source.spec.platform.docs.iter().enumerate() {
        if let Some(problem) = model::folder_problem(relative) {
            problems.push(
                compiled
                    .source
                    .at(
                        Code::OutputPath,
                        &["platform", "docs", &index.to_string()],
                        format!("`{relative}` {problem}"),
                    )
                    .with_help("list Markdown files below platform.yaml by relative path"),
            );
            continue;
        }
        // Links from the document to the generated files and to the inventory's anchors.
        let depth = relative.matches('/').count();
        let to_output = format!(
            "{}{}/",
            "../".repeat(depth),
            model.output.trim_end_matches('/')
        );
        let links = render::inventory::Links {
            anchor_page: format!("{to_output}{}", model.inventory),
            to_output,
        };
        let regions = match render::inventory::regions(model, &links) {
            Ok(regions) => regions,
            Err(e) => {
                problems.push(Diagnostic::new(
                    Code::Io,
                    &compiled.source.path,
                    None,
                    format!("a template failed to render: {e}"),
                ));
                continue;
            }
        };
        let lookup = |name: &str| regions.get(model, name).map(str::to_owned);
        match output::docs::plan(spec_dir, relative, &lookup) {
            Ok(Some(update)) => updates.push(update),
            Ok(None) => {}
            Err(output::docs::DocError::Output(e)) => {
                problems.push(
                    Diagnostic::new(Code::OutputPath, &e.path, None, e.message).with_help(e.help),
                );
            }
            Err(output::docs::DocError::Markers { path, errors, .. }) => {
                for e in errors {
                    let span = diagnostics::Span {
                        line: e.line,
                        column: e.column,
                        end_line: e.line,
                        end_column: e.column + e.width,
                    };
                    problems.push(
                        Diagnostic::new(Code::Marker, &path, Some(span), e.message)
                            .with_help(e.help),
                    );
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(updates)
    } else {
        Err(problems)
    }
}
