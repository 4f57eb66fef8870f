//! Conventions every command keeps (issue 18, section 6): one JSON document per run for every
//! `--format json`, 64-bit priorities that `jq` reads back exactly, stack names completed by
//! the shell, `--version` naming the commit, and `-v` only where it lists something.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// 2^53 + 1: the first integer a JSON reader with doubles (jq, JavaScript) cannot hold.
const BIG_PRIORITY: &str = "9007199254740993";

fn seisei(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seisei"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SEISEI_SPEC")
        .env_remove("COMPLETE");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The minimal fixture, its app routed with an explicit priority above 2^53, generated.
fn platform() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let spec = fs::read_to_string(crate::repo_root().join("tests/fixtures/minimal/platform.yaml"))
        .unwrap()
        .replace("output: expected", "output: generated")
        .replace(
            "- hosts: [\"*.apps.example.test\"]",
            &format!("- {{ hosts: [big.example.test], priority: {BIG_PRIORITY} }}"),
        );
    fs::write(dir.path().join("platform.yaml"), spec).unwrap();
    let out = seisei(dir.path(), &["gen"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    dir
}

/// Every command with `--format json` prints exactly one JSON document, an empty answer
/// included, and stdout holds nothing else.
#[test]
fn every_json_format_prints_one_document() {
    let dir = platform();
    let url = "http://big.example.test/";
    let cases: [(&[&str], i32); 5] = [
        (&["check", "--format", "json"], 0),
        (&["validate", "--format", "json"], 0),
        (&["routes", "--format", "json"], 0),
        (&["route", url, "--format", "json"], 0),
        (&["route", "http://nowhere.test/", "--format", "json"], 1),
    ];
    for (args, code) in cases {
        let out = seisei(dir.path(), args, &[]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        let mut documents =
            serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>();
        let first = documents.next().expect("one document").expect("valid JSON");
        assert!(
            documents.next().is_none(),
            "{args:?} printed more than one document: {stdout}"
        );
        assert!(first.is_array() || first.is_object(), "{args:?}: {stdout}");
    }
    // Clean answers are empty arrays, not empty output.
    for args in [
        &["check", "--format", "json"][..],
        &["validate", "--format", "json"],
    ] {
        assert_eq!(
            text(&seisei(dir.path(), args, &[]).stdout),
            "[]\n",
            "{args:?}"
        );
    }
    // A stale tree is one array of rows.
    fs::remove_file(dir.path().join("generated/STACKS.md")).unwrap();
    let out = seisei(dir.path(), &["check", "--format", "json"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rows,
        serde_json::json!([{ "path": "generated/STACKS.md", "status": "missing" }])
    );
}

/// A priority above 2^53 comes out of `routes` and `route` as a string that jq prints digit
/// for digit; as a JSON number, jq would print 9007199254740992.
#[test]
fn priorities_above_2_pow_53_survive_jq() {
    let dir = platform();
    let routes = seisei(dir.path(), &["routes", "--format", "json"], &[]);
    let route = seisei(
        dir.path(),
        &["route", "http://big.example.test/", "--format", "json"],
        &[],
    );
    let routes: serde_json::Value = serde_json::from_slice(&routes.stdout).unwrap();
    let row = routes
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "app-hello@docker")
        .unwrap_or_else(|| panic!("no app-hello@docker in {routes}"));
    assert_eq!(row["priority"], BIG_PRIORITY);
    let route: serde_json::Value = serde_json::from_slice(&route.stdout).unwrap();
    assert_eq!(route["entrypoints"][0]["priority"], BIG_PRIORITY, "{route}");
    // Every priority anywhere is a string, Traefik's own routers too.
    for r in routes.as_array().unwrap() {
        assert!(r["priority"].is_string(), "{r}");
    }
    let Ok(jq) = Command::new("jq").arg("--version").output() else {
        eprintln!("jq is not installed: the JSON values were checked, not jq's reading of them");
        return;
    };
    assert!(jq.status.success());
    let filter = r#".[] | select(.name == "app-hello@docker") | .priority"#;
    let mut child = Command::new("jq")
        .args(["-r", filter])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let table = seisei(dir.path(), &["routes", "--format", "json"], &[]).stdout;
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &table).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(text(&out.stdout), format!("{BIG_PRIORITY}\n"));
}

/// The completion entry point, as the registered script calls it at <Tab>: `--stack`,
/// `show` and `new service` offer the spec's stacks, filtered by what is typed.
#[test]
fn stack_names_complete_from_the_spec() {
    let dir = platform();
    let complete = |index: &str, words: &[&str]| {
        let mut args = vec!["--", "seisei"];
        args.extend_from_slice(words);
        let out = seisei(
            dir.path(),
            &args,
            &[
                ("COMPLETE", "bash"),
                ("_CLAP_COMPLETE_INDEX", index),
                ("_CLAP_IFS", "\n"),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    assert_eq!(complete("3", &["gen", "--stack", ""]), "app\nproxy");
    assert_eq!(complete("3", &["check", "--stack", "pr"]), "proxy");
    assert_eq!(complete("2", &["show", "a"]), "app");
    // An empty word at a positional offers the options too, after the stacks.
    assert!(complete("3", &["new", "service", ""]).starts_with("app\nproxy\n--"));
    // Outside any platform there is nothing to offer, and no error in the prompt.
    let empty = tempfile::tempdir().unwrap();
    let out = seisei(
        empty.path(),
        &["--", "seisei", "gen", "--stack", ""],
        &[("COMPLETE", "bash"), ("_CLAP_COMPLETE_INDEX", "3")],
    );
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), String::new())
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // What `seisei completions bash` registers calls that entry point.
    let script = text(&seisei(dir.path(), &["completions", "bash"], &[]).stdout);
    assert!(script.contains("COMPLETE=\"bash\""), "{script}");
    assert!(script.contains("_clap_complete_seisei seisei"), "{script}");
}

/// `--version` names the commit: the checkout's HEAD when built from this repository
/// (`build.rs` reruns when HEAD moves), `unknown commit` otherwise.
#[test]
fn version_names_the_commit() {
    let out = seisei(Path::new("."), &["--version"], &[]);
    let version = text(&out.stdout);
    let expected = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(crate::repo_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(
            || "unknown commit".to_owned(),
            |o| text(&o.stdout).trim()[..12].to_owned(),
        );
    assert_eq!(
        version,
        format!("seisei {} ({expected})\n", env!("CARGO_PKG_VERSION"))
    );
}

/// `-v` is accepted where it lists files (`gen`, `init`, `new`) and refused elsewhere,
/// where it would change nothing.
#[test]
fn verbose_only_where_it_lists_files() {
    let dir = platform();
    fs::remove_file(dir.path().join("generated/STACKS.md")).unwrap();
    let out = seisei(dir.path(), &["gen", "-v"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "wrote generated/STACKS.md\n1 written, 7 unchanged, 0 removed\n"
    );
    let out = seisei(dir.path(), &["new", "service", "app", "worker", "-v"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("wrote generated/"),
        "{}",
        text(&out.stdout)
    );
    for args in [
        &["check", "-v"][..],
        &["validate", "-v"],
        &["routes", "-v"],
        &["-v", "gen"],
        &["show", "app", "--verbose"],
    ] {
        let out = seisei(dir.path(), args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("unexpected argument"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = seisei(dir.path(), &["gen", "-v", "--quiet"], &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "-v and --quiet contradict each other"
    );
}
