//! `seisei check --staged` and the hooks that run it, in a real git repository: a commit that
//! stages the spec without the files generated from it, or leaves a new stack's folder
//! untracked, or carries a hand edit inside a docs region, is refused by the installed hook,
//! even when `seisei` is not on git's `PATH`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// A `PATH` with git and the shell but without seisei, as GUI clients run hooks.
fn path_without_seisei() -> String {
    let git = which("git");
    let sh = which("sh");
    let mut dirs: Vec<String> = [git, sh]
        .iter()
        .filter_map(|p| Path::new(p).parent().map(|d| d.display().to_string()))
        .collect();
    dirs.extend(["/usr/bin".to_owned(), "/bin".to_owned()]);
    dirs.dedup();
    let path = dirs.join(":");
    let seisei = Command::new("sh")
        .args(["-c", "command -v seisei"])
        .env("PATH", &path)
        .output()
        .expect("run sh");
    assert!(
        !seisei.status.success(),
        "the test needs a PATH without seisei, but {path} holds one"
    );
    path
}

fn which(program: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .expect("run sh");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A git repository holding a copy of the docs-regions fixture, generated and committed,
/// with seisei's hook installed.
struct Repo {
    dir: tempfile::TempDir,
    path: String,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("temp dir");
        let fixture = crate::repo_root().join("tests/fixtures/docs-regions");
        fs::create_dir_all(dir.path().join("docs")).unwrap();
        for file in ["platform.yaml", "README.md", "docs/operations.md"] {
            fs::copy(fixture.join(file), dir.path().join(file)).unwrap();
        }
        let repo = Repo {
            dir,
            path: path_without_seisei(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        assert_eq!(repo.seisei(&["gen"]).status.code(), Some(0));
        repo.git(&["add", "-A"]);
        repo.commit("start").expect("the first commit has no hook");
        let installed = repo.seisei(&["hook", "install"]);
        assert_eq!(
            installed.status.code(),
            Some(0),
            "{}",
            text(&installed.stderr)
        );
        repo
    }

    fn file(&self, relative: &str) -> std::path::PathBuf {
        self.dir.path().join(relative)
    }

    fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = fs::read_to_string(self.file(relative)).unwrap();
        assert!(text.contains(from), "{relative} holds `{from}`");
        fs::write(self.file(relative), text.replacen(from, to, 1)).unwrap();
    }

    fn seisei(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_seisei"))
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", &self.path)
            .output()
            .expect("run seisei")
    }

    fn git_output(&self, args: &[&str]) -> Output {
        Command::new("git")
            .args(args)
            .current_dir(self.dir.path())
            .env("PATH", &self.path)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.test")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.test")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.path())
            .output()
            .expect("run git")
    }

    fn git(&self, args: &[&str]) {
        let out = self.git_output(args);
        assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
    }

    /// `git commit`; `Err` carries what the refused commit printed.
    fn commit(&self, message: &str) -> Result<(), String> {
        let out = self.git_output(&["commit", "-q", "-m", message]);
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("{}{}", text(&out.stdout), text(&out.stderr)))
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_hook_refuses_a_commit_of_the_spec_without_its_generated_files() {
    let repo = Repo::new();
    repo.edit(
        "platform.yaml",
        "requarks/wiki:2.5.304",
        "requarks/wiki:2.5.305",
    );
    assert_eq!(repo.seisei(&["gen"]).status.code(), Some(0));
    // The working tree is up to date, so the old hook (plain `check`) passed here.
    assert_eq!(repo.seisei(&["check"]).status.code(), Some(0));
    repo.git(&["add", "platform.yaml"]);
    let refused = repo
        .commit("bump the wiki")
        .expect_err("a partial commit is refused");
    assert!(
        refused.contains("expected/infra/stacks/wiki/docker-compose.yml (stale)")
            && refused.contains("-    image: 'requarks/wiki:2.5.304'")
            && refused.contains("then `git add` the spec and the generated files"),
        "{refused}"
    );
    repo.git(&["add", "-A"]);
    repo.commit("bump the wiki")
        .expect("the whole change commits");
}

#[test]
fn an_untracked_stack_folder_counts_as_missing() {
    let repo = Repo::new();
    let added = repo.seisei(&[
        "new",
        "stack",
        "blog",
        "--image",
        "ghost:5.96.0",
        "--route",
        "blog.docs.test",
        "--port",
        "2368",
        "--purpose",
        "Company blog",
    ]);
    assert_eq!(added.status.code(), Some(0), "{}", text(&added.stderr));
    repo.git(&["add", "-u"]);
    let refused = repo
        .commit("add the blog")
        .expect_err("the new folder is untracked");
    assert!(
        refused.contains("expected/infra/stacks/blog/docker-compose.yml (missing)"),
        "{refused}"
    );
    repo.git(&["add", "-A"]);
    repo.commit("add the blog").expect("with the folder staged");
}

#[test]
fn an_unstaged_fix_does_not_hide_a_staged_hand_edit() {
    let repo = Repo::new();
    // A hand edit inside a docs region, staged; then the working tree is put right again
    // without staging that: the commit would record the edit.
    let readme = fs::read_to_string(repo.file("README.md")).unwrap();
    repo.edit("README.md", "| Edge proxy |", "| The edge proxy |");
    repo.git(&["add", "README.md"]);
    fs::write(repo.file("README.md"), &readme).unwrap();
    assert_eq!(repo.seisei(&["check"]).status.code(), Some(0));
    let staged = repo.seisei(&["check", "--staged"]);
    assert_eq!(staged.status.code(), Some(1));
    assert!(
        text(&staged.stderr).contains("README.md (stale regions)"),
        "{}",
        text(&staged.stderr)
    );
    assert!(repo.commit("docs").is_err());
    // `git commit -a` stages into a temporary index; the hook judges that one.
    repo.git(&["reset", "-q"]);
    repo.edit(
        "platform.yaml",
        "requarks/wiki:2.5.304",
        "requarks/wiki:2.5.305",
    );
    let out = repo.git_output(&["commit", "-q", "-a", "-m", "bump"]);
    assert!(!out.status.success(), "stale files refused under commit -a");
    assert_eq!(repo.seisei(&["gen"]).status.code(), Some(0));
    let out = repo.git_output(&["commit", "-q", "-a", "-m", "bump"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn the_hook_calls_seisei_by_the_path_it_was_installed_from() {
    let repo = Repo::new();
    let hook = fs::read_to_string(repo.file(".git/hooks/pre-commit")).unwrap();
    let program = fs::canonicalize(env!("CARGO_BIN_EXE_seisei")).unwrap();
    assert!(
        hook.contains(&format!("seisei='{}'", program.display()))
            && hook.contains("check --staged --spec 'platform.yaml'"),
        "{hook}"
    );
    // Moved away and not on PATH either: the hook says how to repair it.
    let broken = hook.replace(&program.display().to_string(), "/nonexistent/seisei");
    fs::write(repo.file(".git/hooks/pre-commit"), broken).unwrap();
    repo.edit("platform.yaml", "Team wiki", "The wiki");
    repo.git(&["add", "-A"]);
    let refused = repo.commit("x").expect_err("no seisei, no commit");
    assert!(
        refused.contains("cannot find seisei") && refused.contains("seisei hook install --force"),
        "{refused}"
    );
}

#[test]
fn staged_outside_a_repository_says_so() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        crate::repo_root().join("tests/fixtures/minimal/platform.yaml"),
        dir.path().join("platform.yaml"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(["check", "--staged"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("seisei: `--staged` compares what git will commit, but `git rev-parse --show-toplevel` failed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_pre_commit_hooks_run_for_docs_and_any_spec_file() {
    let hooks: serde_yaml::Value = serde_yaml::from_str(
        &fs::read_to_string(crate::repo_root().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    for hook in hooks.as_sequence().unwrap() {
        let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
        for path in [
            "README.md",
            "docs/operations.md",
            "apps/crm.yml",
            "generated/x",
        ] {
            assert!(files.is_match(path), "{:?} runs for {path}", hook["id"]);
        }
    }
    let check = &hooks[0];
    assert_eq!(check["entry"].as_str(), Some("seisei check --staged"));
}
