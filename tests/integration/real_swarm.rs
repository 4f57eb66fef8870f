//! What Docker Swarm's loader (`docker stack config -c`, the docker CLI named by
//! `SEISEI_DOCKER`; no daemon needed) makes of the generated compose files. A compose file is
//! not a stack file (the Swarm target writes those, and `real_swarm_stack.rs` judges them), so
//! the compose files are expected to be refused, and only for the reasons in
//! [`SWARM_REFUSES`]; with exactly those forms rewritten the way a stack file would write them,
//! every file must load. A refusal for any other reason, or a reason that no longer occurs,
//! fails the test.

use std::path::Path;
use std::process::{Command, Output};

use serde_yaml::Value;

use crate::support::{SETUP, case_name, describe, golden_file, interpolated_names, sentinel, tool};
use crate::{all_specs, compile};

/// What the Swarm loader refuses in a Compose-target file, as the start of its message.
const SWARM_REFUSES: &[(&str, &str)] = &[
    (
        "(root) Additional property name is not allowed",
        "the top-level `name` is Compose's project name; `docker stack deploy` takes the stack name on its command line",
    ),
    (
        "depends_on must be a list",
        "Swarm takes `depends_on` only as a list of names: it has no start conditions",
    ),
    (
        // `gateway` or `ip_range`, whichever the loader meets first: it names one, in no
        // fixed order.
        "ipam.config.0 Additional property",
        "Swarm's file format takes only `subnet` in `ipam.config`: an overlay network's gateway and range are Docker's to pick",
    ),
    (
        "Additional property profiles is not allowed",
        "Swarm has no Compose profiles: a stack deploys every service (issue 19)",
    ),
];

/// What the Swarm loader warns about and accepts, with why.
const SWARM_WARNS: &[(&str, &str)] = &[(
    "ignoring IP-address",
    "a published port bound to one host address (127.0.0.1:8888) listens on every address in Swarm's ingress mode",
)];

#[test]
#[cfg_attr(
    not(seisei_docker),
    ignore = "needs SEISEI_DOCKER (the docker CLI, for `docker stack config`): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn swarm_refuses_compose_files_only_for_the_known_reasons() {
    let docker = tool("SEISEI_DOCKER");
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let mut problems = Vec::new();
    let mut refused = vec![0; SWARM_REFUSES.len()];
    let mut warned = vec![0; SWARM_WARNS.len()];
    let mut files = 0;
    for spec in all_specs() {
        let compiled = compile(&spec);
        for stack in &compiled.model.stacks {
            let artifact = compiled
                .artifacts
                .iter()
                .find(|a| a.path == stack.compose_path())
                .expect("every stack has a compose file");
            let path = golden_file(&spec, artifact);
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            let place = format!("{}/{}", case_name(&spec), stack.name);
            files += 1;

            let output = stack_config(&docker, &path, &text);
            let stderr = String::from_utf8_lossy(&output.stderr);
            if output.status.success() {
                problems.push(format!(
                    "{place}: Swarm now accepts the Compose file as it is: make this a plain pass"
                ));
            } else {
                match SWARM_REFUSES.iter().position(|(m, _)| stderr.contains(m)) {
                    Some(i) => refused[i] += 1,
                    None => problems.push(format!(
                        "{place}: refused for an unlisted reason:\n{}",
                        describe(&output)
                    )),
                }
            }

            let rewritten = scratch
                .path()
                .join(format!("{}-{}.yml", case_name(&spec), stack.name));
            std::fs::write(&rewritten, as_stack_file(&text)).expect("write the rewritten file");
            let output = stack_config(&docker, &rewritten, &text);
            let stderr = String::from_utf8_lossy(&output.stderr);
            if !output.status.success() {
                problems.push(format!(
                    "{place}: refused once rewritten:\n{}",
                    describe(&output)
                ));
            }
            for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
                match SWARM_WARNS.iter().position(|(m, _)| line.contains(m)) {
                    Some(i) => warned[i] += 1,
                    None => problems.push(format!("{place}: unlisted warning: {line}")),
                }
            }
        }
    }
    for ((message, why), count) in SWARM_REFUSES.iter().zip(&refused) {
        eprintln!("swarm refuses {count} of {files} files: {message} ({why})");
    }
    for ((message, why), count) in SWARM_WARNS.iter().zip(&warned) {
        eprintln!("swarm warns on {count} of {files} rewritten files: {message} ({why})");
    }
    for (i, (message, _)) in SWARM_REFUSES.iter().enumerate() {
        if refused[i] == 0 {
            problems.push(format!(
                "no file is refused for `{message}` any more: remove it"
            ));
        }
    }
    assert!(files > 0, "no compose file found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `docker stack config -c FILE`, with every variable of the original text set to its
/// sentinel (the Swarm loader reads only the environment, never a `.env` file).
fn stack_config(docker: &Path, file: &Path, text: &str) -> Output {
    let mut command = Command::new(docker);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .args(["stack", "config", "-c"])
        .arg(file);
    for name in interpolated_names(text) {
        command.env(&name, sentinel(&name));
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e} (run `{SETUP}`)", docker.display()))
}

/// The file with the forms of [`SWARM_REFUSES`] written as a stack file writes them: no
/// top-level `name`, `depends_on` as a list of names, no `profiles`, secrets and configs from
/// a variable or inline content made external, subnets without gateway and range.
fn as_stack_file(text: &str) -> String {
    let mut document: Value = serde_yaml::from_str(text).expect("a generated file is YAML");
    let root = document
        .as_mapping_mut()
        .expect("a compose file is a mapping");
    root.remove("name");
    if let Some(networks) = root.get_mut("networks").and_then(Value::as_mapping_mut) {
        for (_, network) in networks.iter_mut() {
            let configs = network
                .get_mut("ipam")
                .and_then(|i| i.get_mut("config"))
                .and_then(Value::as_sequence_mut);
            for config in configs.into_iter().flatten() {
                if let Some(config) = config.as_mapping_mut() {
                    config.remove("gateway");
                    config.remove("ip_range");
                }
            }
        }
    }
    // Swarm reads secrets and configs from files or as external objects only: one from a
    // variable or inline content is created beforehand (`docker secret create`) and named.
    for key in ["secrets", "configs"] {
        if let Some(objects) = root.get_mut(key).and_then(Value::as_mapping_mut) {
            for (_, object) in objects.iter_mut() {
                if let Some(object) = object.as_mapping_mut()
                    && (object.remove("environment").is_some()
                        || object.remove("content").is_some())
                {
                    object.insert("external".into(), Value::Bool(true));
                }
            }
        }
    }
    if let Some(services) = root.get_mut("services").and_then(Value::as_mapping_mut) {
        for (_, service) in services.iter_mut() {
            let Some(service) = service.as_mapping_mut() else {
                continue;
            };
            service.remove("profiles");
            if let Some(Value::Mapping(deps)) = service.get("depends_on") {
                let names: Vec<Value> = deps.keys().cloned().collect();
                service.insert("depends_on".into(), Value::Sequence(names));
            }
        }
    }
    serde_yaml::to_string(&document).expect("serialise")
}
