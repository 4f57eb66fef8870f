//! Variants of a stack: override files beside its compose file (`docker-compose.bind.yml`),
//! each changing a few fields of a few services, combined by Compose with
//! `docker compose -f docker-compose.yml -f docker-compose.bind.yml`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Mount, Port};

/// One override file of a stack, `docker-compose.<name>.yml`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// When to use the variant, shown in the file and in the inventory.
    pub purpose: String,
    /// What changes, by service of the stack.
    #[serde(default)]
    pub services: BTreeMap<String, VariantService>,
}

/// What a variant changes in one service, with Compose's override rules: `image` and
/// `command` replace the base's, `environment` and `labels` merge key by key, `mounts`
/// replace the base's mount at the same target or add one, `ports` are added.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantService {
    /// Another image reference, e.g. a debug build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Another command, in Compose's interpolation syntax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// Environment entries to add or change.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// Mounts to add, or to put in place of the base's mount at the same target (a bind
    /// mount instead of a volume).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<Mount>,
    /// Ports to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Labels outside `traefik.` to add or change.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}
