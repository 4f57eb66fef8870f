//! `seisei import`: reads a folder of hand-written Compose stacks, `.env.example` files and a
//! Traefik configuration, and builds the `platform.yaml` that generates them again. Input: the
//! folder (read through `fsread` only, never written); output: the spec as text, the report
//! of where every field went, and the defects found on the way.
//!
//! The stages, in reading order: [`discover`] finds the files, [`compose`] reads each compose
//! file as Compose resolves it (anchors, merge keys, `extends`, the override file),
//! [`service`] and [`labels`] map services and Traefik labels onto the spec's fields,
//! [`envfile`] reads the variables, [`static_config`] and [`dynamic`] the Traefik side,
//! [`build`] puts a [`crate::spec::Spec`] together, [`emit`] writes it with the source's
//! comments, [`defects`] reports what was wrong before seisei, and [`verify`] proves the
//! generated files say what the originals said. [`report`] holds the ledger.

pub mod build;
pub mod compose;
pub mod defects;
pub mod discover;
pub mod dynamic;
pub mod dynamic_l4;
pub mod emit;
pub mod envfile;
pub mod label_comments;
pub mod label_middlewares;
pub mod labels;
pub mod labels_l4;
pub mod lines;
pub mod middlewares;
pub mod normalise;
pub mod objects;
pub mod report;
pub mod routes;
pub mod service;
pub mod service_values;
pub mod source;
pub mod static_config;
pub mod static_toml;
pub mod traefik_spec;
pub mod variables;
pub mod variants;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

pub use report::{Counts, Entry, Outcome, Report};

/// Largest file import reads (a compose file, an env file, a Traefik file).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// What `seisei import` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder of hand-written stacks.
    pub dir: PathBuf,
    /// Where the spec will be written: `platform.output` is the path from its folder to `dir`.
    pub out: PathBuf,
    /// Write one `stacks/NAME.yaml` per stack beside the spec, included from it.
    pub split: bool,
    /// Keep `docker-compose.override.yml` as the variant `override` instead of merging it.
    pub overrides_as_variants: bool,
}

/// The result of an import: the spec's text (and the stack files with `--split`), the ledger,
/// and the defects found in the source tree.
#[derive(Debug)]
pub struct Imported {
    /// The spec, as it will be written.
    pub spec: crate::spec::Spec,
    /// Files to write, relative to the spec's folder: `platform.yaml` first, then the stack
    /// files with `--split`.
    pub files: Vec<(PathBuf, String)>,
    pub report: Report,
    /// Defects of the source tree (warnings), each at its file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// The source as read, for [`verify`].
    pub source: build::Source,
}

/// Imports `options.dir`. Fails only when nothing can be imported (no compose file, an
/// unreadable or invalid YAML file): every other problem is a diagnostic or a report entry.
pub fn run(options: &Options) -> Result<Imported, Vec<Diagnostic>> {
    let found = find(options)?;
    let source = build::read(&options.dir, &found)?;
    let built = build::spec(options, &source);
    let mut diagnostics = defects::find(&source, &built.spec);
    diagnostics.extend(built.diagnostics);
    crate::diagnostics::sort(&mut diagnostics);
    let files = emit::files(&built.spec, &built.comments, &source, options);
    Ok(Imported {
        spec: built.spec,
        files,
        report: built.report,
        diagnostics,
        source,
    })
}

/// The stacks below `options.dir`, with the override files Compose merges by default moved
/// to the variants when the options keep them apart.
pub fn find(options: &Options) -> Result<Vec<discover::Found>, Vec<Diagnostic>> {
    let mut found = discover::find(&options.dir)?;
    if options.overrides_as_variants {
        for stack in &mut found {
            let overrides = std::mem::take(&mut stack.overrides);
            stack.variants.extend(overrides);
        }
    }
    Ok(found)
}

/// `path` relative to `base`, with `/` separators, for report entries and spec paths.
pub fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
