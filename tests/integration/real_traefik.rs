//! The real Traefik (3.7.15, `SEISEI_TRAEFIK`) judges every platform's generated static and
//! dynamic configuration, Docker labels included (rewritten to the equivalent file-provider
//! documents: see `support/traefik.rs`). One start per platform: every router, service and
//! middleware seisei wrote must be loaded, enabled and without error, and one request per
//! router, built from its rule, must be answered by that router according to Traefik's access
//! log; one connection per TCP router (TLS with the server name of its rule, or plain) and one
//! datagram per UDP router must reach that router's service (`support/traefik_l4.rs`).
//! Without `SEISEI_TRAEFIK` at build time the test is reported `ignored`.

use crate::repo_root;
use crate::support::case_name;
use crate::support::traefik::{Answer, RawRequest, Traefik, answering_routers};
use crate::{all_specs, compile};

/// Every disagreement the test tolerates, with its reason: (platform as [`case_name`] spells
/// it, the name Traefik gives the object, what part of the description it must contain, why).
/// A listed case that no longer occurs fails the test.
const KNOWN_DIFFERENCES: &[(&str, &str, &str, &str)] = &[];

#[test]
#[cfg_attr(
    not(seisei_traefik),
    ignore = "needs SEISEI_TRAEFIK (the real Traefik): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn the_real_traefik_loads_every_platform_and_routes_each_probe_to_its_router() {
    let mut differences: Vec<(String, String, String)> = Vec::new();
    let mut counts = (0, 0, 0, 0, 0);
    for spec in all_specs() {
        let platform = case_name(&spec);
        let model = compile(&spec).built.model;
        let traefik = Traefik::start(&spec);
        let raw = traefik.rawdata();
        let mut report = |object: &str, what: String| {
            differences.push((platform.clone(), object.to_owned(), what));
        };

        for (kind, name) in &traefik.objects {
            match raw.get(kind).and_then(|m| m.get(name)) {
                None => report(name, format!("{kind}: not loaded")),
                Some(object) => {
                    let status = object.get("status").and_then(|s| s.as_str());
                    // Services report `enabled` once a router uses them; routers and
                    // middlewares always carry a status.
                    if status.is_some_and(|s| s != "enabled") || object.get("error").is_some() {
                        report(
                            name,
                            format!("{kind}: status {status:?}, error {}", object["error"]),
                        );
                    }
                }
            }
        }

        // An unknown host reaches no router: the access-log check below can fail.
        let any = traefik
            .routers
            .first()
            .expect("every platform has a router");
        let entry_point = any
            .entry_points
            .first()
            .expect("a router has an entry point");
        let tls = any.tls || traefik.entry_points[entry_point].tls;
        let stray = RawRequest {
            entry_point: entry_point.clone(),
            sni: tls.then(|| "no-such-host.invalid".to_owned()),
            bytes: b"GET / HTTP/1.1\r\nHost: no-such-host.invalid\r\nConnection: close\r\n\r\n"
                .to_vec(),
        };
        let answer = traefik.send(&stray);
        assert!(
            answer.router.is_none()
                || answer
                    .router
                    .as_deref()
                    .is_some_and(|r| r.ends_with("@internal")),
            "{platform}: a request for an unknown host was answered by {answer:?}"
        );

        // Each redirecting entry point answers with Traefik's own redirect router, to the
        // HTTPS port of its target.
        for (name, entry_point) in &traefik.entry_points {
            let Some(target) = &entry_point.redirect_to else {
                continue;
            };
            let request = RawRequest {
                entry_point: name.clone(),
                sni: None,
                bytes: b"GET /x HTTP/1.1\r\nHost: redirect.test\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let answer = traefik.send(&request);
            let location = format!(
                "location: https://redirect.test:{}/x",
                traefik.entry_points[target].port
            );
            let redirected = answer.status.is_some_and(|s| (301..=308).contains(&s))
                && answer.head.to_ascii_lowercase().contains(&location)
                && answer
                    .router
                    .as_deref()
                    .is_some_and(|r| r.ends_with("@internal"));
            if !redirected {
                report(
                    name,
                    format!("entry point {name} does not redirect to {target}: {answer:?}"),
                );
            }
            counts.2 += 1;
        }

        for router in &traefik.routers {
            let short = router.name.trim_end_matches("@file");
            let hosts: Vec<String> = model
                .routers
                .iter()
                .find(|r| r.name == short)
                .map(|r| r.hosts.clone())
                .unwrap_or_default();
            let request: RawRequest = match traefik.probe(router, &hosts) {
                Ok(request) => request,
                Err(e) => {
                    report(&router.name, format!("no probe: {e}"));
                    continue;
                }
            };
            let answer = traefik.send(&request);
            let internal = raw
                .pointer(&format!("/routers/{}/service", router.name))
                .and_then(|s| s.as_str())
                .is_some_and(|s| s.ends_with("@internal"));
            let answered = answer.status.is_some_and(|status| {
                status == 200 || own_statuses(&raw, &router.name).contains(&status)
            });
            if answer.router.as_deref() != Some(router.name.as_str()) || (!internal && !answered) {
                report(
                    &router.name,
                    format!(
                        "probe `{}` on {}: answered by {:?} with status {:?}",
                        String::from_utf8_lossy(&request.bytes)
                            .lines()
                            .take(2)
                            .collect::<Vec<_>>()
                            .join(" | "),
                        request.entry_point,
                        answer.router,
                        answer.status
                    ),
                );
            }
            // A sticky service answers with its cookie, named as the spec says.
            if let Some(cookie) = sticky_cookie(&model, short) {
                let wanted = format!("set-cookie: {}=", cookie.to_ascii_lowercase());
                if !answer.head.to_ascii_lowercase().contains(&wanted) {
                    report(
                        &router.name,
                        format!("no sticky cookie `{cookie}` in the answer: {}", answer.head),
                    );
                }
                counts.3 += 1;
            }
            counts.2 += 1;
        }
        counts.4 += crate::support::traefik_l4::probe_each(&traefik, &mut report);
        counts.0 += 1;
        counts.1 += traefik.routers.len();
        if differences.iter().any(|(p, _, _)| *p == platform) {
            eprintln!("{platform}: Traefik's log:\n{}", traefik.log());
        }
    }
    eprintln!(
        "real Traefik: {} platforms, {} HTTP routers, {} probes, {} sticky cookies, {} TCP and UDP routers probed",
        counts.0, counts.1, counts.2, counts.3, counts.4
    );

    let mut used = vec![false; KNOWN_DIFFERENCES.len()];
    let mut unexpected = Vec::new();
    for (platform, object, what) in &differences {
        match KNOWN_DIFFERENCES
            .iter()
            .position(|(p, o, w, _)| p == platform && o == object && what.contains(w))
        {
            Some(i) => {
                used[i] = true;
                eprintln!(
                    "known difference, {platform}: {object}: {what} ({})",
                    KNOWN_DIFFERENCES[i].3
                );
            }
            None => unexpected.push(format!("{platform}: {object}: {what}")),
        }
    }
    let stale: Vec<_> = KNOWN_DIFFERENCES
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|((p, o, w, _), _)| format!("{p}: {o}: {w}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the real Traefik disagrees with seisei's output:\n  - {}",
        unexpected.join("\n  - ")
    );
    assert!(
        stale.is_empty(),
        "known differences that no longer occur (remove them from KNOWN_DIFFERENCES): {stale:?}"
    );
}

/// The sticky cookie name the service of router `name` sets, if it has one.
fn sticky_cookie(model: &seisei::model::Model, name: &str) -> Option<String> {
    use seisei::model::ServiceKind;
    let router = model.routers.iter().find(|r| r.name == name)?;
    let service = model
        .services
        .iter()
        .find(|s| s.name == router.service_name)?;
    let options = match &service.kind {
        ServiceKind::LoadBalancer { options, .. } | ServiceKind::Weighted { options, .. } => {
            options
        }
        ServiceKind::Mirroring { .. } => return None,
    };
    let sticky = options.iter().find(|(k, _)| k == "sticky")?;
    sticky
        .1
        .get("cookie")?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}

/// The entry point other tests use (differential tests of `seisei route`): raw requests in,
/// the router that answered each out, exactly as the bytes were sent (`/x/../` included).
#[test]
#[cfg_attr(
    not(seisei_traefik),
    ignore = "needs SEISEI_TRAEFIK (the real Traefik): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn answering_routers_names_the_router_of_each_raw_request() {
    let spec = repo_root().join("tests/fixtures/minimal/platform.yaml");
    let request = |host: &str, path: &str| RawRequest {
        entry_point: "web".to_owned(),
        sni: None,
        bytes: format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    };
    let answers = answering_routers(
        &spec,
        &[
            request("a1.apps.example.test", "/"),
            // Traefik removes dot segments before matching: still the same router.
            request("b2.apps.example.test", "/x/../y"),
            // One label only: the anchored pattern does not match two.
            request("a.b.apps.example.test", "/"),
            request("elsewhere.test", "/"),
        ],
    );
    let routers: Vec<Option<&str>> = answers.iter().map(|a| a.router.as_deref()).collect();
    assert_eq!(
        routers,
        [Some("app-hello@file"), Some("app-hello@file"), None, None],
        "{answers:#?}"
    );
    let statuses: Vec<Option<u16>> = answers.iter().map(|a: &Answer| a.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(404), Some(404)]);
}

/// Statuses a router's own middlewares answer with instead of the backend's 200: a
/// challenge from basicAuth or digestAuth (the probe sends no credentials), a redirect from
/// redirectRegex or redirectScheme, by the kind `/api/rawdata` lists each middleware under.
fn own_statuses(raw: &serde_json::Value, router: &str) -> Vec<u16> {
    fn visit(raw: &serde_json::Value, name: &str, depth: usize, out: &mut Vec<u16>) {
        let name = if name.contains('@') {
            name.to_owned()
        } else {
            format!("{name}@file")
        };
        let Some(m) = raw.get("middlewares").and_then(|all| all.get(&name)) else {
            return;
        };
        // The one key besides `status` and `usedBy` is the middleware's kind.
        let kind = m
            .as_object()
            .and_then(|o| {
                o.keys()
                    .find(|k| !matches!(k.as_str(), "status" | "usedBy" | "error"))
            })
            .map(String::as_str);
        match kind {
            Some("basicAuth" | "digestAuth") => out.push(401),
            Some("redirectRegex" | "redirectScheme") => out.extend([301, 302, 307, 308]),
            Some("chain") if depth < 8 => {
                for member in m
                    .pointer("/chain/middlewares")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(serde_json::Value::as_str)
                {
                    visit(raw, member, depth + 1, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for name in raw
        .pointer(&format!("/routers/{router}/middlewares"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
    {
        visit(raw, name, 0, &mut out);
    }
    out
}

/// A route's own `tls: true` on a plain entry point (what `seisei import` writes for a
/// router with `tls=true` and no TLS entry point): the real Traefik answers it over TLS with
/// its default certificate, from labels and from the file provider alike, and not over plain
/// HTTP on the same entry point, where a route without the flag still answers.
#[test]
#[cfg_attr(
    not(seisei_traefik),
    ignore = "needs SEISEI_TRAEFIK (the real Traefik): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn a_route_with_its_own_tls_is_answered_over_tls_on_a_plain_entry_point() {
    // The minimal fixture (one plain entry point, `web`), its app given three routes.
    let minimal =
        std::fs::read_to_string(repo_root().join("tests/fixtures/minimal/platform.yaml")).unwrap();
    let routes = "        routes:\n          - hosts: [\"*.apps.example.test\"]\n";
    assert!(
        minimal.contains(routes),
        "the minimal fixture's route moved"
    );
    let temp = tempfile::tempdir().unwrap();
    let spec = temp.path().join("platform.yaml");
    std::fs::write(
        &spec,
        minimal.replace(
            routes,
            "        routes:
          - { name: labels, hosts: [labels.example.test], tls: true }
          - { name: file, hosts: [file.example.test], tls: true, provider: file }
          - { name: plain, hosts: [plain.example.test] }
",
        ),
    )
    .unwrap();
    let request = |host: &str, tls: bool| RawRequest {
        entry_point: "web".to_owned(),
        sni: tls.then(|| host.to_owned()),
        bytes: format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes(),
    };
    let answers = answering_routers(
        &spec,
        &[
            request("labels.example.test", true),
            request("file.example.test", true),
            request("plain.example.test", false),
            // A TLS router does not answer plain HTTP.
            request("labels.example.test", false),
        ],
    );
    let answered_by: Vec<Option<&str>> = answers.iter().map(|a| a.router.as_deref()).collect();
    assert_eq!(
        answered_by,
        [
            Some("app-hello-labels@file"),
            Some("app-hello-file@file"),
            Some("app-hello-plain@file"),
            None
        ],
        "{answers:#?}"
    );
    let statuses: Vec<Option<u16>> = answers.iter().map(|a: &Answer| a.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), Some(200), Some(404)]);
}
