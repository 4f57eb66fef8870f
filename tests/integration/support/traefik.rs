//! Runs the real Traefik (`SEISEI_TRAEFIK`) on a platform's generated configuration, on
//! loopback only, and asks it what it built and which router answered a request.
//!
//! The generated files are rewritten for the test, and only where a test machine differs
//! from the platform's host:
//! - every entry point listens on a free `127.0.0.1` port (TLS and redirections kept);
//! - the API is on an extra loopback entry point named `traefik` (`api.insecure`), where
//!   `/api/rawdata` lists every router, service and middleware with its status and errors;
//! - ACME talks to `https://127.0.0.1:9`, which refuses, so nothing leaves the machine and TLS
//!   entry points serve Traefik's default certificate; ACME storage is in the scratch folder;
//! - the Docker provider is removed (there is no daemon; `providers.precedence` stays): the
//!   Docker labels of every enabled container become a file-provider document of the same tree (`traefik.http.routers.X.rule`
//!   is `http.routers.X.rule`), whose names then end in `@file` instead of `@docker`;
//! - every HTTP service's servers are one local HTTP backend that answers 200 (`url`), every
//!   TCP and UDP service's a recorder of its own (`support/traefik_l4.rs`), and every
//!   `https://` server one local HTTPS backend (`support/tls_backend.rs`) whose self-signed
//!   certificate, valid for `nas.lan`, replaces every `rootCAs` file and the TLS store's default
//!   certificate: a servers transport that verifies its server does so for real;
//! - a JSON access log (internal routers included) records `RouterName` per request;
//! - what lives outside seisei is stood in for: a forwardAuth `address` is the local backend
//!   (which answers 200, so the request goes through), a basicAuth/digestAuth `usersFile` is a
//!   scratch file with one user, each declared external `name@file` middleware is a no-op
//!   headers middleware in a file of its own (not counted as seisei's), and plugin middlewares
//!   and `experimental.plugins` are dropped, since plugins are downloaded at start and the
//!   test machine has no network.
//!
//! [`answering_routers`] is the entry point for differential tests of `seisei route`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::compile;
use crate::schemas::Kind;
use crate::support::readers::render_go_template;
use crate::support::tls_backend::TlsBackend;
use crate::support::traefik_l4::L4Side;
use crate::support::{SETUP, tool};

/// How long Traefik may take to load the configuration.
const LOAD_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one request, or its access-log line, may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// ACME's directory: a loopback port nothing listens on.
const ACME_REFUSED: &str = "https://127.0.0.1:9";
/// The entry point `api.insecure` serves the API on.
const API_ENTRY_POINT: &str = "traefik";

/// One request to send: raw bytes, so that paths reach Traefik exactly as written.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub entry_point: String,
    /// The TLS server name, for entry points that terminate TLS.
    pub sni: Option<String>,
    pub bytes: Vec<u8>,
}

/// What Traefik did with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code of the response, `None` when there was none.
    pub status: Option<u16>,
    /// `RouterName` of its access-log line: `None` when no router took it.
    pub router: Option<String>,
    /// The response's status line and headers, as received.
    pub head: String,
}

/// Given a platform and raw requests, which router of the real Traefik answered each.
pub fn answering_routers(spec: &Path, requests: &[RawRequest]) -> Vec<Answer> {
    let traefik = Traefik::start(spec);
    requests.iter().map(|r| traefik.send(r)).collect()
}

/// A listening entry point of the running Traefik.
#[derive(Debug, Clone)]
pub struct EntryPoint {
    pub port: u16,
    /// Whether it terminates TLS for every router (`http.tls` in the static file).
    pub tls: bool,
    /// The entry point it redirects every request to (`http.redirections.entryPoint.to`).
    pub redirect_to: Option<String>,
}

/// What seisei wrote for one router, as the file provider reads it.
#[derive(Debug, Clone)]
pub struct WrittenRouter {
    /// `name@file`.
    pub name: String,
    pub rule: String,
    pub entry_points: Vec<String>,
    pub tls: bool,
}

/// A running Traefik, killed when dropped.
pub struct Traefik {
    child: Child,
    scratch: tempfile::TempDir,
    pub entry_points: BTreeMap<String, EntryPoint>,
    api_port: u16,
    access_log: PathBuf,
    _backend: Backend,
    _tls_backend: TlsBackend,
    /// Every HTTP router seisei wrote, as Traefik names it (`name@file`).
    pub routers: Vec<WrittenRouter>,
    /// Every object seisei wrote, HTTP, TCP and UDP: the `/api/rawdata` section that lists
    /// it (`routers`, `tcpServices`, …) and its name.
    pub objects: Vec<(&'static str, String)>,
    /// The TCP and UDP routers, and a recorder per TCP and UDP service (`traefik_l4.rs`).
    pub l4: L4Side,
}

impl Drop for Traefik {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Traefik {
    /// Compiles `spec`, rewrites its Traefik configuration for loopback, starts Traefik and
    /// waits until every router, service and middleware seisei wrote is loaded (or the time
    /// is up: the caller then finds what is missing in [`Traefik::rawdata`]).
    pub fn start(spec: &Path) -> Traefik {
        for _ in 0..4 {
            if let Some(traefik) = Self::start_once(spec) {
                return traefik;
            }
        }
        panic!("Traefik found a port taken four times over");
    }

    /// One attempt: `None` when Traefik could not bind a port. Ports are picked free a moment
    /// before Traefik binds them, and a test running at the same time may take one first.
    fn start_once(spec: &Path) -> Option<Traefik> {
        let binary = tool("SEISEI_TRAEFIK");
        let compiled = compile(spec);
        let scratch = tempfile::tempdir().expect("a temporary directory");
        let dynamic_dir = scratch.path().join("dynamic");
        std::fs::create_dir(&dynamic_dir).expect("create the dynamic folder");
        let backend = Backend::start();
        let tls_backend = TlsBackend::start(scratch.path(), free_port());

        let mut documents: Vec<(String, Value)> = Vec::new();
        for artifact in compiled
            .artifacts
            .iter()
            .filter(|a| Kind::Dynamic.selects(&a.path))
        {
            let text = std::str::from_utf8(&artifact.bytes).expect("UTF-8");
            let text =
                render_go_template(text).unwrap_or_else(|e| panic!("{}: {e}", artifact.path));
            let doc: Value = serde_yaml::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not YAML: {e}", artifact.path));
            let name = Path::new(&artifact.path)
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            documents.push((name, doc));
        }
        for stack in &compiled.model.stacks {
            for service in &stack.services {
                if let Some(doc) = labels_as_file_document(&compiled.model.docker_labels(service)) {
                    documents.push((format!("docker-{}-{}.yml", stack.name, service.name), doc));
                }
            }
        }

        let (mut routers, mut objects) = (Vec::new(), Vec::new());
        let mut l4 = L4Side::default();
        for (name, doc) in &mut documents {
            point_servers_at(doc, backend.port, tls_backend.port);
            l4.take_over(doc);
            point_certificates_at(doc, &tls_backend);
            stand_in_for_the_outside(doc, backend.port, scratch.path());
            collect_names(doc, &mut routers, &mut objects);
            let path = dynamic_dir.join(name.as_str());
            std::fs::write(&path, serde_yaml::to_string(doc).expect("serialise"))
                .expect("write a dynamic file");
        }

        let externals: Vec<&str> = compiled
            .source
            .spec
            .traefik
            .external_middlewares
            .iter()
            .filter_map(|e| e.strip_suffix("@file"))
            .collect();
        if !externals.is_empty() {
            let stubs: Map<String, Value> = externals
                .iter()
                .map(|name| {
                    let stub = json!({"headers": {"customRequestHeaders": {"X-Oracle-Stub": "1"}}});
                    ((*name).to_owned(), stub)
                })
                .collect();
            let doc = json!({"http": {"middlewares": stubs}});
            std::fs::write(
                dynamic_dir.join("zz-external-stand-ins.yml"),
                serde_yaml::to_string(&doc).expect("serialise"),
            )
            .expect("write the external stand-ins");
        }

        let static_artifact = compiled
            .artifacts
            .iter()
            .find(|a| Kind::Static.selects(&a.path))
            .expect("every platform generates traefik.yml");
        let mut static_config: Value =
            serde_yaml::from_slice(&static_artifact.bytes).expect("traefik.yml is YAML");
        let access_log = scratch.path().join("access.json");
        let (entry_points, api_port) = rewrite_static(
            &mut static_config,
            scratch.path(),
            &dynamic_dir,
            &access_log,
        );
        let static_path = scratch.path().join("traefik.yml");
        std::fs::write(
            &static_path,
            serde_yaml::to_string(&static_config).expect("serialise"),
        )
        .expect("write traefik.yml");

        let log = std::fs::File::create(scratch.path().join("traefik.log")).expect("a log file");
        let child = Command::new(&binary)
            .arg(format!("--configFile={}", static_path.display()))
            .current_dir(scratch.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e} (run `{SETUP}`)", binary.display()));
        let mut traefik = Traefik {
            child,
            scratch,
            entry_points,
            api_port,
            access_log,
            _backend: backend,
            _tls_backend: tls_backend,
            routers,
            objects,
            l4,
        };
        match traefik.wait_until_loaded() {
            Ok(()) => Some(traefik),
            Err(log) if log.contains("address already in use") => None,
            Err(log) => panic!("Traefik exited {log}"),
        }
    }

    /// Polls `/api/rawdata` until every written name is there; bounded by [`LOAD_TIMEOUT`].
    fn wait_until_loaded(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + LOAD_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("({status}):\n{}", self.log()));
            }
            if let Some(raw) = self.try_rawdata() {
                // A router on several entry points with a model is there as
                // `<entrypoint>-<name>` only (Traefik's `applyModel`).
                let has = |kind: &str, name: &str| {
                    raw.get(kind).and_then(Value::as_object).is_some_and(|m| {
                        m.contains_key(name)
                            || (kind == "routers"
                                && m.keys().any(|k| k.ends_with(&format!("-{name}"))))
                    })
                };
                if self.objects.iter().all(|(kind, name)| has(kind, name)) {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Traefik's own log so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.scratch.path().join("traefik.log")).unwrap_or_default()
    }

    /// `GET /api/rawdata`: routers, services and middlewares with `status` and `error`.
    pub fn rawdata(&self) -> Value {
        self.try_rawdata()
            .unwrap_or_else(|| panic!("Traefik's API does not answer:\n{}", self.log()))
    }

    fn try_rawdata(&self) -> Option<Value> {
        // HTTP/1.0, so that the body comes whole rather than chunked.
        let request = "GET /api/rawdata HTTP/1.0\r\nHost: oracle\r\n\r\n";
        let response = plain_exchange(self.api_port, request.as_bytes()).ok()?;
        let text = String::from_utf8(response).ok()?;
        let (head, body) = text.split_once("\r\n\r\n")?;
        head.starts_with("HTTP/1.0 200").then_some(())?;
        serde_json::from_str(body).ok()
    }

    /// Sends one request and reads from the access log which router answered it.
    pub fn send(&self, request: &RawRequest) -> Answer {
        let entry_point = self
            .entry_points
            .get(&request.entry_point)
            .unwrap_or_else(|| {
                panic!(
                    "no entry point `{}` in the static file",
                    request.entry_point
                )
            });
        let before = self.access_lines().len();
        let response = match &request.sni {
            Some(sni) => tls_exchange(entry_point.port, sni, &request.bytes),
            None => plain_exchange(entry_point.port, &request.bytes).unwrap_or_default(),
        };
        let status = std::str::from_utf8(&response)
            .ok()
            .and_then(|t| t.strip_prefix("HTTP/1.1 "))
            .and_then(|t| t.get(..3))
            .and_then(|code| code.parse().ok());
        // Go's server answers a malformed request 400 itself, before any handler that logs.
        let wait = if status == Some(400) {
            Duration::from_millis(100)
        } else {
            REQUEST_TIMEOUT
        };
        let deadline = Instant::now() + wait;
        let line = loop {
            let lines = self.access_lines();
            if lines.len() > before {
                break lines.last().cloned();
            }
            if status.is_none() || Instant::now() > deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let router = line
            .as_ref()
            .and_then(|l| l.get("RouterName"))
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let text = String::from_utf8_lossy(&response);
        let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
        Answer {
            status,
            router,
            head,
        }
    }

    fn access_lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.access_log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// A request that the written router's rule matches, on its first entry point.
    pub fn probe(&self, router: &WrittenRouter, hosts: &[String]) -> Result<RawRequest, String> {
        let expr = seisei::traefik::rule::parse(&router.rule, seisei::traefik::rule::Kind::Http)
            .map_err(|e| format!("`{}` does not parse: {}", router.rule, e.message))?;
        let mut witness = Witness::default();
        witness.build(&expr, hosts)?;
        let entry_point = router
            .entry_points
            .first()
            .ok_or_else(|| format!("{} has no entry point", router.name))?;
        let tls = router.tls || self.entry_points.get(entry_point).is_some_and(|e| e.tls);
        let host = witness.host.unwrap_or_else(|| "oracle.test".to_owned());
        let mut bytes = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\n",
            witness.method.as_deref().unwrap_or("GET"),
            witness.path.as_deref().unwrap_or("/")
        );
        for (name, value) in &witness.headers {
            let _ = write!(bytes, "{name}: {value}\r\n");
        }
        bytes.push_str("Connection: close\r\n\r\n");
        Ok(RawRequest {
            entry_point: entry_point.clone(),
            sni: tls.then_some(host),
            bytes: bytes.into_bytes(),
        })
    }
}

/// One request a rule matches, built from its first alternative.
#[derive(Default)]
struct Witness {
    host: Option<String>,
    path: Option<String>,
    method: Option<String>,
    headers: Vec<(String, String)>,
}

impl Witness {
    fn build(
        &mut self,
        expr: &seisei::traefik::rule::Expr,
        hosts: &[String],
    ) -> Result<(), String> {
        use seisei::traefik::rule::{Expr, Matcher};
        match expr {
            Expr::And(a, b) => {
                self.build(a, hosts)?;
                self.build(b, hosts)
            }
            Expr::Or(a, _) => self.build(a, hosts),
            // A negation narrows what matches; the first alternative's witness is kept and
            // the test then sees whether the router answered it.
            Expr::Not(_) => Ok(()),
            Expr::Match { matcher, args, .. } => {
                let arg = |i: usize| args.get(i).map(|a| a.value.clone()).unwrap_or_default();
                match matcher {
                    Matcher::Host => self.host = Some(concrete_host(&arg(0))),
                    Matcher::HostRegexp => {
                        let pattern = regex::Regex::new(&arg(0)).map_err(|e| e.to_string())?;
                        let host = hosts
                            .iter()
                            .map(|h| concrete_host(h))
                            .chain([host_from_pattern(&arg(0))])
                            .find(|h| pattern.is_match(h))
                            .ok_or_else(|| {
                                format!("no host of the spec matches HostRegexp `{}`", arg(0))
                            })?;
                        self.host = Some(host);
                    }
                    Matcher::Path | Matcher::PathPrefix => self.path = Some(arg(0)),
                    Matcher::Method => self.method = Some(arg(0)),
                    Matcher::Header => self.headers.push((arg(0), arg(1))),
                    other => return Err(format!("no probe for {other:?} yet")),
                }
                Ok(())
            }
        }
    }
}

/// A host a wildcard stands for: `*.erp.example` is answered for `probe.erp.example`.
fn concrete_host(host: &str) -> String {
    match host.strip_prefix("*.") {
        Some(rest) => format!("probe.{rest}"),
        None => host.to_owned(),
    }
}

/// A host the usual shapes of `HostRegexp` pattern match: anchors dropped, a label class
/// (`[a-z0-9-]+`, `[^.]+`, `.+`) replaced by `probe`, escaped dots unescaped. The caller checks
/// the result against the pattern.
fn host_from_pattern(pattern: &str) -> String {
    let mut host = pattern
        .trim_start_matches('^')
        .trim_end_matches('$')
        .to_owned();
    for class in [
        "[a-z0-9-]+",
        "[a-z0-9]+",
        "[a-z]+",
        "[^.]+",
        "[\\w-]+",
        ".+",
        ".*",
    ] {
        host = host.replace(class, "probe");
    }
    host.replace("\\.", ".")
}

/// Rewrites the static configuration in place (see the module doc) and returns the entry
/// points with their ports, and the API's port.
fn rewrite_static(
    config: &mut Value,
    scratch: &Path,
    dynamic_dir: &Path,
    access_log: &Path,
) -> (BTreeMap<String, EntryPoint>, u16) {
    let root = config.as_object_mut().expect("traefik.yml is a mapping");
    let mut entry_points = BTreeMap::new();
    let eps = root
        .entry("entryPoints")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("entryPoints is a mapping");
    assert!(
        !eps.contains_key(API_ENTRY_POINT),
        "the platform has an entry point named `{API_ENTRY_POINT}`, which the test needs for the API"
    );
    for (name, ep) in eps.iter_mut() {
        let port = free_port();
        // `:53/udp` keeps its protocol suffix (a free TCP port is taken as the UDP one).
        let udp = ep
            .get("address")
            .and_then(Value::as_str)
            .is_some_and(|a| a.ends_with("/udp"));
        let suffix = if udp { "/udp" } else { "" };
        ep["address"] = json!(format!("127.0.0.1:{port}{suffix}"));
        let tls = ep.pointer("/http/tls").is_some();
        let redirect_to = ep
            .pointer("/http/redirections/entryPoint/to")
            .and_then(Value::as_str)
            .map(str::to_owned);
        entry_points.insert(
            name.clone(),
            EntryPoint {
                port,
                tls,
                redirect_to,
            },
        );
    }
    let api_port = free_port();
    eps.insert(
        API_ENTRY_POINT.into(),
        json!({"address": format!("127.0.0.1:{api_port}")}),
    );
    root.insert("api".into(), json!({"dashboard": true, "insecure": true}));
    // `precedence` is kept: it is seisei's, and Traefik must accept it.
    let precedence = root
        .get("providers")
        .and_then(|p| p.get("precedence"))
        .cloned();
    let mut providers = json!({"file": {"directory": dynamic_dir, "watch": false}});
    if let Some(precedence) = precedence {
        providers["precedence"] = precedence;
    }
    root.insert("providers".into(), providers);
    root.insert("log".into(), json!({"level": "INFO", "noColor": true}));
    root.remove("experimental");
    root.insert(
        "accessLog".into(),
        json!({"filePath": access_log, "format": "json", "addInternals": true}),
    );
    if let Some(resolvers) = root
        .get_mut("certificatesResolvers")
        .and_then(Value::as_object_mut)
    {
        for (name, resolver) in resolvers.iter_mut() {
            if let Some(acme) = resolver.get_mut("acme").and_then(Value::as_object_mut) {
                acme.insert("caServer".into(), json!(ACME_REFUSED));
                let storage = scratch.join(format!("acme-{name}.json"));
                acme.insert("storage".into(), json!(storage));
            }
        }
    }
    (entry_points, api_port)
}

/// The file-provider document equivalent to a container's Docker labels, or `None` for a
/// container Traefik does not enable. Label keys split on `.` form the document's tree; a
/// key that is both a value and a parent (`tls: "true"` beside `tls.certresolver`) keeps its
/// children, which imply it.
pub fn labels_as_file_document(labels: &[(String, String)]) -> Option<Value> {
    let enabled = labels
        .iter()
        .any(|(k, v)| k == "traefik.enable" && v == "true");
    if !enabled {
        return None;
    }
    let mut root = Map::new();
    let mut entries: Vec<&(String, String)> = labels
        .iter()
        .filter(|(k, _)| k.starts_with("traefik.") && k != "traefik.enable")
        .collect();
    // Parents before children, so that a child replaces a parent's leaf value.
    entries.sort_by_key(|(k, _)| k.matches('.').count());
    for (key, value) in entries {
        // `domains[0]` is element 0 of the list `domains`: a key `0` under `domains` here,
        // turned into a list by `number_keyed_maps_to_lists`.
        let segments: Vec<&str> = key["traefik.".len()..]
            .split('.')
            .flat_map(
                |s| match s.strip_suffix(']').and_then(|s| s.split_once('[')) {
                    Some((name, index)) => vec![name, index],
                    None => vec![s],
                },
            )
            .collect();
        let (last, parents) = segments.split_last().expect("a key has a segment");
        let mut node = &mut root;
        for segment in parents {
            let child = node
                .entry((*segment).to_owned())
                .or_insert_with(|| json!({}));
            if !child.is_object() {
                *child = json!({});
            }
            node = child.as_object_mut().expect("just made a mapping");
        }
        // `@docker` references are to this same provider, which is now the file provider.
        let value = value.replace("@docker", "@file");
        node.insert((*last).to_owned(), json!(value));
    }
    // The Docker provider builds the server URL from the container's address and this port;
    // here the backend stands in for the container.
    for protocol in ["http", "tcp", "udp"] {
        let Some(services) = root
            .get_mut(protocol)
            .and_then(|h| h.get_mut("services"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for service in services.values_mut() {
            if let Some(lb) = service
                .get_mut("loadbalancer")
                .and_then(Value::as_object_mut)
            {
                // `server.scheme` is the scheme of the URL Docker would build.
                let scheme = lb
                    .get("server")
                    .and_then(|s| s.get("scheme"))
                    .and_then(Value::as_str)
                    .unwrap_or("http")
                    .to_owned();
                let server = if protocol == "http" {
                    json!({"url": format!("{scheme}://placeholder")})
                } else {
                    json!({"address": "placeholder:1"})
                };
                lb.remove("server");
                lb.insert("servers".into(), json!([server]));
            }
        }
    }
    let mut document = Value::Object(root);
    number_keyed_maps_to_lists(&mut document);
    Some(document)
}

/// Turns every mapping whose keys are all list indexes (`0`, `1`, …) into the list.
fn number_keyed_maps_to_lists(value: &mut Value) {
    let Value::Object(map) = value else { return };
    for item in map.values_mut() {
        number_keyed_maps_to_lists(item);
    }
    let mut indexed: Vec<(usize, Value)> = Vec::new();
    for (key, item) in map.iter() {
        match key.parse::<usize>() {
            Ok(index) => indexed.push((index, item.clone())),
            Err(_) => return,
        }
    }
    if indexed.is_empty() {
        return;
    }
    indexed.sort_by_key(|(i, _)| *i);
    *value = Value::Array(indexed.into_iter().map(|(_, v)| v).collect());
}

/// Points every load-balancer server of a dynamic document at the backend: `url` for HTTP,
/// `address` for TCP and UDP (which then only load: the backend speaks HTTP over TCP).
fn point_servers_at(doc: &mut Value, port: u16, tls_port: u16) {
    for protocol in ["http", "tcp", "udp"] {
        let Some(services) = doc
            .pointer_mut(&format!("/{protocol}/services"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for service in services.values_mut() {
            for key in ["loadBalancer", "loadbalancer"] {
                let Some(servers) = service
                    .get_mut(key)
                    .and_then(|lb| lb.get_mut("servers"))
                    .and_then(Value::as_array_mut)
                else {
                    continue;
                };
                for server in servers {
                    let https = server
                        .get("url")
                        .and_then(Value::as_str)
                        .is_some_and(|u| u.starts_with("https://"));
                    if https {
                        server["url"] = json!(format!("https://127.0.0.1:{tls_port}"));
                    } else if protocol == "http" {
                        server["url"] = json!(format!("http://127.0.0.1:{port}"));
                    } else {
                        server["address"] = json!(format!("127.0.0.1:{port}"));
                    }
                }
            }
        }
    }
}

/// Points every `rootCAs` file and the TLS stores' default certificates at the HTTPS backend's
/// certificate, which is its own CA.
fn point_certificates_at(doc: &mut Value, backend: &TlsBackend) {
    let cert = json!(backend.cert.display().to_string());
    let key = json!(backend.key.display().to_string());
    if let Some(transports) = doc
        .pointer_mut("/http/serversTransports")
        .and_then(Value::as_object_mut)
    {
        for transport in transports.values_mut() {
            if let Some(cas) = transport.get_mut("rootCAs").and_then(Value::as_array_mut) {
                for ca in cas.iter_mut() {
                    *ca = cert.clone();
                }
            }
        }
    }
    if let Some(stores) = doc
        .pointer_mut("/tls/stores")
        .and_then(Value::as_object_mut)
    {
        for store in stores.values_mut() {
            if let Some(default) = store
                .get_mut("defaultCertificate")
                .and_then(Value::as_object_mut)
            {
                default.insert("certFile".into(), cert.clone());
                default.insert("keyFile".into(), key.clone());
            }
        }
    }
}

/// Rewrites what points outside seisei's output (see the module doc): forwardAuth addresses,
/// users files, plugin middlewares.
fn stand_in_for_the_outside(doc: &mut Value, port: u16, scratch: &Path) {
    let Some(middlewares) = doc
        .pointer_mut("/http/middlewares")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    middlewares.retain(|_, m| m.get("plugin").is_none());
    for (name, m) in middlewares.iter_mut() {
        if let Some(auth) = m.get_mut("forwardAuth").and_then(Value::as_object_mut) {
            auth.insert("address".into(), json!(format!("http://127.0.0.1:{port}/")));
        }
        for (kind, line) in [
            ("basicAuth", "oracle:$apr1$oracle00$0000000000000000000000"),
            (
                "digestAuth",
                "oracle:oracle:00000000000000000000000000000000",
            ),
        ] {
            if let Some(auth) = m.get_mut(kind).and_then(Value::as_object_mut)
                && auth.contains_key("usersFile")
            {
                let file = scratch.join(format!("users-{name}"));
                std::fs::write(&file, format!("{line}\n")).expect("write a users file");
                auth.insert("usersFile".into(), json!(file));
            }
        }
    }
}

/// The objects a dynamic document defines, as `name@file` with their `/api/rawdata`
/// section, and its HTTP routers with what a probe needs.
fn collect_names(
    doc: &Value,
    routers: &mut Vec<WrittenRouter>,
    objects: &mut Vec<(&'static str, String)>,
) {
    const SECTIONS: [(&str, &str, &str); 8] = [
        ("http", "routers", "routers"),
        ("http", "services", "services"),
        ("http", "middlewares", "middlewares"),
        ("tcp", "routers", "tcpRouters"),
        ("tcp", "services", "tcpServices"),
        ("tcp", "middlewares", "tcpMiddlewares"),
        ("udp", "routers", "udpRouters"),
        ("udp", "services", "udpServices"),
    ];
    for (protocol, kind, section) in SECTIONS {
        let Some(map) = doc
            .pointer(&format!("/{protocol}/{kind}"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (name, object) in map {
            let name = format!("{name}@file");
            objects.push((section, name.clone()));
            if section != "routers" {
                continue;
            }
            let field = |a: &str, b: &str| object.get(a).or_else(|| object.get(b)).cloned();
            let entry_points = match field("entryPoints", "entrypoints") {
                Some(Value::Array(list)) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                Some(Value::String(list)) => list.split(',').map(|s| s.trim().to_owned()).collect(),
                _ => Vec::new(),
            };
            routers.push(WrittenRouter {
                name,
                rule: field("rule", "rule")
                    .and_then(|r| r.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                entry_points,
                tls: object.get("tls").is_some_and(|t| t != &json!("false")),
            });
        }
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Writes `request` to `127.0.0.1:port` and reads until the server closes, within
/// [`REQUEST_TIMEOUT`].
fn plain_exchange(port: u16, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
    stream.write_all(request)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(response)
}

/// The same over TLS with `openssl s_client` (no TLS library is a dependency), which sends
/// the bytes unchanged and prints what comes back; killed after [`REQUEST_TIMEOUT`].
fn tls_exchange(port: u16, sni: &str, request: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(["s_client", "-quiet", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-servername", sni])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run openssl s_client");
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(request)
        .expect("write the request");
    let deadline = Instant::now() + REQUEST_TIMEOUT;
    while child.try_wait().expect("poll openssl").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut response = Vec::new();
    let _ = child
        .stdout
        .take()
        .expect("a stdout pipe")
        .read_to_end(&mut response);
    let _ = child.wait();
    response
}

/// A loopback HTTP server that answers 200 to every request, stopped when dropped.
struct Backend {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Backend {
    fn start() -> Backend {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the backend");
        let port = listener.local_addr().expect("an address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(REQUEST_TIMEOUT));
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
                let _ = stream.shutdown(Shutdown::Both);
            }
        });
        Backend {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
