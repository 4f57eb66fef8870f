//! Command-line arguments (clap derive), converted to plain values before any work starts.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
Exit codes:
  0  success; for `check`, the output tree is up to date
  1  `check` only: a generated file is stale, missing or orphaned (a diff is printed)
  2  the spec is invalid, or a file could not be read or written

Examples:
  seisei gen                       write every output of ./platform.yaml
  seisei check                     fail with a diff when generated/ is stale
  seisei gen --spec infra/platform.yaml";

/// Compile platform.yaml into Docker Compose stacks, Traefik configuration and the stack
/// inventory, and check that what is committed matches.
#[derive(Debug, Parser)]
#[command(name = "seisei", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write every generated file; only files whose bytes change are touched.
    #[command(
        after_help = "Examples:\n  seisei gen\n  seisei gen --spec path/to/platform.yaml\n\nPrints a summary such as `3 written, 41 unchanged, 1 removed`. Removes only files it generated before (listed in the output directory's .seisei-manifest)."
    )]
    Gen(GenArgs),
    /// Regenerate in memory and compare with the output tree; write nothing.
    #[command(
        after_help = "Examples:\n  seisei check\n  seisei check --spec path/to/platform.yaml\n\nExit codes: 0 up to date, 1 stale (unified diff on stdout, summary on stderr), 2 invalid spec or I/O error."
    )]
    Check(SpecArgs),
    /// Validate the spec and print every problem found, without generating anything.
    #[command(
        after_help = "Examples:\n  seisei validate\n  seisei validate --format json\n\nExit codes: 0 no errors, 2 errors found."
    )]
    Validate(ValidateArgs),
    /// Print the JSON Schema of platform.yaml, for editors and other tools.
    #[command(
        after_help = "Examples:\n  seisei schema > platform.schema.json\n\n`seisei gen` also writes it as platform.schema.json in the output directory; start platform.yaml with\n  # yaml-language-server: $schema=generated/platform.schema.json\nso editors complete keys and underline mistakes."
    )]
    Schema,
    /// Print the network topology alone, as Mermaid or Graphviz DOT.
    #[command(
        after_help = "Examples:\n  seisei graph\n  seisei graph --format dot | dot -Tsvg > topology.svg"
    )]
    Graph(GraphArgs),
    /// List every router of the routing table Traefik will build, with its priority.
    #[command(
        after_help = "Examples:\n  seisei routes\n  seisei routes --sort priority\n  seisei routes --format json | jq '.[].name'\n\nIncludes the routers Traefik adds itself (HTTP to HTTPS redirects, the ACME challenge) and the dashboard router."
    )]
    Routes(RoutesArgs),
    /// Explain which router answers a request, which others matched and why they lost.
    #[command(
        after_help = "Examples:\n  seisei route https://acme.erp.seisei.tokyo/web/login\n  seisei route https://api.seisei.tokyo/crm/contacts --method POST --header 'Content-Type:application/json'\n\nExit codes: 0 a router answers, 1 no router matches (Traefik answers 404), 2 invalid spec or URL."
    )]
    Route(RouteArgs),
}

#[derive(Debug, clap::Args)]
pub struct RoutesArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// `table` for people, `json` for tools.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
    /// Order of the rows.
    #[arg(long, default_value = "name", value_parser = ["name", "priority", "host"])]
    pub sort: String,
}

#[derive(Debug, clap::Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// The request URL, e.g. `https://acme.erp.seisei.tokyo/web/login`.
    pub url: String,
    /// The request method.
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// A request header as `Name:value`; repeat for several.
    #[arg(long = "header", value_name = "NAME:VALUE")]
    pub headers: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// `mermaid` (as in STACKS.md) or `dot` (Graphviz).
    #[arg(long, default_value = "mermaid", value_parser = ["mermaid", "dot"])]
    pub format: String,
}

#[derive(Debug, clap::Args)]
pub struct SpecArgs {
    /// The platform spec.
    #[arg(long, default_value = "platform.yaml", value_name = "PATH")]
    pub spec: PathBuf,
    /// Treat warnings as errors: exit 2 and write nothing when there is any.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Overwrite generated files even when their header is gone (someone edited them by
    /// hand and took them over). Files seisei never generated are still left alone.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Output format: `text` for people, `json` for one object per line.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}
