//! Which router answers one request, and why the others lose.

use super::*;

#[test]
fn explain_sends_a_tenant_host_to_the_wildcard_router() {
    let mut routers = edge();
    routers.push(router(
        "tenants@file",
        "Host(`*.erp.seisei.tokyo`)",
        0,
        &["websecure"],
        true,
    ));
    routers.push(router(
        "www@file",
        "Host(`seisei.tokyo`)",
        0,
        &["websecure"],
        true,
    ));
    let verdict = route(
        &routers,
        &request(true, "Acme.ERP.seisei.tokyo", "/web"),
        "websecure",
        V37,
    );
    assert_eq!(verdict.winner.unwrap().name, "tenants@file");
    assert_eq!(verdict.losers, []);
    // Before v3.7 the same rule is a literal host and nothing answers.
    let verdict = route(
        &routers,
        &request(true, "acme.erp.seisei.tokyo", "/"),
        "websecure",
        V36,
    );
    assert_eq!(verdict.winner, None);
}

#[test]
fn explain_unknown_host_has_no_winner() {
    let mut routers = edge();
    routers.push(router(
        "www@file",
        "Host(`seisei.tokyo`)",
        0,
        &["websecure"],
        true,
    ));
    let verdict = route(
        &routers,
        &request(true, "unknown.example", "/"),
        "websecure",
        V37,
    );
    assert_eq!(verdict.winner, None);
    assert_eq!(verdict.losers, []);
    assert!(!verdict.ambiguous());
}

#[test]
fn explain_lists_matching_losers_with_reasons() {
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
        router(
            "api@file",
            "Host(`api.seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ),
        router(
            "other@file",
            "Host(`other.seisei.tokyo`)",
            0,
            &["websecure"],
            true,
        ),
    ];
    let verdict = route(
        &routers,
        &request(true, "api.seisei.tokyo", "/crm/leads"),
        "websecure",
        V37,
    );
    assert_eq!(verdict.winner.as_ref().unwrap().name, "crm@docker");
    let reasons: Vec<(&str, &LossReason)> = verdict
        .losers
        .iter()
        .map(|loss| (loss.router.name.as_str(), &loss.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "api@docker",
                &LossReason::LowerPriority {
                    priority: 24,
                    winner_priority: 46
                }
            ),
            (
                "api@file",
                &LossReason::LowerPriority {
                    priority: 24,
                    winner_priority: 46
                }
            ),
        ]
    );
    let verdict = route(
        &routers,
        &request(true, "api.seisei.tokyo", "/other"),
        "websecure",
        V37,
    );
    assert_eq!(verdict.winner.as_ref().unwrap().name, "api@docker");
    assert_eq!(
        verdict.losers[0].reason,
        LossReason::ProviderPrecedence {
            provider: "file".to_owned(),
            winner_provider: "docker".to_owned()
        }
    );
    assert_eq!(
        verdict.losers[0].reason.to_string(),
        "same priority, lost on provider precedence: `docker` before `file`"
    );
    assert!(!verdict.ambiguous());
    let verdict = route(
        &routers,
        &request(true, "api.seisei.tokyo", "/other"),
        "websecure",
        V36,
    );
    assert_eq!(verdict.losers[0].reason, LossReason::Tie);
    assert!(verdict.ambiguous());
}

#[test]
fn explain_plain_http_hits_the_redirect_and_the_challenge() {
    let mut routers = edge();
    routers.push(router(
        "app@docker",
        "Host(`app.seisei.tokyo`)",
        0,
        &["web", "websecure"],
        false,
    ));
    let verdict = route(
        &routers,
        &request(false, "app.seisei.tokyo", "/"),
        "web",
        V37,
    );
    assert_eq!(verdict.winner.unwrap().name, "web-to-websecure@internal");
    assert_eq!(verdict.losers.len(), 1);
    let verdict = route(
        &routers,
        &request(false, "app.seisei.tokyo", "/.well-known/acme-challenge/t"),
        "web",
        V37,
    );
    assert_eq!(verdict.winner.unwrap().name, "acme-http@internal");
    assert_eq!(verdict.losers.len(), 2);
    // Pitfall 7: the router has no `tls`, so HTTPS finds nothing.
    let verdict = route(
        &routers,
        &request(true, "app.seisei.tokyo", "/"),
        "websecure",
        V37,
    );
    assert_eq!(verdict.winner, None);
}

#[test]
fn explain_uses_the_requested_entry_point_over_the_candidates() {
    let routers = [
        router("a@file", "Host(`a.b`)", 0, &["web"], false),
        router("b@file", "Host(`a.b`)", 0, &["alt"], false),
    ];
    let inputs: Vec<RouterInput<'_>> = routers.iter().map(OwnedRouterInput::as_input).collect();
    let mut probe = request(false, "a.b", "/");
    let candidates = ["web".to_owned(), "alt".to_owned(), "web".to_owned()];
    let explanation = explain(&inputs, &probe, &candidates, V37);
    let winners: Vec<(&str, &str)> = explanation
        .verdicts
        .iter()
        .map(|v| {
            (
                v.entrypoint.as_str(),
                v.winner.as_ref().unwrap().name.as_str(),
            )
        })
        .collect();
    assert_eq!(winners, [("web", "a@file"), ("alt", "b@file")]);
    probe.entrypoint = Some("alt".to_owned());
    let explanation = explain(&inputs, &probe, &candidates, V37);
    assert_eq!(explanation.verdicts.len(), 1);
    assert_eq!(explanation.verdicts[0].entrypoint, "alt");
}
