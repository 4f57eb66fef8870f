//! The generated inventory of the Seisei platform holds every fact of the seed document it
//! replaces (`shared/seed/stack-inventory.md`), each in the right stack's section. The facts
//! are listed here, by hand, from the seed; the test does not need the seed file.

/// One stack's facts from the seed: containers, ports, routes, networks, environment
/// variables, volumes with their mount paths, and configuration paths.
struct SeedStack {
    name: &'static str,
    purpose_words: &'static [&'static str],
    status: &'static str,
    networks: &'static [&'static str],
    containers: &'static [&'static str],
    ports: &'static [&'static str],
    hosts: &'static [&'static str],
    variables: &'static [&'static str],
    volumes: &'static [(&'static str, &'static str)],
    configs: &'static [&'static str],
    notes: &'static [&'static str],
}

const SEED: &[SeedStack] = &[
    SeedStack {
        name: "edge-traefik",
        purpose_words: &["Reverse proxy", "SSL"],
        status: "Production",
        networks: &["edge"],
        containers: &["traefik"],
        ports: &["80:80/tcp", "443:443/tcp", "8888"],
        hosts: &[],
        variables: &[],
        volumes: &[("traefik-acme", "/etc/traefik/acme")],
        configs: &["traefik.yml", "dynamic/*.yml"],
        notes: &[
            "Docker socket access",
            "Let's Encrypt ACME storage",
            "Priority matters for overlapping paths",
            "file provider",
            "Docker labels",
        ],
    },
    SeedStack {
        name: "odoo18-prod",
        purpose_words: &["Odoo 18", "multi-tenant"],
        status: "Production",
        networks: &["edge", "odoo18"],
        containers: &["odoo18-prod-web", "seisei-odoo-router", "seisei-db"],
        ports: &["8069", "5432"],
        hosts: &["*.erp.seisei.tokyo"],
        variables: &[],
        volumes: &[
            ("odoo-data", "/var/lib/odoo"),
            ("pg-data", "/var/lib/postgresql"),
        ],
        configs: &[
            "infra/stacks/odoo18-prod/config/odoo.conf",
            "/etc/nginx/conf.d/default.conf",
        ],
        notes: &[
            "`ten_<code>`",
            "Nginx router maps Host to DB name",
            "QR ordering uses tenant-specific DB",
            "PostgreSQL database",
            "Shared addon volumes",
        ],
    },
    SeedStack {
        name: "erp-seisei",
        purpose_words: &["Next.js", "BizNexus"],
        status: "Production",
        networks: &["edge", "erp-internal"],
        containers: &["seisei-erp-app", "seisei-erp-db"],
        ports: &["3000"],
        hosts: &["biznexus.seisei.tokyo"],
        variables: &[
            "DATABASE_URL",
            "NEXTAUTH_SECRET",
            "ODOO_URL",
            "ODOO_API_KEY",
        ],
        volumes: &[("erp-pg", "/var/lib/postgresql")],
        configs: &[],
        notes: &[
            "PostgreSQL database (separate from Odoo)",
            "Prisma ORM",
            "Auth system",
        ],
    },
    SeedStack {
        name: "ocr",
        purpose_words: &["OCR", "invoice"],
        status: "Production",
        networks: &["edge"],
        containers: &["ocr-service", "ocr-db"],
        ports: &["8180"],
        hosts: &["ocr.seisei.tokyo"],
        variables: &["GEMINI_API_KEY", "OCR_DATABASE_URL"],
        volumes: &[],
        configs: &[],
        notes: &["Gemini API key"],
    },
    SeedStack {
        name: "web-seisei",
        purpose_words: &["Marketing"],
        status: "Production",
        networks: &["edge"],
        containers: &["web-seisei"],
        ports: &["80"],
        hosts: &["seisei.tokyo", "www.seisei.tokyo"],
        variables: &[],
        volumes: &[],
        configs: &[],
        notes: &[],
    },
    SeedStack {
        name: "crm-api",
        purpose_words: &["CRM API"],
        status: "Production",
        networks: &["edge"],
        containers: &["crm-api"],
        ports: &["3001"],
        hosts: &["api.seisei.tokyo"],
        variables: &["CRM_DATABASE_URL"],
        volumes: &[],
        configs: &[],
        notes: &["`/crm`"],
    },
    SeedStack {
        name: "langbot",
        purpose_words: &["chatbot"],
        status: "Production",
        networks: &["edge"],
        containers: &["langbot"],
        ports: &[],
        hosts: &[],
        variables: &[],
        volumes: &[],
        configs: &["config/config.yaml"],
        notes: &["LangChain"],
    },
    SeedStack {
        name: "odoo18-test",
        purpose_words: &["Odoo", "testing"],
        status: "Testing",
        networks: &["edge"],
        containers: &["odoo18-test"],
        ports: &[],
        hosts: &["testodoo.seisei.tokyo"],
        variables: &[],
        volumes: &[],
        configs: &[],
        notes: &[
            "Separate from production",
            "Uses same addons but isolated DB",
        ],
    },
];

/// The text of a stack's section: from its heading to the next one.
fn section<'a>(inventory: &'a str, stack: &str) -> &'a str {
    let start = inventory
        .find(&format!("\n### {stack}\n"))
        .unwrap_or_else(|| panic!("no section for {stack}"));
    let rest = &inventory[start + 1..];
    let end = rest[4..]
        .find("\n### ")
        .or_else(|| rest[4..].find("\n## "))
        .map_or(rest.len(), |i| i + 4);
    &rest[..end]
}

#[test]
fn the_inventory_holds_every_fact_of_the_seed() {
    let inventory =
        std::fs::read_to_string(crate::repo_root().join("generated/STACKS.md")).unwrap();
    let overview = &inventory
        [inventory.find("## Overview").unwrap()..inventory.find("## Stack details").unwrap()];
    let mut missing = Vec::new();
    for stack in SEED {
        let row = overview
            .lines()
            .find(|l| l.starts_with(&format!("| [{}](", stack.name)))
            .unwrap_or_default();
        if !row.contains(stack.status) {
            missing.push(format!(
                "{}: status {} in the overview",
                stack.name, stack.status
            ));
        }
        for network in stack.networks {
            if !row.contains(network) {
                missing.push(format!("{}: network {network} in the overview", stack.name));
            }
        }
        let text = section(&inventory, stack.name);
        let compose = format!("infra/stacks/{}/docker-compose.yml", stack.name);
        let compose = compose.as_str();
        let facts = stack
            .purpose_words
            .iter()
            .chain(stack.containers)
            .chain(stack.ports)
            .chain(stack.variables)
            .chain(stack.configs)
            .chain(stack.notes)
            .chain(std::iter::once(&compose))
            .chain(stack.hosts);
        for fact in facts {
            if !text.contains(fact) {
                missing.push(format!("{}: `{fact}`", stack.name));
            }
        }
        for (volume, path) in stack.volumes {
            if !text
                .lines()
                .any(|l| l.contains(&format!("`{volume}`")) && l.contains(path))
            {
                missing.push(format!("{}: volume {volume} at {path}", stack.name));
            }
        }
    }
    // The seed's volume table, with the stack of each volume.
    let volumes = &inventory[inventory.find("## Volume mounts").unwrap()..];
    for (volume, stack, path) in [
        ("odoo-data", "odoo18-prod", "/var/lib/odoo"),
        ("pg-data", "odoo18-prod", "/var/lib/postgresql"),
        ("erp-pg", "erp-seisei", "/var/lib/postgresql"),
        ("traefik-acme", "edge-traefik", "/etc/traefik/acme"),
    ] {
        if !volumes
            .lines()
            .any(|l| l.starts_with(&format!("| `{volume}` | {stack} |")) && l.contains(path))
        {
            missing.push(format!("volume table: {volume} of {stack} at {path}"));
        }
    }
    // The route of the CRM API, host and path together, and the topology picture.
    assert!(inventory.contains("| [api.seisei.tokyo](<https://api.seisei.tokyo/crm>) | `/crm` |"));
    assert!(inventory.contains("```mermaid\nflowchart LR\n"));
    assert!(
        missing.is_empty(),
        "facts of the seed missing from STACKS.md:\n{}",
        missing.join("\n")
    );
}
