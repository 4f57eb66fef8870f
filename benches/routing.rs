//! Conflict analysis of a large routing table: 10,000 routers over 2,000 hosts, with shared
//! hosts, nested path prefixes, a wildcard and Traefik's own routers, as `validate` runs it.
//! `cargo bench --bench routing`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use seisei::traefik::Version;
use seisei::traefik::analysis::{self, OwnedRouterInput};

fn table(routers: usize) -> Vec<OwnedRouterInput> {
    let hosts = routers / 5;
    let prefixes = ["", "/api", "/api/v2", "/static", "/admin"];
    let mut table = Vec::with_capacity(routers + 3);
    for i in 0..routers {
        let host = format!("svc{:05}.example.test", i % hosts);
        let prefix = prefixes[i / hosts % prefixes.len()];
        let rule = if prefix.is_empty() {
            format!("Host(`{host}`)")
        } else {
            format!("Host(`{host}`) && PathPrefix(`{prefix}`)")
        };
        table.push(OwnedRouterInput {
            name: format!("r{i}@docker"),
            priority: i64::try_from(rule.len()).unwrap_or(0),
            rule,
            entrypoints: vec!["websecure".to_owned()],
            tls: true,
            provider: "docker".to_owned(),
        });
    }
    table.push(OwnedRouterInput {
        name: "tenants@file".to_owned(),
        rule: "Host(`*.tenants.example.test`)".to_owned(),
        priority: 30,
        entrypoints: vec!["websecure".to_owned()],
        tls: true,
        provider: "file".to_owned(),
    });
    let entrypoints = [
        ("web".to_owned(), Some("websecure".to_owned()), false),
        ("websecure".to_owned(), None, true),
    ];
    table.extend(analysis::internal_routers(
        &entrypoints,
        &["web".to_owned()],
    ));
    table
}

fn conflicts(c: &mut Criterion) {
    let version = Version::parse("3.7").expect("a version");
    let mut group = c.benchmark_group("conflict_analysis");
    group.sample_size(10);
    for routers in [1_000, 10_000] {
        let owned = table(routers);
        let inputs: Vec<_> = owned.iter().map(OwnedRouterInput::as_input).collect();
        group.bench_function(format!("{routers}_routers"), |b| {
            b.iter(|| black_box(analysis::analyze(black_box(&inputs), version)));
        });
    }
    group.finish();
}

criterion_group!(benches, conflicts);
criterion_main!(benches);
