//! Router names as the real Traefik shows them. An entry point with `http.middlewares` or
//! `http.tls` is a "model": a router on several entry points gets a copy there named
//! `<entrypoint>-<name>`, with the entry point's middlewares in front of its own, and keeps
//! its name on the others. `seisei routes` and STACKS.md must name what Traefik names.

use std::collections::BTreeSet;

use seisei::model::routing;

use crate::support::traefik::Traefik;
use crate::{all_specs, compile};

/// Entry points with and without a model, and routes on every mix of them.
const PLATFORM: &str = r#"platform:
  name: Names
  domain: names.test
  output: generated

traefik:
  version: "3.7"
  stack: proxy
  service: traefik
  network: public
  default_provider: file
  entrypoints:
    plain:
      address: ":80"
      middlewares: [headers]
    secure:
      address: ":443"
      tls: true
      middlewares: [headers]
    internal:
      address: ":8443"
      tls: true
    ops:
      address: ":8082"
    metrics:
      address: ":8083"
  default_entrypoints: [secure]
  middlewares:
    headers:
      headers:
        frameDeny: true
    slow:
      rateLimit:
        average: 10

networks:
  public:
    purpose: Traefik and the routed apps
    external: true

stacks:
  proxy:
    purpose: Edge proxy
    status: production
    networks: [public]
    services:
      traefik:
        image: traefik:v3.7.1
        ports:
          - { container: 80, publish: true }
          - { container: 443, publish: true }
          - { container: 8443, publish: true }
          - { container: 8082, publish: true }
          - { container: 8083, publish: true }
  app:
    purpose: Routes on every mix of entry points
    status: testing
    networks: [public]
    services:
      web:
        image: traefik/whoami:v1.10.3
        ports:
          - { container: 8080 }
        routes:
          - router: one
            hosts: [one.names.test]
          - router: mixed
            hosts: [mixed.names.test]
            entrypoints: [plain, ops]
            middlewares: [slow]
          - router: models
            hosts: [models.names.test]
            entrypoints: [secure, internal]
          - router: none
            hosts: [none.names.test]
            entrypoints: [ops, metrics]
"#;

#[test]
#[cfg_attr(
    not(seisei_traefik),
    ignore = "needs SEISEI_TRAEFIK (the real Traefik): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn seisei_names_the_routers_traefik_builds() {
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let spec = scratch.path().join("platform.yaml");
    std::fs::write(&spec, PLATFORM).expect("write the spec");
    let mut specs = all_specs();
    specs.push(spec.clone());
    for spec in &specs {
        let model = compile(spec).built.model;
        let traefik = Traefik::start(spec);
        let raw = traefik.rawdata();
        // Docker labels reach this Traefik through the file provider: compare names only.
        let base = |name: &str| name.split('@').next().unwrap_or(name).to_owned();
        let theirs: BTreeSet<(String, Vec<String>)> = raw["routers"]
            .as_object()
            .expect("rawdata has routers")
            .iter()
            .filter(|(name, _)| !name.ends_with("@internal"))
            .map(|(name, r)| {
                let middlewares = r["middlewares"]
                    .as_array()
                    .map(|m| m.iter().filter_map(|v| v.as_str()).map(base).collect())
                    .unwrap_or_default();
                (base(name), middlewares)
            })
            .collect();
        let ours: BTreeSet<(String, Vec<String>)> = routing::table(&model)
            .into_iter()
            .filter(|row| row.provider != "internal")
            .map(|row| {
                let middlewares = row.middlewares.iter().map(|m| base(m)).collect();
                (base(&row.name), middlewares)
            })
            .collect();
        assert_eq!(
            ours,
            theirs,
            "{}: seisei's routing table and Traefik's routers differ",
            spec.display()
        );
    }
    // The platform above must exercise the renaming, or the comparison proves nothing.
    let model = compile(&spec).built.model;
    let names: Vec<String> = routing::table(&model).into_iter().map(|r| r.name).collect();
    for expected in [
        "plain-mixed@file",
        "mixed@file",
        "secure-models@file",
        "internal-models@file",
        "none@file",
        "one@file",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
}
