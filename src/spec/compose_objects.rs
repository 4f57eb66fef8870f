//! The Compose objects a stack declares beside its services: secrets and configs (from a file,
//! from a variable, inline, or created outside Compose) and the grants that hand them to a
//! service, shared volumes, network address plans, port ranges' and long mounts' options.
//! Typed here; the `model` stage resolves and checks the references.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, Visitor, value};
use serde::{Deserialize, Serialize};

/// A Compose secret of the stack. Set exactly one of `file`, `environment` and `external`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// What the secret holds, shown in the inventory and in `.env.example`.
    pub purpose: String,
    /// A file on the host, relative to the stack folder (`./secrets/db_password`) or absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// A variable of the stack (or the platform's `env`) whose value is the secret: a
    /// variable marked `secret` is then delivered as a file in `/run/secrets/` instead of as
    /// an environment variable. `.env.example` lists it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Created outside Compose (`docker secret create`); `name` is its real name.
    #[serde(default)]
    pub external: bool,
    /// The real name of the secret, instead of `<stack>_<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A Compose config of the stack. Set exactly one of `file`, `environment`, `content` and
/// `external`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What the config holds, shown in the inventory.
    pub purpose: String,
    /// A file on the host, relative to the stack folder (`./config/app.ini`) or absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// A variable of the stack (or the platform's `env`) whose value is the config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The config's text, written into the compose file (Compose interpolates `${VAR}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Created outside Compose (`docker config create`); `name` is its real name.
    #[serde(default)]
    pub external: bool,
    /// The real name of the config, instead of `<stack>_<name>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A secret or config handed to a service: its name, or the name with where and how the
/// file appears in the container.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Grant {
    /// Just the name of one of the stack's `secrets` (or `configs`).
    Name(String),
    /// The name with its target, owner and mode.
    Full(GrantDetail),
}

impl Grant {
    pub fn source(&self) -> &str {
        match self {
            Grant::Name(name) => name,
            Grant::Full(detail) => &detail.source,
        }
    }
}

/// A grant with its options.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantDetail {
    /// One of the stack's `secrets` (or `configs`).
    pub source: String,
    /// Path in the container; `/run/secrets/<name>` for a secret, `/<name>` for a config
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Numeric user id that owns the file in the container, e.g. `"1000"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Numeric group id that owns the file in the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gid: Option<String>,
    /// Permissions in octal, as a string: `"0400"`, `"0440"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

impl<'de> Deserialize<'de> for Grant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Forms;
        impl<'de> Visitor<'de> for Forms {
            type Value = Grant;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name or `{ source, target, uid, gid, mode }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Grant, E> {
                Ok(Grant::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Grant, A::Error> {
                GrantDetail::deserialize(value::MapAccessDeserializer::new(map)).map(Grant::Full)
            }
        }
        deserializer.deserialize_any(Forms)
    }
}

/// A volume several stacks mount, declared once at the top level: its owner creates it
/// under its own name, every other stack that mounts it uses it as external.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedVolume {
    /// What the volume stores.
    pub purpose: String,
    /// The stack that creates the volume (one of its services must mount it). Without an
    /// owner the volume must be `external`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Created outside Compose (`docker volume create`) under this name.
    #[serde(default)]
    pub external: bool,
    /// Volume driver of the owner's volume; `local` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// Driver options of the owner's volume (an NFS or CIFS share).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub driver_opts: BTreeMap<String, String>,
}

/// One address range of a network (`ipam.config`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    /// The range in CIDR form, e.g. `172.28.0.0/24`.
    pub subnet: String,
    /// The gateway's address, inside `subnet`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// The part of `subnet` Docker hands out addresses from, in CIDR form; static addresses
    /// are best kept outside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_range: Option<String>,
}

/// How a service sits on one of its networks.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Other names the service answers to on this network.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Static IPv4 address, inside one of the network's `subnets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4_address: Option<String>,
    /// Static IPv6 address, inside one of the network's `subnets`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<String>,
}

/// A tmpfs mount's options.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TmpfsOptions {
    /// Size in bytes, or with a unit: `64m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Permissions in octal, as a string: `"1777"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}
