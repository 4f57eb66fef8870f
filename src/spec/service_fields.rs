//! The Compose service fields people use daily, typed: defaults for them (platform and stack
//! level), `depends_on` entries with a condition, healthcheck tests in both forms, `build`,
//! resource limits, logging and `ulimits`. The `model` stage checks and merges them.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor, value};
use serde::{Deserialize, Serialize};

/// Values every service of the platform (or of one stack) starts from; a service's own value
/// wins. Maps (`environment`, `labels`) merge key by key; everything else is replaced.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDefaults {
    /// Restart policy (`unless-stopped`, `always`, `on-failure`, `no`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<String>,
    /// Container log driver and its options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// Security options, e.g. `no-new-privileges:true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_opt: Option<Vec<String>>,
    /// Environment entries every service gets (such as `TZ`), in Compose's interpolation syntax.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Container labels outside `traefik.` (watchtower, homepage, backup tools).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Time Compose waits after SIGTERM before it kills the container, e.g. `30s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_grace_period: Option<String>,
    /// CPU and memory limits and reservations (`deploy.resources`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

/// The container's log driver.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    /// Driver name, e.g. `json-file`, `local`, `journald`.
    pub driver: String,
    /// Driver options, e.g. `max-size: 10m`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// `deploy.resources`: limits and reservations.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// The most the container may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceSet>,
    /// What the host sets aside for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservations: Option<ResourceSet>,
}

/// CPU and memory amounts.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResourceSet {
    /// CPUs, as a number such as `0.5` or `2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<f64>,
    /// Memory, as Compose writes sizes: `512m`, `2g`, `1048576`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    /// Most processes (limits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pids: Option<u32>,
}

/// A service this one waits for: its name (seisei picks `service_healthy` when it has a
/// healthcheck, else `service_started`), or the name with a condition.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Dependency {
    /// Just the service's name.
    Name(String),
    /// The service with what to wait for.
    Full(DependencyDetail),
}

impl Dependency {
    pub fn service(&self) -> &str {
        match self {
            Dependency::Name(name) => name,
            Dependency::Full(detail) => &detail.service,
        }
    }
}

/// A dependency with its condition.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencyDetail {
    /// Service of the same stack.
    pub service: String,
    /// What Compose waits for; seisei's automatic choice when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// Restart this service when the dependency is restarted by Compose.
    #[serde(default)]
    pub restart: bool,
}

/// What Compose waits for before starting a dependent service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The container is running.
    ServiceStarted,
    /// The container's healthcheck passes (it must have one).
    ServiceHealthy,
    /// The container ran and exited with status 0 (migrations, one-shot setup).
    ServiceCompletedSuccessfully,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::ServiceStarted => "service_started",
            Condition::ServiceHealthy => "service_healthy",
            Condition::ServiceCompletedSuccessfully => "service_completed_successfully",
        }
    }
}

/// A healthcheck command: a string is run by the container's shell (`CMD-SHELL`); a list is
/// the exec form, starting with `CMD` or `CMD-SHELL`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HealthTest {
    /// Shell form: `pg_isready -U odoo`.
    Shell(String),
    /// Exec form: `["CMD", "pg_isready", "-U", "odoo"]`.
    Exec(Vec<String>),
}

impl HealthTest {
    /// The exec form Compose reads either as.
    pub fn parts(&self) -> Vec<String> {
        match self {
            HealthTest::Shell(command) => vec!["CMD-SHELL".to_owned(), command.clone()],
            HealthTest::Exec(parts) => parts.clone(),
        }
    }
}

/// How to build the image from source.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Build {
    /// Build context: a folder relative to the stack folder, or a Git URL.
    pub context: String,
    /// Dockerfile, relative to the context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile: Option<String>,
    /// Build arguments, in Compose's interpolation syntax.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
    /// Stage of a multi-stage Dockerfile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// One `ulimits` entry: a single number for both limits, or soft and hard apart.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Ulimit {
    /// Soft and hard limit alike.
    Both(i64),
    /// Soft and hard limit apart.
    Apart {
        /// Soft limit.
        soft: i64,
        /// Hard limit.
        hard: i64,
    },
}

// The three two-form fields read each form with its own error, instead of serde's untagged
// "data did not match any variant", so a typo inside the long form is pointed at and named.

/// The visitor of one two-form field, with what it expects.
struct TwoForms<T>(&'static str, std::marker::PhantomData<T>);

impl<'de> Deserialize<'de> for Dependency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TwoForms::<Dependency>(
            "a service name or `{ service, condition, restart }`",
            std::marker::PhantomData,
        ))
    }
}

impl<'de> Deserialize<'de> for HealthTest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TwoForms::<HealthTest>(
            "a shell command or an exec-form list",
            std::marker::PhantomData,
        ))
    }
}

impl<'de> Deserialize<'de> for Ulimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TwoForms::<Ulimit>(
            "a number or `{ soft, hard }`",
            std::marker::PhantomData,
        ))
    }
}

impl<'de> Visitor<'de> for TwoForms<Dependency> {
    type Value = Dependency;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dependency, E> {
        Ok(Dependency::Name(v.to_owned()))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Dependency, A::Error> {
        DependencyDetail::deserialize(value::MapAccessDeserializer::new(map)).map(Dependency::Full)
    }
}

impl<'de> Visitor<'de> for TwoForms<HealthTest> {
    type Value = HealthTest;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<HealthTest, E> {
        Ok(HealthTest::Shell(v.to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<HealthTest, A::Error> {
        Vec::<String>::deserialize(value::SeqAccessDeserializer::new(seq)).map(HealthTest::Exec)
    }
}

impl<'de> Visitor<'de> for TwoForms<Ulimit> {
    type Value = Ulimit;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.0)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ulimit, E> {
        Ok(Ulimit::Both(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ulimit, E> {
        i64::try_from(v)
            .map(Ulimit::Both)
            .map_err(|_| E::custom("limit too large"))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Ulimit, A::Error> {
        Apart::deserialize(value::MapAccessDeserializer::new(map)).map(|a| Ulimit::Apart {
            soft: a.soft,
            hard: a.hard,
        })
    }
}

/// The long form of a ulimit.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Apart {
    soft: i64,
    hard: i64,
}
