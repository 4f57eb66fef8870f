//! Puts the spec together: reads every stack's files ([`read`]), finds the Traefik container
//! and its static and dynamic configuration, and builds a [`Spec`] whose stacks keep their
//! folders, whose routes keep their router names, and whose variables come from the env files
//! and from every `${NAME}` the compose files use ([`spec`]). Input: the discovered files;
//! output: the spec, the report's entries and the problems met on the way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use super::compose::{self, Project};
use super::discover::Found;
use super::dynamic::{self, DynamicFile};
use super::envfile::{self, EnvVar};
use super::labels::{LbService, Router};
use super::report::{Outcome, Report};
use super::static_config::{self, StaticConfig};
use super::{Options, lines, relative, service};
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::fsread;
use crate::spec::{self, Spec};

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
    /// `traefik.toml`, which is not read.
    pub toml: Option<PathBuf>,
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

/// The spec with its ledger.
pub struct Built {
    pub spec: Spec,
    pub report: Report,
    pub diagnostics: Vec<Diagnostic>,
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

fn traefik_source(stacks: &[StackSource]) -> Option<TraefikSource> {
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
    match &stack.found.traefik_static {
        Some(path) if path.extension().is_some_and(|e| e == "toml") => {
            out.toml = Some(path.clone())
        }
        Some(path) => {
            if let Ok((_, root)) = compose::read_yaml(path) {
                out.config = static_config::parse(&root);
                out.static_file = Some(path.clone());
            }
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some((_, target)) = binds.iter().find(|(source, _)| source.ends_with(&file)) {
                if let Some((folder, _)) = target.rsplit_once('/') {
                    out.config_dir = if folder.is_empty() {
                        "/".to_owned()
                    } else {
                        folder.to_owned()
                    };
                }
            }
        }
        None => {
            let flags: Vec<String> = match raw.get("command") {
                Some(Value::Sequence(items)) => {
                    items.iter().filter_map(compose::scalar_text).collect()
                }
                Some(Value::String(s)) => service::split_words(s),
                _ => Vec::new(),
            };
            out.config = static_config::parse(&static_config::from_flags(&flags));
        }
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
            if kind == fsread::EntryKind::File
                && (name.ends_with(".yml") || name.ends_with(".yaml"))
            {
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

/// Names whose values are credentials even when they do not look random (`DB_PASSWORD`).
pub fn secret_name(name: &str) -> bool {
    name.to_ascii_uppercase()
        .split(['_', '-', '.'])
        .any(|part| {
            matches!(
                part,
                "PASSWORD" | "PASSWD" | "PASS" | "PWD" | "SECRET" | "TOKEN" | "KEY" | "APIKEY"
            )
        })
}

/// Every `${NAME…}` and `$NAME` in `text` with the default its operator gives, if any.
pub fn references(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let Some(len) = text[i..].find('}') else {
                    break;
                };
                let inner = &text[i + 2..i + len];
                let end = inner
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(inner.len());
                let (name, rest) = inner.split_at(end);
                let default = rest
                    .strip_prefix(":-")
                    .or_else(|| rest.strip_prefix('-'))
                    .map(str::to_owned);
                if !name.is_empty() {
                    out.push((name.to_owned(), default));
                }
                i += len + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let end = text[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(text.len(), |n| i + 1 + n);
                out.push((text[i + 1..end].to_owned(), None));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

fn strings_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|v| strings_in(v, out)),
        Value::Mapping(m) => m.iter().for_each(|(k, v)| {
            strings_in(k, out);
            strings_in(v, out);
        }),
        Value::Tagged(t) => strings_in(&t.value, out),
        _ => {}
    }
}

/// Builds the spec.
pub fn spec(options: &Options, source: &Source) -> Built {
    let mut report = Report::default();
    let mut diagnostics = Vec::new();
    let dir = &source.dir;
    let traefik_stack = source.traefik.as_ref().map(|t| t.stack);
    // Middlewares of the dynamic files, imported when the spec's type reads them.
    let mut middlewares: BTreeMap<String, spec::Middleware> = BTreeMap::new();
    let mut external: Vec<String> = Vec::new();
    if let Some(t) = &source.traefik {
        for (path, text, file) in &t.dynamic {
            let rel = relative(dir, path);
            let mut all =
                file.routers.is_empty() && file.services.is_empty() && file.other.is_empty();
            for (name, value) in &file.middlewares {
                let line = lines::find(text, &["http", "middlewares", name]);
                let mut one = Mapping::new();
                one.insert(name.clone().into(), value.clone());
                let parsed: Result<BTreeMap<String, spec::Middleware>, _> =
                    serde_yaml::with::singleton_map_recursive::deserialize(Value::Mapping(one));
                match parsed {
                    Ok(m) => {
                        middlewares.extend(m);
                        report.push(
                            &rel,
                            line,
                            format!("http.middlewares.{name}"),
                            Outcome::FirstClass,
                        );
                    }
                    Err(e) => {
                        all = false;
                        external.push(format!("{name}@file"));
                        report.push(&rel, line, format!("http.middlewares.{name}"), Outcome::NotImported(format!("kept in the hand-written file, listed in `external_middlewares` ({e})")));
                    }
                }
            }
            if all || !file.routers.is_empty() {
                report.replaced.push(rel);
            }
        }
    }
    let qualify = |name: &str, file_router: bool| -> String {
        let (base, provider) = match name.split_once('@') {
            Some((b, p)) => (b, Some(p)),
            None => (name, None),
        };
        let provider = provider.unwrap_or(if file_router { "file" } else { "docker" });
        if provider == "file" && middlewares.contains_key(base) {
            base.to_owned()
        } else {
            format!("{base}@{provider}")
        }
    };
    let mut stacks = BTreeMap::new();
    let mut networks: BTreeMap<String, spec::Network> = BTreeMap::new();
    let mut hosts_seen: Vec<String> = Vec::new();
    let version = source
        .traefik
        .as_ref()
        .map_or_else(|| "3.7".to_owned(), |t| version_of(&t.image));
    let mut routes_total = 0usize;
    // Routes from dynamic files land on the service their URL names.
    let mut file_routes: BTreeMap<(usize, String), Vec<spec::Route>> = BTreeMap::new();
    let mut file_services: BTreeMap<(usize, String), BTreeMap<String, spec::LoadBalancer>> =
        BTreeMap::new();
    let mut backends: BTreeMap<String, spec::Backend> = BTreeMap::new();
    let mut dashboard: Option<spec::Dashboard> = None;
    if let Some(t) = &source.traefik {
        for (path, text, file) in &t.dynamic {
            let rel = relative(dir, path);
            for router in &file.routers {
                let line = lines::find(text, &["http", "routers", &router.name]);
                let field = format!("http.routers.{}", router.name);
                for other in &router.other {
                    report.push(
                        &rel,
                        line,
                        other.clone(),
                        Outcome::NotImported("this router option is not in the spec".into()),
                    );
                }
                let target = router.service.clone().unwrap_or_default();
                if target == "api@internal" {
                    dashboard = Some(spec::Dashboard {
                        entrypoint: router.entrypoints.first().cloned().unwrap_or_default(),
                        host: None,
                        path_prefix: None,
                        middlewares: router
                            .middlewares
                            .iter()
                            .map(|m| qualify(m, true))
                            .collect(),
                    });
                    report.push(&rel, line, field, Outcome::FirstClass);
                    continue;
                }
                let base = target.strip_suffix("@file").unwrap_or(&target);
                let Some(lb) = t
                    .dynamic
                    .iter()
                    .flat_map(|(_, _, f)| &f.services)
                    .find(|s| s.name == base)
                else {
                    report.push(
                        &rel,
                        line,
                        field,
                        Outcome::NotImported(format!(
                            "its service `{target}` is not in a dynamic file"
                        )),
                    );
                    continue;
                };
                hosts_seen.extend(hosts_of(&router.rule));
                let mut route = route_of(router, &version, true, &qualify);
                route.provider = Some(spec::Provider::File);
                routes_total += 1;
                let owner = lb
                    .servers
                    .first()
                    .and_then(|u| dynamic::host_port(u))
                    .and_then(|(host, port)| {
                        find_container(source, &host).map(|(s, svc)| (s, svc, port))
                    });
                match owner {
                    Some((s, svc, port)) if lb.servers.len() == 1 => {
                        if needs_named(lb) || lb.name != router.name {
                            route.service = Some(lb.name.clone());
                            file_services
                                .entry((s, svc.clone()))
                                .or_default()
                                .insert(lb.name.clone(), load_balancer(lb, Some(port)));
                        } else {
                            route.port = Some(port);
                        }
                        file_routes.entry((s, svc)).or_default().push(route);
                        report.push(&rel, line, field, Outcome::FirstClass);
                    }
                    _ => {
                        let backend =
                            backends
                                .entry(lb.name.clone())
                                .or_insert_with(|| spec::Backend {
                                    purpose: Some(format!("Imported from {rel}")),
                                    load_balancer: Some(load_balancer(lb, None)),
                                    weighted: None,
                                    mirroring: None,
                                    routes: Vec::new(),
                                });
                        backend.routes.push(route);
                        report.push(&rel, line, field, Outcome::FirstClass);
                    }
                }
            }
            for lb in &file.services {
                for other in &lb.other {
                    let line = lines::find(text, &["http", "services", &lb.name]);
                    report.push(
                        &rel,
                        line,
                        other.clone(),
                        Outcome::NotImported("this service option is not in the spec".into()),
                    );
                }
            }
            for other in &file.other {
                report.push(&rel, 1, other.clone(), Outcome::NotImported("only HTTP routers, load-balancer services and middlewares of dynamic files are read".into()));
            }
        }
    }
    for (index, stack) in source.stacks.iter().enumerate() {
        let file = relative(dir, &stack.project.path);
        let text = &stack.project.text;
        let is_edge = traefik_stack == Some(index);
        let mut out = spec::Stack {
            path: Some(relative(dir, &stack.found.dir)),
            // The inventory needs a status; a running stack is taken to be in production.
            status: Some(spec::Status::Production),
            ..spec::Stack::default()
        };
        let header = lines::header(text);
        out.purpose = Some(
            header
                .first()
                .cloned()
                .unwrap_or_else(|| format!("Imported from {file}")),
        );
        if header.len() > 1 {
            out.notes = Some(header[1..].to_vec());
        }
        for path in &stack.project.overrides {
            report.push(
                &relative(dir, path),
                1,
                "(override file)",
                Outcome::FirstClass,
            );
        }
        for path in &stack.found.variants {
            let rel = relative(dir, path);
            let vtext = fsread::read_text(path, super::MAX_FILE_BYTES).unwrap_or_default();
            let (_, root) = compose::read_yaml(path).unwrap_or_default();
            let services = root
                .get("services")
                .and_then(Value::as_mapping)
                .cloned()
                .unwrap_or_default();
            for (name, svc) in &services {
                let name = name.as_str().unwrap_or_default();
                for key in svc.as_mapping().into_iter().flat_map(Mapping::keys) {
                    let key = key.as_str().unwrap_or_default();
                    report.push(&rel, lines::find(&vtext, &["services", name, key]), format!("services.{name}.{key}"), Outcome::NotImported(format!("a variant used with `docker compose -f {} -f {}`; the spec has no compose variants yet, keep the file beside the generated one", stack.found.compose.file_name().unwrap_or_default().to_string_lossy(), path.file_name().unwrap_or_default().to_string_lossy())));
                }
            }
        }
        for path in &stack.found.ignored {
            report.push(
                &relative(dir, path),
                1,
                "(compose file)",
                Outcome::NotImported(format!(
                    "Compose reads only {} in this folder",
                    stack
                        .found
                        .compose
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                )),
            );
        }
        if stack
            .found
            .compose
            .file_name()
            .is_some_and(|n| n != "docker-compose.yml")
        {
            report.push(&file, 1, "(file name)", Outcome::NotImported("seisei writes `docker-compose.yml`: rename the file in the repository when you adopt the generated one".into()));
        }
        for (key, _) in &stack.project.other {
            report.push(
                &file,
                lines::find(text, &[key]),
                key.clone(),
                Outcome::NotImported("this top-level key is not in the spec".into()),
            );
        }
        for key in &stack.project.extensions {
            report.push(
                &file,
                lines::find(text, &[key]),
                key.clone(),
                Outcome::Generated(
                    "an extension field, resolved into the services that merge it".into(),
                ),
            );
        }
        // The Traefik container's own files, which seisei writes and mounts itself.
        let mut generated_mounts = Vec::new();
        let mut command_is_static = false;
        if let (true, Some(t)) = (is_edge, &source.traefik) {
            let dir = t.config_dir.trim_end_matches('/');
            generated_mounts.push((
                format!("{dir}/traefik.yml"),
                "seisei mounts the traefik.yml it generates".to_owned(),
            ));
            generated_mounts.push((
                format!("{dir}/dynamic"),
                "seisei mounts the dynamic folder it generates".to_owned(),
            ));
            if let Some(d) = &t.config.file_directory {
                generated_mounts.push((
                    d.trim_end_matches('/').to_owned(),
                    "seisei mounts the dynamic folder it generates".to_owned(),
                ));
            }
            generated_mounts.push((
                "/var/run/docker.sock".to_owned(),
                "seisei mounts the Docker socket when a route uses the Docker provider".to_owned(),
            ));
            command_is_static = t.static_file.is_none() && t.toml.is_none();
        }
        let mut references_seen: Vec<(String, Option<String>)> = Vec::new();
        let mut secret_vars: Vec<(String, String, &'static str)> = Vec::new();
        for (name, raw) in &stack.project.services {
            let is_traefik = is_edge && source.traefik.as_ref().is_some_and(|t| &t.service == name);
            let cx = service::Context {
                file: &file,
                text,
                name,
                generated_mounts: if is_traefik { &generated_mounts } else { &[] },
                command_is_static: is_traefik && command_is_static,
            };
            let mapped = service::map(&cx, raw, &mut report);
            let mut svc = mapped.service;
            secret_vars.extend(mapped.secrets);
            let mut all = Vec::new();
            strings_in(&Value::Mapping(raw.clone()), &mut all);
            for s in &all {
                references_seen.extend(references(s));
            }
            // Routes from labels.
            let labels = mapped.labels;
            let line_of = |key: &str| {
                lines::find_text(text, lines::find(text, &["services", name, "labels"]), key)
            };
            for key in &labels.other {
                report.push(
                    &file,
                    line_of(key),
                    format!("services.{name}.labels.{key}"),
                    Outcome::NotImported(
                        "a Traefik label outside HTTP routers and services".into(),
                    ),
                );
            }
            if labels.enable.is_some() {
                report.push(
                    &file,
                    line_of("traefik.enable"),
                    format!("services.{name}.labels.traefik.enable"),
                    Outcome::Generated("written for every routed container".into()),
                );
            }
            if labels.network.is_some() {
                report.push(
                    &file,
                    line_of("traefik.docker.network"),
                    format!("services.{name}.labels.traefik.docker.network"),
                    Outcome::Generated("written from `traefik.network`".into()),
                );
            }
            let mut routes = Vec::new();
            for router in &labels.routers {
                let line = line_of(&router.key);
                for other in &router.other {
                    report.push(
                        &file,
                        line_of(other),
                        format!("services.{name}.labels.{other}"),
                        Outcome::NotImported("this router label is not in the spec".into()),
                    );
                }
                hosts_seen.extend(hosts_of(&router.rule));
                let mut route = route_of(router, &version, false, &qualify);
                route.provider = Some(spec::Provider::Docker);
                let first = labels_first_line(text, line, &router.name);
                let note = lines::comments_above(text, first).join(" ");
                if !note.is_empty() {
                    route.note = Some(note);
                }
                let lb = match &router.service {
                    Some(s) => labels.services.iter().find(|l| &l.name == s),
                    None if labels.services.len() == 1 => labels.services.first(),
                    None => None,
                };
                if let Some(lb) = lb {
                    let shared = labels
                        .routers
                        .iter()
                        .filter(|r| r.service.as_deref() == Some(&lb.name))
                        .count()
                        > 1;
                    if needs_named(lb) || shared || lb.name != router.name {
                        route.service = Some(lb.name.clone());
                        svc.traefik_services
                            .insert(lb.name.clone(), load_balancer(lb, lb.port));
                    } else {
                        route.port = lb.port;
                    }
                } else if let Some(s) = &router.service {
                    report.push(
                        &file,
                        line,
                        format!(
                            "services.{name}.labels.traefik.http.routers.{}.service",
                            router.name
                        ),
                        Outcome::NotImported(format!(
                            "`{s}` is not a service of this container's labels"
                        )),
                    );
                }
                routes.push(route);
                routes_total += 1;
                report.push(
                    &file,
                    line,
                    format!(
                        "services.{name}.labels.traefik.http.routers.{}",
                        router.name
                    ),
                    Outcome::FirstClass,
                );
            }
            for lb in &labels.services {
                for other in &lb.other {
                    report.push(
                        &file,
                        line_of(other),
                        format!("services.{name}.labels.{other}"),
                        Outcome::NotImported("this service label is not in the spec".into()),
                    );
                }
            }
            if let Some(extra) = file_routes.remove(&(index, name.clone())) {
                routes.extend(extra);
            }
            if let Some(extra) = file_services.remove(&(index, name.clone())) {
                svc.traefik_services.extend(extra);
            }
            // seisei routes only to ports the service declares; Traefik reaches any port, so
            // a routed port the file does not expose is added (verify documents it).
            let mut wanted: Vec<u16> = routes.iter().filter_map(|r| r.port).collect();
            wanted.extend(svc.traefik_services.values().filter_map(|lb| lb.port));
            for port in wanted {
                let ports = svc.ports.get_or_insert_with(Vec::new);
                if !ports.iter().any(|p| p.container == port) {
                    ports.push(spec::Port {
                        container: port,
                        publish: false,
                        host: None,
                        host_ip: None,
                        protocol: spec::Protocol::Tcp,
                        note: Some("Routed by Traefik; added by import".to_owned()),
                    });
                }
            }
            if !routes.is_empty() {
                svc.routes = Some(routes);
            }
            out.services.insert(name.clone(), svc);
        }
        // Networks and volumes of the project.
        for (key, value) in &stack.project.networks {
            let key = key.as_str().unwrap_or_default().to_owned();
            let line = lines::find(text, &["networks", &key]);
            let map = value.as_mapping().cloned().unwrap_or_default();
            let mut network = spec::Network {
                purpose: format!("Imported from {file}"),
                external: false,
                internal: false,
                owner: None,
            };
            for (k, v) in &map {
                let k = k.as_str().unwrap_or_default();
                match k {
                    "external" => network.external = v.as_bool().unwrap_or(true),
                    "internal" => network.internal = v.as_bool().unwrap_or(false),
                    "driver" if v.as_str() == Some("bridge") => {}
                    "name" if v.as_str() == Some(key.as_str()) && network.external => {}
                    _ => report.push(
                        &file,
                        lines::find(text, &["networks", &key, k]),
                        format!("networks.{key}.{k}"),
                        Outcome::NotImported("this network option is not in the spec".into()),
                    ),
                }
            }
            report.push(&file, line, format!("networks.{key}"), Outcome::FirstClass);
            match networks.get(&key) {
                Some(existing)
                    if existing.external != network.external
                        || existing.internal != network.internal =>
                {
                    diagnostics.push(Diagnostic::new(Code::SplitNetwork, &stack.project.path, Some(Span::point(line, 1)), format!("network `{key}` is declared differently here than in another stack; the spec keeps the first")).with_help("declare a shared network the same way in every stack, or rename one"));
                }
                Some(_) => {}
                None => {
                    networks.insert(key, network);
                }
            }
        }
        for (key, value) in &stack.project.volumes {
            let key = key.as_str().unwrap_or_default().to_owned();
            let line = lines::find(text, &["volumes", &key]);
            let map = value.as_mapping().cloned().unwrap_or_default();
            let mut volume = spec::Volume {
                purpose: lines::comments_above(text, line).join(" "),
                external: false,
                name: None,
                driver: None,
                driver_opts: BTreeMap::new(),
            };
            if volume.purpose.is_empty() {
                volume.purpose = format!("Imported from {file}");
            }
            for (k, v) in &map {
                let k = k.as_str().unwrap_or_default();
                match k {
                    "external" => volume.external = v.as_bool().unwrap_or(true),
                    "name" => volume.name = v.as_str().map(str::to_owned),
                    "driver" => volume.driver = v.as_str().map(str::to_owned),
                    "driver_opts" => {
                        for (ok, ov) in v.as_mapping().into_iter().flatten() {
                            volume.driver_opts.insert(
                                compose::scalar_text(ok).unwrap_or_default(),
                                compose::scalar_text(ov).unwrap_or_default(),
                            );
                        }
                    }
                    _ => report.push(
                        &file,
                        lines::find(text, &["volumes", &key, k]),
                        format!("volumes.{key}.{k}"),
                        Outcome::NotImported("this volume option is not in the spec".into()),
                    ),
                }
            }
            report.push(&file, line, format!("volumes.{key}"), Outcome::FirstClass);
            out.volumes.insert(key, volume);
        }
        // Variables: the env file's, then every other reference, then the credentials.
        let env_file = stack.found.env_example.as_ref().map(|p| relative(dir, p));
        for var in &stack.env_example {
            let rel = env_file.clone().unwrap_or_default();
            let mut v = variable(var, &rel, &references_seen);
            if let Some(value) = &var.value {
                let kind = spec::secrets::credential_kind(value);
                if kind.is_some() || secret_name(&var.name) {
                    v.secret = true;
                    if !spec::secrets::is_placeholder(value) {
                        v.example = Some("change-me".to_owned());
                        report.push(
                            &rel,
                            var.line,
                            var.name.clone(),
                            Outcome::Secret(
                                kind.unwrap_or("a credential (by its name)").to_owned(),
                            ),
                        );
                        continue_insert(&mut out, var, v);
                        continue;
                    }
                }
            }
            report.push(&rel, var.line, var.name.clone(), Outcome::FirstClass);
            continue_insert(&mut out, var, v);
        }
        let env_real = stack
            .found
            .env
            .as_ref()
            .map(|p| relative(dir, p))
            .unwrap_or_default();
        for var in &stack.env_keys {
            if !out.env.contains_key(&var.name) {
                let mut v = variable(var, &env_real, &references_seen);
                v.example = None;
                v.secret = secret_name(&var.name);
                out.env.insert(var.name.clone(), v);
            }
            report.push(
                &env_real,
                var.line,
                var.name.clone(),
                Outcome::Generated("a real .env: only its key was read, never its value".into()),
            );
        }
        for (name, default) in &references_seen {
            if out.env.contains_key(name) {
                continue;
            }
            out.env.insert(
                name.clone(),
                spec::Variable {
                    description: format!("Used by {file}; not in an .env.example"),
                    required: default.is_none(),
                    secret: secret_name(name),
                    example: None,
                    default: default.clone(),
                },
            );
        }
        for (name, place, kind) in secret_vars {
            out.env.insert(
                name.clone(),
                spec::Variable {
                    description: format!(
                        "Was a literal in {place} that looks like {kind}; set it in .env"
                    ),
                    required: true,
                    secret: true,
                    example: Some("change-me".to_owned()),
                    default: None,
                },
            );
        }
        // Files beside the compose file that seisei does not generate.
        let dynamic_dir = source.traefik.as_ref().and_then(|t| t.dynamic_dir.clone());
        let mut config_files = Vec::new();
        for other in &stack.found.others {
            let full = stack.found.dir.join(other);
            if dynamic_dir.as_ref().is_some_and(|d| full.starts_with(d)) {
                continue;
            }
            let target = stack.project.services.iter().find_map(|(_, svc)| {
                svc.get("volumes")?.as_sequence()?.iter().find_map(|v| {
                    let s = v.as_str()?;
                    let (src, rest) = s.split_once(':')?;
                    let src = src.strip_prefix("./").unwrap_or(src);
                    (other == src || other.starts_with(&format!("{}/", src.trim_end_matches('/'))))
                        .then(|| rest.split(':').next().unwrap_or_default().to_owned())
                })
            });
            config_files.push(spec::ConfigFile {
                path: format!("{}/{other}", out.path.as_deref().unwrap_or_default()),
                purpose: match target {
                    Some(t) => format!("Bind-mounted at {t}; not generated"),
                    None => "Beside the compose file; not generated".to_owned(),
                },
            });
        }
        if !config_files.is_empty() {
            out.config_files = Some(config_files);
        }
        report.stacks += 1;
        report.services += out.services.len();
        report.variables += out.env.len();
        if is_edge && !backends.is_empty() {
            out.backends = std::mem::take(&mut backends);
        }
        stacks.insert(stack.name.clone(), out);
    }
    report.routes = routes_total;
    for stack in stacks.values() {
        let routes = stack
            .services
            .values()
            .flat_map(|s| s.routes.iter().flatten())
            .chain(stack.backends.values().flat_map(|b| &b.routes));
        external
            .extend(routes.flat_map(|r| r.middlewares.iter().filter(|m| m.contains('@')).cloned()));
    }
    let traefik = traefik_spec(
        source,
        &version,
        middlewares,
        external,
        dashboard,
        &mut report,
        &mut diagnostics,
    );
    let domain = apex(&hosts_seen);
    let name = dir.file_name().map_or_else(
        || "platform".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let out_dir = options.out.parent().unwrap_or(Path::new("."));
    let output = relative_path(out_dir, dir);
    let spec = Spec {
        platform: spec::Platform {
            name,
            domain,
            description: None,
            allow_external_output: output.starts_with("..") || output.starts_with('/'),
            output,
            stacks_dir: "infra/stacks".to_owned(),
            docs: Vec::new(),
            inventory: "STACKS.md".to_owned(),
        },
        traefik,
        networks,
        stacks,
        include: Vec::new(),
        env: BTreeMap::new(),
        defaults: None,
    };
    Built {
        spec,
        report,
        diagnostics,
    }
}

/// The first line of a router's labels: the one above `line` that still names the router.
fn labels_first_line(text: &str, line: usize, router: &str) -> usize {
    let needle = format!("routers.{router}.");
    let all: Vec<&str> = text.lines().collect();
    let mut first = line;
    while first > 1 && all.get(first - 2).is_some_and(|l| l.contains(&needle)) {
        first -= 1;
    }
    first
}

fn continue_insert(stack: &mut spec::Stack, var: &EnvVar, v: spec::Variable) {
    stack.env.insert(var.name.clone(), v);
}

fn variable(var: &EnvVar, file: &str, references: &[(String, Option<String>)]) -> spec::Variable {
    let default = references
        .iter()
        .find(|(n, d)| *n == var.name && d.is_some())
        .and_then(|(_, d)| d.clone());
    spec::Variable {
        description: var
            .description
            .clone()
            .unwrap_or_else(|| format!("Imported from {file}")),
        required: default.is_none(),
        secret: false,
        example: var.value.clone().filter(|v| !v.is_empty()),
        default,
    }
}

/// Whether a Traefik service needs its own entry (`traefik_services`) rather than a route's
/// `port`: it has settings beyond the port.
fn needs_named(lb: &LbService) -> bool {
    lb.sticky.is_some() || lb.scheme.is_some() || lb.pass_host_header.is_some()
}

fn load_balancer(lb: &LbService, port: Option<u16>) -> spec::LoadBalancer {
    let mut m = Mapping::new();
    if let Some(port) = port {
        m.insert("port".into(), port.into());
    } else {
        let servers: Vec<Value> = lb
            .servers
            .iter()
            .map(|u| {
                let mut s = Mapping::new();
                s.insert("url".into(), u.clone().into());
                Value::Mapping(s)
            })
            .collect();
        m.insert("servers".into(), Value::Sequence(servers));
    }
    if let Some(scheme) = &lb.scheme {
        m.insert("scheme".into(), scheme.clone().into());
    }
    if let Some(p) = lb.pass_host_header {
        m.insert("passHostHeader".into(), p.into());
    }
    if let Some(sticky) = &lb.sticky {
        let mut cookie = Mapping::new();
        for (k, v) in sticky {
            let value: Value = match k.as_str() {
                "secure" | "httpOnly" => v.eq_ignore_ascii_case("true").into(),
                "maxAge" => v
                    .parse::<i64>()
                    .map_or_else(|_| v.clone().into(), Into::into),
                _ => v.clone().into(),
            };
            cookie.insert(k.clone().into(), value);
        }
        let mut s = Mapping::new();
        s.insert("cookie".into(), Value::Mapping(cookie));
        m.insert("sticky".into(), Value::Mapping(s));
    }
    serde_yaml::from_value(Value::Mapping(m)).unwrap_or_default()
}

/// A spec route for a router: `hosts` (and a path prefix) when seisei prints that back as the
/// same rule, else the rule as written.
fn route_of(
    router: &Router,
    version: &str,
    file: bool,
    qualify: &dyn Fn(&str, bool) -> String,
) -> spec::Route {
    let mut route = spec::Route {
        name: None,
        router: Some(router.name.clone()),
        service: None,
        tls_options: None,
        hosts: Vec::new(),
        path_prefix: None,
        path: None,
        methods: Vec::new(),
        headers: BTreeMap::new(),
        rule: Some(super::defects::v3_rule(&router.rule).unwrap_or_else(|| router.rule.clone())),
        port: None,
        priority: router.priority,
        entrypoints: (!router.entrypoints.is_empty()).then(|| router.entrypoints.clone()),
        middlewares: router
            .middlewares
            .iter()
            .map(|m| qualify(m, file))
            .collect(),
        tls_domains: Vec::new(),
        cert_resolver: router.cert_resolver.clone(),
        provider: None,
        note: None,
    };
    let hosts = hosts_of(&router.rule);
    if let Some(v) = crate::traefik::Version::parse(version) {
        for prefix in [None, path_prefix_of(&router.rule)] {
            let printed = crate::traefik::write_rule(
                &crate::traefik::RouteMatch {
                    hosts: &hosts,
                    path_prefix: prefix.as_deref(),
                    ..Default::default()
                },
                v,
            );
            if !hosts.is_empty() && printed == router.rule {
                route.hosts = hosts.clone();
                route.path_prefix = prefix;
                route.rule = None;
                break;
            }
        }
    }
    route
}

/// The `Host` values of a rule, in order.
pub fn hosts_of(rule: &str) -> Vec<String> {
    matcher_values(rule, "Host(`")
}

fn path_prefix_of(rule: &str) -> Option<String> {
    matcher_values(rule, "PathPrefix(`").into_iter().next()
}

fn matcher_values(rule: &str, open: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(start) = rest.find(open) {
        // `HostRegexp(` also contains `Host(`? No: the backtick follows `Host(` directly.
        let before = &rest[..start];
        let after = &rest[start + open.len()..];
        let Some(end) = after.find('`') else { break };
        if !before.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            out.push(after[..end].to_owned());
        }
        rest = &after[end..];
    }
    out
}

fn find_container(source: &Source, host: &str) -> Option<(usize, String)> {
    for (i, stack) in source.stacks.iter().enumerate() {
        for (name, svc) in &stack.project.services {
            if svc.get("container_name").and_then(Value::as_str) == Some(host) {
                return Some((i, name.clone()));
            }
        }
    }
    for (i, stack) in source.stacks.iter().enumerate() {
        if stack.project.services.iter().any(|(n, _)| n == host) {
            return Some((i, host.to_owned()));
        }
    }
    None
}

/// `MAJOR.MINOR` of a Traefik image tag (`traefik:v3.7.9` is `3.7`); 3.7 when the tag says
/// nothing usable.
fn version_of(image: &str) -> String {
    let tag = image
        .rsplit_once(':')
        .map_or("", |(_, t)| t)
        .trim_start_matches('v');
    let mut parts = tag.split('.');
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor))
            if major.parse::<u32>().is_ok() && minor.parse::<u32>().is_ok() =>
        {
            format!("{major}.{minor}")
        }
        _ => "3.7".to_owned(),
    }
}

/// The domain most hosts end in (the last two labels), for `platform.domain`.
fn apex(hosts: &[String]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for host in hosts {
        let labels: Vec<&str> = host.rsplit('.').take(2).collect();
        if labels.len() == 2 {
            *counts
                .entry(format!("{}.{}", labels[1], labels[0]))
                .or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or_else(|| "example.com".to_owned(), |(d, _)| d)
}

/// The path from `from` to `to`, both as given (made absolute against each other's common
/// prefix), with `..` where `to` is outside `from`.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let absolute = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        }
    };
    let clean = |p: PathBuf| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::Normal(n) => parts.push(n.to_string_lossy().into_owned()),
                _ => {}
            }
        }
        parts
    };
    let from = clean(absolute(from));
    let to = clean(absolute(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to[common..].iter().cloned());
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

fn traefik_spec(
    source: &Source,
    version: &str,
    middlewares: BTreeMap<String, spec::Middleware>,
    mut external: Vec<String>,
    dashboard: Option<spec::Dashboard>,
    report: &mut Report,
    diagnostics: &mut Vec<Diagnostic>,
) -> spec::Traefik {
    let t = source.traefik.clone().unwrap_or_default();
    let stack = source.stacks.get(t.stack);
    let static_rel = t.static_file.as_ref().map(|p| relative(&source.dir, p));
    if let Some(toml) = &t.toml {
        diagnostics.push(Diagnostic::new(Code::InvalidOption, toml, None, "traefik.toml is not read: seisei has no TOML reader, so the entry points and resolvers are not imported").with_help("convert it to traefik.yml (same keys) and import again"));
    }
    if let (Some(rel), Some(path)) = (&static_rel, &t.static_file) {
        let text = fsread::read_text(path, super::MAX_FILE_BYTES).unwrap_or_default();
        for other in &t.config.other {
            let segments: Vec<&str> = other.split('.').collect();
            report.push(rel, lines::find(&text, &segments), other.clone(), Outcome::NotImported("this static setting is not read by import; set it in the spec's `traefik:` by hand".into()));
        }
        for key in [
            "entryPoints",
            "certificatesResolvers",
            "providers",
            "log",
            "api",
        ] {
            if text.contains(&format!("{key}:")) {
                report.push(rel, lines::find(&text, &[key]), key, Outcome::FirstClass);
            }
        }
    }
    let mut entrypoints = t.config.entrypoints.clone();
    for ep in entrypoints.values_mut() {
        ep.middlewares = ep
            .middlewares
            .iter()
            .map(|m| {
                let base = m.strip_suffix("@file").unwrap_or(m);
                if middlewares.contains_key(base) {
                    base.to_owned()
                } else {
                    m.clone()
                }
            })
            .collect();
    }
    let mut defaults: Vec<String> = entrypoints
        .iter()
        .filter(|(_, e)| e.tls)
        .map(|(n, _)| n.clone())
        .collect();
    if defaults.is_empty() {
        defaults = entrypoints
            .iter()
            .filter(|(_, e)| e.redirect_to.is_none())
            .map(|(n, _)| n.clone())
            .collect();
    }
    // Every `name@provider` an entry point uses that the spec does not define (the routes'
    // come in `external` already).
    let used: Vec<String> = entrypoints
        .values()
        .flat_map(|e| e.middlewares.clone())
        .collect();
    external.extend(used.into_iter().filter(|m| m.contains('@')));
    external.sort();
    external.dedup();
    let network = stack
        .and_then(|s| s.project.services.iter().find(|(n, _)| *n == t.service))
        .and_then(|(_, svc)| svc.get("networks"))
        .and_then(|n| match n {
            Value::Sequence(items) => items.first().and_then(Value::as_str).map(str::to_owned),
            Value::Mapping(m) => m.keys().next().and_then(Value::as_str).map(str::to_owned),
            _ => None,
        })
        .unwrap_or_else(|| "default".to_owned());
    spec::Traefik {
        version: version.to_owned(),
        stack: stack.map(|s| s.name.clone()).unwrap_or_default(),
        service: t.service.clone(),
        config_dir: t.config_dir.clone(),
        network,
        entrypoints,
        default_entrypoints: defaults,
        cert_resolvers: t.config.resolvers.clone(),
        default_cert_resolver: None,
        default_provider: if t.config.docker {
            spec::Provider::Docker
        } else {
            spec::Provider::File
        },
        middlewares,
        external_middlewares: external,
        tcp_middlewares: BTreeMap::new(),
        dashboard,
        servers_transports: BTreeMap::new(),
        tls_options: BTreeMap::new(),
        tls_stores: BTreeMap::new(),
        log_level: t.config.log_level.clone(),
        log: None,
        access_log: None,
        ping: None,
        metrics: None,
        providers: None,
        experimental: None,
    }
}
