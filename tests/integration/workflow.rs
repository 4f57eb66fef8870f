//! The everyday workflow through the real binary: adding a stack or a service without
//! touching the rest of the spec, the pre-commit hooks, the git hook, finding the spec,
//! colour, completions and the man page.

use std::fs;
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn seisei_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seisei"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SEISEI_SPEC")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().expect("run seisei");
    Run {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

fn seisei(dir: &Path, args: &[&str]) -> Run {
    seisei_in(dir, args, &[])
}

/// A copy of the repository's own platform: a real, commented spec.
fn seisei_platform() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        crate::repo_root().join("platform.yaml"),
        dir.path().join("platform.yaml"),
    )
    .unwrap();
    assert_eq!(seisei(dir.path(), &["gen"]).code, 0);
    dir
}

/// Removes from `edited` the lines `diff` says were inserted; what is left must be the
/// original byte for byte, or the edit touched something else.
fn assert_only_inserted(original: &str, edited: &str) -> String {
    let diff = similar::TextDiff::from_lines(original, edited);
    let mut kept = String::new();
    let mut inserted = String::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Equal => kept.push_str(change.value()),
            similar::ChangeTag::Insert => inserted.push_str(change.value()),
            similar::ChangeTag::Delete => panic!("line removed: {:?}", change.value()),
        }
    }
    assert_eq!(kept, original, "the rest of the spec is byte-identical");
    inserted
}

#[test]
fn new_stack_inserts_a_valid_stack_and_keeps_the_rest_of_a_commented_spec() {
    let dir = seisei_platform();
    let original = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    let run = seisei(
        dir.path(),
        &[
            "new",
            "stack",
            "blog",
            "--image",
            "ghost:5.96.0",
            "--route",
            "blog.seisei.tokyo/en",
            "--port",
            "2368",
            "--purpose",
            "Company blog: news # and notes",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("added to platform.yaml") && run.stdout.contains("written"),
        "{}",
        run.stdout
    );
    let edited = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    let inserted = assert_only_inserted(&original, &edited);
    assert!(
        inserted.contains("  blog:\n    purpose: 'Company blog: news # and notes'\n"),
        "{inserted}"
    );
    assert!(inserted.contains("path_prefix: /en"), "{inserted}");
    // gen ran: the stack's files exist and the tree is current.
    assert!(
        dir.path()
            .join("generated/infra/stacks/blog/docker-compose.yml")
            .is_file()
    );
    assert_eq!(seisei(dir.path(), &["check"]).code, 0);
    let route = seisei(dir.path(), &["route", "https://blog.seisei.tokyo/en/post"]);
    assert!(
        route.stdout.contains("answered by `blog-blog@docker`"),
        "{}",
        route.stdout
    );
}

#[test]
fn new_service_adds_to_an_existing_stack() {
    let dir = seisei_platform();
    let original = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    let run = seisei(
        dir.path(),
        &[
            "new",
            "service",
            "crm-api",
            "worker",
            "--image",
            "ghcr.io/seisei/crm-worker:1.4.2",
            "--network",
            "edge",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let edited = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    let inserted = assert_only_inserted(&original, &edited);
    assert!(inserted.contains("      worker:\n        image: 'ghcr.io/seisei/crm-worker:1.4.2'\n        networks:\n          - edge\n"), "{inserted}");
    let compose = fs::read_to_string(
        dir.path()
            .join("generated/infra/stacks/crm-api/docker-compose.yml"),
    )
    .unwrap();
    assert!(compose.contains("  worker:\n    image: 'ghcr.io/seisei/crm-worker:1.4.2'\n    container_name: crm-api-worker\n"), "{compose}");
}

#[test]
fn new_refuses_existing_and_invalid_names_and_dry_run_writes_nothing() {
    let dir = seisei_platform();
    let spec = dir.path().join("platform.yaml");
    let original = fs::read(&spec).unwrap();
    let existing = seisei(dir.path(), &["new", "stack", "crm-api", "--purpose", "CRM"]);
    assert_eq!(existing.code, 2);
    assert!(
        existing.stderr.contains(
            "error[E0201/invalid-name]: stack `crm-api` already exists\n  --> platform.yaml:"
        ),
        "{}",
        existing.stderr
    );
    let invalid = seisei(dir.path(), &["new", "stack", "Blog", "--purpose", "Blog"]);
    assert_eq!(invalid.code, 2);
    assert!(
        invalid.stderr.contains(
            "stack name `Blog` is invalid: it must start with a lower-case letter or a digit"
        ),
        "{}",
        invalid.stderr
    );
    let unknown = seisei(dir.path(), &["new", "service", "crm-apii", "worker"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `crm-api`?"),
        "{}",
        unknown.stderr
    );
    // A route on a port the service does not publish would be invalid: refused, not written.
    let broken = seisei(
        dir.path(),
        &[
            "new",
            "stack",
            "x",
            "--route",
            "api.seisei.tokyo/crm",
            "--port",
            "3001",
            "--image",
            "a:1",
            "--purpose",
            "X",
        ],
    );
    assert_eq!(broken.code, 2, "{}", broken.stderr);
    assert!(
        broken.stderr.contains("would make the spec invalid") && broken.stderr.contains("E0405"),
        "{}",
        broken.stderr
    );
    let dry = seisei(
        dir.path(),
        &[
            "new",
            "stack",
            "blog",
            "--image",
            "ghost:5.96.0",
            "--purpose",
            "Blog",
            "--dry-run",
        ],
    );
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("+++ b/platform.yaml") && dry.stdout.contains("+  blog:"),
        "{}",
        dry.stdout
    );
    assert_eq!(fs::read(&spec).unwrap(), original, "nothing written");
    assert!(!dir.path().join("generated/infra/stacks/blog").exists());
}

#[test]
fn the_pre_commit_hooks_fail_on_a_stale_tree_and_pass_on_a_fresh_one() {
    let hooks: serde_yaml::Value = serde_yaml::from_str(
        &fs::read_to_string(crate::repo_root().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let hooks = hooks.as_sequence().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["seisei-check", "seisei-gen"]);
    for hook in hooks {
        assert_eq!(hook["pass_filenames"], serde_yaml::Value::Bool(false));
        let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
        for path in [
            "platform.yaml",
            "infra/platform.yml",
            "stacks/crm.yaml",
            "generated/STACKS.md",
            "generated/infra/stacks/a/docker-compose.yml",
        ] {
            assert!(files.is_match(path), "{:?} must run for {path}", hook["id"]);
        }
        assert!(!files.is_match("src/main.rs"));
        let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
        assert_eq!(entry[0], "seisei");
        let dir = seisei_platform();
        // `seisei-check` judges what git would commit: the tree is staged before each run.
        let git_add_all = |dir: &Path| {
            for args in [&["init", "-q"][..], &["add", "-A"]] {
                let ok = Command::new("git").args(args).current_dir(dir).status();
                assert!(ok.is_ok_and(|s| s.success()), "git {args:?}");
            }
        };
        git_add_all(dir.path());
        let compose = dir
            .path()
            .join("generated/infra/stacks/crm-api/docker-compose.yml");
        assert_eq!(
            seisei(dir.path(), &entry[1..]).code,
            0,
            "{:?}: fresh tree passes",
            hook["id"]
        );
        let text = fs::read_to_string(&compose).unwrap();
        fs::write(
            &compose,
            text.replace("restart: unless-stopped", "restart: always"),
        )
        .unwrap();
        git_add_all(dir.path());
        let stale = seisei(dir.path(), &entry[1..]);
        assert_ne!(stale.code, 0, "{:?}: stale tree fails", hook["id"]);
        if hook["id"] == "seisei-check" {
            assert!(
                fs::read_to_string(&compose)
                    .unwrap()
                    .contains("restart: always"),
                "check never modifies files"
            );
        } else {
            assert_eq!(
                seisei(dir.path(), &entry[1..]).code,
                0,
                "after gen, the hook passes"
            );
        }
    }
}

#[test]
fn hook_install_writes_only_its_own_hook() {
    let dir = seisei_platform();
    let git = Command::new("git")
        .arg("init")
        .arg("-q")
        .current_dir(dir.path())
        .status();
    if !git.is_ok_and(|s| s.success()) {
        eprintln!("skipped: git is not installed");
        return;
    }
    let hook = dir.path().join(".git/hooks/pre-commit");
    let installed = seisei(dir.path(), &["hook", "install"]);
    assert_eq!(installed.code, 0, "{}", installed.stderr);
    let script = fs::read_to_string(&hook).unwrap();
    assert!(
        script.starts_with("#!/bin/sh\n# Installed by `seisei hook install`.\n")
            && script.contains("check --staged --spec 'platform.yaml'"),
        "{script}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            fs::metadata(&hook).unwrap().permissions().mode() & 0o111,
            0o111,
            "executable"
        );
    }
    assert_eq!(
        seisei(dir.path(), &["hook", "install"]).code,
        0,
        "reinstalling its own hook is fine"
    );
    assert_eq!(seisei(dir.path(), &["hook", "uninstall"]).code, 0);
    assert!(!hook.exists());
    fs::write(&hook, "#!/bin/sh\nmake lint\n").unwrap();
    let refused = seisei(dir.path(), &["hook", "install"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("already exists and seisei did not write it"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        seisei(dir.path(), &["hook", "uninstall"]).code,
        2,
        "uninstall leaves a foreign hook"
    );
    assert_eq!(fs::read_to_string(&hook).unwrap(), "#!/bin/sh\nmake lint\n");
    assert_eq!(seisei(dir.path(), &["hook", "install", "--force"]).code, 0);
    assert!(
        fs::read_to_string(&hook)
            .unwrap()
            .contains("check --staged")
    );
}

#[test]
fn the_spec_is_found_like_cargo_finds_cargo_toml() {
    let dir = seisei_platform();
    let nested = dir.path().join("generated/infra/stacks");
    let found = seisei(&nested, &["check"]);
    assert_eq!(found.code, 0, "found in a parent: {}", found.stderr);
    let elsewhere = tempfile::tempdir().unwrap();
    let by_env = seisei_in(
        elsewhere.path(),
        &["validate"],
        &[(
            "SEISEI_SPEC",
            dir.path().join("platform.yaml").to_str().unwrap(),
        )],
    );
    assert_eq!(by_env.code, 0, "{}", by_env.stderr);
    // An explicit path wins over discovery; a missing one is an error naming the fix.
    let missing = seisei(dir.path(), &["validate", "--spec", "nope.yaml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot read the spec") && missing.stderr.contains("--spec"),
        "{}",
        missing.stderr
    );
}

#[test]
fn colour_quiet_and_verbose() {
    let dir = seisei_platform();
    let spec = dir.path().join("platform.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        text.replace(
            "image: ghcr.io/seisei/crm-api:1.4.2",
            "image: ghcr.io/seisei/crm-api",
        ),
    )
    .unwrap();
    let plain = seisei(dir.path(), &["validate"]);
    assert!(!plain.stderr.contains('\x1b'), "no colour off a terminal");
    let forced = seisei(dir.path(), &["validate", "--color", "always"]);
    assert!(
        forced
            .stderr
            .contains("\x1b[1;33mwarning[W0503/unpinned-image]\x1b[0m"),
        "{}",
        forced.stderr
    );
    let quiet = seisei(dir.path(), &["gen", "--quiet"]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()),
        (0, "", "")
    );
    fs::write(&spec, text).unwrap();
    let verbose = seisei(dir.path(), &["gen", "-v"]);
    assert!(
        verbose
            .stdout
            .contains("wrote generated/infra/stacks/crm-api/docker-compose.yml"),
        "{}",
        verbose.stdout
    );
}

#[test]
fn check_json_and_diff_and_one_stack() {
    let dir = seisei_platform();
    let compose = dir
        .path()
        .join("generated/infra/stacks/ocr/docker-compose.yml");
    fs::remove_file(&compose).unwrap();
    let json = seisei(dir.path(), &["check", "--format", "json"]);
    assert_eq!(json.code, 1);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).expect("one JSON array");
    assert_eq!(
        rows,
        [
            serde_json::json!({ "path": "generated/infra/stacks/ocr/docker-compose.yml", "status": "missing" })
        ]
    );
    let diff = seisei(dir.path(), &["diff"]);
    assert_eq!(diff.code, 0, "diff reports but does not fail");
    assert!(
        diff.stdout
            .contains("+++ b/generated/infra/stacks/ocr/docker-compose.yml")
    );
    assert_eq!(
        seisei(dir.path(), &["check", "--stack", "crm-api"]).code,
        0,
        "another stack's file is not crm-api's business"
    );
    assert_eq!(seisei(dir.path(), &["check", "--stack", "ocr"]).code, 1);
    let unknown = seisei(dir.path(), &["check", "--stack", "ocrr"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `ocr`?"),
        "{}",
        unknown.stderr
    );
    let only = seisei(dir.path(), &["gen", "--stack", "ocr"]);
    assert_eq!(only.code, 0, "{}", only.stderr);
    assert_eq!(seisei(dir.path(), &["check"]).code, 0);
}

#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let run = seisei(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0);
        assert!(
            // The script asks seisei itself at each <Tab> (tests/integration/cli_conventions.rs).
            run.stdout.contains("seisei") && run.stdout.contains("COMPLETE"),
            "{shell}"
        );
    }
    let man = seisei(dir.path(), &["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH seisei"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
}

/// A copy of the `includes` fixture: platform.yaml plus one file per stack.
fn split_platform() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = crate::repo_root().join("tests/fixtures/includes");
    fs::create_dir_all(dir.path().join("stacks")).unwrap();
    for file in ["platform.yaml", "stacks/api.yaml", "stacks/site.yaml"] {
        fs::copy(fixture.join(file), dir.path().join(file)).unwrap();
    }
    dir
}

#[test]
fn included_stack_files_report_problems_at_their_own_lines() {
    let dir = split_platform();
    let api = dir.path().join("stacks/api.yaml");
    let text = fs::read_to_string(&api).unwrap();
    fs::write(
        &api,
        text.replace("  networks: [edge]", "  networks: [egde]")
            .replace("imagee", "image"),
    )
    .unwrap();
    let run = seisei(dir.path(), &["validate"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error[E0203/unknown-network]: unknown network `egde`\n  --> stacks/api.yaml:5:14\n  |\n5 |   networks: [egde]\n"), "{}", run.stderr);
    // A shape error inside an included file, too.
    fs::write(&api, text.replace("      image:", "      imagee:")).unwrap();
    let run = seisei(dir.path(), &["validate"]);
    assert!(
        run.stderr.contains("--> stacks/api.yaml:8:7")
            && run.stderr.contains("did you mean `image`?"),
        "{}",
        run.stderr
    );
    // The same stack twice.
    fs::write(&api, text).unwrap();
    fs::write(
        dir.path().join("stacks/copy.yaml"),
        fs::read_to_string(dir.path().join("stacks/site.yaml")).unwrap(),
    )
    .unwrap();
    let run = seisei(dir.path(), &["validate"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("stack `site` is also defined in"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_stack_on_a_split_platform_writes_a_stack_file() {
    let dir = split_platform();
    let spec = fs::read(dir.path().join("platform.yaml")).unwrap();
    let api = fs::read(dir.path().join("stacks/api.yaml")).unwrap();
    let run = seisei(
        dir.path(),
        &[
            "new",
            "stack",
            "blog",
            "--image",
            "ghost:5.96.0",
            "--route",
            "blog.split.test",
            "--port",
            "2368",
            "--purpose",
            "Blog",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let blog = fs::read_to_string(dir.path().join("stacks/blog.yaml")).unwrap();
    assert!(blog.starts_with("blog:\n  purpose: "), "{blog}");
    assert_eq!(
        fs::read(dir.path().join("platform.yaml")).unwrap(),
        spec,
        "platform.yaml untouched"
    );
    assert_eq!(fs::read(dir.path().join("stacks/api.yaml")).unwrap(), api);
    assert!(
        dir.path()
            .join("expected/infra/stacks/blog/docker-compose.yml")
            .is_file()
    );
    // A service goes into the stack's own file.
    let run = seisei(
        dir.path(),
        &[
            "new",
            "service",
            "api",
            "worker",
            "--image",
            "registry.split.test/worker:3.1.0",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let inserted = assert_only_inserted(
        &String::from_utf8(api).unwrap(),
        &fs::read_to_string(dir.path().join("stacks/api.yaml")).unwrap(),
    );
    assert!(
        inserted.contains("    worker:\n      image: 'registry.split.test/worker:3.1.0'\n"),
        "{inserted}"
    );
    assert_eq!(seisei(dir.path(), &["check"]).code, 0);
}
