//! Traefik's Swarm provider takes the Docker provider's options: on the `swarm` fixture,
//! `providers.swarm` of `traefik.swarm.yml` is `providers.docker` of `traefik.yml` plus the
//! option only Swarm has (`refreshSeconds`); the endpoint is `swarm.endpoint`, else the Docker
//! provider's, else the manager's socket, and only that socket keeps Traefik on managers.
//! (`real_swarm_stack.rs` has the real Traefik take every one of these options.)

use serde_yaml::{Mapping, Value};

fn fixture_text() -> String {
    std::fs::read_to_string(crate::repo_root().join("tests/fixtures/swarm/platform.yaml"))
        .expect("the swarm fixture")
}

/// The fixture with `edit` applied, compiled from a temporary folder.
fn compiled_with(edit: impl Fn(&str) -> String) -> seisei::Compiled {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("platform.yaml");
    std::fs::write(&path, edit(&fixture_text())).expect("write the platform");
    crate::compile(&path)
}

fn providers(compiled: &seisei::Compiled, file: &str) -> Value {
    let artifact = compiled
        .artifacts
        .iter()
        .find(|a| a.path == format!("infra/stacks/edge/{file}"))
        .unwrap_or_else(|| panic!("{file} is generated"));
    let doc: Value = serde_yaml::from_slice(&artifact.bytes).expect("YAML");
    doc["providers"].clone()
}

fn traefik_constraints(compiled: &seisei::Compiled) -> Vec<String> {
    compiled
        .model
        .swarm
        .deploy("edge", "traefik")
        .expect("Traefik's Swarm settings")
        .constraints
        .clone()
}

#[test]
fn the_swarm_provider_takes_the_docker_providers_options_and_its_own() {
    let compiled = crate::compile(&crate::repo_root().join("tests/fixtures/swarm/platform.yaml"));
    let docker = providers(&compiled, "traefik.yml")["docker"].clone();
    let swarm = providers(&compiled, seisei::render::swarm::STATIC_FILE)["swarm"].clone();
    let mut expected: Mapping = docker.as_mapping().expect("providers.docker").clone();
    expected.insert("refreshSeconds".into(), "30s".into());
    assert_eq!(swarm, Value::Mapping(expected));
    // The fixture sets options beyond seisei's defaults, so the comparison is not of two
    // empty lists.
    for key in [
        "constraints",
        "watch",
        "allowEmptyServices",
        "httpClientTimeout",
    ] {
        assert!(swarm.get(key).is_some(), "providers.swarm.{key}: {swarm:?}");
    }
}

#[test]
fn the_endpoint_is_swarms_own_then_the_docker_providers_then_the_socket() {
    // A socket proxy in Traefik's stack, which the Docker provider reads.
    let proxy = "tcp://edge-socket-proxy:2375";
    let with_docker_endpoint = |text: &str| {
        text.replace(
            "docker: { watch: true,",
            &format!("docker: {{ endpoint: \"{proxy}\", watch: true,"),
        )
        .replace(
            "\n  db:\n",
            "      socket-proxy:\n        image: tecnativa/docker-socket-proxy:0.3.0\n        ports: [{ container: 2375 }]\n\n  db:\n",
        )
    };
    let compiled = compiled_with(with_docker_endpoint);
    let swarm = providers(&compiled, seisei::render::swarm::STATIC_FILE)["swarm"].clone();
    assert_eq!(swarm["endpoint"].as_str(), Some(proxy), "{swarm:?}");
    assert_eq!(swarm.get("refreshSeconds"), Some(&Value::from("30s")));

    let own = "tcp://manager-proxy:2375";
    let compiled = compiled_with(|text| {
        with_docker_endpoint(text).replace(
            "swarm:\n  refresh_seconds: 30\n",
            &format!("swarm:\n  endpoint: \"{own}\"\n  refresh_seconds: 30\n"),
        )
    });
    let swarm = providers(&compiled, seisei::render::swarm::STATIC_FILE)["swarm"].clone();
    assert_eq!(swarm["endpoint"].as_str(), Some(own), "{swarm:?}");
    // The Docker provider keeps its own endpoint on the Compose target.
    let docker = providers(&compiled, "traefik.yml")["docker"].clone();
    assert_eq!(docker["endpoint"].as_str(), Some(proxy), "{docker:?}");

    // A socket proxy answers the Swarm API wherever Traefik runs: no placement is added
    // (the fixture places Traefik on managers itself, so it is taken out here).
    let unplaced = |text: &str| {
        text.replace(
            "          placement: { constraints: [node.role == manager] }\n",
            "",
        )
    };
    let compiled = compiled_with(|text| unplaced(&with_docker_endpoint(text)));
    assert!(
        traefik_constraints(&compiled).is_empty(),
        "{:?}",
        traefik_constraints(&compiled)
    );
    let compiled = compiled_with(unplaced);
    assert_eq!(traefik_constraints(&compiled), ["node.role == manager"]);
}
