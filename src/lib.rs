//! seisei compiles one `platform.yaml` into every file a Docker Compose platform behind a
//! Traefik v3 edge proxy needs, and checks that what is committed matches.
//!
//! The pipeline, in reading order: [`spec`] reads the file, [`model`] validates and
//! resolves it, [`render`] turns it into artifacts through askama templates, and
//! [`output`] writes them (`gen`) or compares them with the tree (`check`). [`traefik`]
//! holds the Traefik rules knowledge; [`diagnostics`] the problems and how they print.

pub mod cli;
pub mod diagnostics;
pub mod explain;
pub mod model;
pub mod output;
pub mod render;
pub mod spec;
pub mod traefik;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use cli::{Cli, Command};
use diagnostics::{Code, Diagnostic};

/// Exit code: success, or `check` found the tree up to date.
pub const EXIT_OK: u8 = 0;
/// Exit code: `check` found stale, missing or orphaned files.
pub const EXIT_STALE: u8 = 1;
/// Exit code: invalid spec, or an I/O error.
pub const EXIT_ERROR: u8 = 2;

/// Runs one command and returns the process exit code. Prints to stdout and stderr.
pub fn run(cli: &Cli) -> u8 {
    match &cli.command {
        Command::Gen(args) => run_gen(&args.spec.spec, args.spec.deny_warnings, args.force),
        Command::Check(args) => run_check(&args.spec, args.deny_warnings),
        Command::Validate(args) => run_validate(
            &args.spec.spec,
            args.format == "json",
            args.spec.deny_warnings,
        ),
        Command::Graph(args) => {
            let compiled = match compile_or_report(&args.spec.spec, args.spec.deny_warnings) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let graph = render::topology::graph(&compiled.model);
            if args.format == "dot" {
                print!("{}", render::topology::dot(&graph));
            } else {
                print!("{}", render::topology::mermaid(&graph));
            }
            EXIT_OK
        }
        Command::Routes(args) => {
            match compile_or_report(&args.spec.spec, args.spec.deny_warnings) {
                Ok(compiled) => {
                    print!(
                        "{}",
                        explain::routes(&compiled.model, &args.sort, args.format == "json")
                    );
                    EXIT_OK
                }
                Err(code) => code,
            }
        }
        Command::Route(args) => {
            let compiled = match compile_or_report(&args.spec.spec, args.spec.deny_warnings) {
                Ok(c) => c,
                Err(code) => return code,
            };
            let mut headers = Vec::new();
            for header in &args.headers {
                let Some((name, value)) = header.split_once(':') else {
                    eprintln!("seisei: header `{header}` is not `Name:value`");
                    return EXIT_ERROR;
                };
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            match explain::route(&compiled.model, &args.url, &args.method, &headers) {
                Ok((text, answered)) => {
                    print!("{text}");
                    if answered { EXIT_OK } else { EXIT_STALE }
                }
                Err(message) => {
                    eprintln!("seisei: {message}");
                    EXIT_ERROR
                }
            }
        }
        Command::Schema => {
            print!("{}", spec::json_schema(None));
            EXIT_OK
        }
    }
}

/// A loaded, validated platform and where its output goes.
pub struct Compiled {
    pub source: spec::Source,
    pub model: model::Model,
    pub warnings: Vec<Diagnostic>,
    pub artifacts: Vec<render::Artifact>,
    pub output_dir: PathBuf,
}

/// Runs the pipeline up to the artifacts. On failure, returns every problem found.
pub fn compile(spec_path: &Path) -> Result<Compiled, (Option<String>, Vec<Diagnostic>)> {
    // The text is read again only to show source lines under load errors.
    let source = spec::load(spec_path).map_err(|d| (std::fs::read_to_string(spec_path).ok(), d))?;
    let (model, warnings) = match model::build(&source) {
        Ok(built) => built,
        Err(problems) => return Err((Some(source.text), problems)),
    };
    let artifacts = render::generate(&model).map_err(|e| {
        (
            None,
            vec![Diagnostic::new(
                Code::Io,
                spec_path,
                None,
                format!("a template failed to render: {e}"),
            )],
        )
    })?;
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
    Ok(Compiled {
        source,
        model,
        warnings,
        artifacts,
        output_dir,
    })
}

/// The hand-written documents of `platform.docs` whose regions are out of date.
pub fn doc_updates(compiled: &Compiled) -> Result<Vec<output::docs::DocUpdate>, Vec<Diagnostic>> {
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

/// Prints diagnostics; `text` is the spec's. Problems in other files (hand-written docs)
/// show their own lines, read again for the snippet.
fn print_diagnostics(text: Option<&str>, diagnostics: &[Diagnostic]) {
    let mut stderr = std::io::stderr().lock();
    let spec_file = diagnostics.first().map(|d| d.file.clone());
    for d in diagnostics {
        let own;
        let source = if Some(&d.file) == spec_file.as_ref() && d.code != Code::Marker {
            text
        } else {
            own = std::fs::read_to_string(&d.file).ok();
            own.as_deref()
        };
        let _ = write!(stderr, "{}", d.render(source));
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == diagnostics::Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    if errors > 0 {
        let _ = writeln!(
            stderr,
            "seisei: {errors} error(s), {warnings} warning(s); nothing was written"
        );
    }
}

fn compile_or_report(spec_path: &Path, deny_warnings: bool) -> Result<Compiled, u8> {
    match compile(spec_path) {
        Ok(compiled) => {
            print_diagnostics(Some(&compiled.source.text), &compiled.warnings);
            if deny_warnings && !compiled.warnings.is_empty() {
                eprintln!(
                    "seisei: {} warning(s) denied by --deny-warnings; nothing was written",
                    compiled.warnings.len()
                );
                return Err(EXIT_ERROR);
            }
            Ok(compiled)
        }
        Err((text, problems)) => {
            print_diagnostics(text.as_deref(), &problems);
            Err(EXIT_ERROR)
        }
    }
}

fn report_output_error(e: &output::OutputError) -> u8 {
    let diagnostic = Diagnostic::new(Code::OutputPath, &e.path, None, e.message.clone())
        .with_help(e.help.clone());
    eprint!("{}", diagnostic.render(None));
    EXIT_ERROR
}

fn run_gen(spec_path: &Path, deny_warnings: bool, force: bool) -> u8 {
    let compiled = match compile_or_report(spec_path, deny_warnings) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // Held until the end of the run, so two `gen` on one spec cannot interleave.
    let _lock = match output::lock(compiled.source.base_dir()) {
        Ok(lock) => lock,
        Err(e) => return report_output_error(&e),
    };
    let plan = match output::plan(
        &compiled.output_dir,
        &compiled.artifacts,
        &compiled.model.spec_name,
    ) {
        Ok(plan) => plan,
        Err(e) => return report_output_error(&e),
    };
    // Marker problems in hand-written docs are found before anything is written.
    let docs = match doc_updates(&compiled) {
        Ok(docs) => docs,
        Err(problems) => {
            print_diagnostics(Some(&compiled.source.text), &problems);
            return EXIT_ERROR;
        }
    };
    if let Err(e) = output::write(&compiled.output_dir, &plan, force) {
        return report_output_error(&e);
    }
    if let Err(e) = output::docs::write(&docs) {
        return report_output_error(&e);
    }
    let removed = plan
        .changes
        .iter()
        .filter(|c| matches!(c, output::Change::Orphaned { .. }))
        .count();
    let written = plan.changes.len() - removed + docs.len();
    println!(
        "{written} written, {} unchanged, {removed} removed",
        plan.unchanged
    );
    EXIT_OK
}

fn run_check(spec_path: &Path, deny_warnings: bool) -> u8 {
    let compiled = match compile_or_report(spec_path, deny_warnings) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let plan = match output::plan(
        &compiled.output_dir,
        &compiled.artifacts,
        &compiled.model.spec_name,
    ) {
        Ok(plan) => plan,
        Err(e) => return report_output_error(&e),
    };
    let docs = match doc_updates(&compiled) {
        Ok(docs) => docs,
        Err(problems) => {
            print_diagnostics(Some(&compiled.source.text), &problems);
            return EXIT_ERROR;
        }
    };
    if plan.is_clean() && docs.is_empty() {
        return EXIT_OK;
    }
    let label = compiled.model.output.trim_end_matches('/');
    let mut stdout = std::io::stdout().lock();
    for change in &plan.changes {
        let _ = write!(stdout, "{}", output::diff(change, label));
    }
    for doc in &docs {
        let (a, b) = (format!("a/{}", doc.label), format!("b/{}", doc.label));
        let _ = write!(
            stdout,
            "{}",
            output::unified_diff(&doc.old, &doc.new, &a, &b)
        );
    }
    let _ = stdout.flush();
    let mut names: Vec<String> = plan
        .changes
        .iter()
        .map(|c| format!("{label}/{} ({})", c.path(), c.kind()))
        .collect();
    names.extend(docs.iter().map(|d| format!("{} (stale regions)", d.label)));
    if names.is_empty() {
        names.push(format!("{label}/{} (stale)", output::MANIFEST));
    }
    eprintln!(
        "seisei: {} generated file(s) out of date: {}; run `seisei gen` and commit the result",
        names.len(),
        names.join(", ")
    );
    EXIT_STALE
}

fn run_validate(spec_path: &Path, json: bool, deny_warnings: bool) -> u8 {
    let (text, diagnostics) = match compile(spec_path) {
        Ok(compiled) => (Some(compiled.source.text), compiled.warnings),
        Err((text, problems)) => (text, problems),
    };
    if json {
        let mut stdout = std::io::stdout().lock();
        for d in &diagnostics {
            let _ = writeln!(stdout, "{}", d.to_json());
        }
    } else {
        print_diagnostics(text.as_deref(), &diagnostics);
        if diagnostics.is_empty() {
            eprintln!("seisei: {} is valid", spec_path.display());
        }
    }
    if diagnostics::has_errors(&diagnostics) || deny_warnings && !diagnostics.is_empty() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}
