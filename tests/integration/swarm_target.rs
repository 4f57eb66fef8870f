//! The Swarm target through the real binary: the `swarm` fixture generated for Compose only
//! and for Swarm only routes every request to the same router (the Swarm provider's names for
//! the labels' routers), a Swarm-only platform writes stack files and no compose files, the
//! stack files carry the compose files' Traefik labels for the Swarm provider, and the
//! README's Swarm example is a valid platform.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::support::cli::seisei_in as run;

fn fixture() -> std::path::PathBuf {
    crate::repo_root().join("tests/fixtures/swarm/platform.yaml")
}

/// The fixture in a temporary folder with `target` replaced.
fn fixture_for(target: &str) -> tempfile::TempDir {
    let text = std::fs::read_to_string(fixture()).expect("the swarm fixture");
    assert!(
        text.contains("  target: both\n"),
        "the fixture targets both"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("platform.yaml"),
        text.replace("  target: both\n", &format!("  target: {target}\n")),
    )
    .expect("write the platform");
    dir
}

/// The Swarm provider's names written as the Docker provider's, for comparison.
fn as_docker(text: &str) -> String {
    text.replace("@swarm", "@docker")
        .replace("\"provider\": \"swarm\"", "\"provider\": \"docker\"")
}

#[test]
fn both_targets_route_every_request_to_the_same_router() {
    let compose = fixture_for("compose");
    let swarm = fixture_for("swarm");
    let (code, compose_table, stderr) = run(compose.path(), &["routes", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, swarm_table, stderr) = run(swarm.path(), &["routes", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        swarm_table.contains("\"name\": \"api-api@swarm\""),
        "the Swarm target's labels are read by the Swarm provider:\n{swarm_table}"
    );
    assert!(!swarm_table.contains("@docker"), "{swarm_table}");
    assert_eq!(as_docker(&swarm_table), compose_table);

    // One request per router, at its hosts and paths, and a few that fall between them.
    let table: Vec<serde_json::Value> = serde_json::from_str(&compose_table).expect("JSON");
    let mut urls = vec![
        "http://api.cluster.test/".to_owned(),
        "https://cluster.test/docsx".to_owned(),
        "https://nowhere.cluster.test/".to_owned(),
    ];
    let compiled = crate::compile(&fixture());
    for router in &compiled.model.routers {
        for host in &router.hosts {
            let path = router.path_prefix.as_deref().unwrap_or("/");
            urls.push(format!("https://{host}{path}"));
            urls.push(format!("https://{host}{path}/deeper"));
        }
    }
    assert!(urls.len() > 10 && table.len() > 6);
    let mut answered = 0;
    for url in &urls {
        let (compose_code, compose_answer, _) = run(compose.path(), &["route", url]);
        let (swarm_code, swarm_answer, _) = run(swarm.path(), &["route", url]);
        assert_eq!(compose_code, swarm_code, "{url}");
        assert_eq!(as_docker(&swarm_answer), compose_answer, "{url}");
        if compose_code == 0 {
            answered += 1;
        }
    }
    assert!(
        answered >= compiled.model.routers.len(),
        "{answered} answered"
    );
}

#[test]
fn a_swarm_only_platform_writes_stack_files_and_no_compose_files() {
    let swarm = fixture_for("swarm");
    let (code, _, stderr) = run(swarm.path(), &["gen"]);
    assert_eq!(code, 0, "{stderr}");
    let stacks = swarm.path().join("expected/infra/stacks");
    let compiled = crate::compile(&fixture());
    for stack in &compiled.model.stacks {
        let dir = stacks.join(&stack.name);
        assert!(dir.join("stack.yml").is_file(), "{}", stack.name);
        assert!(dir.join(".env.example").is_file(), "{}", stack.name);
        assert!(!dir.join("docker-compose.yml").exists(), "{}", stack.name);
        let env = std::fs::read_to_string(dir.join(".env.example")).unwrap();
        assert!(
            env.contains("`docker stack deploy` reads no `.env` file"),
            "{env}"
        );
        assert!(!env.contains("beside docker-compose.yml"), "{env}");
    }
    assert!(stacks.join("edge/traefik.swarm.yml").is_file());
    assert!(!stacks.join("edge/traefik.yml").exists());
    assert!(stacks.join("edge/dynamic/docs.yml").is_file());
    let inventory = std::fs::read_to_string(swarm.path().join("expected/STACKS.md")).unwrap();
    assert!(inventory.contains("| `api` | 3 replicas | spread over node.labels.zone; at most 2 per node | 1 at a time, start-first, 10s apart, on failure rollback |"), "{inventory}");
    assert!(inventory.contains("| `postgres` | 1 replica | node.hostname == db-1 |"));
    assert!(inventory.contains("| `traefik` | global | node.role == manager |"));
    assert!(!inventory.contains("**Compose path:**"));
    let (code, _, stderr) = run(swarm.path(), &["check"]);
    assert_eq!(code, 0, "{stderr}");
}

/// `traefik.*` labels of every service, by `stack/service`.
type Labels = BTreeMap<String, BTreeMap<String, String>>;

fn traefik_labels(text: &str, stack: &str, under_deploy: bool) -> Labels {
    let doc: Value = serde_yaml::from_str(text).expect("YAML");
    let mut out = Labels::new();
    for (name, service) in doc["services"].as_mapping().expect("services") {
        let labels = if under_deploy {
            &service["deploy"]["labels"]
        } else {
            &service["labels"]
        };
        let labels: BTreeMap<String, String> = labels
            .as_mapping()
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap().to_owned(),
                    v.as_str().unwrap().to_owned(),
                )
            })
            .filter(|(k, _)| k.starts_with("traefik."))
            .collect();
        out.insert(format!("{stack}/{}", name.as_str().unwrap()), labels);
    }
    out
}

#[test]
fn stack_files_carry_the_compose_labels_for_the_swarm_provider() {
    let compiled = crate::compile(&fixture());
    let text = |path: String| {
        let artifact = compiled
            .artifacts
            .iter()
            .find(|a| a.path == path)
            .unwrap_or_else(|| panic!("{path} is generated"));
        String::from_utf8(artifact.bytes.clone()).unwrap()
    };
    let mut routed = 0;
    let mut lb_swarms = 0;
    for stack in &compiled.model.stacks {
        let compose = traefik_labels(&text(stack.compose_path()), &stack.name, false);
        let swarm = traefik_labels(&text(stack.stack_file_path()), &stack.name, true);
        assert_eq!(
            compose.keys().collect::<Vec<_>>(),
            swarm.keys().collect::<Vec<_>>()
        );
        for (service, mut swarm_labels) in swarm {
            let mut compose_labels = compose[&service].clone();
            if compose_labels.is_empty() {
                assert!(swarm_labels.is_empty(), "{service}: {swarm_labels:?}");
                continue;
            }
            routed += 1;
            assert_eq!(
                swarm_labels.remove("traefik.swarm.network").as_deref(),
                Some("edge"),
                "{service}: the Swarm provider's network label"
            );
            // Swarm's own load balancer, where the service asks for it: a Swarm-only label.
            let lb_swarm = compiled
                .model
                .swarm
                .deploys
                .iter()
                .any(|((st, sv), d)| format!("{st}/{sv}") == service && d.lb_swarm);
            assert_eq!(
                swarm_labels.remove("traefik.swarm.lbswarm").as_deref(),
                lb_swarm.then_some("true"),
                "{service}: traefik.swarm.lbswarm"
            );
            lb_swarms += usize::from(lb_swarm);
            compose_labels.remove("traefik.docker.network");
            assert!(
                compose_labels
                    .keys()
                    .any(|k| k.ends_with(".loadbalancer.server.port")),
                "{service}: Swarm has no port discovery; every routed service names its port"
            );
            assert_eq!(swarm_labels, compose_labels, "{service}");
        }
    }
    assert!(routed >= 4, "{routed} routed services");
    assert!(
        lb_swarms >= 1,
        "the fixture asks for Swarm's load balancer somewhere"
    );
}

/// The README's section "Moving to Docker Swarm": every YAML example in it is a valid
/// platform, or a part of one that the bundled fixture's top completes.
#[test]
fn the_readme_swarm_examples_are_valid() {
    let readme = std::fs::read_to_string(crate::repo_root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Moving to Docker Swarm\n")
        .nth(1)
        .expect("README has the section")
        .split("\n## ")
        .next()
        .unwrap();
    let examples: Vec<&str> = section
        .split("```yaml\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap())
        .collect();
    assert!(!examples.is_empty(), "the section has YAML examples");
    for example in examples {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("platform.yaml"), example).unwrap();
        let (code, _, stderr) = run(dir.path(), &["validate"]);
        assert_eq!(
            code, 0,
            "README example does not validate:\n{example}\n{stderr}"
        );
        let (code, _, stderr) = run(dir.path(), &["gen"]);
        assert_eq!(code, 0, "{stderr}");
    }
}
