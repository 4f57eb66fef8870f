//! `seisei routes --target` and `seisei route --target` on a platform generated for both
//! targets: each shows one target's Traefik (the labels' routers as `@docker` on Compose, as
//! `@swarm` on Swarm, the file provider's the same), the same winners for every host and path
//! of the `swarm` fixture, and a target the platform is not generated for is refused.

use std::path::Path;

use serde_json::Value;

/// `seisei --spec SPEC ARGS`.
fn seisei(spec: &Path, args: &[&str]) -> (i32, String, String) {
    let spec_arg = spec.to_str().expect("a UTF-8 path");
    let all: Vec<&str> = ["--spec", spec_arg]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    crate::support::cli::seisei_in(spec.parent().expect("the spec's folder"), &all)
}

fn fixture() -> std::path::PathBuf {
    crate::repo_root().join("tests/fixtures/swarm/platform.yaml")
}

fn table(target: &str) -> Vec<Value> {
    let (code, out, err) = seisei(
        &fixture(),
        &["routes", "--format", "json", "--target", target],
    );
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("JSON")
}

/// The router names of an answer, in order: per entry point, the winner and then the losers.
fn winners(answer: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for entrypoint in answer["entrypoints"].as_array().into_iter().flatten() {
        names.push(format!(
            "{}: {}",
            entrypoint["entrypoint"],
            entrypoint["router"].as_str().unwrap_or("404")
        ));
        for loser in entrypoint["losers"].as_array().into_iter().flatten() {
            names.push(format!("  lost {}", loser["router"]));
        }
    }
    names
}

#[test]
fn each_target_shows_its_traefiks_routers_with_the_same_winners() {
    let compose = table("compose");
    let swarm = table("swarm");
    assert_eq!(compose.len(), swarm.len());
    let mut labels = 0;
    for (c, s) in compose.iter().zip(&swarm) {
        match c["provider"].as_str() {
            Some("docker") => {
                labels += 1;
                assert_eq!(s["provider"], "swarm", "{s}");
                let name = c["name"].as_str().unwrap().replace("@docker", "@swarm");
                assert_eq!(s["name"].as_str(), Some(name.as_str()));
            }
            _ => assert_eq!(c, s, "the file provider and Traefik's own are the same"),
        }
        for key in ["rule", "priority", "entrypoints", "tls", "backend"] {
            assert_eq!(c[key], s[key], "{key} of {}", c["name"]);
        }
    }
    assert!(labels >= 4, "{labels} label routers");

    let compiled = crate::compile(&fixture());
    let mut urls = vec!["https://cluster.test/docsx".to_owned()];
    for router in &compiled.model.routers {
        for host in &router.hosts {
            let path = router.path_prefix.as_deref().unwrap_or("/");
            urls.push(format!("https://{host}{path}"));
            urls.push(format!("http://{host}{path}"));
        }
    }
    let mut on_swarm = 0;
    for url in &urls {
        let answer = |target: &str| {
            let (code, out, err) = seisei(
                &fixture(),
                &["route", url, "--format", "json", "--target", target],
            );
            assert!(code <= 1, "{url} on {target}: {err}");
            (code, serde_json::from_str::<Value>(&out).expect("JSON"))
        };
        let (compose_code, compose_answer) = answer("compose");
        let (swarm_code, swarm_answer) = answer("swarm");
        assert_eq!(compose_code, swarm_code, "{url}");
        let compose_winners = winners(&compose_answer);
        let swarm_winners = winners(&swarm_answer);
        assert!(!compose_winners.is_empty(), "{url}: {compose_answer}");
        assert!(
            !swarm_winners.iter().any(|w| w.contains("@docker")),
            "{url}: {swarm_winners:?}"
        );
        on_swarm += swarm_winners
            .iter()
            .filter(|w| w.contains("@swarm"))
            .count();
        let as_docker: Vec<String> = swarm_winners
            .iter()
            .map(|w| w.replace("@swarm", "@docker"))
            .collect();
        assert_eq!(as_docker, compose_winners, "{url}");
    }
    assert!(on_swarm >= 4, "{on_swarm} answers by the Swarm provider");
}

#[test]
fn the_table_says_whose_traefik_it_is() {
    let (code, out, err) = seisei(&fixture(), &["routes", "--target", "swarm"]);
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Swarm target (stack.yml, traefik.swarm.yml)"),
        "{out}"
    );
    assert!(
        out.contains("api-api@swarm") && !out.contains("@docker"),
        "{out}"
    );
    let (code, out, err) = seisei(&fixture(), &["routes", "--target", "compose"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Compose target (docker-compose.yml, traefik.yml)"),
        "{out}"
    );
    assert!(
        out.contains("api-api@docker") && !out.contains("@swarm"),
        "{out}"
    );
    // Without `--target`, the table is as it always was: the Compose target's, no line above.
    let (_, out, _) = seisei(&fixture(), &["routes"]);
    assert!(out.starts_with("ROUTER"), "{out}");
}

#[test]
fn a_target_the_platform_is_not_generated_for_is_refused() {
    let compose_only = crate::repo_root().join("platform.yaml");
    for args in [
        &["routes", "--target", "swarm"][..],
        &["route", "https://example.org/", "--target", "swarm"][..],
    ] {
        let (code, out, err) = seisei(&compose_only, args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(
            err.contains("generated for `compose` only") && err.contains("platform.target: both"),
            "{err}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let swarm_only = dir.path().join("platform.yaml");
    let text = std::fs::read_to_string(fixture()).unwrap();
    std::fs::write(
        &swarm_only,
        text.replace("  target: both\n", "  target: swarm\n"),
    )
    .unwrap();
    let (code, _, err) = seisei(&swarm_only, &["routes", "--target", "compose"]);
    assert_eq!(code, 2);
    assert!(err.contains("generated for `swarm` only"), "{err}");
    let (code, out, err) = seisei(&swarm_only, &["routes", "--target", "swarm"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("api-api@swarm"), "{out}");
}
