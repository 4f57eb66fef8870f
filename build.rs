//! Tells the integration tests, at compile time, which real tools (the oracles that judge
//! seisei's output) this build can use, so a test without its tool is reported by `cargo test`
//! as `ignored, needs …` in the normal output instead of passing silently. A runtime check
//! cannot do that: libtest captures what a passing test prints, and only `#[ignore]` shows.
//!
//! Each variable below turns on the `cfg` beside it when it is set and non-empty
//! (`SEISEI_MERMAID_CHECK` also not `0`). `tests/oracle/setup.sh` prints the exports; CI sets
//! `SEISEI_ORACLES=require`, which makes a test fail when any of them is off.

/// Environment variable, and the `cfg` it enables.
const ORACLES: [(&str, &str); 5] = [
    ("SEISEI_TRAEFIK", "seisei_traefik"),
    ("SEISEI_COMPOSE", "seisei_compose"),
    ("SEISEI_DOCKER", "seisei_docker"),
    ("SEISEI_SCHEMAS_DIR", "seisei_schemas"),
    ("SEISEI_MERMAID_CHECK", "seisei_mermaid"),
];

fn main() {
    // Without a `rerun-if-changed`, Cargo would rerun this script on every change in the
    // package; only the variables and the script itself matter.
    println!("cargo::rerun-if-changed=build.rs");
    for (var, cfg) in ORACLES {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        let on = std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0");
        if on {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
