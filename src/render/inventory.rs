//! The stack inventory: `STACKS.md`, and the same parts as regions that seisei fills inside
//! hand-written Markdown files (`<!-- seisei:begin routes -->` … `<!-- seisei:end routes -->`).
//! Input: the model and where the document lives; output: Markdown text.

use std::collections::HashMap;
use std::fmt::Write as _;

use askama::Template;

use super::escape::filters;
use super::{Header, topology};
use crate::encode::markdown::{markdown_code, markdown_text};
use crate::model::routing::as_traefik_builds;
use crate::model::{Entrypoint, Model, Router, Stack};

/// How a document reaches the generated files and the inventory's anchors.
#[derive(Debug, Clone)]
pub struct Links {
    /// Prefix from the document's folder to the output directory: empty, or `../generated/`.
    pub to_output: String,
    /// Where stack anchors live: empty inside STACKS.md, else the path to STACKS.md.
    pub anchor_page: String,
}

/// Every part of the inventory, rendered once.
#[derive(Debug, Clone)]
pub struct Regions {
    pub overview: String,
    /// One per stack, in model order.
    pub stacks: Vec<String>,
    pub routes: String,
    pub topology: String,
    pub networks: String,
    pub volumes: String,
}

/// Names a marker may use: `inventory`, `routes`, `volumes`, `networks`, `topology`,
/// `stack:NAME`.
pub const REGION_NAMES: [&str; 5] = ["inventory", "routes", "volumes", "networks", "topology"];

impl Regions {
    /// The text of the region called `name`, if there is one.
    pub fn get<'a>(&'a self, model: &Model, name: &str) -> Option<&'a str> {
        match name {
            "inventory" => Some(&self.overview),
            "routes" => Some(&self.routes),
            "volumes" => Some(&self.volumes),
            "networks" => Some(&self.networks),
            "topology" => Some(&self.topology),
            _ => {
                let stack = name.strip_prefix("stack:")?;
                let index = model.stacks.iter().position(|s| s.name == stack)?;
                Some(&self.stacks[index])
            }
        }
    }
}

/// Every region, each rendered once (the regions of hand-written documents).
pub fn regions(model: &Model, links: &Links) -> Result<Regions, askama::Error> {
    let parts = parts(model, links)?;
    let stacks = (0..model.stacks.len())
        .map(|index| parts.stack(index))
        .collect::<Result<Vec<_>, _>>()?;
    let Parts {
        overview,
        routes,
        topology,
        networks,
        volumes,
        ..
    } = parts;
    Ok(Regions {
        overview,
        stacks,
        routes,
        topology,
        networks,
        volumes,
    })
}

/// The regions but the stack sections, rendered, and what renders each stack section when
/// it is written: STACKS.md never holds all of them at once.
struct Parts<'a> {
    model: &'a Model,
    links: &'a Links,
    by_stack: HashMap<&'a str, Vec<&'a Router>>,
    overview: String,
    routes: String,
    topology: String,
    networks: String,
    volumes: String,
}

impl Parts<'_> {
    /// The section of stack `index` (model order).
    fn stack(&self, index: usize) -> Result<String, askama::Error> {
        let (model, links) = (self.model, self.links);
        let stack = &model.stacks[index];
        StackView {
            stack,
            routers: self
                .by_stack
                .get(stack.name.as_str())
                .cloned()
                .unwrap_or_default(),
            l4_routers: model
                .l4_routers
                .iter()
                .filter(|r| r.stack == stack.name)
                .collect(),
            env_link: format!("{}{}", links.to_output, stack.env_path()),
            entrypoints: &model.traefik.entrypoints,
            compose_link: format!("{}{}", links.to_output, stack.compose_path()),
            anchor_prefix: &links.anchor_page,
            compose: model.swarm.target.compose(),
            swarm: model.swarm.target.swarm().then(|| SwarmSection {
                path: stack.stack_file_path(),
                link: format!("{}{}", links.to_output, stack.stack_file_path()),
                services: stack
                    .services
                    .iter()
                    .filter_map(|s| {
                        model
                            .swarm
                            .deploy(&stack.name, &s.name)
                            .map(|d| (s.name.as_str(), d))
                    })
                    .collect(),
            }),
        }
        .render()
    }
}

fn parts<'a>(model: &'a Model, links: &'a Links) -> Result<Parts<'a>, askama::Error> {
    let anchor_prefix = links.anchor_page.as_str();
    let mut routers: Vec<&Router> = model.routers.iter().collect();
    // Sorted by host (wildcards beside the names they cover), then path, so overlapping
    // routes are neighbours.
    routers.sort_by_cached_key(|r| {
        (
            r.hosts.first().map_or("", |h| h.trim_start_matches("*.")),
            r.path_prefix.as_deref().or(r.path.as_deref()),
            std::cmp::Reverse(r.effective_priority),
            r.name.as_str(),
        )
    });
    let mut by_stack: HashMap<&str, Vec<&Router>> = HashMap::new();
    for router in &model.routers {
        by_stack
            .entry(router.stack.as_str())
            .or_default()
            .push(router);
    }
    // The topology is a third of the inventory's work at scale: it is drawn on a second
    // thread while the tables render (`check` holds STACKS.md's job on one thread while the
    // other files share the rest).
    let (topology, tables) = crate::parallel::join(
        crate::parallel::spread(model.stacks.len()),
        || {
            TopologyView {
                mermaid: topology::mermaid(&topology::graph(model)),
            }
            .render()
        },
        || -> Result<_, askama::Error> {
            let overview = OverviewView {
                model,
                anchor_prefix,
            }
            .render()?;
            let routes_table = RoutesView {
                routers,
                entrypoints: &model.traefik.entrypoints,
                dashboard: crate::model::routing::dashboard_row(model).map(|row| DashboardView {
                    middlewares: markdown_text(&row.middlewares.join(", ")),
                    stack: &model.traefik.stack,
                    row,
                }),
            }
            .render()?;
            let networks = NetworksView { model }.render()?;
            let volumes = VolumesView { model }.render()?;
            Ok((overview, routes_table, networks, volumes))
        },
    );
    let (overview, routes_table, networks, volumes) = tables?;
    Ok(Parts {
        model,
        links,
        by_stack,
        overview,
        routes: routes_table,
        topology: topology?,
        networks,
        volumes,
    })
}

/// `STACKS.md`: every region under its heading, written into `out` as it is rendered.
pub fn stacks_md_into(
    header: Header<'_>,
    model: &Model,
    out: &mut impl std::fmt::Write,
) -> Result<(), askama::Error> {
    let depth = model.inventory.matches('/').count();
    let links = Links {
        to_output: "../".repeat(depth),
        anchor_page: String::new(),
    };
    let parts = parts(model, &links)?;
    InventoryView {
        header,
        model,
        parts: &parts,
    }
    .render_into(out)
}

#[derive(Template)]
#[template(path = "stacks.md")]
struct InventoryView<'a> {
    header: Header<'a>,
    model: &'a Model,
    parts: &'a Parts<'a>,
}

#[derive(Template)]
#[template(path = "inventory/overview.md")]
struct OverviewView<'a> {
    model: &'a Model,
    anchor_prefix: &'a str,
}

#[derive(Template)]
#[template(path = "inventory/stack.md")]
struct StackView<'a> {
    stack: &'a Stack,
    routers: Vec<&'a Router>,
    /// TCP and UDP routers of the stack.
    l4_routers: Vec<&'a crate::model::L4Router>,
    compose_link: String,
    env_link: String,
    anchor_prefix: &'a str,
    entrypoints: &'a [Entrypoint],
    /// The Swarm target's stack file, its link, and each service's scale, placement and
    /// rollout; `None` when the platform is not generated for Swarm.
    swarm: Option<SwarmSection<'a>>,
    /// Whether the platform is generated for Compose (the compose file exists).
    compose: bool,
}

struct SwarmSection<'a> {
    path: String,
    link: String,
    services: Vec<(&'a str, &'a crate::model::swarm::Deploy)>,
}

#[derive(Template)]
#[template(path = "inventory/routes.md")]
struct RoutesView<'a> {
    routers: Vec<&'a Router>,
    entrypoints: &'a [Entrypoint],
    /// The dashboard's router, last: Traefik's own API, not a stack's service.
    dashboard: Option<DashboardView<'a>>,
}

struct DashboardView<'a> {
    row: crate::model::routing::RouterRow,
    /// The Traefik stack, which serves it.
    stack: &'a str,
    middlewares: String,
}

#[derive(Template)]
#[template(path = "inventory/topology.md")]
struct TopologyView {
    mermaid: String,
}

#[derive(Template)]
#[template(path = "inventory/networks.md")]
struct NetworksView<'a> {
    model: &'a Model,
}

#[derive(Template)]
#[template(path = "inventory/volumes.md")]
struct VolumesView<'a> {
    model: &'a Model,
}

/// How a status reads in the inventory. askama passes template values by reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn status(status: &crate::spec::Status) -> &'static str {
    match status {
        crate::spec::Status::Production => "Production",
        crate::spec::Status::Testing => "Testing",
        crate::spec::Status::Deprecated => "Deprecated",
    }
}

/// The router's names as Traefik shows them: one, or `<entrypoint>-<name>` for each entry
/// point with a model when the router is on several (see [`as_traefik_builds`]).
fn router_cell(router: &Router, entrypoints: &[Entrypoint]) -> String {
    as_traefik_builds(router, entrypoints)
        .iter()
        .map(|b| markdown_code(&b.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The middlewares Traefik runs, entry-point ones first: one list, or one per name when the
/// router's copies differ.
fn middlewares_cell(router: &Router, entrypoints: &[Entrypoint]) -> String {
    let built = as_traefik_builds(router, entrypoints);
    let list = |m: &[String]| markdown_text(&m.join(", "));
    if built
        .windows(2)
        .all(|w| w[0].middlewares == w[1].middlewares)
    {
        return built
            .first()
            .map_or_else(String::new, |b| list(&b.middlewares));
    }
    built
        .iter()
        .map(|b| format!("{}: {}", markdown_code(&b.name), list(&b.middlewares)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A router's hosts as Markdown: each exact host a link to the route, wildcards as code.
fn host_links(router: &Router) -> String {
    let path = router
        .path_prefix
        .as_deref()
        .or(router.path.as_deref())
        .unwrap_or("");
    let hosts: Vec<String> = router
        .hosts
        .iter()
        .map(|host| {
            if host.contains('*') {
                markdown_code(host)
            } else {
                let scheme = if router.tls { "https" } else { "http" };
                format!(
                    "[{}](<{scheme}://{host}{}>)",
                    markdown_text(host),
                    url_path(path)
                )
            }
        })
        .collect();
    if hosts.is_empty() {
        markdown_code(&router.rule)
    } else {
        hosts.join(", ")
    }
}

/// A path for a link target inside `<…>`: only what would end the target is encoded.
fn url_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '<' | '>' | ' ' | '\n' | '|' | '\\' => {
                let _ = write!(encoded, "%{:02X}", u32::from(c));
            }
            c => encoded.push(c),
        }
    }
    encoded
}

// The templates of this module use `filters::code` and `filters::anchor`.
#[allow(unused_imports)]
use filters as _;
