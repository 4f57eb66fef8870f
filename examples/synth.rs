//! Synthetic platforms for the benchmarks: `cargo run --release --example synth -- --stacks N
//! --out DIR` writes `DIR/platform.yaml`, a valid platform of N stacks (one of them Traefik).
//!
//! The output is a function of N alone (a xorshift generator seeded by N), so two machines
//! benchmark the same bytes. Each application stack has 1–4 services (`app`, then `db`,
//! `worker`, `admin`), variables that are all declared and used, named volumes with mounts, a
//! private network shared by a family of four stacks plus the external `edge` network, and
//! routes on a few hundred shared hosts (`svcNNN.example.test`) told apart by path prefixes.
//! Every tenth stack `extends` the one before it, as a test instance does.
//!
//! `benches/pipeline.rs` includes this file as a module (`#[path]`), so the criterion
//! benchmarks and `benches/cli.sh` measure the same platforms. It is an example rather than
//! a module of the crate so it never reaches the user CLI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Upper bound on N: stack numbers are written with five digits, so no stack's path prefix
/// (`/kind-NNNNN`) is a string prefix of another stack's, which would make one route cover
/// another.
pub const MAX_STACKS: usize = 99_999;

/// The shared hosts: a quarter of the application stacks, capped at 300 ("a few hundred"),
/// so from 1,200 stacks on each host carries more routers.
pub fn default_hosts(stacks: usize) -> usize {
    (stacks.saturating_sub(1) / 4).clamp(1, 300)
}

/// What one generated platform holds, for reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub stacks: usize,
    pub services: usize,
    pub routes: usize,
    pub hosts: usize,
    pub networks: usize,
    pub extending: usize,
    pub file_provider: usize,
}

/// The text of a platform of `stacks` stacks (at least 2: Traefik and one application)
/// routed over `hosts` shared host names.
pub fn platform_yaml(stacks: usize, hosts: usize) -> (String, Summary) {
    let stacks = stacks.clamp(2, MAX_STACKS);
    let hosts = hosts.max(1);
    let apps = stacks - 1;
    let families = apps.div_ceil(4);
    let mut rng = XorShift::new(stacks as u64);
    let mut summary = Summary {
        stacks,
        hosts,
        networks: families + 1,
        ..Summary::default()
    };
    let mut out = String::with_capacity(stacks * 1_600);
    header(&mut out, stacks, families);
    traefik_stack(&mut out, &mut summary);
    // The stack the next one may extend: its name, whether it has a database, and whether
    // its routes are on the file provider (which the extending stack inherits).
    let mut previous: Option<(String, bool, bool)> = None;
    for i in 1..stacks {
        let family = (i - 1) / 4;
        let host = rng.below(hosts);
        match previous.take() {
            Some((base, has_db, file_provider)) if i % 10 == 0 => {
                extending_stack(&mut out, i, &base, has_db, host, &mut summary);
                summary.file_provider += usize::from(file_provider);
            }
            _ => {
                let kind = KINDS[rng.below(KINDS.len())];
                let count = 1 + rng.below(4);
                let name = format!("{kind}-{i:05}");
                let stack = AppStack {
                    name: &name,
                    kind,
                    index: i,
                    network: family,
                    host,
                    services: count,
                    public_route: rng.below(3) == 0,
                    file_provider: i % 5 == 0,
                    version: (1 + rng.below(4), rng.below(20), rng.below(10)),
                };
                stack.write(&mut out, &mut summary);
                let file_provider = stack.file_provider;
                previous = Some((name, count >= 2, file_provider));
            }
        }
    }
    (out, summary)
}

/// Writes `dir/platform.yaml` for `stacks` stacks with the default shared hosts, creating
/// `dir`, and returns the spec's path and what it holds.
pub fn write_platform(dir: &Path, stacks: usize) -> std::io::Result<(PathBuf, Summary)> {
    let (text, summary) = platform_yaml(stacks, default_hosts(stacks));
    std::fs::create_dir_all(dir)?;
    let path = dir.join("platform.yaml");
    std::fs::write(&path, text)?;
    Ok((path, summary))
}

/// Application kinds; each is one word without `-`, so `kind-NNNNN` names never prefix each
/// other.
const KINDS: [&str; 8] = ["shop", "crm", "blog", "wiki", "chat", "mail", "ocr", "erp"];

/// xorshift64* (Marsaglia, Vigna): tiny, deterministic, good enough to vary a fixture.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        // Zero is xorshift's one fixed point; mixing with a constant keeps every seed moving.
        XorShift((seed ^ 0x9e37_79b9_7f4a_7c15).max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`; the modulo bias is irrelevant for a fixture.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

fn header(out: &mut String, stacks: usize, families: usize) {
    let _ = write!(
        out,
        r#"# A synthetic platform of {stacks} stacks for seisei's benchmarks.
# Generated by `cargo run --release --example synth -- --stacks {stacks}`; the same N gives the same bytes.

platform:
  name: Synth
  domain: example.test
  description: A synthetic platform that exercises every stage of seisei at scale.
  output: generated
  stacks_dir: infra/stacks
  inventory: STACKS.md

traefik:
  version: "3.7"
  stack: edge-traefik
  service: traefik
  network: edge
  entrypoints:
    web:
      address: ":80"
      redirect_to: websecure
      purpose: HTTP; redirects to HTTPS
    websecure:
      address: ":443"
      tls: true
      middlewares: [secure-headers]
      purpose: HTTPS for every public route
  default_entrypoints: [websecure]
  cert_resolvers:
    letsencrypt:
      email: ops@example.test
      storage: /etc/traefik/acme/acme.json
      http_challenge_entrypoint: web
  default_cert_resolver: letsencrypt
  default_provider: docker
  middlewares:
    secure-headers:
      headers:
        stsSeconds: 31536000
        contentTypeNosniff: true
    admin-allow:
      ipAllowList:
        sourceRange: ["10.0.0.0/8", "192.168.0.0/16"]

networks:
  edge:
    purpose: Public network shared by Traefik and every routed service
    external: true
"#
    );
    for family in 0..families {
        let _ = write!(
            out,
            "  fam-{family:04}:\n    purpose: Private network of stack family {family}\n"
        );
    }
    out.push_str("\nstacks:\n");
}

fn traefik_stack(out: &mut String, summary: &mut Summary) {
    summary.services += 1;
    out.push_str(
        r#"  edge-traefik:
    purpose: Reverse proxy, TLS termination, routing
    status: production
    networks: [edge]
    services:
      traefik:
        image: traefik:v3.7.9
        container_name: traefik
        role: Traefik v3 reverse proxy
        ports:
          - { container: 80, publish: true, note: "HTTP, redirects to HTTPS" }
          - { container: 443, publish: true, note: HTTPS }
        mounts:
          - { volume: acme, target: /etc/traefik/acme }
    volumes:
      acme:
        purpose: ACME certificates
"#,
    );
}

/// One application stack. Services come in a fixed order so that `count` says which exist:
/// `app` always, then `db`, `worker` and `admin`.
struct AppStack<'a> {
    name: &'a str,
    kind: &'a str,
    index: usize,
    network: usize,
    host: usize,
    services: usize,
    public_route: bool,
    file_provider: bool,
    version: (usize, usize, usize),
}

impl AppStack<'_> {
    fn write(&self, out: &mut String, summary: &mut Summary) {
        let AppStack {
            name, kind, index, ..
        } = *self;
        let net = format!("fam-{:04}", self.network);
        let (major, minor, patch) = self.version;
        let has_db = self.services >= 2;
        summary.services += self.services;
        summary.file_provider += usize::from(self.file_provider);
        let _ = write!(
            out,
            "  {name}:\n    purpose: Synthetic {kind} application {index}\n    status: production\n    networks: [{net}]\n"
        );
        if self.file_provider {
            out.push_str("    provider: file\n");
        }
        let database_url = if has_db { ", DATABASE_URL" } else { "" };
        let _ = write!(
            out,
            r#"    services:
      app:
        image: registry.example.test/{kind}/app:{major}.{minor}.{patch}
        role: Application server
        networks: [edge, {net}]
        ports:
          - {{ container: 8080, note: HTTP }}
        env: [APP_SECRET, LOG_LEVEL{database_url}]
        mounts:
          - {{ volume: uploads, target: /srv/uploads }}
        healthcheck:
          test: ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"]
"#
        );
        if has_db {
            out.push_str("        depends_on: [db]\n");
        }
        out.push_str("        routes:\n");
        let named = if self.public_route { "name: api, " } else { "" };
        let _ = writeln!(
            out,
            "          - {{ {named}hosts: [svc{:03}.example.test], path_prefix: /{name} }}",
            self.host
        );
        summary.routes += 1;
        if self.public_route {
            let _ = writeln!(
                out,
                "          - {{ name: public, hosts: [{name}.example.test], note: Public site }}"
            );
            summary.routes += 1;
        }
        if has_db {
            out.push_str(
                r#"      db:
        image: postgres:16.4-alpine
        role: PostgreSQL database
        ports:
          - { container: 5432, note: "PostgreSQL, internal only" }
        environment:
          POSTGRES_USER: app
          POSTGRES_PASSWORD: ${DB_PASSWORD}
          POSTGRES_DB: app
        mounts:
          - { volume: data, target: /var/lib/postgresql/data }
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U app -d app"]
          interval: 10s
"#,
            );
        }
        if self.services >= 3 {
            let _ = write!(
                out,
                r#"      worker:
        image: registry.example.test/{kind}/worker:{major}.{minor}.{patch}
        role: Background jobs
        command: ["worker", "--queue", "{name}"]
        env: [APP_SECRET, DATABASE_URL]
        depends_on: [db, app]
"#
            );
        }
        if self.services >= 4 {
            let _ = write!(
                out,
                r"      admin:
        image: registry.example.test/{kind}/admin:2.{minor}.0
        role: Admin console
        networks: [edge, {net}]
        ports:
          - {{ container: 9000, note: Admin UI }}
        env: [APP_SECRET]
        depends_on: [app]
        routes:
          - hosts: [svc{host:03}.example.test]
            path_prefix: /{name}/admin
            middlewares: [admin-allow]
",
                host = self.host
            );
            summary.routes += 1;
        }
        out.push_str(
            r"    volumes:
      uploads:
        purpose: Uploaded files
",
        );
        if has_db {
            out.push_str("      data:\n        purpose: PostgreSQL data\n");
        }
        out.push_str(
            r"    env:
      APP_SECRET:
        description: Key that signs sessions
        secret: true
        example: change-me
      LOG_LEVEL:
        description: Log verbosity
        required: false
        default: info
",
        );
        if has_db {
            out.push_str(
                r"      DATABASE_URL:
        description: PostgreSQL connection of the application
        secret: true
        example: postgresql://app:change-me@db:5432/app
      DB_PASSWORD:
        description: Password of the `app` PostgreSQL role
        secret: true
        example: change-me
",
            );
        }
    }
}

/// A test instance of `base`: its `app` (and `db`) with a route of its own. Lists are
/// replaced, not merged, so the route does not repeat the base's (which would be a second
/// router with the same rule and priority).
fn extending_stack(
    out: &mut String,
    index: usize,
    base: &str,
    has_db: bool,
    host: usize,
    summary: &mut Summary,
) {
    let kind = base.split('-').next().unwrap_or("app");
    let name = format!("{kind}-{index:05}");
    let services = if has_db { "[app, db]" } else { "[app]" };
    summary.services += 1 + usize::from(has_db);
    summary.routes += 1;
    summary.extending += 1;
    let _ = write!(
        out,
        r"  {name}:
    extends:
      stack: {base}
      services: {services}
    purpose: Test instance of {base}
    status: testing
    services:
      app:
        role: Test application server
        routes:
          - hosts: [svc{host:03}.example.test]
            path_prefix: /{name}
            note: Test instance
"
    );
}

fn main() {
    let mut stacks: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut hosts: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .unwrap_or_else(|| usage(&format!("`{flag}` needs a value")))
        };
        match arg.as_str() {
            "--stacks" => stacks = Some(number(&value("--stacks"))),
            "--hosts" => hosts = Some(number(&value("--hosts"))),
            "--out" => out = Some(PathBuf::from(value("--out"))),
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let stacks = stacks.unwrap_or_else(|| usage("`--stacks` is required"));
    if !(2..=MAX_STACKS).contains(&stacks) {
        usage(&format!("`--stacks` must be between 2 and {MAX_STACKS}"));
    }
    let out = out.unwrap_or_else(|| usage("`--out` is required"));
    let (text, summary) = platform_yaml(stacks, hosts.unwrap_or_else(|| default_hosts(stacks)));
    let path = out.join("platform.yaml");
    if let Err(e) = std::fs::create_dir_all(&out).and_then(|()| std::fs::write(&path, &text)) {
        eprintln!("synth: cannot write `{}`: {e}", path.display());
        std::process::exit(2);
    }
    eprintln!(
        "synth: wrote {} ({} bytes): {} stacks, {} services, {} routes on {} shared hosts, {} networks, {} extending, {} on the file provider",
        path.display(),
        text.len(),
        summary.stacks,
        summary.services,
        summary.routes,
        summary.hosts,
        summary.networks,
        summary.extending,
        summary.file_provider,
    );
}

const USAGE: &str = "usage: synth --stacks N --out DIR [--hosts H]\n\nWrites DIR/platform.yaml: N stacks (2..=99999, one of them Traefik), routes on H shared hosts (default: (N-1)/4, 1..=300).";

fn number(text: &str) -> usize {
    text.parse()
        .unwrap_or_else(|_| usage(&format!("`{text}` is not a number")))
}

fn usage(problem: &str) -> ! {
    eprintln!("synth: {problem}\n{USAGE}");
    std::process::exit(2);
}
