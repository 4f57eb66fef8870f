//! `seisei route tls://…`, `tcp://…` and `udp://…` against the real Traefik: on every
//! platform with TCP or UDP routers, each question (a connection with each TCP router's server
//! name, a stray server name and a plain connection on each TCP entry point, a datagram on
//! each UDP entry point) gets the router seisei names, through the binary, and the router
//! whose service the real Traefik hands it to (`support/traefik_l4.rs`). They must agree.

use std::process::Command;

use crate::all_specs;
use crate::support::case_name;
use crate::support::traefik::Traefik;
use crate::support::traefik_l4::{L4Probe, probe_for};

/// The router `seisei route` names for a question, without its provider; `None` when no TCP
/// or UDP router takes it.
fn seisei_answer(spec: &std::path::Path, url: &str, entry_point: &str) -> Option<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(["route", "--format", "json", "--spec"])
        .arg(spec)
        .arg(url)
        .output()
        .expect("run seisei route");
    let text = String::from_utf8_lossy(&output.stdout);
    let answer: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("`seisei route {url}`: {e}: {text}"));
    let entry = answer["entrypoints"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["entrypoint"] == entry_point)?;
    if !matches!(entry["kind"].as_str(), Some("tcp" | "udp")) {
        return None;
    }
    let router = entry["router"].as_str()?;
    Some(router.split('@').next().unwrap_or(router).to_owned())
}

#[test]
#[cfg_attr(
    not(seisei_traefik),
    ignore = "needs SEISEI_TRAEFIK (the real Traefik): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn seisei_route_names_the_tcp_and_udp_router_the_real_traefik_picks() {
    let mut disagreements = Vec::new();
    let mut asked = 0;
    for spec in all_specs() {
        let model = crate::compile(&spec).built.model;
        if model.l4_routers.is_empty() {
            continue;
        }
        let platform = case_name(&spec);
        let traefik = Traefik::start(&spec);
        let mut questions: Vec<L4Probe> = traefik
            .l4
            .routers
            .iter()
            .filter_map(|r| probe_for(r).ok())
            .collect();
        for entrypoint in &model.traefik.entrypoints {
            let udp = entrypoint.address.ends_with("/udp");
            let carries_tcp = traefik
                .l4
                .routers
                .iter()
                .any(|r| !r.udp && r.entry_points.contains(&entrypoint.name));
            if udp || !carries_tcp {
                continue;
            }
            for sni in [Some("no-such-host.invalid".to_owned()), None] {
                questions.push(L4Probe {
                    entry_point: entrypoint.name.clone(),
                    udp: false,
                    sni,
                });
            }
        }
        for question in &questions {
            let port = model
                .traefik
                .entrypoints
                .iter()
                .find(|e| e.name == question.entry_point)
                .and_then(|e| {
                    let address = e.address.trim_end_matches("/udp");
                    address.rsplit(':').next()?.parse::<u16>().ok()
                })
                .expect("the entry point's port");
            let url = match (&question.sni, question.udp) {
                (_, true) => format!("udp://traefik.test:{port}"),
                (Some(sni), false) => format!("tls://{sni}:{port}"),
                (None, false) => format!("tcp://traefik.test:{port}"),
            };
            let ours = seisei_answer(&spec, &url, &question.entry_point);
            let arrived = traefik.send_l4(question);
            // The router whose service received it; each seisei router has a service of its own.
            let theirs = arrived.and_then(|service| {
                traefik
                    .l4
                    .routers
                    .iter()
                    .find(|r| {
                        r.service == service && r.entry_points.contains(&question.entry_point)
                    })
                    .map(|r| r.name.trim_end_matches("@file").to_owned())
            });
            if ours != theirs {
                disagreements.push(format!(
                    "{platform}: `seisei route {url}` says {ours:?}, the real Traefik {theirs:?}"
                ));
            }
            asked += 1;
        }
    }
    eprintln!("seisei route and the real Traefik: {asked} TCP and UDP questions");
    assert!(
        asked > 0,
        "no platform has a TCP or UDP router to ask about"
    );
    assert!(
        disagreements.is_empty(),
        "seisei route and the real Traefik disagree:\n  - {}",
        disagreements.join("\n  - ")
    );
}
