//! The topology diagram is valid Mermaid. Input: every platform's `graph` written by
//! `topology::mermaid`, and the ```` ```mermaid ```` block of the inventory artifact. The
//! Node checker in `tests/mermaid` parses them with the `mermaid` package itself, the code
//! GitHub and GitLab render with, and must reject deliberately broken diagrams so a checker
//! that accepts anything cannot pass.
//!
//! The checker needs `npm ci --prefix tests/mermaid`, which `tests/oracle/setup.sh` runs
//! before it prints `SEISEI_MERMAID_CHECK=1`. Built without that variable, the tests that need
//! the checker are reported `ignored` (see `build.rs`); with it, a missing checker fails. With
//! `SEISEI_MERMAID_RENDER=1` the Seisei diagram is also rendered in the system Chromium to an
//! SVG and a PNG for a person to look at.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seisei::render::topology::{graph, mermaid};

use crate::{all_specs, compile, repo_root};

/// The checker's exit code for "mermaid rejected a diagram"; setup failures exit 2, so a
/// broken checker cannot pass for a broken diagram.
const REJECTED: i32 = 1;

/// The block STACKS.md embeds is the graph command's text: what GitHub shows is what the
/// checker below parsed. Trailing blank lines are not compared; the template may end the
/// text's last line once more before the closing fence. Needs no Node.
#[test]
fn inventory_embeds_the_topology_diagram() {
    let compiled = compile(&repo_root().join("platform.yaml"));
    let expected = mermaid(&graph(&compiled.model));
    let inventory = compiled
        .artifacts
        .iter()
        .find(|a| a.path == compiled.model.inventory)
        .unwrap_or_else(|| panic!("no `{}` artifact", compiled.model.inventory));
    let markdown = String::from_utf8(inventory.bytes.clone()).expect("the inventory is UTF-8");
    let blocks: Vec<&str> = mermaid_blocks(&markdown)
        .into_iter()
        .map(str::trim_end)
        .collect();
    assert_eq!(
        blocks,
        [expected.trim_end()],
        "{} must hold the topology diagram once",
        inventory.path
    );
}

#[test]
#[cfg_attr(
    not(seisei_mermaid),
    ignore = "needs SEISEI_MERMAID_CHECK=1 and npm ci --prefix tests/mermaid: eval \"$(bash tests/oracle/setup.sh)\""
)]
fn every_platform_diagram_is_valid_mermaid() {
    let checker = checker();
    let dir = scratch_dir("valid");
    let files: Vec<PathBuf> = all_specs()
        .iter()
        .map(|spec| {
            let text = mermaid(&graph(&compile(spec).model));
            let file = dir.join(format!("{}.mmd", case_name(spec)));
            fs::write(&file, text).expect("write the diagram");
            file
        })
        .collect();
    let output = run(&checker, &files, &[]);
    assert!(
        output.status.success(),
        "mermaid rejects a generated diagram:\n{}",
        describe(&output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for file in &files {
        let line = format!("ok: {} (flowchart", file.display());
        assert!(
            stdout.contains(&line),
            "no `{line}` in the checker's output:\n{}",
            describe(&output)
        );
    }
}

/// Each case is the Seisei diagram one mistake away from valid: the mistakes a writer that
/// forgot to escape or to close something would make.
#[test]
#[cfg_attr(
    not(seisei_mermaid),
    ignore = "needs SEISEI_MERMAID_CHECK=1 and npm ci --prefix tests/mermaid: eval \"$(bash tests/oracle/setup.sh)\""
)]
fn checker_rejects_broken_diagrams() {
    let checker = checker();
    let valid = mermaid(&graph(&compile(&repo_root().join("platform.yaml")).model));
    let cases = [
        // A `"` inside a quoted edge label, as `label()` would write one it did not escape.
        (
            "unescaped-quote",
            valid.replacen("\"redirect\"", "\"re\"direct\"", 1),
        ),
        // A subgraph that is never closed.
        ("unclosed-subgraph", valid.replacen("  end\n", "", 1)),
        // A node id that is a Mermaid keyword, as an id taken from a name could be.
        ("keyword-id", valid.replace("svc_0", "end")),
    ];
    let dir = scratch_dir("broken");
    let mut files = Vec::new();
    for (name, text) in cases {
        assert_ne!(text, valid, "case `{name}` must change the diagram");
        let file = dir.join(format!("{name}.mmd"));
        fs::write(&file, text).expect("write the diagram");
        files.push(file);
    }
    let output = run(&checker, &files, &[]);
    assert_eq!(
        output.status.code(),
        Some(REJECTED),
        "the checker must reject the broken diagrams:\n{}",
        describe(&output)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    for file in &files {
        let line = format!("error: {}: mermaid rejected the diagram", file.display());
        assert!(
            stderr.contains(&line),
            "no `{line}` in the checker's output:\n{}",
            describe(&output)
        );
    }
}

/// A real render, for a person to look at: opt-in because it needs Chromium (Debian's
/// `chromium`, or the path in `CHROMIUM`), which CI does not install.
#[test]
fn seisei_diagram_renders_in_chromium() {
    if std::env::var_os("SEISEI_MERMAID_RENDER").is_none_or(|v| v.is_empty() || v == "0") {
        eprintln!("skipped: rendering is opt-in (SEISEI_MERMAID_RENDER=1, needs chromium)");
        return;
    }
    let checker = checker();
    let dir = scratch_dir("render");
    let diagram = dir.join("seisei.mmd");
    let (svg, png) = (dir.join("seisei.svg"), dir.join("seisei.png"));
    let compiled = compile(&repo_root().join("platform.yaml"));
    fs::write(&diagram, mermaid(&graph(&compiled.model))).expect("write the diagram");
    let output = run(
        &checker,
        &[diagram],
        &[
            "--svg".as_ref(),
            svg.as_ref(),
            "--png".as_ref(),
            png.as_ref(),
        ],
    );
    assert!(
        output.status.success(),
        "rendering failed:\n{}",
        describe(&output)
    );
    let svg_text = fs::read_to_string(&svg).expect("the SVG was written");
    for label in ["Internet", "websecure :443", "ocr.seisei.tokyo"] {
        assert!(svg_text.contains(label), "the SVG lacks `{label}`");
    }
    let png_bytes = fs::read(&png).expect("the PNG was written");
    assert!(
        png_bytes.starts_with(b"\x89PNG"),
        "{} is no PNG",
        png.display()
    );
    eprintln!("rendered {} and {}", svg.display(), png.display());
}

/// The checker script, which must be installed: the tests that call this are ignored unless
/// the build was told (`SEISEI_MERMAID_CHECK`) that it is.
fn checker() -> PathBuf {
    let dir = repo_root().join("tests/mermaid");
    let installed = ["mermaid", "happy-dom"].iter().all(|package| {
        dir.join("node_modules")
            .join(package)
            .join("package.json")
            .is_file()
    });
    let node = Command::new("node").arg("--version").output();
    let missing = match (installed, node) {
        (true, Ok(out)) if out.status.success() => return dir.join("check.mjs"),
        (false, _) => "its node_modules",
        (true, _) => "`node`",
    };
    panic!(
        "the mermaid checker lacks {missing}: run npm ci --prefix tests/mermaid (or `{}`)",
        crate::support::SETUP
    );
}

/// Runs the checker on `files`, with `extra` arguments after them.
fn run(checker: &Path, files: &[PathBuf], extra: &[&std::ffi::OsStr]) -> Output {
    Command::new("node")
        .arg(checker)
        .args(files)
        .args(extra)
        .output()
        .expect("run node")
}

fn describe(output: &Output) -> String {
    format!(
        "exit: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The bodies of the ```` ```mermaid ```` fences, each with its trailing newline.
fn mermaid_blocks(markdown: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("```mermaid\n") {
        let body = &rest[start + "```mermaid\n".len()..];
        let end = body
            .find("\n```")
            .expect("every ```mermaid fence is closed");
        blocks.push(&body[..=end]);
        rest = &body[end + 1..];
    }
    blocks
}

/// `seisei` for the repository's own platform, else the fixture's folder name.
fn case_name(spec: &Path) -> String {
    if spec == repo_root().join("platform.yaml") {
        return "seisei".to_owned();
    }
    spec.parent()
        .and_then(Path::file_name)
        .expect("fixtures live in tests/fixtures/<case>/platform.yaml")
        .to_string_lossy()
        .into_owned()
}

/// A fresh folder per test under Cargo's scratch space, kept after the run for inspection.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("mermaid")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create the scratch folder");
    dir
}
