//! The source tree as read: each stack's resolved compose project and env files, and the
//! Traefik side (the container, its static configuration from `traefik.yml`, `traefik.toml` or `command:`
//! flags, and the file provider's dynamic files). Input: the discovered files; output:
//! [`Source`], which the spec builder and verify both read.

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use super::compose::{self, Project};
use super::discover::Found;
use super::dynamic::{self, DynamicFile};
use super::envfile::{self, EnvVar};
use super::service;
use super::static_config::{self, StaticConfig};
use crate::diagnostics::Diagnostic;
use crate::fsread;
/// One stack as read.
#[derive(Debug, Clone)]
pub struct StackSource {
    pub name: String,
    pub found: Found,
    pub project: Project,
    pub env_example: Vec<EnvVar>,
    pub env_keys: Vec<EnvVar>,
}

/// The Traefik side as read.
#[derive(Debug, Clone, Default)]
pub struct TraefikSource {
    /// Index of the stack in [`Source::stacks`] and the service's name.
    pub stack: usize,
    pub service: String,
    pub image: String,
    pub config: StaticConfig,
    /// The file it came from (`traefik.yml`), or `None` when from `command:` flags.
    pub static_file: Option<PathBuf>,
    /// Why `traefik.toml` could not be read (its syntax error, at its line), which stops
    /// the import.
    pub toml_error: Option<Diagnostic>,
    /// Container folder of `traefik.yml`.
    pub config_dir: String,
    /// Dynamic files: path, text, what they say.
    pub dynamic: Vec<(PathBuf, String, DynamicFile)>,
    /// Host folder of the file provider, when found.
    pub dynamic_dir: Option<PathBuf>,
}

/// Everything read below the import folder.
#[derive(Debug, Clone)]
pub struct Source {
    pub dir: PathBuf,
    pub stacks: Vec<StackSource>,
    pub traefik: Option<TraefikSource>,
}

/// Reads the files `found` names.
pub fn read(dir: &Path, found: &[Found]) -> Result<Source, Vec<Diagnostic>> {
    let mut stacks = Vec::new();
    let mut problems = Vec::new();
    for f in found {
        let project = match compose::load(&f.compose, &f.overrides) {
            Ok(p) => p,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let folder = f
            .dir
            .file_name()
            .map_or_else(|| "stack".to_owned(), |n| n.to_string_lossy().into_owned());
        let name = project.name.clone().unwrap_or(folder);
        let read_env = |path: &Option<PathBuf>, values: bool| {
            path.as_ref()
                .and_then(|p| fsread::read_text(p, super::MAX_FILE_BYTES).ok())
                .map(|t| envfile::parse(&t, values))
                .unwrap_or_default()
        };
        stacks.push(StackSource {
            name,
            found: f.clone(),
            env_example: read_env(&f.env_example, true),
            env_keys: read_env(&f.env, false),
            project,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let traefik = traefik_source(&stacks);
    if let Some(problem) = traefik.as_ref().and_then(|t| t.toml_error.clone()) {
        return Err(vec![problem]);
    }
    Ok(Source {
        dir: dir.to_path_buf(),
        stacks,
        traefik,
    })
}

/// Whether an image is Traefik's (`traefik:v3.7`, `docker.io/library/traefik:3.7`).
pub fn is_traefik_image(image: &str) -> bool {
    let name = image.split(':').next().unwrap_or_default();
    name == "traefik" || name.ends_with("/traefik")
}

pub(crate) fn traefik_source(stacks: &[StackSource]) -> Option<TraefikSource> {
    let (index, service, raw) = stacks.iter().enumerate().find_map(|(i, s)| {
        s.project.services.iter().find_map(|(name, svc)| {
            let image = svc.get("image").and_then(Value::as_str)?;
            is_traefik_image(image).then(|| (i, name.clone(), svc.clone()))
        })
    })?;
    let stack = &stacks[index];
    let mut out = TraefikSource {
        stack: index,
        service,
        image: raw
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        config_dir: "/etc/traefik".to_owned(),
        ..TraefikSource::default()
    };
    // The container paths of its bind mounts, to find the files on the host.
    let binds: Vec<(String, String)> = raw
        .get("volumes")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let s = v.as_str()?;
            let mut parts = s.split(':');
            Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
        })
        .collect();
    if let Some(path) = &stack.found.traefik_static {
        // TOML and YAML give the same tree, so everything after this is shared.
        let read = if path.extension().is_some_and(|e| e == "toml") {
            super::static_toml::read(path).map_err(Some)
        } else {
            compose::read_yaml(path).map_err(|_| None)
        };
        match read {
            Ok((_, root)) => {
                out.config = static_config::parse(&root);
                out.static_file = Some(path.clone());
            }
            Err(problem) => out.toml_error = problem,
        }
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some((_, target)) = binds.iter().find(|(source, _)| source.ends_with(&file))
            && let Some((folder, _)) = target.rsplit_once('/')
        {
            out.config_dir = if folder.is_empty() {
                "/".to_owned()
            } else {
                folder.to_owned()
            };
        }
    } else {
        let flags: Vec<String> = match raw.get("command") {
            Some(Value::Sequence(items)) => items.iter().filter_map(compose::scalar_text).collect(),
            Some(Value::String(s)) => service::split_words(s),
            _ => Vec::new(),
        };
        out.config = static_config::parse(&static_config::from_flags(&flags));
    }
    let host_path = |container: &str| {
        binds.iter().find_map(|(source, target)| {
            let rest = container.strip_prefix(target.as_str())?;
            let source = source.strip_prefix("./").unwrap_or(source);
            Some(
                stack
                    .found
                    .dir
                    .join(source)
                    .join(rest.trim_start_matches('/')),
            )
        })
    };
    let mut files = Vec::new();
    if let Some(dir) = out.config.file_directory.as_deref().and_then(host_path) {
        for (name, kind) in fsread::entries(&dir, 10_000).unwrap_or_default() {
            if kind == fsread::EntryKind::File && super::discover::is_yaml(&name) {
                files.push(dir.join(name));
            }
        }
        out.dynamic_dir = Some(dir);
    }
    if let Some(file) = out.config.file_filename.as_deref().and_then(host_path) {
        files.push(file);
    }
    for path in files {
        if let Ok((text, root)) = compose::read_yaml(&path) {
            let parsed = dynamic::parse(&root);
            out.dynamic.push((path, text, parsed));
        }
    }
    Some(out)
}
