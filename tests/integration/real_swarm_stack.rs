//! The Swarm target judged by the real tools. Every generated `stack.yml` goes through the
//! docker CLI's Swarm loader (`docker stack config -c`, no daemon needed), which must accept it
//! without a word on stderr, and its canonical form must say what the model says (mode,
//! replicas, placement, published ports and their mode, aliases, labels, variables, configs).
//! The real Traefik must start on `traefik.swarm.yml` as generated (the Swarm provider on,
//! its endpoint pointed at a socket that does not exist, since no daemon runs here), take
//! every option of `providers.swarm` as written (the configuration it logs for the provider),
//! and load the file provider's routers beside it; the same file with an unknown key under
//! `providers.swarm` must make it exit, so acceptance is not for nothing.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_yaml::Value;

use crate::support::{
    SETUP, case_name, describe, golden_dir, golden_file, interpolated_names, sentinel, tool,
};
use crate::{all_specs, compile};
use seisei::model::compose_objects::{Kind, Origin};

#[test]
#[cfg_attr(
    not(seisei_docker),
    ignore = "needs SEISEI_DOCKER (the docker CLI, for `docker stack config`): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn every_stack_file_passes_the_swarm_loader_and_says_what_the_model_says() {
    let docker = tool("SEISEI_DOCKER");
    let mut problems = Vec::new();
    let mut files = 0;
    let mut objects = 0;
    for spec in all_specs() {
        let compiled = compile(&spec);
        for stack in &compiled.model.stacks {
            let Some(artifact) = compiled
                .artifacts
                .iter()
                .find(|a| a.path == stack.stack_file_path())
            else {
                continue;
            };
            let path = golden_file(&spec, artifact);
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            let place = format!("{}/{}", case_name(&spec), stack.name);
            files += 1;
            let mut command = Command::new(&docker);
            command
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", std::env::temp_dir())
                .args(["stack", "config", "-c"])
                .arg(&path);
            for name in interpolated_names(&text) {
                command.env(&name, sentinel(&name));
            }
            let output = command
                .output()
                .unwrap_or_else(|e| panic!("cannot run {}: {e} (run `{SETUP}`)", docker.display()));
            if !output.status.success() || !output.stderr.is_empty() {
                problems.push(format!(
                    "{place}: not accepted as it is:\n{}",
                    describe(&output)
                ));
                continue;
            }
            let canonical: Value =
                serde_yaml::from_slice(&output.stdout).expect("docker prints YAML");
            for service in &stack.services {
                let seen = &canonical["services"][service.name.as_str()];
                let at = format!("{place}/{}", service.name);
                let deploy = compiled
                    .model
                    .swarm
                    .deploy(&stack.name, &service.name)
                    .expect("every service has Swarm settings");
                let mode = seen["deploy"]["mode"].as_str().unwrap_or("replicated");
                if (mode == "global") != deploy.global {
                    problems.push(format!(
                        "{at}: mode {mode}, the model says global = {}",
                        deploy.global
                    ));
                }
                if !deploy.global
                    && seen["deploy"]["replicas"].as_u64() != Some(u64::from(deploy.replicas))
                {
                    problems.push(format!(
                        "{at}: replicas {:?}, the model says {}",
                        seen["deploy"]["replicas"], deploy.replicas
                    ));
                }
                let constraints: Vec<&str> = seen["deploy"]["placement"]["constraints"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if constraints != deploy.constraints {
                    problems.push(format!(
                        "{at}: constraints {constraints:?}, the model says {:?}",
                        deploy.constraints
                    ));
                }
                let ports: Vec<(u64, u64, String)> = seen["ports"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        (
                            p["target"].as_u64().unwrap_or_default(),
                            p["published"].as_u64().unwrap_or_default(),
                            p["mode"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect();
                let mode = format!("{:?}", deploy.publish_mode).to_ascii_lowercase();
                // A range is one entry per port in the long syntax.
                let expected: Vec<(u64, u64, String)> = service
                    .published_ports()
                    .iter()
                    .flat_map(|p| {
                        (0..p.count.max(1)).map(|i| {
                            (
                                u64::from(p.container + i),
                                u64::from(p.host + i),
                                mode.clone(),
                            )
                        })
                    })
                    .collect();
                if ports != expected {
                    problems.push(format!(
                        "{at}: ports {ports:?}, the model says {expected:?}"
                    ));
                }
                for network in &service.networks {
                    let aliases = &seen["networks"][network.as_str()]["aliases"];
                    let has = aliases.as_sequence().is_some_and(|a| {
                        a.iter()
                            .any(|x| x.as_str() == Some(&service.container_name))
                    });
                    if !has && service.container_name != service.name {
                        problems.push(format!(
                            "{at}: no alias `{}` on `{network}`",
                            service.container_name
                        ));
                    }
                }
                let labels = seen["deploy"]["labels"]
                    .as_mapping()
                    .map_or(0, serde_yaml::Mapping::len);
                let routed = compiled
                    .model
                    .docker_labels(service)
                    .iter()
                    .any(|(k, _)| k == "traefik.enable");
                if routed != (labels > 0) {
                    problems.push(format!("{at}: {labels} deploy labels, routed = {routed}"));
                }
                for (key, value) in &service.environment {
                    let Some(name) = value
                        .strip_prefix("${")
                        .and_then(|v| v.split([':', '}']).next())
                    else {
                        continue;
                    };
                    let got = seen["environment"][key.as_str()]
                        .as_str()
                        .unwrap_or_default();
                    if got != sentinel(name) {
                        problems.push(format!(
                            "{at}: `{key}` is `{got}`, not the exported `{name}`"
                        ));
                    }
                }
            }
            for (key, config) in canonical["configs"].as_mapping().into_iter().flatten() {
                // The stack's own configs name the operator's files; the others are Traefik's.
                let own = stack
                    .objects
                    .iter()
                    .any(|o| o.kind == Kind::Config && key.as_str() == Some(&o.name));
                let file = config["file"].as_str().unwrap_or_default();
                if !own && !Path::new(file).is_file() {
                    problems.push(format!(
                        "{place}: config {key:?} names `{file}`, which is not a generated file"
                    ));
                }
            }
            objects_problems(stack, &canonical, &place, &mut problems);
            objects += stack.objects.len();
        }
    }
    eprintln!(
        "{files} stack files accepted by `docker stack config`, with {objects} secrets and configs"
    );
    assert!(
        objects >= 4,
        "the swarm fixture has secrets and configs; found {objects}"
    );
    assert!(
        files >= 9,
        "the swarm fixture has nine stacks; found {files} stack files"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The stack's secrets and configs as the Swarm loader read them: each declared one from its
/// file (made absolute) or external under its real name, and each grant of the model at its
/// target, where Swarm's default target is the same as Compose's.
fn objects_problems(
    stack: &seisei::model::Stack,
    canonical: &Value,
    place: &str,
    problems: &mut Vec<String>,
) {
    for object in &stack.objects {
        let key = object.kind.key();
        let seen = &canonical[key][object.name.as_str()];
        let at = format!("{place}: {} `{}`", object.kind.singular(), object.name);
        match &object.origin {
            Origin::File(path) => {
                let file = seen["file"].as_str().unwrap_or_default();
                let relative = path.trim_start_matches("./");
                if !(file.starts_with('/') && file.ends_with(relative)) {
                    problems.push(format!("{at}: file `{file}`, the spec says `{path}`"));
                }
            }
            Origin::External => {
                let name = object.docker_name.as_deref().unwrap_or(&object.name);
                if seen["external"].as_bool() != Some(true) || seen["name"].as_str() != Some(name) {
                    problems.push(format!("{at}: {seen:?}, the spec says external `{name}`"));
                }
            }
            Origin::Environment(_) | Origin::Content(_) => {
                problems.push(format!("{at}: a form Swarm has not, yet it was written"));
            }
        }
        for grant in &object.granted_to {
            let (service, target) = grant.split_once(':').expect("`service:/target`");
            let found = canonical["services"][service][key]
                .as_sequence()
                .into_iter()
                .flatten()
                .any(|g| {
                    g["source"].as_str() == Some(&object.name)
                        && g["target"]
                            .as_str()
                            .map_or_else(|| object.kind.default_target(&object.name), str::to_owned)
                            == target
                });
            if !found {
                problems.push(format!("{at}: not granted to `{service}` at `{target}`"));
            }
        }
    }
}

#[test]
#[cfg_attr(
    not(seisei_traefik),
    ignore = "needs SEISEI_TRAEFIK (the real Traefik): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn the_real_traefik_starts_the_swarm_provider_from_the_generated_static_file() {
    let binary = tool("SEISEI_TRAEFIK");
    let mut checked = 0;
    for spec in all_specs() {
        let compiled = compile(&spec);
        let Some(file) = compiled.artifacts.iter().find(|a| {
            a.path
                .ends_with(&format!("/{}", seisei::render::swarm::STATIC_FILE))
        }) else {
            continue;
        };
        checked += 1;
        let golden = golden_dir(&spec).join(&file.path);
        let dynamic = golden.parent().expect("a folder").join("dynamic");
        let routers: Vec<String> = compiled
            .model
            .routers
            .iter()
            .filter(|r| r.provider == seisei::spec::Provider::File)
            .map(|r| format!("{}@file", r.name))
            .collect();
        assert!(
            !routers.is_empty(),
            "{}: the fixture has file-provider routers",
            case_name(&spec)
        );

        let scratch = tempfile::tempdir().expect("a temporary directory");
        let mut config: Value = serde_yaml::from_slice(&file.bytes).expect("YAML");
        let api_port = loopback(&mut config, scratch.path(), &dynamic);
        let (alive, log) = start(&binary, scratch.path(), &config, Some((api_port, &routers)));
        assert!(alive, "Traefik exited on {}:\n{log}", file.path);
        assert!(
            log.contains("Starting provider *docker.SwarmProvider"),
            "the Swarm provider did not start:\n{log}"
        );
        let generated: Value = serde_yaml::from_slice(&file.bytes).expect("YAML");
        let options = swarm_options_taken(&generated["providers"]["swarm"], &log);
        assert!(
            options >= 3,
            "{}: the Swarm provider's options were not all checked",
            case_name(&spec)
        );

        config["providers"]["swarm"]["notATraefikOption"] = Value::Bool(true);
        let (alive, log) = start(&binary, scratch.path(), &config, None);
        assert!(
            !alive && log.contains("field not found"),
            "Traefik took an unknown Swarm option:\n{log}"
        );
    }
    assert!(
        checked > 0,
        "no platform generates {}",
        seisei::render::swarm::STATIC_FILE
    );
}

/// Every option of the generated `providers.swarm` but the endpoint (pointed elsewhere here)
/// as the Swarm provider logged it at start, with Go's empty values left out of the log: a
/// `false` or an absent key there. How many were compared.
fn swarm_options_taken(generated: &Value, log: &str) -> usize {
    let marker = "*docker.SwarmProvider provider configuration config=";
    let line = log
        .lines()
        .find_map(|l| l.split_once(marker).map(|(_, json)| json))
        .unwrap_or_else(|| {
            panic!("Traefik did not log the Swarm provider's configuration:\n{log}")
        });
    let taken: serde_json::Value =
        serde_json::from_str(line).expect("the logged configuration is JSON");
    let mut compared = 0;
    for (key, value) in generated.as_mapping().expect("providers.swarm") {
        let key = key.as_str().expect("a key");
        if key == "endpoint" {
            continue;
        }
        let seen = &taken[key];
        let same = match value {
            Value::Bool(b) => seen.as_bool().unwrap_or(false) == *b,
            Value::String(text) => seen.as_str() == Some(text.as_str()),
            other => panic!("providers.swarm.{key}: unexpected {other:?}"),
        };
        assert!(
            same,
            "providers.swarm.{key}: generated {value:?}, Traefik took {seen}"
        );
        compared += 1;
    }
    compared
}

/// Points the static file at loopback: free ports for the entry points and the API, the file
/// provider at the generated dynamic folder, ACME at nothing, the Swarm endpoint at a socket
/// that does not exist. Everything else is kept as generated.
fn loopback(config: &mut Value, scratch: &Path, dynamic: &Path) -> u16 {
    for (_, entry_point) in config["entryPoints"]
        .as_mapping_mut()
        .expect("entry points")
    {
        entry_point["address"] = format!("127.0.0.1:{}", free_port()).into();
    }
    let api_port = free_port();
    // The insecure API is served on the entry point named `traefik`.
    config["entryPoints"]["traefik"] =
        serde_yaml::from_str(&format!("{{address: '127.0.0.1:{api_port}'}}")).unwrap();
    config["api"] = serde_yaml::from_str("{insecure: true}").unwrap();
    // At DEBUG, Traefik logs each provider's configuration as it took it.
    config["log"] = serde_yaml::from_str("{level: DEBUG, noColor: true}").unwrap();
    config["providers"]["file"]["directory"] = dynamic.display().to_string().into();
    config["providers"]["swarm"]["endpoint"] =
        format!("unix://{}/no-docker.sock", scratch.display()).into();
    if let Some(resolvers) = config["certificatesResolvers"].as_mapping_mut() {
        for (name, resolver) in resolvers.iter_mut() {
            let storage = scratch.join(format!("acme-{}.json", name.as_str().unwrap_or("x")));
            resolver["acme"]["storage"] = storage.display().to_string().into();
            resolver["acme"]["caServer"] = "https://127.0.0.1:9/directory".into();
        }
    }
    api_port
}

/// Runs Traefik on `config` for a while: until every router in `wait_for` is loaded (or ten
/// seconds), else two seconds. Whether it was still running, and its log.
fn start(
    binary: &Path,
    scratch: &Path,
    config: &Value,
    wait_for: Option<(u16, &[String])>,
) -> (bool, String) {
    let path = scratch.join("traefik.yml");
    std::fs::write(&path, serde_yaml::to_string(config).unwrap()).unwrap();
    let log_path = scratch.join("traefik.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(binary)
        .arg(format!("--configFile={}", path.display()))
        .current_dir(scratch)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e} (run `{SETUP}`)", binary.display()));
    let patience = if wait_for.is_some() { 10 } else { 2 };
    let deadline = Instant::now() + Duration::from_secs(patience);
    let mut loaded = wait_for.is_none();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return (
                false,
                std::fs::read_to_string(&log_path).unwrap_or_default(),
            );
        }
        if let Some((port, routers)) = wait_for {
            let raw = rawdata(port);
            if routers.iter().all(|r| raw.contains(&format!("\"{r}\""))) {
                loaded = true;
                break;
            }
        }
        if Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let alive = child.try_wait().ok().flatten().is_none();
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(loaded, "the file provider's routers did not load:\n{log}");
    (alive, log)
}

fn rawdata(port: u16) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    let _ = stream.write_all(b"GET /api/rawdata HTTP/1.0\r\nHost: oracle\r\n\r\n");
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
