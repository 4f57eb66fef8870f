//! Every variant (override file) of every platform, combined with its stack's main compose
//! file as `docker compose -f docker-compose.yml -f docker-compose.VARIANT.yml`, must pass the
//! real Compose's `config -q` with every profile, and the merged model must hold what the
//! variant says: its image, command and environment entries, and its mounts at their targets.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::support::{describe, golden_file, interpolated_names, sentinel, tool};
use crate::{all_specs, compile};

/// Compose's interpolation of `text` with every variable at its sentinel.
fn interpolate(text: &str) -> String {
    let mut out = text.replace("$$", "\u{0}");
    for name in interpolated_names(text) {
        // `${NAME}` or `${NAME:?…}` / `${NAME:-…}`: the whole reference is the sentinel.
        while let Some(at) = out.find(&format!("${{{name}")) {
            let end = out[at..].find('}').map_or(out.len(), |e| at + e + 1);
            out.replace_range(at..end, &sentinel(&name));
        }
    }
    out.replace('\u{0}', "$")
}

fn compose(files: &[&Path], env: &Path, args: &[&str], home: &Path) -> Output {
    let mut command = Command::new(tool("SEISEI_COMPOSE"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home);
    for file in files {
        command.arg("-f").arg(file);
    }
    command
        .arg("--env-file")
        .arg(env)
        .args(["--profile", "*"])
        .args(args)
        .output()
        .expect("run compose")
}

#[test]
#[cfg_attr(
    not(seisei_compose),
    ignore = "needs SEISEI_COMPOSE (the real docker compose): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn every_variant_passes_the_real_compose_over_its_main_file() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for spec in all_specs() {
        let compiled = compile(&spec);
        for stack in &compiled.model.stacks {
            for variant in &stack.variants {
                let find = |path: String| {
                    let artifact = compiled
                        .artifacts
                        .iter()
                        .find(|a| a.path == path)
                        .unwrap_or_else(|| panic!("no artifact {path}"));
                    golden_file(&spec, artifact)
                };
                let main = find(stack.compose_path());
                let over = find(stack.variant_path(&variant.name));
                let scratch = tempfile::tempdir().expect("a temporary directory");
                let env = scratch.path().join("sentinel.env");
                let mut text = std::fs::read_to_string(&main).expect("UTF-8");
                text.push_str(&std::fs::read_to_string(&over).expect("UTF-8"));
                let lines: String = interpolated_names(&text)
                    .iter()
                    .map(|n| format!("{n}={}\n", sentinel(n)))
                    .collect::<Vec<_>>()
                    .concat();
                std::fs::write(&env, lines).expect("write the env file");
                let files = [main.as_path(), over.as_path()];
                let quiet = compose(&files, &env, &["config", "-q"], scratch.path());
                if !quiet.status.success() || !quiet.stderr.is_empty() {
                    problems.push(format!("{}: {}", over.display(), describe(&quiet)));
                    continue;
                }
                let output = compose(
                    &files,
                    &env,
                    &["config", "--format", "json"],
                    scratch.path(),
                );
                let model: Value = serde_json::from_slice(&output.stdout).expect("JSON");
                let project = main.parent().expect("a folder");
                for (service, fields) in &variant.services {
                    let got = &model["services"][service];
                    for (key, value) in fields {
                        let want = serde_json::to_value(value).expect("JSON");
                        let ok = match key.as_str() {
                            "image" => {
                                got["image"]
                                    == json!(interpolate(want.as_str().unwrap_or_default()))
                            }
                            "command" => {
                                got["command"]
                                    == json!(
                                        want.as_array()
                                            .into_iter()
                                            .flatten()
                                            .map(|a| interpolate(a.as_str().unwrap_or_default()))
                                            .collect::<Vec<_>>()
                                    )
                            }
                            "environment" | "labels" => {
                                want.as_object().into_iter().flatten().all(|(k, v)| {
                                    got[key.as_str()][k].as_str().map(|s| s.replace("$$", "$"))
                                        == Some(interpolate(v.as_str().unwrap_or_default()))
                                })
                            }
                            "volumes" => want.as_array().into_iter().flatten().all(|m| {
                                let (target, source) = match m {
                                    Value::String(short) => {
                                        let parts: Vec<&str> = short.split(':').collect();
                                        (parts[1].to_owned(), parts[0].to_owned())
                                    }
                                    long => (
                                        long["target"].as_str().unwrap_or_default().to_owned(),
                                        long["source"].as_str().unwrap_or_default().to_owned(),
                                    ),
                                };
                                let source = if source.starts_with('.') {
                                    project.join(&source[2..]).to_string_lossy().into_owned()
                                } else {
                                    source
                                };
                                let at: Vec<&Value> = got["volumes"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .filter(|v| v["target"] == json!(target))
                                    .collect();
                                at.len() == 1
                                    && (at[0]["source"] == json!(source)
                                        || at[0]["type"] == json!("tmpfs"))
                            }),
                            "ports" | "expose" => got[key.as_str()].is_array(),
                            _ => false,
                        };
                        if !ok {
                            problems.push(format!(
                                "{}: services.{service}.{key}: the variant says {want}, the merged model has {}",
                                over.display(),
                                got[key.as_str()]
                            ));
                        }
                    }
                }
                checked += 1;
            }
        }
    }
    eprintln!("docker compose -f main -f variant: {checked} variants");
    assert!(checked > 0, "no platform has a variant");
    assert!(
        problems.is_empty(),
        "the real Compose reads variants differently from the spec:\n{}",
        problems.join("\n")
    );
}
