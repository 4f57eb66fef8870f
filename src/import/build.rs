//! Puts the spec together: stacks that keep their folders, services mapped field by field,
//! routes from labels and dynamic files that keep their router names, volumes, networks, and
//! variables from the env files and from every `${NAME}` the compose files use. Input: the
//! [`Source`]; output: the spec, the report's entries and the problems met on the way.

use std::collections::BTreeMap;
use std::path::Path;

use serde_yaml::Value;

use super::compose::{self};
use super::dynamic::{self};
use super::report::{Outcome, Report};
pub use super::routes::hosts_of;
use super::routes::{find_container, load_balancer, needs_named, route_of};
pub use super::source::{Source, StackSource, TraefikSource, is_traefik_image, read};
pub use super::traefik_spec::relative_path;
use super::traefik_spec::{apex, traefik_spec, version_of};
use super::variables::{continue_insert, references, secret_name, strings_in, variable};
use super::{Options, lines, relative, service};
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::spec::{self, Spec};

/// The spec with its ledger.
pub struct Built {
    pub spec: Spec,
    pub report: Report,
    pub diagnostics: Vec<Diagnostic>,
    /// Comments of the source to write above the spec keys they annotate.
    pub comments: Vec<super::label_comments::Comment>,
}

/// Builds the spec.
pub fn spec(options: &Options, source: &Source) -> Built {
    let mut report = Report::default();
    let mut diagnostics = Vec::new();
    let mut comments = Vec::new();
    let dir = &source.dir;
    let traefik_stack = source.traefik.as_ref().map(|t| t.stack);
    let mut middlewares = super::middlewares::collect(source, &mut report);
    let qualify = |name: &str, file_router: bool| middlewares.http_reference(name, file_router);
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
    let mut file_l4 = super::dynamic_l4::collect(source, &mut report);
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
                route.tls = super::routes::own_tls(router, source);
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
                report.push(&rel, 1, other.clone(), Outcome::NotImported("only routers, load-balancer services and HTTP middlewares of dynamic files are read".into()));
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
        // The first header line is the purpose; the whole header goes above the stack as
        // comments (emit), because the generated file keeps only the purpose.
        out.purpose = Some(if header.is_empty() {
            format!("Imported from {file}")
        } else {
            first_sentence(&header)
        });
        for path in &stack.project.overrides {
            report.push(
                &relative(dir, path),
                1,
                "(override file)",
                Outcome::FirstClass,
            );
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
        let place = super::objects::Place { file: &file, text };
        for (key, value) in &stack.project.other {
            if key == "secrets" || key == "configs" {
                super::objects::secrets_or_configs(&place, key, value, &mut out, &mut report);
                continue;
            }
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
            // A traefik.toml is replaced by the traefik.yml seisei writes.
            for file in ["traefik.yml", "traefik.toml"] {
                generated_mounts.push((
                    format!("{dir}/{file}"),
                    "seisei mounts the traefik.yml it generates".to_owned(),
                ));
            }
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
            command_is_static = t.static_file.is_none();
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
                route.tls = super::routes::own_tls(router, source);
                route.provider = Some(spec::Provider::Docker);
                let lb = match &router.service {
                    Some(s) => labels.services.iter().find(|l| &l.name == s),
                    None if labels.services.len() == 1 => labels.services.first(),
                    None => None,
                };
                if let Some(lb) = lb {
                    let shared = labels
                        .routers
                        .iter()
                        // A router without `service` takes the container's only one.
                        .filter(|r| match r.service.as_deref() {
                            Some(s) => s == lb.name,
                            None => labels.services.len() == 1,
                        })
                        .count()
                        > 1;
                    if needs_named(lb) || shared || lb.name != router.name {
                        route.service = Some(lb.name.clone());
                        svc.traefik_services
                            .insert(lb.name.clone(), load_balancer(lb, lb.port));
                    } else {
                        route.port = lb.port;
                    }
                } else if router.service.is_none() {
                    // Traefik takes the container's only port; the spec says which.
                    if let [only] = svc.ports.as_deref().unwrap_or_default() {
                        route.port = Some(only.container);
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
            // TCP and UDP routers from labels, by their names.
            let (mut tcp, mut udp, mut l4_ports) = super::labels_l4::routes(&labels.l4);
            if let Some(placed) = file_l4.remove(&(index, name.clone())) {
                tcp.extend(placed.tcp);
                udp.extend(placed.udp);
                l4_ports.extend(placed.ports);
            }
            for router in &labels.l4.routers {
                let kind = if router.udp { "udp" } else { "tcp" };
                let field = format!(
                    "services.{name}.labels.traefik.{kind}.routers.{}",
                    router.name
                );
                report.push(&file, line_of(&router.key), field, Outcome::FirstClass);
                for other in &router.other {
                    report.push(
                        &file,
                        line_of(other),
                        format!("services.{name}.labels.{other}"),
                        Outcome::NotImported(format!(
                            "this {kind} router label is not in the spec"
                        )),
                    );
                }
            }
            for other in labels.l4.services.iter().flat_map(|s| &s.other) {
                report.push(
                    &file,
                    line_of(other),
                    format!("services.{name}.labels.{other}"),
                    Outcome::NotImported("this TCP or UDP service label is not in the spec".into()),
                );
            }
            routes_total += tcp.len() + udp.len();
            svc.tcp_routes = tcp;
            svc.udp_routes = udp;
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
            let wanted = wanted
                .into_iter()
                .map(|p| (p, spec::Protocol::Tcp))
                .chain(l4_ports);
            for (port, protocol) in wanted {
                let ports = svc.ports.get_or_insert_with(Vec::new);
                if !ports
                    .iter()
                    .any(|p| p.container == port && p.protocol == protocol)
                {
                    ports.push(spec::Port {
                        container: port,
                        container_end: None,
                        publish: false,
                        host: None,
                        host_ip: None,
                        protocol,
                        note: None,
                    });
                }
            }
            if !routes.is_empty() {
                svc.routes = Some(routes);
            }
            let labels_line = lines::find(text, &["services", name, "labels"]);
            comments.extend(super::label_comments::collect(
                text,
                labels_line,
                &stack.name,
                name,
                &svc,
                &labels,
            ));
            out.services.insert(name.clone(), Box::new(svc));
        }
        // Override files used with `-f`: the stack's variants, which seisei writes back.
        for path in &stack.found.variants {
            if let Some(v) = super::variants::read(dir, &stack.found.compose, path, &mut report) {
                for s in &v.strings {
                    references_seen.extend(references(s));
                }
                report.replaced.push(relative(dir, path));
                out.variants.insert(v.name, v.variant);
            }
        }
        // Networks and volumes of the project.
        for (key, value) in &stack.project.networks {
            let key = key.as_str().unwrap_or_default().to_owned();
            let line = lines::find(text, &["networks", &key]);
            let network = super::objects::network(&place, &stack.name, &key, value, &mut report);
            report.push(&file, line, format!("networks.{key}"), Outcome::FirstClass);
            match networks.get(&key) {
                Some(existing) => match super::objects::join(existing, network) {
                    Some(joined) => {
                        networks.insert(key, joined);
                    }
                    None => {
                        diagnostics.push(Diagnostic::new(Code::SplitNetwork, &stack.project.path, Some(Span::point(line, 1)), format!("network `{key}` is declared differently here than in another stack; the spec keeps the first")).with_help("declare a shared network the same way in every stack, or rename one"));
                    }
                },
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
                    // `local` is Compose's default, and what seisei writes when none is given.
                    "driver" => {
                        volume.driver = v.as_str().filter(|d| *d != "local").map(str::to_owned);
                    }
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
                    example: default.clone(),
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
                    // Short syntax `./src:/target:ro`, or the long syntax's source and target.
                    let (src, target) = if let Value::Mapping(m) = v {
                        (
                            m.get("source")?.as_str()?.to_owned(),
                            m.get("target")?.as_str()?.to_owned(),
                        )
                    } else {
                        let (src, rest) = v.as_str()?.split_once(':')?;
                        let target = rest.split(':').next().unwrap_or_default();
                        (src.to_owned(), target.to_owned())
                    };
                    let src = src.strip_prefix("./").unwrap_or(&src);
                    (other == src || other.starts_with(&format!("{}/", src.trim_end_matches('/'))))
                        .then_some(target)
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
        report.replaced.push(file.clone());
        if let Some(env) = &env_file {
            report.replaced.push(env.clone());
        }
        if let (true, Some(path)) = (
            is_edge,
            source.traefik.as_ref().and_then(|t| t.static_file.as_ref()),
        ) {
            report.replaced.push(relative(dir, path));
        }
        report.stacks += 1;
        report.services += out.services.len();
        report.variables += out.env.len();
        if is_edge && !backends.is_empty() {
            out.backends = std::mem::take(&mut backends).into_iter().collect();
        }
        stacks.insert(stack.name.clone(), out);
    }
    report.routes = routes_total;
    let shared_volumes = super::objects::share_volumes(&mut stacks);
    for stack in stacks.values_mut() {
        let routes = stack
            .services
            .values()
            .flat_map(|s| s.routes.iter().flatten())
            .chain(stack.backends.values().flat_map(|b| &b.routes));
        middlewares
            .external
            .extend(routes.flat_map(|r| r.middlewares.iter().filter(|m| m.contains('@')).cloned()));
        let tcp = stack.services.values_mut().flat_map(|s| &mut s.tcp_routes);
        for reference in tcp.flat_map(|r| &mut r.middlewares) {
            middlewares.tcp_reference(reference);
        }
    }
    let docker_routes = stacks
        .values()
        .flat_map(|s| s.services.values())
        .flat_map(|s| s.routes.iter().flatten())
        .any(|r| r.provider == Some(spec::Provider::Docker));
    let traefik = traefik_spec(
        docker_routes,
        source,
        &version,
        middlewares.http,
        middlewares.tcp,
        middlewares.external,
        dashboard,
        &mut report,
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
            target: spec::Target::default(),
        },
        swarm: None,
        volumes: shared_volumes.into_iter().collect(),
        traefik,
        networks: networks.into_iter().collect(),
        stacks: stacks.into_iter().collect(),
        include: Vec::new(),
        env: spec::Map::new(),
        defaults: None,
    };
    Built {
        spec,
        report,
        diagnostics,
        comments,
    }
}

/// The purpose a header gives: its first line, continued over the next lines while the
/// sentence it starts has not ended (a purpose wrapped over two comment lines).
fn first_sentence(header: &[String]) -> String {
    let mut out = String::new();
    // A header that never ends a sentence gives its first three lines.
    for line in header.iter().take(3) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
        if line.ends_with(['.', ':', '!', '?']) {
            break;
        }
    }
    out
}
