//! The `seisei` binary end to end: `gen` and `check` on a temporary copy of a fixture
//! platform, asserting exit codes, stdout, stderr and the files left on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary copy of a fixture's spec (without its expected tree).
struct Workspace {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Workspace {
    fn new(fixture: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = crate::repo_root()
            .join("tests/fixtures")
            .join(fixture)
            .join("platform.yaml");
        fs::copy(spec, dir.path().join("platform.yaml")).expect("copy the fixture spec");
        Workspace { dir }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_seisei"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run seisei");
        Run {
            code: output.status.code().expect("exit code"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    fn edit_spec(&self, edit: impl FnOnce(String) -> String) {
        let spec = self.read("platform.yaml");
        fs::write(self.path("platform.yaml"), edit(spec)).expect("write spec");
    }

    /// Every file under the workspace with its bytes, to prove a run changed nothing.
    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let mut entries: Vec<_> = fs::read_dir(dir)
                .expect("read dir")
                .filter_map(Result::ok)
                .collect();
            entries.sort_by_key(fs::DirEntry::path);
            for entry in entries {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push((path.clone(), fs::read(&path).expect("read file")));
                }
            }
        }
        let mut files = Vec::new();
        walk(self.dir.path(), &mut files);
        files
    }
}

const STACK_COMPOSE: &str = "expected/apps/shop/docker-compose.yml";

#[test]
fn gen_writes_then_reports_everything_unchanged() {
    let ws = Workspace::new("extends-escape-hatch");
    let first = ws.run(&["gen"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, "12 written, 0 unchanged, 0 removed\n");
    let second = ws.run(&["gen"]);
    assert_eq!(second.stdout, "0 written, 12 unchanged, 0 removed\n");
    let check = ws.run(&["check"]);
    assert_eq!(
        (check.code, check.stdout.as_str(), check.stderr.as_str()),
        (0, "", "")
    );
    assert!(
        ws.read("expected/.seisei-manifest")
            .contains("apps/shop/docker-compose.yml\n")
    );
}

#[test]
fn check_reports_a_hand_edit_with_a_diff_then_gen_repairs_it() {
    let ws = Workspace::new("extends-escape-hatch");
    assert_eq!(ws.run(&["gen"]).code, 0);
    let edited = ws
        .read(STACK_COMPOSE)
        .replace("restart: unless-stopped", "restart: always");
    fs::write(ws.path(STACK_COMPOSE), edited).unwrap();

    let check = ws.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("--- a/expected/apps/shop/docker-compose.yml\n+++ b/expected/apps/shop/docker-compose.yml\n"), "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("-    restart: always\n+    restart: unless-stopped\n"),
        "{}",
        check.stdout
    );
    assert_eq!(
        check.stderr,
        "seisei: 1 generated file(s) out of date: expected/apps/shop/docker-compose.yml (stale); run `seisei gen` and commit the result\n"
    );

    let regen = ws.run(&["gen"]);
    assert_eq!(regen.stdout, "1 written, 11 unchanged, 0 removed\n");
    assert_eq!(ws.run(&["check"]).code, 0);
}

/// `check` compares each file with its rendering as both stream by; an edit at either end of
/// a file, or one that only changes its length, is where a streamed comparison could miss.
#[test]
fn check_finds_edits_at_the_ends_and_in_the_length_of_files() {
    type Edit = fn(Vec<u8>) -> Vec<u8>;
    let ws = Workspace::new("extends-escape-hatch");
    assert_eq!(ws.run(&["gen"]).code, 0);
    let inventory = "expected/STACKS.md";
    let edits: [(&str, Edit); 6] = [
        ("a line appended", |mut b| {
            b.extend_from_slice(b"# x\n");
            b
        }),
        ("one more newline", |mut b| {
            b.push(b'\n');
            b
        }),
        ("the last newline removed", |mut b| {
            b.pop();
            b
        }),
        ("the first byte changed", |mut b| {
            b[0] ^= 1;
            b
        }),
        ("emptied", |_| Vec::new()),
        ("only the first half kept", |b| b[..b.len() / 2].to_vec()),
    ];
    for file in [STACK_COMPOSE, inventory] {
        let original = fs::read(ws.path(file)).unwrap();
        for (what, edit) in &edits {
            fs::write(ws.path(file), edit(original.clone())).unwrap();
            let check = ws.run(&["check"]);
            assert_eq!(check.code, 1, "{file}, {what}: {}", check.stderr);
            assert!(
                check.stderr.contains(&format!("{file} (stale)")),
                "{file}, {what}: {}",
                check.stderr
            );
        }
        fs::write(ws.path(file), &original).unwrap();
        assert_eq!(ws.run(&["check"]).code, 0, "{file} restored");
    }
}

#[test]
fn check_reports_a_new_stack_as_missing_files() {
    let ws = Workspace::new("minimal");
    assert_eq!(ws.run(&["gen"]).code, 0);
    ws.edit_spec(|spec| {
        spec + "  second:\n    purpose: Another app\n    status: testing\n    networks: [public]\n    services:\n      api:\n        image: traefik/whoami:v1.10.3\n"
    });
    let check = ws.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check
            .stdout
            .contains("--- /dev/null\n+++ b/expected/infra/stacks/second/docker-compose.yml\n"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stderr
            .contains("expected/infra/stacks/second/docker-compose.yml (missing)"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("expected/STACKS.md (stale)"),
        "{}",
        check.stderr
    );
    assert_eq!(ws.run(&["gen"]).code, 0);
    assert_eq!(ws.run(&["check"]).code, 0);
}

#[test]
fn check_reports_a_removed_stack_as_orphaned_and_gen_removes_only_its_files() {
    let ws = Workspace::new("extends-escape-hatch");
    assert_eq!(ws.run(&["gen"]).code, 0);
    // Files seisei did not generate, inside and beside the removed stack's folder.
    fs::write(ws.path("expected/apps/shop-staging/config.local"), "mine\n").unwrap();
    fs::write(ws.path("expected/README.txt"), "hand-written\n").unwrap();
    ws.edit_spec(|spec| spec.split("  shop-staging:").next().unwrap().to_owned());

    let check = ws.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("--- a/expected/apps/shop-staging/docker-compose.yml\n+++ /dev/null\n"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stderr
            .contains("expected/apps/shop-staging/docker-compose.yml (orphaned)"),
        "{}",
        check.stderr
    );

    let regen = ws.run(&["gen"]);
    assert_eq!(regen.code, 0, "{}", regen.stderr);
    assert_eq!(regen.stdout, "1 written, 8 unchanged, 3 removed\n");
    assert!(
        !ws.path("expected/apps/shop-staging/docker-compose.yml")
            .exists()
    );
    assert_eq!(ws.read("expected/apps/shop-staging/config.local"), "mine\n");
    assert_eq!(ws.read("expected/README.txt"), "hand-written\n");
    assert_eq!(ws.run(&["check"]).code, 0);
}

#[test]
fn gen_refuses_to_overwrite_a_file_it_did_not_generate() {
    let ws = Workspace::new("minimal");
    fs::create_dir_all(ws.path("expected/infra/stacks/app")).unwrap();
    fs::write(
        ws.path("expected/infra/stacks/app/docker-compose.yml"),
        "services: {}\n",
    )
    .unwrap();
    let before = ws.snapshot();
    let regen = ws.run(&["gen"]);
    assert_eq!(regen.code, 2);
    assert!(
        regen
            .stderr
            .contains("refusing to overwrite a file seisei did not generate"),
        "{}",
        regen.stderr
    );
    assert_eq!(
        ws.snapshot(),
        before,
        "a refused gen leaves the tree as it was"
    );
}

#[test]
fn an_invalid_spec_fails_with_its_position_and_writes_nothing() {
    let ws = Workspace::new("minimal");
    ws.edit_spec(|spec| {
        spec.replace(
            "networks: [public]\n    services:\n      hello",
            "networks: [pubic]\n    services:\n      hello",
        )
    });
    let before = ws.snapshot();
    for command in ["gen", "check", "validate"] {
        let run = ws.run(&[command]);
        assert_eq!(run.code, 2, "{command}");
        assert!(
            run.stderr.contains(
                "error[E0203/unknown-network]: unknown network `pubic`\n  --> platform.yaml:"
            ),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("= help: did you mean `public`?"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(ws.snapshot(), before);
}

#[test]
fn a_missing_spec_is_an_error_with_a_hint() {
    let ws = Workspace::new("minimal");
    let run = ws.run(&["check", "--spec", "nope.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the spec"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_documents_exit_codes_and_examples() {
    let ws = Workspace::new("minimal");
    let help = ws.run(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("Exit codes:") && help.stdout.contains("seisei check"),
        "{}",
        help.stdout
    );
    for command in ["gen", "check", "validate"] {
        let help = ws.run(&[command, "--help"]);
        assert!(
            help.stdout.contains("Examples:"),
            "{command}: {}",
            help.stdout
        );
    }
}

#[test]
fn validate_json_prints_one_array_of_every_problem() {
    let ws = Workspace::new("minimal");
    ws.edit_spec(|spec| {
        spec.replace(
            "networks: [public]\n    services:\n      hello",
            "networks: [pubic]\n    services:\n      hello",
        )
        .replace("traefik/whoami:v1.10.3", "traefik/whoami")
    });
    let run = ws.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, 2);
    let problems: Vec<serde_json::Value> =
        serde_json::from_str(&run.stdout).expect("one JSON array of problems");
    let codes: Vec<&str> = problems
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E0203", "W0503", "E0401"], "{}", run.stdout);
    assert_eq!(problems[0]["severity"], "error");
    assert_eq!(problems[0]["suggestion"], "did you mean `public`?");
    assert!(
        problems[0]["line"].as_u64().unwrap() > 0 && problems[0]["column"].as_u64().unwrap() > 0
    );
}

#[test]
fn deny_warnings_turns_warnings_into_a_failure_that_writes_nothing() {
    let ws = Workspace::new("minimal");
    ws.edit_spec(|spec| spec.replace("traefik/whoami:v1.10.3", "traefik/whoami:latest"));
    let plain = ws.run(&["validate"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(
        plain.stderr.contains("warning[W0503/unpinned-image]"),
        "{}",
        plain.stderr
    );
    let before = ws.snapshot();
    let denied = ws.run(&["gen", "--deny-warnings"]);
    assert_eq!(denied.code, 2);
    assert!(
        denied.stderr.contains("denied by --deny-warnings"),
        "{}",
        denied.stderr
    );
    assert_eq!(ws.snapshot(), before);
    assert_eq!(ws.run(&["validate", "--deny-warnings"]).code, 2);
    assert_eq!(ws.run(&["gen"]).code, 0);
}

/// A workspace holding the `docs-regions` fixture with its hand-written documents.
fn docs_workspace() -> Workspace {
    let ws = Workspace::new("docs-regions");
    let fixture = crate::repo_root().join("tests/fixtures/docs-regions");
    fs::create_dir_all(ws.path("docs")).unwrap();
    for doc in ["README.md", "docs/operations.md"] {
        fs::copy(fixture.join(doc), ws.path(doc)).unwrap();
    }
    ws
}

#[test]
fn regions_in_hand_written_docs_are_checked_and_regenerated_and_prose_is_kept() {
    let ws = docs_workspace();
    let first = ws.run(&["gen"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(ws.run(&["check"]).code, 0);
    let original = ws.read("docs/operations.md");
    // Someone edits inside a region, and elsewhere in the prose.
    let edited = original
        .replace(
            "| [wiki.docs.test](<https://wiki.docs.test>) |",
            "| [wiki.docs.test](<https://example.invalid>) |",
        )
        .replace("Before the region.", "Before the region, edited.");
    assert_ne!(edited, original);
    fs::write(ws.path("docs/operations.md"), &edited).unwrap();
    let check = ws.run(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stdout
            .contains("--- a/docs/operations.md\n+++ b/docs/operations.md\n"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains("-| [wiki.docs.test](<https://example.invalid>) |"),
        "{}",
        check.stdout
    );
    assert!(
        check.stderr.contains("docs/operations.md (stale regions)"),
        "{}",
        check.stderr
    );
    assert_eq!(ws.run(&["gen"]).code, 0);
    assert_eq!(
        ws.read("docs/operations.md"),
        original.replace("Before the region.", "Before the region, edited."),
        "only the region was rewritten"
    );
    assert_eq!(ws.run(&["check"]).code, 0);
}

#[test]
fn unbalanced_or_unknown_markers_are_errors_pointing_into_the_document() {
    let ws = docs_workspace();
    let broken = ws
        .read("docs/operations.md")
        .replace("<!-- seisei:end routes -->\n", "")
        .replace(
            "<!-- seisei:begin stack:wiki -->",
            "<!-- seisei:begin stack:wki -->",
        );
    fs::write(ws.path("docs/operations.md"), broken).unwrap();
    let before = ws.snapshot();
    let run = ws.run(&["gen"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error[E0603/marker]: region `stack:wki` begins inside region `routes` (opened on line 12)"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "  --> docs/operations.md:25:1\n   |\n25 | <!-- seisei:begin stack:wki -->\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("region `routes` never ends"),
        "{}",
        run.stderr
    );
    assert_eq!(ws.snapshot(), before, "nothing written");
}
