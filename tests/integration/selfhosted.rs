//! The `selfhosted-compose` fixture is a platform written as a team would (17 stacks): it
//! uses every typed service field, and fewer than 5% of its service configuration lines are
//! in the escape hatch (`compose:`). Its output is judged by the real Compose with the other
//! fixtures (`real_compose`), and its golden tree by `golden`.

use crate::repo_root;

fn fixture() -> String {
    std::fs::read_to_string(repo_root().join("tests/fixtures/selfhosted-compose/platform.yaml"))
        .expect("the fixture exists")
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// (service configuration lines, of which under `compose:`), counting non-blank,
/// non-comment lines below each `services:` key.
fn hatch_share(text: &str) -> (usize, usize) {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect();
    let (mut total, mut hatch) = (0, 0);
    let mut services: Option<usize> = None;
    let mut compose: Option<usize> = None;
    for line in lines {
        let depth = indent(line);
        if services.is_some_and(|d| depth <= d) {
            services = None;
        }
        if compose.is_some_and(|d| depth <= d) {
            compose = None;
        }
        if services.is_some() {
            total += 1;
            if compose.is_some() || line.trim_start().starts_with("compose:") {
                hatch += 1;
            }
            if line.trim_start().starts_with("compose:") {
                compose = Some(depth);
            }
        } else if line.trim_start() == "services:" {
            services = Some(depth);
        }
    }
    (total, hatch)
}

#[test]
fn the_counter_counts_escape_hatch_lines() {
    let text = "stacks:\n  a:\n    services:\n      web:\n        image: x\n        compose:\n          tty: true\n    volumes: {}\n";
    assert_eq!(hatch_share(text), (4, 2));
}

#[test]
fn fewer_than_five_percent_of_service_lines_are_in_the_escape_hatch() {
    let (total, hatch) = hatch_share(&fixture());
    eprintln!("selfhosted-compose: {hatch} of {total} service configuration lines in `compose:`");
    assert!(total > 300, "the fixture is realistic ({total} lines)");
    assert!(
        hatch * 20 < total,
        "{hatch} of {total} service lines are in the escape hatch"
    );
}

#[test]
fn the_fixture_uses_every_typed_service_field() {
    let text = fixture();
    let compiled =
        crate::compile(&repo_root().join("tests/fixtures/selfhosted-compose/platform.yaml"));
    assert!(compiled.model.stacks.len() >= 15, "at least 15 stacks");
    let written: std::collections::BTreeSet<&str> = compiled
        .model
        .stacks
        .iter()
        .flat_map(|s| &s.services)
        .flat_map(|s| s.fields.iter().map(|(k, _)| k.as_str()))
        .collect();
    for field in [
        "build",
        "profiles",
        "entrypoint",
        "user",
        "working_dir",
        "hostname",
        "extra_hosts",
        "dns",
        "ulimits",
        "sysctls",
        "cap_add",
        "cap_drop",
        "devices",
        "privileged",
        "read_only",
        "tmpfs",
        "shm_size",
        "init",
        "pid",
        "ipc",
        "network_mode",
        "deploy",
        "logging",
        "security_opt",
        "stop_grace_period",
        "secrets",
        "configs",
    ] {
        assert!(
            written.contains(field),
            "no service of the fixture writes `{field}`"
        );
    }
    for spec_key in [
        "labels:",
        "defaults:",
        "owner:",
        "condition: service_completed_successfully",
        "restart: true",
        "image: ${",
        "container_end:",
        "network_settings:",
        "ipv4_address:",
        "aliases:",
        "subnets:",
        "variants:",
        "tmpfs: { size:",
        "propagation:",
        "selinux:",
        "create_host_path:",
        "nocopy:",
        "subpath:",
        "\nvolumes:\n",
        "external: true",
        "content: |",
        "environment: GITEA_DB_PASSWORD",
        "file: ./",
        "mode: \"0",
    ] {
        assert!(
            text.contains(spec_key),
            "the fixture does not use `{spec_key}`"
        );
    }
}
