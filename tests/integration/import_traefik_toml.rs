//! `seisei import` with the static configuration in `traefik.toml`: the brownfield fixture
//! with its `traefik.yml` replaced by the same settings in TOML (and the mount renamed) gives
//! the same `platform.yaml`, reports the TOML's keys at their lines, and a TOML syntax error
//! stops the import at its file, line and column.

use std::path::Path;

use serde_json::Value;

use super::import::{scratch, seisei, text};

/// The fixture's `traefik.yml`, key for key.
const TRAEFIK_TOML: &str = r#"# Static configuration of the edge proxy.
[entryPoints.web]
address = ":80"

[entryPoints.web.http.redirections.entryPoint]
to = "websecure"

[entryPoints.websecure]
address = ":443"

[entryPoints.websecure.http.tls]

[entryPoints.dashboard]
address = ":8888"

[entryPoints.admin]
address = ":9443"

[entryPoints.ssh]
address = ":2222"

[entryPoints.smtp]
address = ":587"

[entryPoints.turn]
address = ":3478/udp"

[api]
dashboard = true

[log]
level = "INFO"

[certificatesResolvers.letsencrypt.acme]
email = "ops@example.test"
storage = "/etc/traefik/acme/acme.json"
httpChallenge = { entryPoint = "web" }

[certificatesResolvers.letsencrypt-dns.acme]
email = "ops@example.test"
storage = "/etc/traefik/acme/acme-dns.json"

[certificatesResolvers.letsencrypt-dns.acme.dnsChallenge]
provider = "cloudflare"

# File provider only: every router lives in dynamic/.
[providers.file]
directory = "/etc/traefik/dynamic"
watch = true
"#;

/// The fixture with `edge/traefik.yml` swapped for `body` as `edge/traefik.toml`.
fn with_toml(stacks: &Path, body: &str) {
    std::fs::remove_file(stacks.join("edge/traefik.yml")).unwrap();
    std::fs::write(stacks.join("edge/traefik.toml"), body).unwrap();
    let compose = stacks.join("edge/docker-compose.yml");
    let text = std::fs::read_to_string(&compose).unwrap();
    let renamed = text.replace(
        "./traefik.yml:/etc/traefik/traefik.yml:ro",
        "./traefik.toml:/etc/traefik/traefik.toml:ro",
    );
    assert_ne!(text, renamed, "the fixture's mount moved");
    std::fs::write(&compose, renamed).unwrap();
}

#[test]
fn a_traefik_toml_gives_the_same_spec_as_the_traefik_yml() {
    let (yaml_temp, _) = scratch();
    let out = seisei(yaml_temp.path(), &["import", "stacks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (toml_temp, stacks) = scratch();
    with_toml(&stacks, TRAEFIK_TOML);
    let out = seisei(toml_temp.path(), &["import", "stacks", "--report", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let read = |dir: &Path| std::fs::read_to_string(dir.join("platform.yaml")).unwrap();
    assert_eq!(read(yaml_temp.path()), read(toml_temp.path()));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = |field: &str| {
        report["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"] == "edge/traefik.toml" && e["field"] == field)
            .map(|e| e["line"].as_u64().unwrap())
    };
    assert_eq!(at("entryPoints"), Some(2), "{report:#}");
    assert_eq!(at("certificatesResolvers"), Some(34), "{report:#}");
    assert!(
        report["replaced"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "edge/traefik.toml"),
        "{report:#}"
    );
    assert_eq!(report["verify"]["unexplained"], 0, "{:#}", report["verify"]);
}

#[test]
fn a_toml_syntax_error_is_reported_at_its_line() {
    let (temp, stacks) = scratch();
    with_toml(&stacks, "[log]\nlevel = \"INFO\"\n[api\ndashboard = true\n");
    let out = seisei(temp.path(), &["import", "stacks"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid TOML"), "{stderr}");
    assert!(stderr.contains("stacks/edge/traefik.toml:3:5"), "{stderr}");
    assert!(!temp.path().join("platform.yaml").exists());
}
