//! One function per subcommand: each runs the pipeline, prints what the user asked for and
//! returns the exit code. Input: parsed arguments; output: text on stdout and stderr.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use clap::CommandFactory as _;

pub mod complete;
mod hook;
pub mod huge_pages;
mod init;
mod route;
mod show;
mod staged;

use crate::cli::{
    Cli, Color, Command, HookCommand, NewCommand, NewServiceOptions, SpecArgs, StackArgs,
};
use seisei::diagnostics::{self, Code, Diagnostic, Severity};
use seisei::output::{self, Change};
use seisei::{Built, Compiled, EXIT_ERROR, EXIT_OK, EXIT_STALE, doc_updates, edit, render, spec};

mod import;

/// How output looks: colours and how much is said. Four independent switches, each set by
/// its own flag or check, so plain booleans read best.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    /// Colour on stderr (diagnostics).
    pub color_err: bool,
    /// Colour on stdout (diffs).
    pub color_out: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl Terminal {
    pub fn new(cli: &Cli) -> Terminal {
        // NO_COLOR (no-color.org): any non-empty value turns colour off unless forced.
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_terminal: bool| match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => is_terminal && !no_color,
        };
        Terminal {
            color_err: decide(std::io::stderr().is_terminal()),
            color_out: decide(std::io::stdout().is_terminal()),
            quiet: cli.quiet,
            verbose: match &cli.command {
                Command::Init(args) => args.verbose.verbose,
                Command::Gen(args) => args.verbose.verbose,
                Command::New(NewCommand::Stack(args)) => args.service.verbose.verbose,
                Command::New(NewCommand::Service(args)) => args.service.verbose.verbose,
                _ => false,
            },
        }
    }

    /// Prints diagnostics on stderr; `text` is the spec's. Problems in other files (included
    /// stack files, hand-written docs) show their own lines, each file read once.
    fn diagnostics(self, spec_path: Option<&Path>, text: Option<&str>, diagnostics: &[Diagnostic]) {
        let mut stderr = std::io::stderr().lock();
        let shown = diagnostics
            .iter()
            .filter(|d| !(self.quiet && d.severity() == Severity::Warning));
        let read = |path: &Path| {
            if spec_path == Some(path) {
                text.map(Cow::Borrowed)
            } else {
                seisei::fsread::read_text(path, seisei::spec::MAX_SPEC_BYTES)
                    .ok()
                    .map(Cow::Owned)
            }
        };
        let rendered = diagnostics::render_all(shown, read, self.color_err);
        let _ = write!(stderr, "{rendered}");
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count();
        if errors > 0 {
            let warnings = diagnostics.len() - errors;
            let _ = writeln!(
                stderr,
                "seisei: {errors} error(s), {warnings} warning(s); nothing was written"
            );
        }
    }

    fn output_error(self, e: &output::OutputError) -> u8 {
        let diagnostic = Diagnostic::new(Code::OutputPath, &e.path, None, e.message.clone())
            .with_help(e.help.clone());
        eprint!("{}", diagnostic.render_styled(None, self.color_err));
        EXIT_ERROR
    }

    /// A unified diff, coloured on terminals.
    fn diff(self, text: &str) -> String {
        if !self.color_out {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len() * 2);
        for line in text.lines() {
            let code = if line.starts_with("+++") || line.starts_with("---") {
                "1"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with("@@") {
                "36"
            } else {
                ""
            };
            if code.is_empty() {
                out.push_str(line);
            } else {
                let _ = write!(out, "\x1b[{code}m{line}\x1b[0m");
            }
            out.push('\n');
        }
        out
    }
}

/// Runs the command of `cli`.
pub fn run(cli: &Cli) -> u8 {
    let term = Terminal::new(cli);
    let _ = GLOBAL_SPEC.set(cli.spec.clone());
    match &cli.command {
        Command::Init(args) => {
            let options = init::Options {
                name: args.name.as_deref(),
                domain: &args.domain,
            };
            match init::write(Path::new("."), &options) {
                Ok(spec) => {
                    let code = generate(
                        term,
                        &StackArgs {
                            spec: SpecArgs {
                                spec: Some(spec),
                                deny_warnings: true,
                            },
                            stack: None,
                        },
                        false,
                        false,
                    );
                    if code == EXIT_OK && !term.quiet {
                        init::next_steps()
                    } else {
                        code
                    }
                }
                Err(code) => code,
            }
        }
        Command::Gen(args) => generate(term, &args.target, args.force, args.exit_code),
        Command::Check(args) if args.staged => staged::check(term, args),
        Command::Check(args) => check(term, &args.target, args.format == "json", Mode::Check),
        Command::Diff(args) => check(term, args, false, Mode::Diff),
        Command::Validate(args) => validate(term, &args.spec, args.format == "json"),
        Command::New(NewCommand::Stack(args)) => new(
            term,
            &args.spec,
            &args.service,
            |source, service| edit::add_stack(source, &args.name, &args.purpose, &service),
            &args.name,
        ),
        Command::New(NewCommand::Service(args)) => new(
            term,
            &args.spec,
            &args.service,
            |source, service| edit::add_service(source, &args.stack, &service),
            &args.name,
        ),
        Command::Hook(HookCommand::Install { spec, force }) => {
            hook::install(&spec_path(spec), *force)
        }
        Command::Hook(HookCommand::Uninstall { spec }) => hook::uninstall(&spec_path(spec)),
        Command::Show(args) => with_model(term, &args.spec, |compiled| {
            show::show(compiled, &args.stack)
        }),
        Command::Schema => {
            print!("{}", spec::json_schema(None));
            EXIT_OK
        }
        Command::Graph(args) => with_model(term, &args.spec, |compiled| {
            let graph = render::topology::graph(&compiled.model);
            print!(
                "{}",
                if args.format == "dot" {
                    render::topology::dot(&graph)
                } else {
                    render::topology::mermaid(&graph)
                }
            );
            EXIT_OK
        }),
        Command::Routes(args) => with_model(term, &args.spec, |c| route::routes(c, args)),
        Command::Route(args) => route::route(term, args),
        Command::Import(args) => import::run(term, args),
        Command::Completions { shell } => complete::registration(*shell),
        Command::Man { dir: Some(dir) } => {
            match std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(Cli::command(), dir))
            {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!(
                        "seisei: cannot write the man pages into {}: {e}",
                        dir.display()
                    );
                    EXIT_ERROR
                }
            }
        }
        Command::Man { dir: None } => {
            let mut page = Vec::new();
            if clap_mangen::Man::new(Cli::command().disable_help_subcommand(true))
                .render(&mut page)
                .is_err()
            {
                return EXIT_ERROR;
            }
            let _ = std::io::stdout().write_all(&page);
            EXIT_OK
        }
    }
}

/// The spec file the arguments name, or the one found from the current directory.
fn spec_path(args: &SpecArgs) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let given = args
        .spec
        .as_deref()
        .or(GLOBAL_SPEC.get().and_then(Option::as_deref));
    crate::cli::find_spec(given, &cwd)
}

/// `--spec` (or `$SEISEI_SPEC`), a global option: given before or after the subcommand.
static GLOBAL_SPEC: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

/// Compiles the spec and renders every file, printing its problems; `Err` carries the exit
/// code.
fn compile_reported(term: Terminal, args: &SpecArgs) -> Result<Compiled, u8> {
    let built = build_reported(term, args)?;
    match render::generate(&built.model) {
        Ok(artifacts) => Ok(Compiled { built, artifacts }),
        Err(e) => {
            let problem = seisei::render_failed(&built.source.path, &e);
            term.diagnostics(Some(&built.source.path), None, &[problem]);
            Err(EXIT_ERROR)
        }
    }
}

/// Compiles the spec up to the model, printing its problems; `Err` carries the exit code.
fn build_reported(term: Terminal, args: &SpecArgs) -> Result<Built, u8> {
    let path = spec_path(args);
    huge_pages::allow_for(&path);
    match seisei::build(&path) {
        Ok(compiled) => {
            term.diagnostics(
                Some(&compiled.source.path),
                Some(&compiled.source.text),
                &compiled.warnings,
            );
            if args.deny_warnings && !compiled.warnings.is_empty() {
                eprintln!(
                    "seisei: {} warning(s) denied by --deny-warnings; nothing was written",
                    compiled.warnings.len()
                );
                return Err(EXIT_ERROR);
            }
            Ok(compiled)
        }
        Err((text, problems)) => {
            term.diagnostics(Some(&path), text.as_deref(), &problems);
            Err(EXIT_ERROR)
        }
    }
}

fn with_model(term: Terminal, args: &SpecArgs, body: impl FnOnce(&Compiled) -> u8) -> u8 {
    match compile_reported(term, args) {
        Ok(compiled) => body(&compiled),
        Err(code) => code,
    }
}

/// Keeps the changes that belong to `--stack NAME`: the stack's own folder and the shared
/// files (inventory, Traefik configuration, schema), which depend on every stack.
fn stack_filter(
    compiled: &Built,
    stack: Option<&str>,
) -> Result<impl Fn(&str) -> bool + use<>, u8> {
    let stacks: Vec<String> = compiled
        .model
        .stacks
        .iter()
        .map(|s| format!("{}/", s.dir))
        .collect();
    let own = if let Some(name) = stack {
        let Some(found) = compiled.model.stacks.iter().find(|s| s.name == name) else {
            let help = diagnostics::did_you_mean(
                name,
                compiled.model.stacks.iter().map(|s| s.name.as_str()),
            )
            .unwrap_or_else(|| "name a stack of the spec".into());
            eprintln!("seisei: there is no stack `{name}`; {help}");
            return Err(EXIT_ERROR);
        };
        Some(format!("{}/", found.dir))
    } else {
        None
    };
    let traefik_dir = compiled
        .model
        .stacks
        .iter()
        .find(|s| s.name == compiled.model.traefik.stack)
        .map(|s| format!("{}/", s.dir));
    Ok(move |path: &str| {
        let Some(own) = &own else { return true };
        let shared = traefik_dir.as_ref().is_some_and(|d| path.starts_with(d))
            || !stacks.iter().any(|d| path.starts_with(d.as_str()));
        path.starts_with(own.as_str()) || shared
    })
}

/// The compiled platform, the plan for its output tree (narrowed to `--stack`) and the
/// hand-written documents whose regions changed. With `lock`, the spec's lock is taken
/// first and handed back for the caller to hold.
fn prepare(
    term: Terminal,
    args: &StackArgs,
    lock: Option<&mut Option<output::Lock>>,
) -> Result<(Built, output::Plan, Vec<output::docs::DocUpdate>), u8> {
    let compiled = build_reported(term, &args.spec)?;
    let keep = stack_filter(&compiled, args.stack.as_deref())?;
    if let Some(slot) = lock {
        *slot = Some(output::lock(compiled.source.base_dir()).map_err(|e| term.output_error(&e))?);
    }
    let outputs = compiled.outputs().map_err(|problem| {
        term.diagnostics(Some(&compiled.source.path), None, &[*problem]);
        EXIT_ERROR
    })?;
    // Each file is rendered, compared and, when up to date, dropped.
    let mut plan = output::plan(&compiled.output_dir, &outputs, &compiled.model.spec_name)
        .map_err(|e| term.output_error(&e))?;
    drop(outputs);
    plan.changes.retain(|c| keep(c.path()));
    // Marker problems in hand-written docs are found before anything is written.
    let docs = doc_updates(&compiled).map_err(|problems| {
        term.diagnostics(
            Some(&compiled.source.path),
            Some(&compiled.source.text),
            &problems,
        );
        EXIT_ERROR
    })?;
    Ok((compiled, plan, docs))
}

/// The compiled platform is freed by the process's exit, which follows the command: freeing
/// it one allocation at a time took 6% of `check` at 10,000 stacks.
fn leak_at_exit<T>(value: T) -> std::mem::ManuallyDrop<T> {
    std::mem::ManuallyDrop::new(value)
}

fn generate(term: Terminal, args: &StackArgs, force: bool, exit_code: bool) -> u8 {
    // From here on SIGINT and SIGTERM stop the run between two files, and a write past the
    // file-size limit fails instead of killing the process.
    output::interrupt::install();
    // Held until the end of the run, so two `gen` on one spec cannot interleave; taken
    // before the tree is read, so the plan is what this run alone will apply.
    let mut lock = None;
    let prepared = match prepare(term, args, Some(&mut lock)) {
        Ok(prepared) => leak_at_exit(prepared),
        Err(code) => return code,
    };
    let (compiled, plan, docs) = &*prepared;
    report_warnings(term, compiled, plan);
    let mut between_files = |_: &Path| output::interrupt::check();
    // Temporary files of a killed run: the lock says no other run is writing now, so every
    // one of them is a leftover. The output tree can hold some only if the lock file was
    // left by a killed run.
    let killed = lock.as_ref().is_some_and(output::Lock::left_by_killed_run);
    let leftovers = leftovers(compiled, killed);
    let cleaned = between_files(Path::new("."))
        .map_err(|e| output::io_error(&compiled.output_dir, "stopped", &e))
        .and_then(|()| output::files::remove_leftovers(&compiled.output_dir, &leftovers));
    let result = cleaned.and_then(|cleaned| {
        // Only writes to the output tree need the mark (see `Lock::make_durable`).
        if let Some(lock) = &lock
            && !plan.is_clean()
        {
            lock.make_durable()?;
        }
        output::write_with(&compiled.output_dir, plan, force, &mut between_files)?;
        output::docs::write_with(docs, &mut between_files)?;
        Ok(cleaned)
    });
    let cleaned = match result {
        Ok(cleaned) => cleaned,
        Err(e) => {
            if let Some(stop) = output::interrupt::caught() {
                eprintln!(
                    "seisei: stopped by {}: every file is old or new, no temporary file is left; run `seisei gen` again to finish",
                    stop.name()
                );
                drop(lock);
                return stop.exit_code();
            }
            return term.output_error(&e);
        }
    };
    let label = compiled.model.output.trim_end_matches('/');
    if term.verbose {
        for path in &leftovers {
            println!("removed leftover {}", path.display());
        }
        for change in &plan.changes {
            let verb = if matches!(change, Change::Orphaned { .. }) {
                "removed"
            } else {
                "wrote"
            };
            println!("{verb} {label}/{}", change.path());
        }
        for doc in docs {
            println!("updated regions of {}", doc.label);
        }
    }
    let removed = plan
        .changes
        .iter()
        .filter(|c| matches!(c, Change::Orphaned { .. }))
        .count();
    let written = plan.changes.len() - removed + docs.len();
    if !term.quiet {
        let extra = if cleaned > 0 {
            format!(", {cleaned} leftover temporary file(s) removed")
        } else {
            String::new()
        };
        println!(
            "{written} written, {} unchanged, {removed} removed{extra}",
            plan.unchanged
        );
    }
    if exit_code && written + removed > 0 {
        EXIT_STALE
    } else {
        EXIT_OK
    }
}

/// The temporary files a killed run left: in the output tree, looked for only when a run
/// was `killed` (its lock file says so), and beside the spec and the hand-written documents.
fn leftovers(compiled: &Built, killed: bool) -> Vec<PathBuf> {
    let tree = killed.then_some(compiled.output_dir.as_path());
    output::files::leftovers(tree, &extra_temp_dirs(compiled))
}

/// Folders outside the output tree where seisei writes temporary files: those of the
/// hand-written documents and of the spec itself (`seisei new` rewrites it).
fn extra_temp_dirs(compiled: &Built) -> Vec<PathBuf> {
    let spec_dir = compiled.source.base_dir();
    let mut dirs = vec![spec_dir.to_path_buf()];
    for doc in &compiled.source.spec.platform.docs {
        if seisei::model::folder_problem(doc).is_none()
            && let Some(parent) = spec_dir.join(doc).parent()
        {
            dirs.push(parent.to_path_buf());
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Manifest entries left alone, as warnings.
fn report_warnings(term: Terminal, compiled: &Built, plan: &output::Plan) {
    let warnings: Vec<Diagnostic> = plan
        .warnings
        .iter()
        .map(|w| {
            Diagnostic::new(Code::ManifestEntry, &w.path, None, w.message.clone())
                .with_help(w.help.clone())
        })
        .collect();
    term.diagnostics(
        Some(&compiled.source.path),
        Some(&compiled.source.text),
        &warnings,
    );
}

/// What `check` compares, which decides its exit code and its advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The working tree; exit 1 when stale.
    Check,
    /// What the git index holds; exit 1 when stale.
    Staged,
    /// The working tree; exit 0 either way.
    Diff,
}

/// `check` (exit 1 when stale) and `diff` (same output, exit 0).
fn check(term: Terminal, args: &StackArgs, json: bool, mode: Mode) -> u8 {
    let fail = mode != Mode::Diff;
    let prepared = match prepare(term, args, None) {
        Ok(prepared) => leak_at_exit(prepared),
        Err(code) => return code,
    };
    let (compiled, plan, docs) = &*prepared;
    report_warnings(term, compiled, plan);
    // While a `gen` runs, the temporary files are its own, not leftovers; the output tree
    // can hold leftovers only if a killed run left its lock file.
    let spec_dir = compiled.source.base_dir();
    let leftovers = match output::lock::runs(spec_dir) {
        output::lock::Runs::InProgress => Vec::new(),
        runs => leftovers(compiled, runs == output::lock::Runs::Killed),
    };
    let manifest_only = plan.changes.is_empty() && !plan.is_clean() && args.stack.is_none();
    if plan.changes.is_empty() && docs.is_empty() && !manifest_only && leftovers.is_empty() {
        if json {
            print_json(&serde_json::json!([]));
        }
        return EXIT_OK;
    }
    let label = compiled.model.output.trim_end_matches('/');
    let mut entries: Vec<(String, &str)> = plan
        .changes
        .iter()
        .map(|c| (format!("{label}/{}", c.path()), c.kind()))
        .collect();
    entries.extend(docs.iter().map(|d| (d.label.clone(), "stale regions")));
    if manifest_only {
        entries.push((format!("{label}/{}", output::MANIFEST), "stale"));
    }
    for path in &leftovers {
        let shown = path.strip_prefix(spec_dir).unwrap_or(path);
        entries.push((shown.display().to_string(), "leftover temporary file"));
    }
    let mut stdout = std::io::stdout().lock();
    if json {
        let list: Vec<serde_json::Value> = entries
            .iter()
            .map(|(path, status)| {
                let status = if *status == "leftover temporary file" {
                    "leftover"
                } else {
                    status
                };
                serde_json::json!({ "path": path, "status": status })
            })
            .collect();
        let _ = write!(stdout, "{}", json_document(&list.into()));
    } else {
        let visible = output::mask::Visible::new(&compiled.model);
        for change in &plan.changes {
            let diff = output::diff(change, label);
            let _ = write!(stdout, "{}", term.diff(&visible.mask(change.path(), &diff)));
        }
        for doc in docs {
            let (a, b) = (format!("a/{}", doc.label), format!("b/{}", doc.label));
            let _ = write!(
                stdout,
                "{}",
                term.diff(&output::unified_diff(&doc.old, &doc.new, &a, &b))
            );
        }
    }
    let _ = stdout.flush();
    if !term.quiet || fail {
        let names: Vec<String> = entries.iter().map(|(p, s)| format!("{p} ({s})")).collect();
        let fix = advice(plan, !leftovers.is_empty(), mode);
        eprintln!(
            "seisei: {} generated file(s) out of date: {}; {fix}",
            names.len(),
            names.join(", ")
        );
    }
    if fail { EXIT_STALE } else { EXIT_OK }
}

/// Every `--format json` prints one document per run (an array or an object, indented, then
/// a newline), so `jq` reads the whole answer and an empty answer is `[]`, not nothing.
fn json_document(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

fn print_json(value: &serde_json::Value) {
    print!("{}", json_document(value));
}

/// The command that brings the tree up to date, as `gen` will accept it.
fn advice(plan: &output::Plan, leftovers: bool, mode: Mode) -> String {
    let command = match plan.needs_force() {
        Err(path) => {
            return format!(
                "`{path}` was not generated by seisei and `gen` will not overwrite it: move it out of the output directory, then run `seisei gen`"
            );
        }
        Ok(true) => {
            "`seisei gen --force` (a generated file's header was removed by hand; move those edits into the spec first)"
        }
        Ok(false) if leftovers => {
            "`seisei gen` (it removes leftover temporary files of a killed run)"
        }
        Ok(false) => "`seisei gen`",
    };
    if mode == Mode::Staged {
        format!(
            "run {command}, then `git add` the spec and the generated files: a commit records what is staged"
        )
    } else {
        format!("run {command} and commit the result")
    }
}

fn validate(term: Terminal, args: &SpecArgs, json: bool) -> u8 {
    let path = spec_path(args);
    huge_pages::allow_for(&path);
    let (text, diagnostics) = match seisei::build(&path) {
        Ok(built) => {
            let built = leak_at_exit(built);
            let mut all = built.warnings.clone();
            // Every file is rendered, as `gen` would, and dropped at once.
            if let Err(problem) = built.outputs().and_then(|outputs| {
                seisei::render::render_each(&outputs)
                    .map_err(|e| Box::new(seisei::render_failed(&built.source.path, &e)))
            }) {
                all.push(*problem);
            }
            if let Err(problems) = doc_updates(&built) {
                all.extend(problems);
            }
            (Some(built.source.text.clone()), all)
        }
        Err((text, problems)) => (text, problems),
    };
    if json {
        print_json(&diagnostics.iter().map(Diagnostic::to_json).collect());
    } else {
        term.diagnostics(Some(&path), text.as_deref(), &diagnostics);
        if diagnostics.is_empty() && !term.quiet {
            eprintln!("seisei: {} is valid", path.display());
        }
    }
    if diagnostics::has_errors(&diagnostics) || args.deny_warnings && !diagnostics.is_empty() {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

/// `seisei new stack|service`: edits the spec (or a stack file) as text, proves the result
/// valid, then writes it and runs `gen` (or prints the diff with `--dry-run`).
fn new(
    term: Terminal,
    args: &SpecArgs,
    options: &NewServiceOptions,
    add: impl FnOnce(&spec::Source, edit::NewService<'_>) -> Result<edit::Edit, Vec<Diagnostic>>,
    service_name: &str,
) -> u8 {
    let path = spec_path(args);
    let source = match spec::load(&path) {
        Ok(source) => source,
        Err(problems) => {
            term.diagnostics(
                Some(&path),
                seisei::fsread::read_text(&path, seisei::spec::MAX_SPEC_BYTES)
                    .ok()
                    .as_deref(),
                &problems,
            );
            return EXIT_ERROR;
        }
    };
    let service = edit::NewService {
        name: service_name,
        image: &options.image,
        route: options.route.as_deref(),
        port: options.port,
        networks: &options.networks,
        off_traefik: false,
    };
    let change = match add(&source, service) {
        Ok(change) => change,
        Err(problems) => {
            term.diagnostics(Some(&source.path), Some(&source.text), &problems);
            return EXIT_ERROR;
        }
    };
    // The edited platform must be valid before anything replaces a file.
    let (spec_text, overlay) = if change.path == source.path {
        (change.after.clone(), spec::Overlay::new())
    } else {
        (
            source.text.clone(),
            spec::Overlay::from([(change.path.clone(), change.after.clone())]),
        )
    };
    let checked = spec::parse_with(&path, spec_text.clone(), &overlay)
        .and_then(|s| seisei::model::build(&s).map(|_| s));
    if let Err(problems) = checked {
        eprintln!("seisei: the new entry would make the spec invalid:");
        term.diagnostics(Some(&path), Some(&spec_text), &problems);
        return EXIT_ERROR;
    }
    let label = change
        .path
        .strip_prefix(std::env::current_dir().unwrap_or_default())
        .unwrap_or(&change.path)
        .display()
        .to_string();
    if options.dry_run {
        let before = if change.before.is_empty() {
            "/dev/null".to_owned()
        } else {
            format!("a/{label}")
        };
        let diff = output::unified_diff(
            change.before.as_bytes(),
            change.after.as_bytes(),
            &before,
            &format!("b/{label}"),
        );
        print!("{}", term.diff(&diff));
        return EXIT_OK;
    }
    output::interrupt::install();
    if let Err(e) = output::write_atomic(&change.path, change.after.as_bytes()) {
        return term.output_error(&e);
    }
    if !term.quiet {
        println!("added to {label}");
    }
    let code = generate(
        term,
        &StackArgs {
            spec: SpecArgs {
                spec: Some(path),
                deny_warnings: args.deny_warnings,
            },
            stack: None,
        },
        false,
        false,
    );
    if code == EXIT_OK {
        return code;
    }
    // All or nothing: a spec that names a stack whose files were not written would leave
    // `check` failing for a reason the user did not cause.
    let restored = if change.before.is_empty() {
        std::fs::remove_file(&change.path).map_err(|e| e.to_string())
    } else {
        output::write_atomic(&change.path, change.before.as_bytes()).map_err(|e| e.message)
    };
    match restored {
        Ok(()) => eprintln!("seisei: `gen` failed, so {label} was restored; nothing was added"),
        Err(e) => eprintln!(
            "seisei: `gen` failed, and {label} could not be restored ({e}); remove the new entry by hand"
        ),
    }
    code
}
