//! The path index inside a host: its pairs must give exactly the findings of comparing every
//! pair of a table, and it must keep routers under their own prefixes apart.

use super::*;

/// The findings of [`analyze`] with every pair of each table compared, no index: the
/// reference the index must reproduce.
fn pairwise(routers: &[OwnedRouterInput], version: Version) -> Vec<Finding> {
    let inputs: Vec<RouterInput<'_>> = routers.iter().map(OwnedRouterInput::as_input).collect();
    let prepared: Vec<Prepared> = inputs.iter().map(|r| prepare(r, version)).collect();
    let mut tables: BTreeMap<Table, Vec<usize>> = BTreeMap::new();
    for (index, router) in inputs.iter().enumerate() {
        if prepared[index].error.is_none() {
            for entrypoint in router.entrypoints.iter().collect::<BTreeSet<_>>() {
                let table = Table {
                    entrypoint: entrypoint.clone(),
                    tls: router.tls,
                };
                tables.entry(table).or_default().push(index);
            }
        }
    }
    let mut findings = Vec::new();
    for (table, members) in &tables {
        let mut shadowers = BTreeMap::new();
        for (position, &first) in members.iter().enumerate() {
            for &second in &members[position + 1..] {
                let (x, y) = (&inputs[first], &inputs[second]);
                match x.priority.cmp(&y.priority) {
                    Ordering::Equal if may_overlap(&prepared[first], &prepared[second]) => {
                        findings.push(tie(x, y, table, version));
                    }
                    Ordering::Greater if shadows(&prepared[first], &prepared[second]) => {
                        keep_strongest(&mut shadowers, second, first, &inputs);
                    }
                    Ordering::Less if shadows(&prepared[second], &prepared[first]) => {
                        keep_strongest(&mut shadowers, first, second, &inputs);
                    }
                    _ => {}
                }
            }
        }
        for (router, by) in shadowers {
            findings.push(Finding::Shadowed {
                router: inputs[router].name.to_owned(),
                by: inputs[by].name.to_owned(),
                entrypoint: table.entrypoint.clone(),
                tls: table.tls,
            });
        }
    }
    for (router, prepared) in inputs.iter().zip(&prepared) {
        if prepared.terms.as_ref().is_some_and(Vec::is_empty) {
            findings.push(Finding::NeverMatches {
                router: router.name.to_owned(),
            });
        }
    }
    findings.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
    findings
}

#[test]
fn the_path_index_finds_what_comparing_every_pair_finds() {
    // Nested, equal, sibling and unrelated starts, exact paths, regexes, rules with no path,
    // negations and alternatives, on one host and on a wildcard above it, at a few priorities.
    let paths = [
        "PathPrefix(`/`)",
        "PathPrefix(`/api`)",
        "PathPrefix(`/api`)",
        "PathPrefix(`/api/v2`)",
        "PathPrefix(`/apix`)",
        "Path(`/api`)",
        "Path(`/api/v2/users`)",
        "PathPrefix(`/web`)",
        "PathPrefix(`/web`) && PathPrefix(`/web/admin`)",
        "PathPrefix(`/web`) || PathPrefix(`/api/v2`)",
        "PathPrefix(`/web`) && !PathPrefix(`/web/admin`)",
        "PathRegexp(`^/api/v[0-9]+`)",
        "PathRegexp(`^/web`)",
        "Method(`POST`)",
        "!PathPrefix(`/api`)",
        "PathPrefix(`/api`) && Method(`GET`)",
        "Path(`/health`) || Host(`other.test`)",
    ];
    let hosts = ["Host(`a.example.test`)", "Host(`*.example.test`)"];
    let mut routers = edge();
    for (i, path) in paths.iter().enumerate() {
        for (h, host) in hosts.iter().enumerate() {
            for priority in [1, 1000] {
                routers.push(router(
                    &format!("r{i}-h{h}-p{priority}@{}", ["docker", "file"][i % 2]),
                    &format!("{host} && ({path})"),
                    priority,
                    &["web", "websecure"],
                    i % 3 == 0,
                ));
            }
        }
    }
    for version in [V37, V36] {
        let analysis = run(&routers, version);
        let expected = pairwise(&routers, version);
        assert!(
            expected.len() > 20,
            "the platform must conflict: {expected:?}"
        );
        assert_eq!(analysis.findings, expected, "{version:?}");
    }
}

#[test]
fn routers_under_their_own_prefixes_on_one_host_are_not_compared_pairwise() {
    let mut routers = edge();
    for n in 0..3000 {
        for (kind, suffix) in [("app", ""), ("admin", "/admin")] {
            routers.push(router(
                &format!("{kind}-{n:05}@docker"),
                &format!("Host(`one.example.test`) && PathPrefix(`/s-{n:05}{suffix}`)"),
                0,
                &["websecure"],
                true,
            ));
        }
    }
    let analysis = run(&routers, V37);
    // Each admin router against its own app router, and the internal routers against all.
    assert!(
        analysis.comparisons < 4 * routers.len(),
        "{} comparisons for {} routers",
        analysis.comparisons,
        routers.len()
    );
    assert_eq!(analysis.findings, pairwise(&routers, V37));
}
