//! Turns the model into files: one askama view per output kind, each rendered to an
//! [`Artifact`] (a path inside the output directory and its bytes). No I/O happens here;
//! `gen` and `check` share this list and differ only in what they do with it.

pub mod escape;
pub mod inventory;
pub mod swarm;
pub mod topology;

use std::collections::HashMap;

use askama::Template;

use crate::model::{self, L4Router, Model, ProxyService, Router, ServiceKind, Stack};
use crate::spec::Protocol;
use crate::spec::Provider;
use escape::filters;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path inside the output directory, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Renders every output of the platform, sorted by path.
pub fn generate(model: &Model) -> Result<Vec<Artifact>, askama::Error> {
    let header = Header {
        spec: &model.spec_name,
    };
    // The inventory is one large file with no part in common with the others: it is
    // rendered on a second thread meanwhile.
    std::thread::scope(|scope| {
        let inventory = scope.spawn(|| inventory::stacks_md(header, model));
        let mut artifacts = files(header, model)?;
        let inventory = inventory
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        artifacts.push(text_artifact(model.inventory.clone(), inventory));
        artifacts.push(Artifact {
            path: SCHEMA_FILE.to_owned(),
            bytes: crate::spec::json_schema(Some(&header.text())).into_bytes(),
        });
        artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(artifacts)
    })
}

/// Every file but the inventory and the schema: each stack's compose file and
/// `.env.example`, and Traefik's configuration.
fn files(header: Header<'_>, model: &Model) -> Result<Vec<Artifact>, askama::Error> {
    let mut artifacts = Vec::new();
    let target = model.swarm.target;
    for stack in &model.stacks {
        if target.compose() {
            artifacts.push(artifact(
                stack.compose_path(),
                &ComposeView::new(header, model, stack),
            )?);
        }
        artifacts.push(artifact(
            stack.env_path(),
            &EnvView {
                header,
                stack,
                target,
            },
        )?);
        // Variants override the compose file: there are none on Swarm.
        for variant in stack.variants.iter().filter(|_| target.compose()) {
            artifacts.push(artifact(
                stack.variant_path(&variant.name),
                &VariantView {
                    header,
                    stack,
                    variant,
                },
            )?);
        }
    }
    let proxy = model.stacks.iter().find(|s| s.name == model.traefik.stack);
    if let Some(proxy) = proxy.filter(|_| target.compose()) {
        artifacts.push(artifact(
            format!("{}/traefik.yml", proxy.dir),
            &StaticView {
                header,
                model,
                precedence: &model.traefik.edge.precedence,
                swarm: false,
            },
        )?);
    }
    if let Some(proxy) = proxy {
        artifacts.push(artifact(
            format!("{}/dynamic/_platform.yml", proxy.dir),
            &PlatformDynamicView {
                header,
                traefik: &model.traefik,
            },
        )?);
        let traefik = &model.traefik;
        if !(traefik.servers_transports.is_empty()
            && traefik.tls_options.is_empty()
            && traefik.tls_stores.is_empty())
        {
            artifacts.push(artifact(
                format!("{}/dynamic/_transport.yml", proxy.dir),
                &TransportView { header, traefik },
            )?);
        }
        let mut file_services: HashMap<&str, Vec<&ProxyService>> = HashMap::new();
        for service in model
            .services
            .iter()
            .filter(|s| s.provider == Provider::File)
        {
            file_services
                .entry(service.stack.as_str())
                .or_default()
                .push(service);
        }
        let mut file_l4: HashMap<&str, Vec<&L4Router>> = HashMap::new();
        for router in model
            .l4_routers
            .iter()
            .filter(|r| r.provider == Provider::File)
        {
            file_l4
                .entry(router.stack.as_str())
                .or_default()
                .push(router);
        }
        let mut file_routers: HashMap<&str, Vec<&Router>> = HashMap::new();
        for router in model
            .routers
            .iter()
            .filter(|r| r.provider == Provider::File)
        {
            file_routers
                .entry(router.stack.as_str())
                .or_default()
                .push(router);
        }
        for stack in &model.stacks {
            let routers = file_routers.remove(stack.name.as_str()).unwrap_or_default();
            let services = file_services
                .remove(stack.name.as_str())
                .unwrap_or_default();
            let (tcp, udp): (Vec<&L4Router>, Vec<&L4Router>) = file_l4
                .remove(stack.name.as_str())
                .unwrap_or_default()
                .into_iter()
                .partition(|r| r.protocol == Protocol::Tcp);
            if !routers.is_empty() || !services.is_empty() || !tcp.is_empty() || !udp.is_empty() {
                artifacts.push(artifact(
                    format!("{}/dynamic/{}.yml", proxy.dir, stack.name),
                    &StackDynamicView {
                        header,
                        stack,
                        routers,
                        services,
                        l4: [("tcp", tcp), ("udp", udp)]
                            .into_iter()
                            .filter(|(_, list)| !list.is_empty())
                            .collect(),
                    },
                )?);
            }
        }
    }
    if target.swarm() {
        let swarm = swarm::files(header, model, &artifacts)?;
        artifacts.extend(swarm);
    }
    Ok(artifacts)
}

fn artifact(path: String, view: &impl Template) -> Result<Artifact, askama::Error> {
    Ok(text_artifact(path, view.render()?))
}

fn text_artifact(path: String, mut text: String) -> Artifact {
    // Every file ends with exactly one newline, whatever the template's last line does.
    while text.ends_with('\n') {
        text.pop();
    }
    text.push('\n');
    Artifact {
        path,
        bytes: text.into_bytes(),
    }
}

pub use crate::layout::SCHEMA_FILE;

/// The first line of every generated file, in that file's comment syntax.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    pub spec: &'a str,
}

impl Header<'_> {
    pub fn text(&self) -> String {
        format!(
            "Generated by seisei from {}. Do not edit; run `seisei gen`.",
            self.spec
        )
    }
}

/// The header line every generated file starts with, by comment syntax; `output` uses it to
/// recognise files seisei owns.
pub fn header_prefixes() -> [&'static str; 3] {
    [
        "# Generated by seisei from ",
        "<!-- Generated by seisei from ",
        "{\n  \"$comment\": \"Generated by seisei from ",
    ]
}

#[derive(Template)]
#[template(path = "compose.yaml")]
struct ComposeView<'a> {
    header: Header<'a>,
    stack: &'a Stack,
    networks: Vec<&'a model::Network>,
}

impl<'a> ComposeView<'a> {
    fn new(header: Header<'a>, model: &'a Model, stack: &'a Stack) -> Self {
        // `model.networks` is sorted by name: look each of the stack's networks up.
        let networks = stack
            .networks
            .iter()
            .filter_map(|name| {
                model
                    .networks
                    .binary_search_by(|n| n.name.cmp(name))
                    .ok()
                    .map(|i| &model.networks[i])
            })
            .collect();
        ComposeView {
            header,
            stack,
            networks,
        }
    }
}

/// One override file of a stack (`docker-compose.<variant>.yml`).
#[derive(Template)]
#[template(path = "compose.variant.yaml")]
struct VariantView<'a> {
    header: Header<'a>,
    stack: &'a Stack,
    variant: &'a model::variant::Variant,
}

#[derive(Template)]
#[template(path = "env.example.env")]
struct EnvView<'a> {
    header: Header<'a>,
    stack: &'a Stack,
    target: crate::spec::Target,
}

#[derive(Template)]
#[template(path = "traefik/static.yaml")]
struct StaticView<'a> {
    header: Header<'a>,
    model: &'a Model,
    precedence: &'a [String],
    /// The Swarm target's file has its own view (`swarm.rs`).
    swarm: bool,
}

#[derive(Template)]
#[template(path = "traefik/platform.yaml", escape = "traefik-yaml")]
struct PlatformDynamicView<'a> {
    header: Header<'a>,
    traefik: &'a model::Traefik,
}

#[derive(Template)]
#[template(path = "traefik/stack.yaml", escape = "traefik-yaml")]
struct StackDynamicView<'a> {
    header: Header<'a>,
    stack: &'a Stack,
    routers: Vec<&'a Router>,
    services: Vec<&'a ProxyService>,
    /// `tcp` and `udp` sections, each only when it has routers.
    l4: Vec<(&'static str, Vec<&'a L4Router>)>,
}

#[derive(Template)]
#[template(path = "traefik/transport.yaml", escape = "traefik-yaml")]
struct TransportView<'a> {
    header: Header<'a>,
    traefik: &'a model::Traefik,
}
