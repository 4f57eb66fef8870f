//! Conflicts between routers: overlap, ties, shadowing, never-matching rules, the host index.

use super::*;

#[test]
fn tenant_wildcard_does_not_reach_a_sibling_host() {
    // `testodoo.seisei.tokyo` is not one label under `erp.seisei.tokyo`.
    let routers = [
        router(
            "tenants@file",
            "Host(`*.erp.seisei.tokyo`)",
            100,
            &["websecure"],
            true,
        ),
        router(
            "testodoo@file",
            "Host(`testodoo.seisei.tokyo`)",
            100,
            &["websecure"],
            true,
        ),
    ];
    let analysis = run(&routers, V37);
    assert_eq!(analysis.findings, []);
    assert_eq!(analysis.comparisons, 0, "the index keeps them apart");
    let wildcard = terms("Host(`*.erp.seisei.tokyo`)", V37);
    let sibling = terms("Host(`testodoo.seisei.tokyo`)", V37);
    assert!(!overlaps(&wildcard, &sibling));
    assert!(!overlaps(
        &wildcard,
        &terms("Host(`a.b.erp.seisei.tokyo`)", V37)
    ));
    assert!(!overlaps(
        &wildcard,
        &terms("Host(`erp.seisei.tokyo`)", V37)
    ));
}

#[test]
fn tenant_wildcard_overlaps_a_host_one_label_under() {
    let routers = [
        router(
            "tenants@file",
            "Host(`*.erp.seisei.tokyo`)",
            100,
            &["websecure"],
            true,
        ),
        router(
            "acme@file",
            "Host(`ACME.erp.seisei.tokyo.`)",
            100,
            &["websecure"],
            true,
        ),
    ];
    let analysis = run(&routers, V37);
    assert_eq!(
        analysis.findings,
        [Finding::Ambiguous {
            a: "acme@file".to_owned(),
            b: "tenants@file".to_owned(),
            entrypoint: "websecure".to_owned(),
            tls: true,
            priority: 100,
        }]
    );
    assert_eq!(analysis.findings[0].severity(), Severity::Error);
    // Before v3.7 the `*` is literal and the two hosts differ.
    assert_eq!(run(&routers, V36).findings, []);
}

#[test]
fn catch_all_host_is_not_shadowed_by_a_prefix_router() {
    let routers = [
        router(
            "crm@docker",
            "Host(`api.seisei.tokyo`) && PathPrefix(`/crm`)",
            0,
            &["websecure"],
            true,
        ),
        router(
            "api@docker",
            "Host(`api.seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ),
    ];
    let analysis = run(&routers, V37);
    assert!(routers[0].priority > routers[1].priority);
    // `api` still serves `/other`.
    assert_eq!(analysis.findings, []);
    assert_eq!(analysis.comparisons, 1);
}

#[test]
fn longer_prefix_with_lower_priority_is_shadowed() {
    let routers = [
        router(
            "crm@docker",
            "Host(`api.seisei.tokyo`) && PathPrefix(`/crm`)",
            100,
            &["websecure"],
            true,
        ),
        router(
            "crm-x@docker",
            "Host(`api.seisei.tokyo`) && PathPrefix(`/crm/x`)",
            50,
            &["websecure"],
            true,
        ),
        router(
            "crm-path@docker",
            "Host(`api.seisei.tokyo`) && Path(`/crm/y`) && Method(`get`)",
            40,
            &["websecure"],
            true,
        ),
    ];
    let analysis = run(&routers, V37);
    assert_eq!(
        analysis.findings,
        [
            shadowed("crm-path@docker", "crm@docker", "websecure", true),
            shadowed("crm-x@docker", "crm@docker", "websecure", true),
        ]
    );
    assert_eq!(analysis.findings[0].severity(), Severity::Warning);
    assert_eq!(
        analysis.findings[1].to_string(),
        "router `crm-x@docker` never answers on entry point `websecure` (TLS): `crm@docker` \
         has a higher priority and matches every request it matches"
    );
}

#[test]
fn same_rule_and_priority_is_ambiguous() {
    let routers = [
        router(
            "b@docker",
            "Host(`erp.seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ),
        router(
            "a@docker",
            "Host(`erp.seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ),
    ];
    let analysis = run(&routers, V37);
    let finding = Finding::Ambiguous {
        a: "a@docker".to_owned(),
        b: "b@docker".to_owned(),
        entrypoint: "websecure".to_owned(),
        tls: true,
        priority: 24,
    };
    assert_eq!(analysis.findings, [finding]);
    assert_eq!(
        analysis.findings[0].to_string(),
        "routers `a@docker` and `b@docker` can match the same request with the same priority \
         24 on entry point `websecure` (TLS), and Traefik's order between them is undefined"
    );
}

#[test]
fn provider_precedence_breaks_ties_from_3_7() {
    let routers = [
        router(
            "site@file",
            "Host(`seisei.tokyo`)",
            10,
            &["websecure"],
            true,
        ),
        router(
            "site@docker",
            "Host(`seisei.tokyo`)",
            10,
            &["websecure"],
            true,
        ),
    ];
    let broken = Finding::TieBrokenByProvider {
        winner: "site@docker".to_owned(),
        loser: "site@file".to_owned(),
        entrypoint: "websecure".to_owned(),
        tls: true,
        priority: 10,
    };
    assert_eq!(broken.severity(), Severity::Warning);
    assert_eq!(run(&routers, V37).findings, [broken]);
    let ambiguous = Finding::Ambiguous {
        a: "site@docker".to_owned(),
        b: "site@file".to_owned(),
        entrypoint: "websecure".to_owned(),
        tls: true,
        priority: 10,
    };
    assert_eq!(run(&routers, V36).findings, [ambiguous]);
}

#[test]
fn redirect_shadows_a_plain_http_router() {
    // Reference pitfall 7: a router without `tls` on the redirecting entry point.
    let mut routers = edge();
    routers.push(router(
        "app@docker",
        "Host(`app.seisei.tokyo`)",
        0,
        &["web"],
        false,
    ));
    routers.push(router(
        "app-secure@docker",
        "Host(`app.seisei.tokyo`)",
        0,
        &["websecure"],
        true,
    ));
    // Requests without a host are not redirected, so a host-less rule is still reachable.
    routers.push(router(
        "probe@file",
        "PathPrefix(`/probe`)",
        0,
        &["web"],
        false,
    ));
    // The emulated wildcard of a v3.6 target requires a host too.
    routers.push(router(
        "tenants@file",
        r"HostRegexp(`^[a-z0-9-]+\.erp\.seisei\.tokyo$`)",
        0,
        &["web"],
        false,
    ));
    let analysis = run(&routers, V36);
    assert_eq!(
        analysis.findings,
        [
            shadowed("app@docker", "web-to-websecure@internal", "web", false),
            shadowed("tenants@file", "web-to-websecure@internal", "web", false),
        ]
    );
    assert!(analysis.findings[0].help().contains("with `tls`"));
}

#[test]
fn acme_challenge_router_shadows_a_user_challenge_route() {
    let mut routers = edge();
    routers.push(router(
        "challenge@file",
        "PathPrefix(`/.well-known/acme-challenge/`)",
        0,
        &["web"],
        false,
    ));
    routers.push(router(
        "token@file",
        "Host(`seisei.tokyo`) && PathPrefix(`/.well-known/acme-challenge/x`)",
        0,
        &["web"],
        false,
    ));
    let analysis = run(&routers, V37);
    // The ACME router outranks the redirect, so it is the one named for `token` too.
    assert_eq!(
        analysis.findings,
        [
            shadowed("challenge@file", "acme-http@internal", "web", false),
            shadowed("token@file", "acme-http@internal", "web", false),
        ]
    );
    assert!(analysis.findings[0].help().contains("ACME HTTP-01"));
}

#[test]
fn internal_routers_follow_traefik_names() {
    let routers = internal_routers(
        &[
            ("web".to_owned(), Some(":443".to_owned()), false),
            ("alt".to_owned(), Some("websecure".to_owned()), false),
            ("websecure".to_owned(), None, true),
        ],
        &["web".to_owned(), "alt".to_owned(), "web".to_owned()],
    );
    let names: Vec<&str> = routers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "web-to-443@internal",
            "alt-to-websecure@internal",
            "acme-http@internal"
        ]
    );
    assert_eq!(routers[0].rule, REDIRECT_RULE);
    assert_eq!(routers[0].priority, i64::MAX - 1);
    assert!(!routers[0].tls);
    assert_eq!(routers[2].rule, ACME_RULE);
    assert_eq!(routers[2].priority, i64::MAX);
    assert_eq!(routers[2].entrypoints, ["web", "alt"]);
    assert!(routers.iter().all(|r| r.provider == "internal"));
    // Internal routers may use the reserved range.
    assert!(run(&routers, V37).routers.iter().all(|r| r.error.is_none()));
}

#[test]
fn tls_and_plain_routers_live_in_separate_tables() {
    let routers = [
        router(
            "a@file",
            "Host(`seisei.tokyo`)",
            0,
            &["web", "websecure"],
            false,
        ),
        router("b@file", "Host(`seisei.tokyo`)", 0, &["websecure"], true),
    ];
    let analysis = run(&routers, V37);
    assert_eq!(analysis.findings, []);
    assert_eq!(
        analysis.routers[0].tables,
        [
            Table {
                entrypoint: "web".to_owned(),
                tls: false
            },
            Table {
                entrypoint: "websecure".to_owned(),
                tls: false
            },
        ]
    );
}

#[test]
fn distinct_paths_methods_and_negations_do_not_overlap() {
    let exclusive = [
        ("Path(`/a`)", "Path(`/b`)"),
        ("PathPrefix(`/a`)", "PathPrefix(`/b`)"),
        ("Path(`/x`)", "PathPrefix(`/a`)"),
        ("Method(`GET`)", "Method(`post`)"),
        ("PathPrefix(`/x`)", "!PathPrefix(`/x`)"),
        ("Path(`/x/y`)", "!PathPrefix(`/x`)"),
        ("Host(`a.seisei.tokyo`)", "!Host(`*.seisei.tokyo`)"),
        ("Path(`/a`)", "PathRegexp(`^/b`)"),
        ("Host(`a.seisei.tokyo`)", r"HostRegexp(`^b\.`)"),
    ];
    for (x, y) in exclusive {
        assert!(!overlaps(&terms(x, V37), &terms(y, V37)), "{x} vs {y}");
    }
    let routers = [
        router(
            "x@file",
            "Host(`a.seisei.tokyo`) && !PathPrefix(`/x`)",
            9,
            &["web"],
            false,
        ),
        router(
            "y@file",
            "Host(`a.seisei.tokyo`) && PathPrefix(`/x`)",
            9,
            &["web"],
            false,
        ),
    ];
    assert_eq!(run(&routers, V37).findings, []);
}

#[test]
fn headers_queries_and_regexes_may_overlap() {
    let overlapping = [
        ("Header(`X`, `1`)", "Header(`X`, `2`)"),
        ("Query(`a`, `1`)", "Query(`a`, `2`)"),
        ("ClientIP(`10.0.0.1`)", "ClientIP(`10.0.0.2`)"),
        ("PathRegexp(`^/a`)", "PathRegexp(`/b`)"),
        ("PathPrefix(`/a`)", "PathPrefix(`/a/b`)"),
        ("Host(`a.seisei.tokyo`)", "!Host(`b.seisei.tokyo`)"),
    ];
    for (x, y) in overlapping {
        assert!(overlaps(&terms(x, V37), &terms(y, V37)), "{x} vs {y}");
    }
    // Unknown leaves never prove coverage unless they are identical.
    let broad = terms("Host(`a.b`) && Header(`X`, `1`)", V37);
    assert!(!covers(
        &broad,
        &terms("Host(`a.b`) && Header(`X`, `2`)", V37)
    ));
    assert!(covers(
        &broad,
        &terms("Host(`a.b`) && Header(`X`, `1`) && Path(`/`)", V37)
    ));
}

#[test]
fn alternatives_are_covered_one_by_one() {
    let broad = terms("Host(`a.b`) && (PathPrefix(`/x`) || PathPrefix(`/y`))", V37);
    assert_eq!(broad.len(), 2);
    assert!(covers(
        &broad,
        &terms("Host(`a.b`) && (Path(`/x/1`) || PathPrefix(`/y/2`))", V37)
    ));
    assert!(!covers(
        &broad,
        &terms("Host(`a.b`) && (Path(`/x/1`) || PathPrefix(`/z`))", V37)
    ));
    // `!(A && B)` is `!A || !B`.
    assert_eq!(terms("!(Path(`/a`) && Method(`GET`))", V37).len(), 2);
}

#[test]
fn oversized_rules_may_overlap_but_never_shadow() {
    // Seven `||` pairs under `&&` expand to 128 terms, over the limit.
    let groups: Vec<String> = (0..7)
        .map(|i| format!("(Header(`h{i}`, `a`) || Header(`h{i}`, `b`))"))
        .collect();
    let big = format!("Host(`a.seisei.tokyo`) && {}", groups.join(" && "));
    let routers = [
        router("big@file", &big, 50, &["web"], false),
        router("catch@file", "Host(`a.seisei.tokyo`)", 80, &["web"], false),
        router(
            "narrow@file",
            "Host(`a.seisei.tokyo`) && Path(`/`)",
            10,
            &["web"],
            false,
        ),
        router(
            "twin@file",
            "Host(`a.seisei.tokyo`) && Path(`/x`)",
            50,
            &["web"],
            false,
        ),
    ];
    let analysis = run(&routers, V37);
    assert!(!analysis.routers[0].precise);
    assert!(analysis.routers[1].precise);
    // `big` may overlap `twin`, and `catch` covers `twin` and `narrow`; `big` proves
    // nothing about `narrow` and is not proved shadowed by `catch`.
    assert_eq!(
        analysis.findings,
        [
            Finding::Ambiguous {
                a: "big@file".to_owned(),
                b: "twin@file".to_owned(),
                entrypoint: "web".to_owned(),
                tls: false,
                priority: 50,
            },
            shadowed("narrow@file", "catch@file", "web", false),
            shadowed("twin@file", "catch@file", "web", false),
        ]
    );
}

#[test]
fn contradictory_rule_never_matches() {
    let routers = [
        router(
            "both@file",
            "Host(`a.seisei.tokyo`) && Host(`b.seisei.tokyo`)",
            0,
            &["web"],
            false,
        ),
        router("a@file", "Host(`a.seisei.tokyo`)", 0, &["web"], false),
    ];
    let analysis = run(&routers, V37);
    assert_eq!(
        analysis.findings,
        [Finding::NeverMatches {
            router: "both@file".to_owned()
        }]
    );
    assert_eq!(analysis.comparisons, 0);
    assert_eq!(
        analysis.findings[0].to_string(),
        "the rule of router `both@file` never matches: its conditions exclude each other"
    );
}

#[test]
fn unmountable_routers_take_no_part() {
    let routers = [
        router("bad@file", "Host(`a.b`, `c.d`)", 10, &["web"], false),
        router("high@file", "Host(`a.b`)", i64::MAX - 5, &["web"], false),
        router("ok@file", "Host(`a.b`)", 10, &["web"], false),
    ];
    let analysis = run(&routers, V37);
    assert_eq!(analysis.findings, []);
    let error = analysis.routers[0].error.as_deref().unwrap();
    assert!(error.starts_with("rule does not parse: "), "{error}");
    assert!(analysis.routers[0].tables.is_empty());
    assert!(
        analysis.routers[1]
            .error
            .as_deref()
            .unwrap()
            .contains("highest")
    );
    assert_eq!(analysis.routers[2].error, None);
}

#[test]
fn findings_are_sorted_by_table_then_names() {
    let mut routers = edge();
    for name in ["z@docker", "m@docker"] {
        routers.push(router(name, "Host(`x.y`)", 0, &["web", "websecure"], false));
    }
    let analysis = run(&routers, V37);
    let keys: Vec<(String, String)> = analysis
        .findings
        .iter()
        .map(|finding| match finding {
            Finding::Ambiguous { a, entrypoint, .. } => (entrypoint.clone(), a.clone()),
            Finding::Shadowed {
                router, entrypoint, ..
            } => (entrypoint.clone(), router.clone()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("web".to_owned(), "m@docker".to_owned()),
            ("web".to_owned(), "m@docker".to_owned()),
            ("web".to_owned(), "z@docker".to_owned()),
            ("websecure".to_owned(), "m@docker".to_owned()),
        ]
    );
    // Second names break the tie: `web-to-websecure@internal` sorts before `z@docker`.
    assert!(matches!(analysis.findings[0], Finding::Shadowed { .. }));
    assert!(matches!(analysis.findings[1], Finding::Ambiguous { .. }));
}

#[test]
fn comparisons_stay_linear_in_the_number_of_routers() {
    let mut routers = edge();
    let extras = [
        ("root", String::new()),
        ("api", " && PathPrefix(`/api`)".to_owned()),
        ("v2", " && PathPrefix(`/api/v2`)".to_owned()),
        ("health", " && Path(`/health`)".to_owned()),
        ("post", " && Method(`POST`)".to_owned()),
    ];
    for tenant in 0..2000 {
        let (entrypoint, tls) = if tenant % 2 == 0 {
            ("web", false)
        } else {
            ("websecure", true)
        };
        for (kind, extra) in &extras {
            routers.push(router(
                &format!("{kind}-{tenant}@docker"),
                &format!("Host(`t{tenant}.example.com`){extra}"),
                0,
                &[entrypoint],
                tls,
            ));
        }
    }
    routers.push(router(
        "tenants@file",
        "Host(`*.example.com`)",
        0,
        &["websecure"],
        true,
    ));
    let analysis = run(&routers, V37);
    assert_eq!(routers.len(), 10_003);
    assert!(
        analysis.comparisons < 20 * routers.len(),
        "{} comparisons for {} routers",
        analysis.comparisons,
        routers.len()
    );
    // Every router on the redirecting entry point requires a host, so the redirect shadows
    // all 5,000 of them; nothing else conflicts.
    assert_eq!(analysis.findings.len(), 5000);
    assert!(analysis.findings.iter().all(|finding| matches!(
        finding,
        Finding::Shadowed { by, .. } if by == "web-to-websecure@internal"
    )));
}

#[test]
fn names_normalise_like_traefik() {
    assert_eq!(normalize_name("web-to-:443"), "web-to-443");
    assert_eq!(normalize_name("web_1-to-web.secure"), "web-1-to-web-secure");
    assert_eq!(
        emulated_wildcard(r"^[a-z0-9-]+\.erp\.seisei\.tokyo$").as_deref(),
        Some("erp.seisei.tokyo")
    );
    assert_eq!(emulated_wildcard(r"^[a-z0-9-]+\.erp.seisei\.tokyo$"), None);
    assert_eq!(emulated_wildcard(r"^[a-z0-9-]+\.erp\.seisei\.tokyo"), None);
}

#[test]
fn anchored_literal_prefixes_decide_regex_overlap() {
    let a = terms("PathRegexp(`^/a`)", V37);
    let b = terms("PathRegexp(`^/b`)", V37);
    assert!(!overlaps(&a, &b), "`^/a` and `^/b` share no path");
    assert!(overlaps(&a, &terms("PathRegexp(`^/ab[0-9]`)", V37)));
    assert!(!overlaps(
        &terms("PathRegexp(`^/api/v[0-9]+$`)", V37),
        &terms("PathPrefix(`/web`)", V37)
    ));
    assert!(overlaps(
        &terms("PathRegexp(`^/api/v[0-9]+$`)", V37),
        &terms("PathPrefix(`/api`)", V37)
    ));
    // A repeated last character, an alternation or no anchor leave the question open.
    assert!(overlaps(
        &terms("PathRegexp(`^/ab?`)", V37),
        &terms("PathRegexp(`^/ac`)", V37)
    ));
    assert!(overlaps(&terms("PathRegexp(`^/a|^/b`)", V37), &b));
    assert!(overlaps(&terms("PathRegexp(`/a`)", V37), &b));
    let routers = [
        router("a@file", "PathRegexp(`^/a`)", 10, &["web"], false),
        router("b@file", "PathRegexp(`^/b`)", 10, &["web"], false),
    ];
    assert_eq!(run(&routers, V37).findings, [], "no tie is reported");
}
