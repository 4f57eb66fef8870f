//! `seisei import DIR`: runs the import, prints the defects and the report, writes the spec
//! (refusing to replace one without `--force`), then proves the result: the spec is compiled
//! like `gen` would, and the files it generates are compared with the originals. `--verify`
//! runs only the comparison. Input: the parsed arguments; output: the report on stdout, the
//! diagnostics on stderr, the exit code.

use std::io::Write as _;
use std::path::Path;

use super::Terminal;
use crate::cli::ImportArgs;
use seisei::diagnostics::{self, Code, Diagnostic};
use seisei::import::{self, Options, verify};
use seisei::{EXIT_ERROR, EXIT_OK, EXIT_STALE, model, output, render, spec};

pub(super) fn run(term: Terminal, args: &ImportArgs) -> u8 {
    let options = Options {
        dir: args.dir.clone(),
        out: args.out.clone(),
        split: args.split,
        overrides_as_variants: args.overrides == "variant",
    };
    let json = args.report == "json";
    if args.verify {
        return verify_only(term, &options, json);
    }
    if !args.dry_run && !args.force && args.out.exists() {
        let d = Diagnostic::new(
            Code::OutputPath,
            &args.out,
            None,
            format!(
                "`{}` exists; import does not replace a spec",
                args.out.display()
            ),
        )
        .with_help("pass --force to replace it, or --out to write elsewhere");
        term.diagnostics(None, None, &[d]);
        return EXIT_ERROR;
    }
    let imported = match import::run(&options) {
        Ok(imported) => imported,
        Err(problems) => {
            term.diagnostics(None, None, &problems);
            return EXIT_ERROR;
        }
    };
    term.diagnostics(None, None, &imported.diagnostics);
    let base = args.out.parent().unwrap_or(Path::new("."));
    if args.dry_run {
        let mut stdout = std::io::stdout().lock();
        for (path, text) in &imported.files {
            if imported.files.len() > 1 {
                let _ = writeln!(stdout, "# --- {}", base.join(path).display());
            }
            let _ = write!(stdout, "{text}");
        }
        eprint!("{}", imported.report.text());
    } else {
        for (path, text) in &imported.files {
            if let Err(e) = output::files::write_atomic(&base.join(path), text.as_bytes()) {
                return term.output_error(&e);
            }
        }
    }
    // The proof: compile the spec as `gen` would and compare its files with the originals.
    let compiled = if args.dry_run && args.split {
        None
    } else if args.dry_run {
        Some(compile_text(&args.out, imported.files[0].1.clone()))
    } else {
        Some(
            seisei::compile(&args.out)
                .map(|c| (c.artifacts, c.built.warnings))
                .map_err(|(_, d)| d),
        )
    };
    let (verified, code) = match compiled {
        None => {
            eprintln!(
                "seisei: --dry-run with --split cannot compile the stack files it did not write; run without --dry-run to verify"
            );
            (None, EXIT_OK)
        }
        Some(Err(problems)) => {
            term.diagnostics(
                Some(&args.out),
                imported.files.first().map(|(_, t)| t.as_str()),
                &problems,
            );
            eprintln!(
                "seisei: the imported spec is not valid; fix it (or the source) and run `seisei validate`"
            );
            (None, EXIT_ERROR)
        }
        Some(Ok((artifacts, warnings))) => {
            term.diagnostics(
                Some(&args.out),
                imported.files.first().map(|(_, t)| t.as_str()),
                &warnings,
            );
            let verified = verify::compare(&imported.source, &imported.spec, &artifacts);
            let code = if verified.unexplained().next().is_some() {
                EXIT_STALE
            } else {
                EXIT_OK
            };
            (Some(verified), code)
        }
    };
    if !args.dry_run {
        print_report(&imported.report, verified.as_ref(), json);
    } else if let Some(v) = &verified {
        eprint!("{}", v.text());
    }
    code
}

fn print_report(report: &import::Report, verified: Option<&verify::Verified>, json: bool) {
    let mut stdout = std::io::stdout().lock();
    if json {
        let mut value = report.json();
        if let Some(v) = verified {
            value["verify"] = verify_json(v);
        }
        let _ = writeln!(stdout, "{value}");
    } else {
        let _ = write!(stdout, "{}", report.text());
        if let Some(v) = verified {
            let _ = write!(stdout, "{}", v.text());
        }
    }
}

fn verify_json(v: &verify::Verified) -> serde_json::Value {
    let differences: Vec<serde_json::Value> = v
        .differences
        .iter()
        .map(|d| serde_json::json!({"stack": d.stack, "what": d.what, "expected": d.documented}))
        .collect();
    serde_json::json!({
        "stacks": v.stacks,
        "services": v.services,
        "routers": v.routers,
        "differences": differences,
        "unexplained": v.unexplained().count(),
    })
}

/// The artifacts of a spec that is only in memory (`--dry-run`).
fn compile_text(
    path: &Path,
    text: String,
) -> Result<(Vec<render::Artifact>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let source = spec::parse(path, text)?;
    let (model, warnings) = model::build(&source)?;
    let artifacts = render::generate(&model).map_err(|e| {
        vec![Diagnostic::new(
            Code::Io,
            path,
            None,
            format!("a template failed to render: {e}"),
        )]
    })?;
    Ok((artifacts, warnings))
}

fn verify_only(term: Terminal, options: &Options, json: bool) -> u8 {
    let compiled = match seisei::compile(&options.out) {
        Ok(c) => c,
        Err((text, problems)) => {
            term.diagnostics(Some(&options.out), text.as_deref(), &problems);
            return EXIT_ERROR;
        }
    };
    let source =
        match import::find(options).and_then(|found| import::build::read(&options.dir, &found)) {
            Ok(s) => s,
            Err(problems) => {
                term.diagnostics(None, None, &problems);
                return EXIT_ERROR;
            }
        };
    let verified = verify::compare(&source, &compiled.source.spec, &compiled.artifacts);
    let mut stdout = std::io::stdout().lock();
    if json {
        let _ = writeln!(stdout, "{}", verify_json(&verified));
    } else {
        let _ = write!(stdout, "{}", verified.text());
    }
    if diagnostics::has_errors(&compiled.warnings) || verified.unexplained().next().is_some() {
        EXIT_STALE
    } else {
        EXIT_OK
    }
}
