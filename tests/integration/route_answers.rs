//! `seisei route` through the binary on small platforms made for one question each: a tie
//! answered anyway, a priority above Traefik's limit, negative priorities, the 404's near
//! misses, the redirect's `Location`, the 400s before routing, methods as sent, `ClientIP`
//! with and without `--client-ip`, and `--format json` with 64-bit priorities as strings.

use std::path::Path;
use std::process::Command;

/// A platform on one plain entry point `web` (`:80`, redirecting to `websecure` when
/// `redirect` is set) whose app stack has the given routes (YAML list items).
fn platform(dir: &Path, routes: &str, redirect: bool) -> std::path::PathBuf {
    let redirect = if redirect {
        "      redirect_to: websecure\n    websecure:\n      address: \":8443\"\n      tls: true\n"
    } else {
        ""
    };
    let text = format!(
        "platform:\n  name: Q\n  domain: q.test\n  output: out\n\ntraefik:\n  version: \"3.7\"\n  stack: proxy\n  service: traefik\n  network: public\n  entrypoints:\n    web:\n      address: \":80\"\n{redirect}  default_entrypoints: [web]\n  default_provider: file\n\nnetworks:\n  public:\n    purpose: Traefik and the apps\n    external: true\n\nstacks:\n  proxy:\n    purpose: Edge proxy\n    status: production\n    networks: [public]\n    services:\n      traefik:\n        image: traefik:v3.7.9\n        ports:\n          - {{ container: 80, publish: true }}\n  app:\n    purpose: App\n    status: testing\n    networks: [public]\n    services:\n      web:\n        image: traefik/whoami:v1.10.3\n        ports:\n          - {{ container: 80 }}\n        routes:\n{routes}"
    );
    let spec = dir.join("platform.yaml");
    std::fs::write(&spec, text).expect("write the spec");
    spec
}

fn route(spec: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .arg("route")
        .args(args)
        .arg("--spec")
        .arg(spec)
        .env("NO_COLOR", "1")
        .output()
        .expect("run seisei");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_tie_is_answered_and_named() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = platform(
        dir.path(),
        "          - name: a\n            rule: Host(`t.q.test`) && PathPrefix(`/a`)\n          - name: b\n            rule: Host(`t.q.test`) && PathPrefix(`/b`) || Path(`/a`)\n            priority: 36\n",
        false,
    );
    let (code, out, err) = route(&spec, &["http://t.q.test/a"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("E0405"), "validate's error is shown: {err}");
    assert!(err.contains("answering anyway"), "{err}");
    assert!(
        out.contains("the pick is undefined: `app-web-a@file` and `app-web-b@file`")
            || out.contains("the pick is undefined: `app-web-b@file` and `app-web-a@file`"),
        "{out}"
    );
}

#[test]
fn priorities_above_the_limit_disable_one_router_and_negative_ones_count() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = platform(
        dir.path(),
        "          - name: big\n            hosts: [p.q.test]\n            priority: 9223372036854775000\n          - name: low\n            hosts: [p.q.test]\n            path_prefix: /x\n            priority: -5\n          - name: lower\n            hosts: [p.q.test]\n            priority: -9\n",
        false,
    );
    let (code, out, err) = route(&spec, &["http://p.q.test/x/1"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("W0408"), "the limit is a warning: {err}");
    assert!(err.contains("disables this router"), "{err}");
    assert!(
        out.contains("answered by `app-web-low@file` (priority -5)"),
        "{out}"
    );
    assert!(
        out.contains("also matched `app-web-lower@file`: lower priority (-9 < -5)"),
        "{out}"
    );
    assert!(
        !out.contains("app-web-big"),
        "the disabled router takes no part: {out}"
    );
}

#[test]
fn a_404_names_the_near_misses_and_400s_are_said() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = platform(
        dir.path(),
        "          - name: api\n            hosts: [n.q.test]\n            path_prefix: /api\n",
        false,
    );
    let (code, out, _) = route(&spec, &["http://n.q.test/other"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no router matches: Traefik answers 404"),
        "{out}"
    );
    assert!(out.contains("the host matches `app-web-api@file`"), "{out}");
    // Cleaned and decoded as Traefik does: `%61` is `a`, `/x/..` goes.
    let (code, out, _) = route(&spec, &["http://N.Q.TEST./x/../%61pi/v1"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("routed as host `n.q.test.`, path `/api/v1`"),
        "{out}"
    );
    let (code, out, _) = route(&spec, &["http://n.q.test/api%zz"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Traefik answers 400 before routing"), "{out}");
}

#[test]
fn the_redirect_says_where_it_goes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = platform(
        dir.path(),
        "          - name: s\n            hosts: [r.q.test]\n            entrypoints: [websecure]\n",
        true,
    );
    let (_, out, err) = route(&spec, &["http://r.q.test/a//b/../c?x=1"]);
    assert!(
        out.contains("redirect:    301 to https://r.q.test:8443/a/c?x=1"),
        "{out}{err}"
    );
    let (_, out, _) = route(&spec, &["http://r.q.test/", "--method", "POST"]);
    assert!(
        out.contains("redirect:    308 to https://r.q.test:8443/"),
        "{out}"
    );
}

#[test]
fn methods_client_addresses_and_json() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = platform(
        dir.path(),
        "          - name: m\n            rule: Host(`m.q.test`) && Method(`GET`) && ClientIP(`10.0.0.0/8`)\n            priority: 9223372036854774000\n",
        false,
    );
    let (code, out, _) = route(&spec, &["http://m.q.test/", "--client-ip", "10.1.2.3"]);
    assert_eq!(code, 0, "{out}");
    // Go keeps the method as sent: `get` is not `GET`.
    let (code, out, _) = route(
        &spec,
        &[
            "http://m.q.test/",
            "--client-ip",
            "10.1.2.3",
            "--method",
            "get",
        ],
    );
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = route(&spec, &["http://m.q.test/"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("reads the client address; without --client-ip"),
        "{out}"
    );
    let (_, out, _) = route(
        &spec,
        &[
            "http://m.q.test/",
            "--client-ip",
            "10.1.2.3",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        json["entrypoints"][0]["priority"],
        serde_json::json!("9223372036854774000"),
        "{out}"
    );
}

#[test]
fn header_host_is_a_lint() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec = platform(
        dir.path(),
        "          - name: h\n            rule: Host(`h.q.test`) && Header(`host`, `h.q.test`)\n",
        false,
    );
    let (code, out, err) = route(&spec, &["http://h.q.test/"]);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("W0404"), "{err}");
    assert!(err.contains("never matches"), "{err}");
}
