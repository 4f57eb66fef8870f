//! The edge proxy's settings as the templates print them: middlewares as the trees Traefik
//! reads (`{ headers: { stsSeconds: … } }`), the static blocks (`log`, `accessLog`, `ping`,
//! `metrics`, the Docker provider, plugins, `providers.precedence`), each entry point's
//! options, and the dashboard router. Values were checked in `validate::middleware` and
//! `validate::static_config`; here they are only arranged.

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::encode::go::string_literal;
use crate::spec::{self, Provider};

/// The Docker endpoint Traefik uses unless the spec names another (a socket proxy).
pub const DOCKER_SOCKET: &str = "unix:///var/run/docker.sock";

/// The static blocks besides entry points and resolvers, in the order `traefik.yml` lists them.
#[derive(Debug, Clone, Default)]
pub struct Edge {
    /// `log`, with the level filled in.
    pub log: Value,
    /// `providers.docker.endpoint` when it is not the socket.
    pub docker_endpoint: Option<String>,
    /// The rest of `providers.docker`, with seisei's defaults (`exposedByDefault: false`, the
    /// network).
    pub docker: Value,
    /// `providers.precedence`, written whenever two providers are on: Traefik 3.7 applies no
    /// provider order otherwise (traefik-facts §5.2).
    pub precedence: Vec<String>,
    /// `ping`, `metrics`, `accessLog`, `experimental`, when set.
    pub ping: Option<Value>,
    pub metrics: Option<Value>,
    pub access_log: Option<Value>,
    pub experimental: Option<Value>,
    /// TCP middlewares by name, each its one-key tree.
    pub tcp_middlewares: Vec<(String, Value)>,
    /// The dashboard router, when the dashboard is on.
    pub dashboard: Option<DashboardRouter>,
    /// Traefik's `api.basePath`, when the dashboard lives under a path.
    pub base_path: Option<String>,
}

/// The router seisei writes for the dashboard and API.
#[derive(Debug, Clone)]
pub struct DashboardRouter {
    pub entrypoint: String,
    pub rule: String,
    /// As written in the file provider: platform middlewares by name, external ones with `@`.
    pub middlewares: Vec<String>,
}

/// The tree of a value as serde writes it with one-key maps for enums: the shape of Traefik's
/// dynamic and static files, since the spec types carry Traefik's names.
pub fn tree(value: &impl Serialize) -> Value {
    serde_yaml::with::singleton_map_recursive::serialize(value, serde_yaml::value::Serializer)
        .unwrap_or(Value::Null)
}

/// The rule of the dashboard router: the API and the dashboard under the base path, on the
/// dashboard's host when it has one. Without either it is the rule seisei always wrote.
pub fn dashboard_rule(host: Option<&str>, base: Option<&str>) -> String {
    let base = base.unwrap_or("").trim_end_matches('/');
    let paths = format!(
        "PathPrefix({}) || PathPrefix({})",
        string_literal(&format!("{base}/api")),
        string_literal(&format!("{base}/dashboard"))
    );
    match host {
        Some(host) => format!("Host({}) && ({paths})", string_literal(host)),
        None => paths,
    }
}

pub(super) fn edge(spec: &spec::Traefik, uses_docker: bool) -> Edge {
    let mut log = spec.log.clone().unwrap_or(spec::Log {
        level: None,
        format: None,
        file_path: None,
        no_color: None,
        max_size: None,
        max_age: None,
        max_backups: None,
        compress: None,
    });
    log.level = log
        .level
        .or_else(|| spec.log_level.clone())
        .or_else(|| Some("INFO".to_owned()));

    let options = spec
        .providers
        .as_ref()
        .and_then(|p| p.docker.clone())
        .unwrap_or_default();
    let mut docker = Mapping::new();
    docker.insert(
        "exposedByDefault".into(),
        options.exposed_by_default.unwrap_or(false).into(),
    );
    docker.insert("network".into(), spec.network.clone().into());
    if let Value::Mapping(rest) = tree(&spec::DockerProvider {
        endpoint: None,
        exposed_by_default: None,
        ..options
    }) {
        docker.extend(rest);
    }

    // `providers.precedence` exists from Traefik 3.7 on; 3.6 refuses the unknown key.
    let knows_precedence = crate::traefik::Version::parse(&spec.version)
        .is_some_and(|v| v >= crate::traefik::Version { major: 3, minor: 7 });
    let precedence = if uses_docker && knows_precedence {
        // The order the routing analysis assumes (Traefik's documented default).
        vec![Provider::Docker, Provider::File]
            .into_iter()
            .map(|p| provider_name(p).to_owned())
            .collect()
    } else {
        Vec::new()
    };

    let dashboard = spec.dashboard.as_ref().map(|d| DashboardRouter {
        entrypoint: d.entrypoint.clone(),
        rule: dashboard_rule(d.host.as_deref(), d.path_prefix.as_deref()),
        middlewares: d.middlewares.clone(),
    });
    Edge {
        log: tree(&log),
        docker_endpoint: options.endpoint.clone().filter(|e| e != DOCKER_SOCKET),
        docker: Value::Mapping(docker),
        precedence,
        ping: spec.ping.as_ref().map(tree),
        metrics: spec.metrics.as_ref().map(tree),
        access_log: spec.access_log.as_ref().map(tree),
        experimental: spec.experimental.as_ref().map(tree),
        tcp_middlewares: spec
            .tcp_middlewares
            .iter()
            .map(|(name, m)| (name.clone(), tree(m)))
            .collect(),
        dashboard,
        base_path: spec
            .dashboard
            .as_ref()
            .and_then(|d| d.path_prefix.clone())
            .map(|p| p.trim_end_matches('/').to_owned())
            .filter(|p| !p.is_empty()),
    }
}

/// An entry point's own options, in the order `traefik.yml` lists them.
pub(super) fn entrypoint_options(e: &spec::Entrypoint) -> Option<Value> {
    let mut options = Mapping::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            options.insert(key.into(), value);
        }
    };
    put("proxyProtocol", e.proxy_protocol.as_ref().map(tree));
    put("forwardedHeaders", e.forwarded_headers.as_ref().map(tree));
    put("transport", e.transport.as_ref().map(tree));
    put("http3", e.http3.as_ref().map(tree));
    put("udp", e.udp.as_ref().map(tree));
    (!options.is_empty()).then_some(Value::Mapping(options))
}

fn provider_name(provider: Provider) -> &'static str {
    match provider {
        Provider::File => "file",
        Provider::Docker => "docker",
    }
}
