//! The fuzz harness: arbitrary bytes as `platform.yaml`, through every stage `seisei gen`
//! runs before it touches the output tree (load, model, render) and the printing of the
//! problems found. Input: bytes; output: nothing. A panic, an abort or a hang is a bug.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Runs the pipeline on `bytes` as the spec and renders every diagnostic it produces, the
/// way the CLI prints them.
pub fn run(bytes: &[u8]) {
    let path = spec_path();
    // The spec goes through the file system, so `load` checks its size and encoding.
    if std::fs::write(path, bytes).is_err() {
        return;
    }
    let loaded = seisei::spec::load(path);
    let _ = std::fs::remove_file(path);
    let source = match loaded {
        Ok(source) => source,
        Err(problems) => {
            print(&problems, std::str::from_utf8(bytes).ok());
            return;
        }
    };
    match seisei::model::build(&source) {
        Ok((model, warnings)) => {
            print(&warnings, Some(&source.text));
            // A template error is reported, not a crash; only a panic matters here.
            let _ = seisei::render::generate(&model);
        }
        Err(problems) => print(&problems, Some(&source.text)),
    }
}

/// Renders diagnostics as text and as JSON, as `validate` does, and drops the result.
fn print(diagnostics: &[seisei::diagnostics::Diagnostic], text: Option<&str>) {
    for diagnostic in diagnostics {
        std::hint::black_box(diagnostic.render(text));
        std::hint::black_box(diagnostic.to_json());
    }
}

/// One spec file per process (libFuzzer's `-fork` and `-jobs` run several), in a directory
/// of its own that holds nothing else, so an `include` pattern finds no other file. The
/// directories share one parent, `seisei-fuzz` in the temporary directory, to delete after.
fn spec_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir()
            .join("seisei-fuzz")
            .join(std::process::id().to_string());
        std::fs::create_dir_all(&dir).expect("create the fuzz directory");
        dir.join("platform.yaml")
    })
}
