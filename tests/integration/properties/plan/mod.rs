//! A random platform as a plan of choices: the plan types and their strategies. [`json`]
//! turns a plan into a spec, [`check`] finds each randomized value in the outputs.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use crate::properties::files::*;
use crate::properties::strategies::*;

mod check;
mod json;

// ---------------------------------------------------------------------------------------
// Random platforms.
// ---------------------------------------------------------------------------------------

/// A platform as random choices; [`PlatformPlan::to_json`] turns it into a valid spec.
#[derive(Debug, Clone)]
pub(super) struct PlatformPlan {
    name: String,
    description: Option<String>,
    version: &'static str,
    log_level: String,
    config_dir: String,
    docker_by_default: bool,
    purposes: [String; 3],
    email: String,
    storage: String,
    dns_provider: String,
    headers: BTreeMap<String, String>,
    prefixes: Vec<String>,
    users_file: String,
    source_ranges: Vec<String>,
    scheme: String,
    networks: Vec<(String, bool)>,
    stacks: Vec<StackPlan>,
}

#[derive(Debug, Clone)]
pub(super) struct StackPlan {
    name: String,
    purpose: String,
    status: &'static str,
    provider: Option<&'static str>,
    /// Which of the platform's extra networks the stack joins.
    networks: Vec<bool>,
    services: Vec<ServicePlan>,
    volumes: Vec<(String, bool, Option<String>)>,
    variables: Vec<VariablePlan>,
    dependencies: Vec<String>,
    notes: Vec<String>,
    config_files: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub(super) struct ServicePlan {
    name: String,
    image: String,
    restart: Option<String>,
    role: Option<String>,
    command: Option<Vec<String>>,
    environment: BTreeMap<String, String>,
    /// Container port, published, udp, note.
    ports: Vec<(u16, bool, bool, Option<String>)>,
    routes: Vec<RoutePlan>,
    /// Which of the stack's variables the service takes under their own name.
    takes: Vec<bool>,
    /// Volume index or bind path, target, read-only.
    mounts: Vec<(Result<usize, String>, String, bool)>,
    depends_on_previous: bool,
    healthcheck: Option<(Vec<String>, u32)>,
    compose: BTreeMap<String, Value>,
}

#[derive(Debug, Clone)]
pub(super) struct RoutePlan {
    label: String,
    wildcard: bool,
    path_prefix: Option<String>,
    path: Option<String>,
    priority: Option<i64>,
    tls: bool,
    middlewares: Vec<bool>,
    provider: Option<&'static str>,
    note: Option<String>,
}

#[derive(Debug, Clone)]
pub(super) struct VariablePlan {
    name: String,
    description: String,
    required: bool,
    secret: bool,
    example: Option<String>,
    default: Option<String>,
}

pub(super) const MIDDLEWARES: [&str; 5] = ["headers", "strip", "auth", "allow", "https"];

pub(super) fn platform_plan(
    version: &'static str,
    docker_by_default: bool,
) -> impl Strategy<Value = PlatformPlan> {
    let texts = (
        literal_text(),
        prop::option::of(literal_text()),
        Just(version),
        // seisei refuses a level Traefik does not know (it would fall back to ERROR).
        select(vec!["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]).prop_map(str::to_owned),
        text_without(':'),
        Just(docker_by_default),
        [literal_text(), literal_text(), literal_text()],
        literal_text(),
        literal_text(),
        literal_text(),
    );
    let middlewares = (
        // Header names are HTTP tokens and prefixes paths (seisei refuses others, as
        // Traefik does); their values and the rest stay hostile.
        prop::collection::btree_map(pattern("[A-Za-z][A-Za-z0-9-]{0,12}"), literal_text(), 0..4),
        prop::collection::vec(literal_text().prop_map(|p| format!("/{p}")), 1..3),
        literal_text(),
        prop::collection::vec(
            (any::<[u8; 4]>(), 0_u8..=32)
                .prop_map(|(ip, bits)| format!("{}.{}.{}.{}/{bits}", ip[0], ip[1], ip[2], ip[3])),
            1..3,
        ),
        select(vec!["http", "https"]).prop_map(str::to_owned),
    );
    let networks = prop::collection::vec((literal_text(), any::<bool>()), 0..3);
    let stacks = prop::collection::vec(stack_plan(), 1..3);
    (texts, middlewares, networks, stacks).prop_map(
        |(
            (
                name,
                description,
                version,
                log_level,
                config_dir,
                docker,
                purposes,
                email,
                storage,
                dns,
            ),
            (headers, prefixes, users_file, source_ranges, scheme),
            networks,
            stacks,
        )| PlatformPlan {
            name,
            description,
            version,
            log_level,
            config_dir: format!("/{config_dir}"),
            docker_by_default: docker,
            purposes,
            email,
            storage,
            dns_provider: dns,
            headers,
            prefixes,
            // A users file must be on a Traefik mount: the dynamic folder is one.
            users_file: format!(
                "{}/dynamic/{users_file}",
                format!("/{config_dir}").trim_end_matches('/')
            ),
            source_ranges,
            scheme,
            networks,
            stacks,
        },
    )
}

pub(super) fn stack_plan() -> impl Strategy<Value = StackPlan> {
    let head = (
        name_part(),
        literal_text(),
        select(vec!["production", "testing", "deprecated"]),
        select(vec![None, Some("file"), Some("docker")]),
        prop::collection::vec(any::<bool>(), 3),
    );
    let body = (
        prop::collection::vec(service_plan(), 1..3),
        prop::collection::vec(
            (
                literal_text(),
                any::<bool>(),
                prop::option::of(literal_text()),
            ),
            0..3,
        ),
        prop::collection::vec(variable_plan(), 0..3),
    );
    let inventory = (
        prop::collection::vec(literal_text(), 0..3),
        prop::collection::vec(literal_text(), 0..3),
        prop::collection::vec((literal_text(), literal_text()), 0..3),
    );
    (head, body, inventory).prop_map(
        |(
            (name, purpose, status, provider, networks),
            (services, volumes, variables),
            (dependencies, notes, config_files),
        )| StackPlan {
            name,
            purpose,
            status,
            provider,
            networks,
            services,
            volumes,
            variables,
            dependencies,
            notes,
            config_files,
        },
    )
}

pub(super) fn service_plan() -> impl Strategy<Value = ServicePlan> {
    let head = (
        name_part(),
        // The image is Compose text (a variable may pin its tag); restart is a policy.
        compose_text(),
        prop::option::of(
            prop::sample::select(vec![
                "no",
                "always",
                "on-failure",
                "on-failure:3",
                "unless-stopped",
            ])
            .prop_map(str::to_owned),
        ),
        prop::option::of(literal_text()),
        // An empty command has a test of its own.
        prop::option::of(prop::collection::vec(compose_text(), 1..4)),
        prop::collection::btree_map(pattern("E_[A-Z0-9_]{0,6}"), compose_text(), 0..4),
    );
    let ports = prop::collection::vec(
        (
            1..=u16::MAX,
            any::<bool>(),
            any::<bool>(),
            prop::option::of(literal_text()),
        ),
        0..3,
    );
    let mount = (
        prop_oneof![
            (0..3_usize).prop_map(Ok),
            // A folder of its own beside the generated files: a bind of the stack's folder
            // itself (`./`, `./..`) is refused, since it holds files seisei writes.
            text_without(':').prop_map(|t| Err(format!("./m-{}", t.replace('/', "_"))))
        ],
        text_without(':'),
        any::<bool>(),
    );
    let body = (
        ports,
        prop::collection::vec(route_plan(), 0..3),
        prop::collection::vec(any::<bool>(), 4),
        prop::collection::vec(mount, 0..3),
        any::<bool>(),
        prop::option::of((prop::collection::vec(compose_text(), 0..3), 0..10_u32)),
        prop::collection::btree_map(pattern("x-[a-z]{1,6}"), escape_hatch_value(), 0..3),
    );
    (head, body).prop_map(
        |(
            (name, image, restart, role, command, environment),
            (ports, routes, takes, mounts, depends_on_previous, healthcheck, compose),
        )| ServicePlan {
            name,
            image,
            restart,
            role,
            command,
            environment,
            ports,
            routes,
            takes,
            mounts,
            depends_on_previous,
            healthcheck,
            compose,
        },
    )
}

/// A value of the escape hatch: Compose text, numbers, booleans, lists and maps of them.
pub(super) fn escape_hatch_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        4 => compose_text().prop_map(Value::String),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(literal_text(), inner, 0..3)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

pub(super) fn route_plan() -> impl Strategy<Value = RoutePlan> {
    (
        pattern("[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?"),
        any::<bool>(),
        prop::option::of(literal_text()),
        prop::option::of(literal_text()),
        // A negative priority has a test of its own.
        prop::option::of(0..1000_i64),
        any::<bool>(),
        prop::collection::vec(any::<bool>(), MIDDLEWARES.len()),
        select(vec![None, Some("file"), Some("docker")]),
        prop::option::of(literal_text()),
    )
        .prop_map(
            |(label, wildcard, path_prefix, path, priority, tls, middlewares, provider, note)| {
                RoutePlan {
                    label,
                    wildcard,
                    // A carriage return in a path has a test of its own.
                    path_prefix: path_prefix.map(|p| format!("/{}", p.replace('\r', ""))),
                    path: path.map(|p| format!("/{}", p.replace('\r', ""))),
                    priority,
                    tls,
                    middlewares,
                    provider,
                    note,
                }
            },
        )
}

pub(super) fn variable_plan() -> impl Strategy<Value = VariablePlan> {
    (
        pattern("[A-Z][A-Z0-9_]{0,8}"),
        literal_text(),
        any::<bool>(),
        any::<bool>(),
        // Examples ending in a backslash have a test of their own.
        prop::option::of(literal_text().prop_map(|t| t.trim_end_matches('\\').to_owned())),
        prop::option::of(text_without('}').prop_map(|t| t.trim_end_matches('\\').to_owned())),
        placeholder(),
    )
        .prop_map(
            |(name, description, required, secret, example, default, placeholder)| VariablePlan {
                name: format!("V_{name}"),
                description,
                required,
                secret,
                // A secret's example and default must be placeholders (E0502).
                example: if secret { Some(placeholder) } else { example },
                default: if secret { None } else { default },
            },
        )
}

impl PlatformPlan {
    fn stack_name(&self, index: usize) -> String {
        format!("{}-{index}", self.stacks[index].name)
    }

    fn network_name(index: usize) -> String {
        format!("net-{index}")
    }
}
