//! The real tools that judge seisei's output are all there when CI asks for them. Each oracle
//! test is compiled `ignored` when `build.rs` saw no variable for its tool, which `cargo test`
//! shows as `ignored, needs …`; CI sets `SEISEI_ORACLES=require` so that a missing tool fails
//! the run instead.

/// Each tool's variable, and whether this build was compiled with it.
const ORACLES: [(&str, bool); 5] = [
    ("SEISEI_TRAEFIK", cfg!(seisei_traefik)),
    ("SEISEI_COMPOSE", cfg!(seisei_compose)),
    ("SEISEI_DOCKER", cfg!(seisei_docker)),
    ("SEISEI_SCHEMAS_DIR", cfg!(seisei_schemas)),
    ("SEISEI_MERMAID_CHECK", cfg!(seisei_mermaid)),
];

#[test]
fn every_oracle_is_present_when_required() {
    let required = std::env::var("SEISEI_ORACLES").is_ok_and(|v| v == "require");
    let missing: Vec<&str> = ORACLES
        .iter()
        .filter(|(_, present)| !present)
        .map(|(var, _)| *var)
        .collect();
    assert!(
        !required || missing.is_empty(),
        "SEISEI_ORACLES=require but this build has no {missing:?}, so their tests are ignored: \
         run `{}` before cargo test",
        crate::support::SETUP
    );
    // The build saw the variable; the run must see the same tool.
    for (var, present) in ORACLES {
        if present {
            assert!(
                std::env::var_os(var).is_some_and(|v| !v.is_empty()),
                "this build was compiled with {var} but the test runs without it: run `{}`",
                crate::support::SETUP
            );
        }
    }
}
