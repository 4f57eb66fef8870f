//! Command-line arguments (clap derive), converted to plain values before any work starts.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes:
  0  success; for `check`, the output tree is up to date
  1  `check`: a generated file is stale, missing or orphaned (a diff is printed);
     `gen --exit-code`: files were written; `route`: no router matches
  2  the spec is invalid, or a file could not be read or written

The spec is `--spec`, else $SEISEI_SPEC, else platform.yaml in the current directory or
the nearest parent directory that has one.

Examples:
  seisei gen                       write every output of the platform
  seisei check                     fail with a diff when generated/ is stale
  seisei new stack blog --image ghost:5.96.0 --route blog.seisei.tokyo --port 2368
  seisei route https://acme.erp.seisei.tokyo/web/login";

/// `seisei --version`: the package version and the commit it was built from (`build.rs`).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("SEISEI_COMMIT"), ")");

/// Compile platform.yaml into Docker Compose stacks, Traefik configuration and the stack
/// inventory, and check that what is committed matches.
#[derive(Debug, Parser)]
#[command(name = "seisei", version = VERSION, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// The platform spec [default: platform.yaml here or in the nearest parent]; before or
    /// after the subcommand.
    #[arg(long, global = true, value_name = "PATH", env = "SEISEI_SPEC")]
    pub spec: Option<PathBuf>,
    /// When to colour output: on terminals only (`auto`, honouring `NO_COLOR`), `always`, `never`.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// `-v`, only on the commands that write files (`gen`, `init`, `new`): it lists them, and
/// on any other command it would change nothing.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Verbose {
    /// Also print each file written or removed.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a platform here: platform.yaml (a Traefik edge stack and one routed example
    /// app), .gitignore, .pre-commit-config.yaml; then run `gen`.
    #[command(
        after_help = "Examples:\n  seisei init\n  seisei init --name Acme --domain acme.example\n\nRefuses to run where a platform.yaml exists. Adds `.env` and `.seisei.lock` to an existing .gitignore; keeps an existing .pre-commit-config.yaml."
    )]
    Init(InitArgs),
    /// Write every generated file; only files whose bytes change are touched.
    #[command(
        after_help = "Examples:\n  seisei gen\n  seisei gen --stack crm-api\n  seisei gen --exit-code        # for pre-commit: exit 1 when anything was written\n\nPrints a summary such as `3 written, 41 unchanged, 1 removed`. Removes only files it generated before (listed in the output directory's .seisei-manifest)."
    )]
    Gen(GenArgs),
    /// Regenerate in memory and compare with the output tree; write nothing.
    #[command(
        after_help = "Examples:\n  seisei check\n  seisei check --staged          # what `git commit` would record (the hooks run this)\n  seisei check --format json     # one object per file, for CI annotations\n\nExit codes: 0 up to date, 1 stale (unified diff on stdout, summary on stderr), 2 invalid spec or I/O error."
    )]
    Check(CheckArgs),
    /// Print what `gen` would change, as a unified diff; exit 0 either way.
    #[command(after_help = "Examples:\n  seisei diff\n  seisei diff --stack odoo18-prod | less")]
    Diff(StackArgs),
    /// Validate the spec and print every problem found, without generating anything.
    #[command(
        after_help = "Examples:\n  seisei validate\n  seisei validate --format json\n\nExit codes: 0 no errors, 2 errors found."
    )]
    Validate(ValidateArgs),
    /// Add a stack or a service to the spec, keeping the rest of the file byte for byte.
    #[command(subcommand)]
    New(NewCommand),
    /// Install or remove a git pre-commit hook that runs `seisei check`.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Print a stack's generated files (compose file, .env.example, …); write nothing.
    #[command(after_help = "Examples:\n  seisei show crm-api\n  seisei show edge-traefik | less")]
    Show(ShowArgs),
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
        after_help = "Examples:\n  seisei routes\n  seisei routes --sort priority\n  seisei routes --format json | jq '.[].name'\n\nIncludes the routers Traefik adds itself (HTTP to HTTPS redirects, the ACME challenge) and the dashboard router; the TCP and UDP routers follow in a table of their own."
    )]
    Routes(RoutesArgs),
    /// Explain which router answers a request, which others matched and why they lost.
    #[command(
        after_help = "Examples:\n  seisei route https://acme.erp.seisei.tokyo/web/login\n  seisei route https://api.seisei.tokyo/crm/contacts --method POST --header 'Content-Type:application/json'\n  seisei route tls://db.example.org:6432     (which TCP router takes a TLS connection with that server name)\n\nAnswers even while `validate` reports routing errors such as a tie (E0405), and says the pick is undefined.\n\nExit codes: 0 a router answers, 1 no router answers (Traefik answers 404, or 400 before routing), 2 invalid spec or URL."
    )]
    Route(RouteArgs),
    /// Adopt a folder of hand-written compose stacks: write the platform.yaml that generates them.
    #[command(
        after_help = "Examples:\n  seisei import infra/stacks                 # writes platform.yaml, prints the report, verifies\n  seisei import infra/stacks --dry-run       # prints the spec instead (the report goes to stderr)\n  seisei import infra/stacks --report json   # the report as JSON\n  seisei import --verify infra/stacks        # compare the folder with what platform.yaml generates\n\nReads DIR only; writes the spec (and stacks/*.yaml with --split) and nothing else.\n\nExit codes: 0 imported and every difference explained, 1 an unexplained difference, 2 nothing importable, an invalid result, or an existing spec without --force."
    )]
    Import(ImportArgs),
    /// Print the script that registers seisei's shell completion (stack names included).
    #[command(
        after_help = "Examples:\n  seisei completions bash > /etc/bash_completion.d/seisei\n  seisei completions zsh > \"${fpath[1]}/_seisei\"\n  echo 'source <(seisei completions bash)' >> ~/.bashrc\n\nThe script calls `seisei` (on PATH) at each <Tab>, with COMPLETE set, so `--stack` offers the stacks of the spec found from the current directory."
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per subcommand into a folder.
    #[command(
        after_help = "Examples:\n  seisei man > /usr/local/share/man/man1/seisei.1\n  seisei man --dir /usr/local/share/man/man1   # seisei.1, seisei-gen.1, seisei-check.1, …"
    )]
    Man {
        /// Write seisei.1 and a page per subcommand (seisei-gen.1, …), which seisei.1 refers to.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

// Four independent switches, each its own flag.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The folder of hand-written stacks (each a folder with a compose file).
    pub dir: PathBuf,
    /// Where to write the spec; `platform.output` is the path from its folder to DIR.
    #[arg(long, value_name = "PATH", default_value = "platform.yaml")]
    pub out: PathBuf,
    /// Write one `stacks/NAME.yaml` per stack beside the spec, included from it.
    #[arg(long)]
    pub split: bool,
    /// How to print the report: `text` or `json`.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub report: String,
    /// Print the spec on stdout instead of writing it (the report goes to stderr).
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an existing spec at `--out`.
    #[arg(long)]
    pub force: bool,
    /// Only compare DIR with what the spec at `--out` generates; write nothing.
    #[arg(long)]
    pub verify: bool,
    /// What to make of `docker-compose.override.yml`: `merge` it into the main file, as
    /// Compose does by default, or keep it as the stack's variant `override`.
    #[arg(long, value_name = "HOW", default_value = "merge", value_parser = ["merge", "variant"])]
    pub overrides: String,
}

#[derive(Debug, Clone, clap::Args)]
pub struct SpecArgs {
    /// The spec a command runs on when it is not the one `--spec` names: `init` and `new`
    /// hand theirs to `gen`, `check --staged` its copy of the index.
    #[arg(skip)]
    pub spec: Option<PathBuf>,
    /// Treat warnings as errors: exit 2 and write nothing when there is any.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// The stack.
    pub stack: String,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub verbose: Verbose,
    /// The platform's display name [default: the folder's name].
    #[arg(long)]
    pub name: Option<String>,
    /// The domain the example app is routed under (`hello.DOMAIN`).
    #[arg(long, default_value = "example.test")]
    pub domain: String,
}

#[derive(Debug, clap::Args)]
pub struct StackArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Only this stack's files (and the shared ones: inventory, Traefik, schema).
    #[arg(long, value_name = "NAME")]
    pub stack: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    #[command(flatten)]
    pub target: StackArgs,
    #[command(flatten)]
    pub verbose: Verbose,
    /// Overwrite generated files even when their header is gone (someone edited them by
    /// hand and took them over). Files seisei never generated are still left alone.
    #[arg(long)]
    pub force: bool,
    /// Exit 1 when any file was written or removed, as pre-commit hooks must.
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub target: StackArgs,
    /// `text` (diffs) or `json` (one object per out-of-date file).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Compare what git will commit: the spec, its stack files, the docs and the generated
    /// files as the index holds them. An untracked or unstaged generated file is missing or
    /// stale. What the pre-commit hooks run.
    #[arg(long)]
    pub staged: bool,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Output format: `text` for people, `json` for one object per line.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
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
pub struct RoutesArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// `table` for people, `json` for tools.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
    /// Order of the rows.
    #[arg(long, default_value = "name", value_parser = ["name", "priority", "host"])]
    pub sort: String,
    /// The table of one target's Traefik (`platform.target: both` has two): `compose` (the
    /// Docker provider reads the labels) or `swarm` (the Swarm provider does).
    #[arg(long, value_parser = ["compose", "swarm"])]
    pub target: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RouteArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// The request URL, e.g. `https://acme.erp.seisei.tokyo/web/login`; or a connection:
    /// `tls://HOST:PORT` (TLS with server name HOST), `tcp://HOST:PORT` (plain), `udp://HOST:PORT`.
    pub url: String,
    /// The request method.
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// A request header as `Name:value`; repeat for several.
    #[arg(long = "header", value_name = "NAME:VALUE")]
    pub headers: Vec<String>,
    /// The client's address, which `ClientIP` matchers read.
    #[arg(long = "client-ip", value_name = "IP")]
    pub client_ip: Option<std::net::IpAddr>,
    /// `text` for people, `json` for tools (priorities as strings: they are 64-bit).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Ask one target's Traefik (`platform.target: both` has two): `compose` or `swarm`.
    #[arg(long, value_parser = ["compose", "swarm"])]
    pub target: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Add a stack with one service, then run `gen`.
    #[command(
        after_help = "Examples:\n  seisei new stack blog --image ghost:5.96.0 --route blog.seisei.tokyo --port 2368 --purpose 'Company blog'\n  seisei new stack api --image ghcr.io/acme/api:1.0.0 --route api.seisei.tokyo/v2 --port 8080 --purpose 'Public API' --dry-run"
    )]
    Stack(NewStackArgs),
    /// Add a service to an existing stack, then run `gen`.
    #[command(
        after_help = "Examples:\n  seisei new service crm-api worker --image ghcr.io/seisei/crm-worker:1.4.2"
    )]
    Service(NewServiceArgs),
}

#[derive(Debug, clap::Args)]
pub struct NewServiceOptions {
    /// Image with a pinned tag.
    #[arg(long, default_value = "nginx:1.27.3-alpine")]
    pub image: String,
    /// Route `HOST` or `HOST/PATH` to the service through Traefik.
    #[arg(long, value_name = "HOST[/PATH]")]
    pub route: Option<String>,
    /// Port the service listens on (internal; Traefik routes to it).
    #[arg(long)]
    pub port: Option<u16>,
    /// Network to join; repeat for several [default: Traefik's network when routed].
    #[arg(long = "network", value_name = "NET")]
    pub networks: Vec<String>,
    /// Print the change to the spec as a diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub verbose: Verbose,
}

#[derive(Debug, clap::Args)]
pub struct NewStackArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Name of the stack (the Compose project name).
    pub name: String,
    /// What the stack is for, in a few words (STACKS.md and the compose file print it).
    #[arg(long)]
    pub purpose: String,
    #[command(flatten)]
    pub service: NewServiceOptions,
}

#[derive(Debug, clap::Args)]
pub struct NewServiceArgs {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// The existing stack.
    pub stack: String,
    /// Name of the new service.
    pub name: String,
    #[command(flatten)]
    pub service: NewServiceOptions,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write .git/hooks/pre-commit running `seisei check`; refuses to replace another hook.
    #[command(
        after_help = "Examples:\n  seisei hook install\n  seisei hook install --force   # replace an existing hook"
    )]
    Install {
        #[command(flatten)]
        spec: SpecArgs,
        /// Replace an existing pre-commit hook.
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-commit hook, only if seisei wrote it.
    #[command(after_help = "Examples:\n  seisei hook uninstall")]
    Uninstall {
        #[command(flatten)]
        spec: SpecArgs,
    },
}

/// The spec file: `--spec`/`SEISEI_SPEC` when given, else `platform.yaml` in `start` or the
/// nearest parent that has one (as cargo finds Cargo.toml), else `platform.yaml` in `start`
/// so the error names the expected file.
pub fn find_spec(given: Option<&Path>, start: &Path) -> PathBuf {
    if let Some(path) = given {
        return path.to_path_buf();
    }
    start
        .ancestors()
        .map(|dir| dir.join("platform.yaml"))
        // Anything named platform.yaml ends the search, a FIFO or a link to a device too: it
        // is then refused with its own message, instead of a spec further up being used.
        .find(|candidate| candidate.symlink_metadata().is_ok())
        .map_or_else(
            || PathBuf::from("platform.yaml"),
            |found| relative_to(&found, start),
        )
}

/// `path` relative to `base` when it is inside it, so messages stay short.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    match path.strip_prefix(base) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}
