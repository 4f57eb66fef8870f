//! `seisei import`, through the real binary, on `tests/fixtures/brownfield/` (14 stacks written
//! the way people write compose by hand, with a Traefik edge stack, static and dynamic files):
//! nothing lost (every field first-class, in the escape hatch, or listed), the source tree
//! untouched, no credential copied, the proof clean, `import → gen → import` stable, the
//! defects found at their lines, and the real Compose finding original and regenerated files
//! equal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::repo_root;

pub(crate) fn seisei(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seisei"))
        .current_dir(dir)
        .args(args)
        .args(["--color", "never"])
        .env_remove("SEISEI_SPEC")
        .output()
        .expect("the binary runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch folder holding a copy of the fixture as `stacks/`.
pub(crate) fn scratch() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("a temp dir");
    let stacks = temp.path().join("stacks");
    copy(&repo_root().join("tests/fixtures/brownfield"), &stacks);
    (temp, stacks)
}

/// Runs `import --verify` on the source tree against `spec` with `from` replaced by `to`,
/// and returns what it printed, having checked that it found a difference.
pub(crate) fn verify_edited(temp: &tempfile::TempDir, spec: &str, from: &str, to: &str) -> String {
    let changed = spec.replacen(from, to, 1);
    assert_ne!(spec, changed, "`{from}` is not in the spec");
    std::fs::write(temp.path().join("platform.yaml"), changed).unwrap();
    let verify = seisei(temp.path(), &["import", "--verify", "stacks"]);
    let stdout = text(&verify.stdout);
    assert_eq!(
        verify.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&verify.stderr)
    );
    stdout
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Every file below `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable") {
            let entry = entry.expect("entry");
            if entry.file_type().expect("type").is_dir() {
                stack.push(entry.path());
            } else {
                out.insert(entry.path(), std::fs::read(entry.path()).expect("read"));
            }
        }
    }
    out
}

fn import_json(dir: &Path) -> Value {
    let out = seisei(dir, &["import", "stacks", "--report", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr:\n{}\nstdout:\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).expect("the JSON report")
}

#[test]
fn the_brownfield_platform_imports_with_nothing_lost_and_the_proof_clean() {
    let (temp, stacks) = scratch();
    let before = tree(&stacks);
    let report = import_json(temp.path());
    assert_eq!(tree(&stacks), before, "import changed the source tree");
    let counts = &report["counts"];
    assert_eq!(counts["stacks"], 14);
    assert_eq!(counts["services"], 15);
    assert_eq!(counts["routes"], 15);
    assert_eq!(counts["escape_hatch"], 2, "{report:#}");
    assert_eq!(counts["secrets"], 2, "{report:#}");
    // The only thing not imported is the main file's name, which seisei does not write.
    let not: Vec<&Value> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "not-imported")
        .collect();
    let places: Vec<String> = not
        .iter()
        .map(|e| format!("{}:{}", e["file"].as_str().unwrap(), e["line"]))
        .collect();
    assert_eq!(places, ["wiki/compose.yaml:1"], "{not:#?}");
    let verify = &report["verify"];
    assert_eq!(verify["unexplained"], 0, "{verify:#}");
    assert_eq!(verify["routers"], 15);
    // What differs is only what import documents, each with its reason.
    let expected: Vec<&str> = verify["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["stack"].as_str().unwrap())
        .collect();
    assert_eq!(
        expected,
        ["edge", "mail", "monitoring", "uptime", "website"],
        "{verify:#}"
    );
    // The spec is valid and generates without errors.
    let validate = seisei(temp.path(), &["validate"]);
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}",
        text(&validate.stderr)
    );
}

#[test]
fn no_credential_reaches_the_spec_or_the_report() {
    let (temp, _) = scratch();
    let out = seisei(temp.path(), &["import", "stacks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let spec = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    for secret in [
        "xoxb-4823371911-Hq8Zr2LmPv0sKd",
        "Qm9vZ2xlRm9vQmFyQmF6MTIzNDU2Nzg5MGFiY2RlZg7X",
    ] {
        assert!(!spec.contains(secret), "the spec holds a credential");
        assert!(
            !text(&out.stdout).contains(secret),
            "the report shows a credential"
        );
        assert!(
            !text(&out.stderr).contains(secret),
            "a diagnostic shows a credential"
        );
    }
    let stdout = text(&out.stdout);
    assert!(stdout.contains("mail/docker-compose.yml:10: services.smtp.environment.RELAYHOST_PASSWORD: looks like a Slack token: not copied, now a secret variable with a placeholder"), "{stdout}");
    assert!(
        stdout.contains(
            "automation/.env.example:2: N8N_ENCRYPTION_KEY: looks like a long random string"
        ),
        "{stdout}"
    );
}

#[test]
fn an_existing_spec_is_not_replaced_without_force() {
    let (temp, _) = scratch();
    std::fs::write(temp.path().join("platform.yaml"), "keep me\n").unwrap();
    let out = seisei(temp.path(), &["import", "stacks"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pass --force to replace it"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap(),
        "keep me\n"
    );
    let dry = seisei(temp.path(), &["import", "stacks", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    assert!(text(&dry.stdout).contains("stacks:\n"));
    assert_eq!(
        std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap(),
        "keep me\n"
    );
    let forced = seisei(temp.path(), &["import", "stacks", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
}

/// The spec without its comment lines, which the generated files do not carry beyond the
/// purpose.
fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Imports, moves the replaced files away as the report says, and runs `gen`.
fn import_and_gen(temp: &Path) -> Value {
    let report = import_json(temp);
    for file in report["replaced"].as_array().unwrap() {
        std::fs::remove_file(temp.join("stacks").join(file.as_str().unwrap())).unwrap();
    }
    let generated = seisei(temp, &["gen"]);
    assert_eq!(
        generated.status.code(),
        Some(0),
        "{}",
        text(&generated.stderr)
    );
    report
}

#[test]
fn import_gen_import_gives_the_same_spec() {
    let (temp, _) = scratch();
    import_and_gen(temp.path());
    let first = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    let again = seisei(temp.path(), &["import", "stacks", "--force"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("0 differences, 0 unexplained"),
        "{}",
        text(&again.stdout)
    );
    let second = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    assert_eq!(without_comments(&first), without_comments(&second));
    // And `--verify` agrees: the tree is what the spec generates.
    let verify = seisei(temp.path(), &["import", "--verify", "stacks"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
}

#[test]
fn split_writes_one_file_per_stack_that_the_spec_includes() {
    let (temp, _) = scratch();
    let out = seisei(temp.path(), &["import", "stacks", "--split"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
    assert!(
        temp.path().join("stacks/odoo-prod.yaml").is_file()
            || temp.path().join("stacks").join("odoo-prod.yaml").exists()
    );
    let spec = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    assert!(spec.contains("include:\n- stacks/*.yaml"), "{spec}");
}

#[test]
fn defects_are_reported_at_their_lines() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("src");
    std::fs::create_dir_all(dir.join("edge/dynamic")).unwrap();
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(dir.join("edge/docker-compose.yml"), "services:\n  traefik:\n    image: traefik:v3.7.9\n    container_name: traefik\n    restart: unless-stopped\n    ports:\n      - \"443:443\"\n    volumes:\n      - ./traefik.yml:/etc/traefik/traefik.yml:ro\n      - ./dynamic:/etc/traefik/dynamic:ro\n    networks: [edge]\nnetworks:\n  edge:\n    external: true\n").unwrap();
    std::fs::write(dir.join("edge/traefik.yml"), "entryPoints:\n  websecure:\n    address: \":443\"\nproviders:\n  file:\n    directory: /etc/traefik/dynamic\n").unwrap();
    std::fs::write(dir.join("edge/dynamic/routes.yml"), "http:\n  routers:\n    tenants:\n      rule: \"HostRegexp(`{sub:[a-z]+}.example.test`)\"\n      service: app\n    legacy:\n      rule: \"Host(`old.example.test`)\"\n      service: gone\n    admin:\n      rule: \"Host(`admin.example.test`) && PathRegexp(`/admin`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"http://app:9999\"\n    gone:\n      loadBalancer:\n        servers:\n          - url: \"http://retired:8080\"\n").unwrap();
    std::fs::write(dir.join("app/docker-compose.yml"), "services:\n  app:\n    image: nginx:1.27.3\n    container_name: app\n    restart: unless-stopped\n    expose: [\"80\"]\n    networks: [edge]\n    labels:\n      - traefik.http.routers.web.rule=Host(`www.example.test`)\n      - traefik.http.routers.www.rule=Host(`www.example.test`)\nnetworks:\n  edge:\n    external: true\n").unwrap();
    let out = seisei(temp.path(), &["import", "src", "--dry-run"]);
    let stderr = text(&out.stderr);
    for expected in [
        "warning[W0801/labels-without-docker-provider]: service `app` has Traefik router labels, but the static configuration does not enable the Docker provider, so Traefik ignores them\n  --> src/app/docker-compose.yml:8:1",
        "warning[W0802/v2-rule-syntax]: router `tenants` uses Traefik v2 rule syntax",
        "the imported spec uses the v3 rule `HostRegexp(`^[a-z]+\\.example\\.test$`)`",
        "warning[W0803/unknown-backend]: service `app` sends traffic to port 9999 of `app`, which exposes only 80",
        "warning[W0803/unknown-backend]: service `gone` sends traffic to `http://retired:8080`, but no container is named `retired`",
        "warning[W0804/unanchored-regexp]: router `admin` matches the regular expression `/admin` anywhere in the value",
        "warning[W0805/shared-host]: routers `web` and `www` both claim host `www.example.test`",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("src/edge/dynamic/routes.yml:3:1"),
        "{stderr}"
    );
}

#[test]
fn a_folder_without_compose_files_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(temp.path().join("empty")).unwrap();
    let out = seisei(temp.path(), &["import", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no compose file found below this folder"),
        "{}",
        text(&out.stderr)
    );
}

/// The real Compose judges: `docker compose config --format json` of each original and of
/// the regenerated file, every variable set to a sentinel, must be equal once the `traefik.`
/// labels (compared as routers by verify), the documented differences and the project's
/// working directory are set aside.
#[test]
#[cfg_attr(
    not(seisei_compose),
    ignore = "needs SEISEI_COMPOSE (the real docker compose): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn the_real_compose_finds_original_and_regenerated_files_equal() {
    let compose = crate::support::tool("SEISEI_COMPOSE");
    let (temp, stacks) = scratch();
    let originals = temp.path().join("originals");
    copy(&stacks, &originals);
    import_and_gen(temp.path());
    let mut compared = 0;
    let mut differences = Vec::new();
    for entry in std::fs::read_dir(&originals).unwrap() {
        let folder = entry.unwrap().path();
        let main = ["compose.yaml", "docker-compose.yml"]
            .iter()
            .map(|n| folder.join(n))
            .find(|p| p.is_file());
        let Some(main) = main else { continue };
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let generated = stacks.join(&name).join("docker-compose.yml");
        let names = crate::support::interpolated_names(&format!(
            "{}{}",
            std::fs::read_to_string(&main).unwrap(),
            std::fs::read_to_string(&generated).unwrap()
        ));
        let env = temp.path().join(format!("{name}.env"));
        std::fs::write(
            &env,
            names.iter().fold(String::new(), |mut all, n| {
                use std::fmt::Write as _;
                let _ = writeln!(all, "{n}={}", crate::support::sentinel(n));
                all
            }),
        )
        .unwrap();
        let config = |files: &[&Path]| -> Value {
            let mut command = Command::new(&compose);
            command
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", temp.path());
            for file in files {
                command.arg("-f").arg(file);
            }
            let file = files[files.len() - 1];
            let out = command
                .arg("--env-file")
                .arg(&env)
                .args(["config", "--format", "json"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                file.display(),
                text(&out.stderr)
            );
            let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
            // Compose's defaults, which seisei writes out: the `local` volume driver, the
            // `bridge` network driver, `/tcp` on an exposed port.
            for (top, default) in [("volumes", "local"), ("networks", "bridge")] {
                for item in v[top]
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    if item["driver"] == default {
                        item.as_object_mut().unwrap().remove("driver");
                    }
                }
            }
            // Secrets and configs from files name them by absolute path, in a folder that
            // differs by construction.
            for top in ["secrets", "configs"] {
                for item in v[top]
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    if let Some(file) = item["file"].as_str() {
                        let file = file
                            .replace(&*originals.to_string_lossy(), "ROOT")
                            .replace(&*stacks.to_string_lossy(), "ROOT");
                        item["file"] = Value::String(file);
                    }
                }
            }
            // Routers are compared by verify; the folders differ by construction; the order
            // of mounts means nothing.
            for svc in v["services"]
                .as_object_mut()
                .into_iter()
                .flat_map(|m| m.values_mut())
            {
                if let Some(labels) = svc.get_mut("labels").and_then(Value::as_object_mut) {
                    labels.retain(|k, _| !k.starts_with("traefik."));
                    if labels.is_empty() {
                        svc.as_object_mut().unwrap().remove("labels");
                    }
                }
                for port in svc
                    .get_mut("expose")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    let bare = port
                        .as_str()
                        .unwrap_or_default()
                        .trim_end_matches("/tcp")
                        .to_owned();
                    *port = Value::String(bare);
                }
                if let Some(volumes) = svc.get_mut("volumes").and_then(Value::as_array_mut) {
                    volumes.sort_by_key(|m| m["target"].as_str().unwrap_or_default().to_owned());
                }
                for volume in svc
                    .get_mut("volumes")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Some(source) = volume["source"].as_str() {
                        let source = source
                            .replace(&*originals.to_string_lossy(), "ROOT")
                            .replace(&*stacks.to_string_lossy(), "ROOT");
                        volume["source"] = Value::String(source);
                    }
                }
            }
            v
        };
        // The main file alone, then each variant over it (`-f main -f variant`).
        let mut pairs = vec![(name.clone(), vec![main.clone()], vec![generated.clone()])];
        for entry in std::fs::read_dir(&folder).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().into_owned();
            if file.starts_with("docker-compose.") && file != "docker-compose.yml" {
                pairs.push((
                    format!("{name}+{file}"),
                    vec![main.clone(), folder.join(&file)],
                    vec![generated.clone(), stacks.join(&name).join(&file)],
                ));
            }
        }
        for (label, original, regenerated) in pairs {
            let a = config(&original.iter().map(PathBuf::as_path).collect::<Vec<_>>());
            let b = config(&regenerated.iter().map(PathBuf::as_path).collect::<Vec<_>>());
            compared += 1;
            for (service, svc) in a["services"].as_object().unwrap() {
                let other = &b["services"][service];
                for (key, value) in svc.as_object().unwrap() {
                    if &other[key] != value {
                        differences.push(format!("{label}.{service}.{key}"));
                    }
                }
                for key in other.as_object().unwrap().keys() {
                    if svc.get(key).is_none() {
                        differences.push(format!("{label}.{service}.{key} (generated only)"));
                    }
                }
            }
            for top in ["networks", "volumes", "secrets", "configs"] {
                if a[top] != b[top] {
                    differences.push(format!("{label}.{top}"));
                }
            }
        }
    }
    differences.sort();
    // 14 stacks and the one variant, `odoo-prod` with `docker-compose.bind.yml`.
    assert_eq!(compared, 15);
    // Exactly the differences verify documents: the Docker socket for the labels' provider,
    // the credential now a variable, and the routed ports now declared.
    assert_eq!(
        differences,
        [
            "edge.traefik.volumes",
            "mail.smtp.environment",
            "monitoring.grafana.expose (generated only)",
            "uptime.kuma.expose (generated only)",
            "website.nginx.expose (generated only)",
        ]
        .map(String::from)
        .to_vec(),
        "the real Compose sees other differences"
    );
}

/// The console block of README.md's "Adopting an existing platform": every line it shows
/// is printed by the real run, in the same order.
#[test]
fn the_readme_walkthrough_shows_a_real_run() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme
        .split("## Adopting an existing platform")
        .nth(1)
        .expect("the section");
    let block = section
        .split("```console import\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a console block");
    let mut lines = block.lines();
    assert_eq!(lines.next(), Some("$ seisei import stacks"));
    let (temp, _) = scratch();
    let out = seisei(temp.path(), &["import", "stacks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let mut printed = stdout.lines();
    for shown in lines {
        assert!(
            printed.any(|l| l == shown),
            "README shows a line the run does not print (in this order): {shown}\n\nthe run printed:\n{stdout}"
        );
    }
}
