//! `seisei import` and three patterns of the brownfield fixture that used to be lost: TCP
//! middlewares (`edge/dynamic/l4.yml`'s `office-only` and `ssh-limit`, the mail relay's
//! label-declared `smtp-limit`) become `traefik.tcp_middlewares` and the TCP routers name
//! them bare; an HTTP router with `tls=true` (or a dynamic file's `tls: {}`), no resolver and
//! a plain entry point (Grafana's `ops-grafana` and `edge/dynamic/ops.yml`'s `gitea-ops` on
//! `admin`) keeps TLS through the route's `tls: true`; and the comments
//! between Odoo's labels stand above the route and the field they annotate. The proof
//! compares middleware definitions and TLS: a spec that changes either is a difference.

use serde_json::Value;

use super::import::{scratch, seisei, text, verify_edited};
use super::import_dynamic_l4::entry;

fn imported() -> (tempfile::TempDir, String, Value) {
    let (temp, _) = scratch();
    let out = seisei(temp.path(), &["import", "stacks", "--report", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let spec = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    (temp, spec, report)
}

#[test]
fn tcp_middlewares_of_dynamic_files_and_labels_are_imported_and_compared() {
    let (temp, spec, report) = imported();
    let office = entry(&report, "tcp.middlewares.office-only");
    assert_eq!(office["file"], "edge/dynamic/l4.yml");
    assert_eq!(office["line"], 16);
    assert_eq!(office["outcome"], "first-class");
    let label = entry(
        &report,
        "services.smtp.labels.traefik.tcp.middlewares.smtp-limit",
    );
    assert_eq!(label["outcome"], "first-class", "{label:#}");
    for expected in [
        "  tcp_middlewares:\n    office-only:\n      ipAllowList:\n        sourceRange:\n        - 203.0.113.0/24\n        - 10.8.0.0/16\n",
        // The label's comment stands above the middleware it annotates.
        "    # No scanner needs more than a handful of connections.\n    smtp-limit:\n      inFlightConn:\n        amount: 5\n",
        // File and label routers alike name the imported middlewares bare.
        "          middlewares:\n          - office-only\n          - ssh-limit\n          provider: file\n",
        "          middlewares:\n          - office-only\n          - smtp-limit\n          provider: docker\n",
    ] {
        assert!(spec.contains(expected), "missing:\n{expected}\nin:\n{spec}");
    }
    assert!(!spec.contains("external_middlewares"), "{spec}");
    // A middleware whose definition changes is a difference the proof names.
    let stdout = verify_edited(&temp, &spec, "amount: 10", "amount: 100");
    assert!(
        stdout.contains("middleware `tcp ssh-limit`: original {\"inflightconn\":{\"amount\":10}}, generated {\"inflightconn\":{\"amount\":100}}"),
        "{stdout}"
    );
}

#[test]
fn a_tls_router_on_a_plain_entry_point_keeps_tls() {
    let (temp, spec, _) = imported();
    assert!(
        spec.contains("        - router: ops-grafana\n          service: grafana\n          hosts:\n          - grafana.vpn.example.test\n          provider: docker\n          tls: true\n          entrypoints:\n          - admin\n"),
        "{spec}"
    );
    // A dynamic file's `tls: {}` on the same plain entry point likewise.
    assert!(
        spec.contains("        - router: gitea-ops\n          hosts:\n          - git.vpn.example.test\n          provider: file\n          tls: true\n"),
        "{spec}"
    );
    // Without it, the router would be plain HTTP: the proof names the lost TLS.
    let stdout = verify_edited(
        &temp,
        &spec,
        "          provider: docker\n          tls: true\n",
        "          provider: docker\n",
    );
    assert!(
        stdout.contains("router ops-grafana.tls: original true, generated false"),
        "{stdout}"
    );
}

#[test]
fn comments_between_labels_stand_above_the_keys_they_annotate() {
    let (_temp, spec, _) = imported();
    for expected in [
        // Above a router's first label: above its route.
        "        routes:\n        # The application itself.\n        - router: odoo-app\n",
        "          - compress\n        # Long polling and websockets go to the gevent port.\n        - router: odoo-ws\n",
        // Above a later label of the router: above the field it became.
        "          cert_resolver: letsencrypt\n          # Above odoo-app, which claims the same host.\n          priority: 20\n",
    ] {
        assert!(spec.contains(expected), "missing:\n{expected}\nin:\n{spec}");
    }
}
