//! `seisei import` and the TCP and UDP routers of Traefik's dynamic files: the brownfield
//! fixture's `edge/dynamic/l4.yml` (Gitea's SSH behind a `HostSNI(`*`)` TCP router, the TURN
//! relay behind a UDP router) becomes the services' `tcp_routes` / `udp_routes` on the file
//! provider, a router whose server is no container here is listed at its line (and the proof
//! reports it missing), and the proof compares these routers: a spec that routes them
//! elsewhere is an unexplained difference.

use serde_json::Value;

use super::import::{scratch, seisei, text, verify_edited};

/// The report's entry for `field`.
pub(crate) fn entry<'a>(report: &'a Value, field: &str) -> &'a Value {
    report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .unwrap_or_else(|| panic!("no entry for {field}: {report:#}"))
}

#[test]
fn dynamic_file_tcp_and_udp_routers_become_routes_on_the_file_provider() {
    let (temp, stacks) = scratch();
    // A router whose server is outside this platform stays in the hand-written file.
    let l4 = stacks.join("edge/dynamic/l4.yml");
    let mut body = std::fs::read_to_string(&l4).unwrap();
    body = body.replace(
        "  services:\n    gitea-ssh:",
        "    legacy-db:\n      rule: \"HostSNI(`*`)\"\n      entryPoints: [ssh]\n      service: legacy-db\n  services:\n    legacy-db:\n      loadBalancer:\n        servers:\n          - address: \"10.0.0.9:5432\"\n    gitea-ssh:",
    );
    std::fs::write(&l4, body).unwrap();
    let out = seisei(temp.path(), &["import", "stacks", "--report", "json"]);
    // The proof sees that router missing from what the spec generates, so import exits 1.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ssh = entry(&report, "tcp.routers.gitea-ssh");
    assert_eq!(ssh["file"], "edge/dynamic/l4.yml");
    assert_eq!(ssh["line"], 4);
    assert_eq!(ssh["outcome"], "first-class");
    let turn = entry(&report, "udp.routers.turn");
    assert_eq!(turn["outcome"], "first-class");
    let legacy = entry(&report, "tcp.routers.legacy-db");
    assert_eq!(legacy["line"], 9);
    assert_eq!(legacy["outcome"], "not-imported", "{legacy:#}");
    assert_eq!(report["verify"]["unexplained"], 1, "{:#}", report["verify"]);
    let what: Vec<&str> = report["verify"]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["expected"].is_null())
        .filter_map(|d| d["what"].as_str())
        .collect();
    assert_eq!(
        what,
        ["router `tcp legacy-db` is not generated"],
        "{:#}",
        report["verify"]
    );

    let spec: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap())
            .unwrap();
    let gitea = &spec["stacks"]["gitea"]["services"]["gitea"];
    let tcp = &gitea["tcp_routes"][0];
    assert_eq!(tcp["router"], "gitea-ssh");
    assert_eq!(tcp["rule"], "HostSNI(`*`)");
    assert_eq!(tcp["port"], 22);
    assert_eq!(tcp["provider"], "file");
    let udp = &spec["stacks"]["turn"]["services"]["coturn"]["udp_routes"][0];
    assert_eq!(udp["router"], "turn");
    assert_eq!(udp["port"], 3478);
    assert_eq!(udp["entrypoints"][0], "turn");
    assert_eq!(udp["provider"], "file");
}

#[test]
fn the_proof_finds_a_dynamic_file_tcp_router_routed_elsewhere() {
    let (temp, _) = scratch();
    let out = seisei(temp.path(), &["import", "stacks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The spec now sends the SSH router to Gitea's web port instead of its SSH port.
    let spec = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    let stdout = verify_edited(
        &temp,
        &spec,
        "rule: HostSNI(`*`)\n          port: 22",
        "rule: HostSNI(`*`)\n          port: 3000",
    );
    assert!(
        stdout.contains("tcp gitea-ssh") && stdout.contains("gitea:3000"),
        "{stdout}"
    );
}
