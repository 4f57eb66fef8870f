//! The integration test binary: one module per feature, sharing the helpers below.

mod architecture;
mod broken;
mod cli;
mod cli_conventions;
mod cli_options;
mod compose_readme;
mod cores;
mod edge_features;
mod edge_options;
mod go_regex;
mod golden;
mod guarded_variables;
mod hostile;
mod hostile_input;
mod hostile_output;
mod hostile_values;
mod import;
mod import_compose;
mod import_dynamic_l4;
mod import_gaps;
mod import_traefik;
mod import_traefik_toml;
mod init;
mod inventory;
mod inventory_prose;
mod kill_loop;
mod mermaid;
mod mistakes;
mod output_world;
mod properties;
mod provider_equivalence;
mod readme;
mod readme_traefik;
mod real_compose;
mod real_compose_variants;
mod real_l4_route;
mod real_names;
mod real_oracles;
mod real_route;
mod real_swarm;
mod real_swarm_stack;
mod real_traefik;
mod roundtrip;
mod route_answers;
mod routing;
mod rule_cases;
mod safety;
mod schemas;
mod selfhosted;
mod staged;
mod stream_reading;
mod support;
mod swarm_provider;
mod swarm_routes;
mod swarm_target;
mod tree_release;
mod workflow;

use std::path::{Path, PathBuf};

/// The repository root, where the bundled platform.yaml lives.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture platform under `tests/fixtures`, plus the repository's own.
pub fn all_specs() -> Vec<PathBuf> {
    let mut specs = vec![repo_root().join("platform.yaml")];
    let fixtures = repo_root().join("tests/fixtures");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures exists")
        .filter_map(Result::ok)
        .map(|e| e.path().join("platform.yaml"))
        .filter(|p| p.is_file())
        .collect();
    cases.sort();
    specs.extend(cases);
    specs
}

/// Compiles a spec that must be valid, panicking with the rendered diagnostics otherwise.
pub fn compile(spec: &Path) -> seisei::Compiled {
    match seisei::compile(spec) {
        Ok(compiled) => compiled,
        Err((text, problems)) => {
            let rendered: String = problems.iter().map(|d| d.render(text.as_deref())).collect();
            panic!("{} does not compile:\n{rendered}", spec.display());
        }
    }
}
