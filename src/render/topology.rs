//! The platform's network topology as a graph: the internet, Traefik's entry points, the
//! services they route to and what those depend on, grouped by network. One graph, two
//! writers: Mermaid (rendered by GitHub and GitLab inside STACKS.md) and Graphviz DOT.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::model::Model;

/// Ports of `PostgreSQL`, `MySQL`, `Redis` and `MongoDB`: such services are drawn as cylinders.
const DATABASE_PORTS: [u16; 4] = [5432, 3306, 6379, 27017];

/// A node of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub label: String,
    pub shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The internet.
    Circle,
    /// An entry point.
    Stadium,
    /// A container.
    Box,
    /// A database (a container others depend on and that publishes nothing).
    Cylinder,
}

/// Nodes drawn together: one network (external networks are shared; private ones belong to
/// one stack).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub label: Option<String>,
    pub dashed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// Nodes outside any group: the internet and the entry points.
    pub nodes: Vec<Node>,
    pub groups: Vec<Group>,
    pub edges: Vec<Edge>,
}

/// Builds the graph. Identifiers are generated (`svc_3`), never taken from names, so no
/// name can break the diagram's syntax; labels are escaped by each writer.
pub fn graph(model: &Model) -> Graph {
    let nodes = vec![Node {
        id: "internet".into(),
        label: "Internet".into(),
        shape: Shape::Circle,
    }];
    let entrypoint_id = |name: &str| {
        format!(
            "ep_{}",
            model
                .traefik
                .entrypoints
                .iter()
                .position(|e| e.name == name)
                .unwrap_or(0)
        )
    };
    let mut edges = Vec::new();
    // The proxy is drawn as a group of its entry points, so traffic visibly passes through it.
    let mut proxy = Group {
        id: "proxy".into(),
        label: format!("{} · {}", model.traefik.service, model.traefik.stack),
        nodes: Vec::new(),
    };
    for e in &model.traefik.entrypoints {
        let used = model
            .routers
            .iter()
            .any(|r| r.entrypoints.contains(&e.name))
            || e.redirect_to.is_some();
        if !used {
            continue;
        }
        proxy.nodes.push(Node {
            id: entrypoint_id(&e.name),
            label: format!("{} {}", e.name, e.address),
            shape: Shape::Stadium,
        });
        edges.push(Edge {
            from: "internet".into(),
            to: entrypoint_id(&e.name),
            label: None,
            dashed: false,
        });
        if let Some(to) = &e.redirect_to {
            edges.push(Edge {
                from: entrypoint_id(&e.name),
                to: entrypoint_id(to),
                label: Some("redirect".into()),
                dashed: true,
            });
        }
    }
    // Every service gets an id in model order, which is sorted by stack and service name.
    let mut service_ids = BTreeMap::new();
    for stack in &model.stacks {
        for service in &stack.services {
            let id = format!("svc_{}", service_ids.len());
            service_ids.insert((stack.name.as_str(), service.name.as_str()), id);
        }
    }
    let private_networks: HashSet<&str> = model
        .networks
        .iter()
        .filter(|n| !n.named())
        .map(|n| n.name.as_str())
        .collect();
    let depended_on: HashSet<(&str, &str)> = model
        .stacks
        .iter()
        .flat_map(|s| {
            s.services.iter().flat_map(move |svc| {
                svc.depends_on
                    .iter()
                    .map(move |d| (s.name.as_str(), d.service.as_str()))
            })
        })
        .collect();
    let mut groups: BTreeMap<(bool, String), Group> = BTreeMap::new();
    for stack in &model.stacks {
        for service in &stack.services {
            if stack.name == model.traefik.stack && service.name == model.traefik.service {
                continue;
            }
            let private = service
                .networks
                .iter()
                .find(|n| private_networks.contains(n.as_str()));
            let (key, label) = match (private, service.networks.first()) {
                (Some(network), _) => (
                    (true, format!("{}/{network}", stack.name)),
                    format!("{} · network {network}", stack.name),
                ),
                (None, Some(network)) => ((false, network.clone()), format!("network {network}")),
                (None, None) => (
                    (true, format!("{}/", stack.name)),
                    format!("{} · no network", stack.name),
                ),
            };
            // A database: something the stack depends on that listens on a database port.
            let is_database = depended_on.contains(&(stack.name.as_str(), service.name.as_str()))
                && service
                    .ports
                    .iter()
                    .any(|p| DATABASE_PORTS.contains(&p.container));
            let group_count = groups.len();
            let group = groups.entry(key).or_insert_with(|| Group {
                id: format!("net_{group_count}"),
                label,
                nodes: Vec::new(),
            });
            // The stack is named unless the container name already says it; a service in a
            // private network's box that is also on Traefik's network says so.
            let mut label = if service.container_name.starts_with(&stack.name) {
                service.container_name.clone()
            } else {
                format!("{}\n{}", service.container_name, stack.name)
            };
            if private.is_some() && service.networks.contains(&model.traefik.network) {
                let _ = write!(label, "\n+ {}", model.traefik.network);
            }
            group.nodes.push(Node {
                id: service_ids[&(stack.name.as_str(), service.name.as_str())].clone(),
                label,
                shape: if is_database {
                    Shape::Cylinder
                } else {
                    Shape::Box
                },
            });
        }
    }
    for router in &model.routers {
        // A backend outside Docker has no container node to point at.
        let Some(target) = service_ids.get(&(router.stack.as_str(), router.service.as_str()))
        else {
            continue;
        };
        let mut text = router.hosts.join(" ");
        if let Some(prefix) = &router.path_prefix {
            text.push_str(prefix);
        }
        if text.is_empty() {
            text.clone_from(&router.name);
        }
        for e in &router.entrypoints {
            edges.push(Edge {
                from: entrypoint_id(e),
                to: target.clone(),
                label: Some(text.clone()),
                dashed: false,
            });
        }
    }
    for stack in &model.stacks {
        for service in &stack.services {
            for dependency in &service.depends_on {
                if let Some(to) =
                    service_ids.get(&(stack.name.as_str(), dependency.service.as_str()))
                {
                    edges.push(Edge {
                        from: service_ids[&(stack.name.as_str(), service.name.as_str())].clone(),
                        to: to.clone(),
                        label: None,
                        dashed: false,
                    });
                }
            }
        }
    }
    // External networks first, then the stacks' private ones: the shared edge reads on top.
    let mut groups: Vec<Group> = groups.into_values().collect();
    for (i, group) in groups.iter_mut().enumerate() {
        group.id = format!("net_{i}");
    }
    if !proxy.nodes.is_empty() {
        groups.insert(0, proxy);
    }
    Graph {
        nodes,
        groups,
        edges,
    }
}

/// Mermaid flowchart text.
pub fn mermaid(graph: &Graph) -> String {
    let label = |text: &str| {
        text.replace('&', "#amp;")
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
            .replace('\n', "<br/>")
    };
    let node = |n: &Node| {
        let text = label(&n.label);
        match n.shape {
            Shape::Circle => format!("{}((\"{text}\"))", n.id),
            Shape::Stadium => format!("{}([\"{text}\"])", n.id),
            Shape::Box => format!("{}[\"{text}\"]", n.id),
            Shape::Cylinder => format!("{}[(\"{text}\")]", n.id),
        }
    };
    let mut out = String::from("flowchart LR\n");
    for n in &graph.nodes {
        let _ = writeln!(out, "  {}", node(n));
    }
    for g in &graph.groups {
        let _ = writeln!(out, "  subgraph {}[\"{}\"]", g.id, label(&g.label));
        for n in &g.nodes {
            let _ = writeln!(out, "    {}", node(n));
        }
        out.push_str("  end\n");
    }
    for e in &graph.edges {
        let _ = match (&e.label, e.dashed) {
            (Some(text), true) => writeln!(out, "  {} -. \"{}\" .-> {}", e.from, label(text), e.to),
            (Some(text), false) => {
                writeln!(out, "  {} -- \"{}\" --> {}", e.from, label(text), e.to)
            }
            (None, true) => writeln!(out, "  {} -.-> {}", e.from, e.to),
            (None, false) => writeln!(out, "  {} --> {}", e.from, e.to),
        };
    }
    out
}

/// Graphviz DOT text, for `seisei graph --format dot | dot -Tsvg`.
pub fn dot(graph: &Graph) -> String {
    let quote = |text: &str| {
        format!(
            "\"{}\"",
            text.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        )
    };
    let node = |n: &Node| {
        let shape = match n.shape {
            Shape::Circle => "circle",
            Shape::Stadium => "box, style=rounded",
            Shape::Box => "box",
            Shape::Cylinder => "cylinder",
        };
        format!("{} [label={}, shape={shape}];", n.id, quote(&n.label))
    };
    let mut out =
        String::from("digraph topology {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for n in &graph.nodes {
        let _ = writeln!(out, "  {}", node(n));
    }
    for g in &graph.groups {
        let _ = writeln!(
            out,
            "  subgraph cluster_{} {{\n    label={};",
            g.id,
            quote(&g.label)
        );
        for n in &g.nodes {
            let _ = writeln!(out, "    {}", node(n));
        }
        out.push_str("  }\n");
    }
    for e in &graph.edges {
        let mut attributes = Vec::new();
        if let Some(text) = &e.label {
            attributes.push(format!("label={}", quote(text)));
        }
        if e.dashed {
            attributes.push("style=dashed".to_owned());
        }
        let attributes = if attributes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attributes.join(", "))
        };
        let _ = writeln!(out, "  {} -> {}{attributes};", e.from, e.to);
    }
    out.push_str("}\n");
    out
}
