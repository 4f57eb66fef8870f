//! Hostile input, the reading side (issue 12): links, devices, FIFOs and procfs files where a
//! spec or an included file should be, include patterns from any working directory, and
//! specs built to make "did you mean" slow. Each case runs the real binary in a tree that
//! holds a project (its spec and the output of a successful `gen`) beside a sibling folder
//! standing for another project, with a fake credentials file; `gen` must exit 2 with the
//! whole message below, stay under a memory limit, print nothing of a file it refused, and
//! leave every byte and link of the tree as it was. The value side (secrets, control
//! characters, tags, hosts, line endings) is in `hostile_values.rs`, on the same harness.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A valid platform: a proxy and one routed app, writing into `generated/`.
pub const BASE: &str = r#"platform:
  name: Hostile
  domain: example.test
  output: generated
traefik:
  version: "3.7"
  stack: proxy
  service: traefik
  network: public
  entrypoints:
    web:
      address: ":80"
  default_entrypoints: [web]
  default_provider: docker
networks:
  public:
    purpose: Traefik and the routed app
    external: true
stacks:
  proxy:
    purpose: Edge proxy
    status: production
    networks: [public]
    services:
      traefik:
        image: traefik:v3.7.1
        ports:
          - { container: 80, publish: true }
  app:
    purpose: Hello world
    status: testing
    networks: [public]
    services:
      hello:
        image: traefik/whoami:v1.10.3
        ports:
          - { container: 8080 }
        command: ["--port", "8080"]
        routes:
          - hosts: [app.example.test]
"#;

/// What the fake credentials file of the other project holds; no output may contain it.
pub const CREDENTIAL: &str = "FAKE-CREDENTIAL-7Qx9vL2p";

/// A stack file of the other project, valid as an included file: reading it would be
/// enough to add its stack, so a refusal is the only way it stays out.
const OTHER_STACK: &str = "other:\n  purpose: Another project's stack FAKE-CREDENTIAL-7Qx9vL2p\n  status: testing\n  services:\n    x:\n      image: nginx:1.27.0\n";

/// Address space a run may use, in KiB: the issue's target of 64 MB, as a guard (`ulimit
/// -v`), not a timing. The base platform's `gen` runs within it too (about 7 MB resident).
pub const MEMORY_LIMIT_KIB: u64 = 64 * 1024;

/// A run longer than this is a hang (a FIFO opened for reading); the test kills it.
const HANG: Duration = Duration::from_secs(20);

/// The spec of the base platform with `from` replaced by `to`; `from` must occur in it.
pub fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base spec has no {from:?}");
    BASE.replacen(from, to, 1)
}

/// A temporary tree: `project/` (the spec, its output) and `other-project/` beside it.
pub struct Tree {
    dir: tempfile::TempDir,
}

/// What a run of the binary did; `code` is `None` when a signal ended it.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Tree {
    pub fn new() -> Tree {
        let tree = Tree {
            dir: tempfile::tempdir().expect("a temporary directory"),
        };
        fs::create_dir_all(tree.path("project")).expect("the project folder");
        fs::create_dir_all(tree.path("other-project/stacks")).expect("the other project");
        fs::write(
            tree.path("other-project/credentials.yaml"),
            format!("aws_secret_access_key: {CREDENTIAL}\n"),
        )
        .expect("the fake credentials");
        fs::write(tree.path("other-project/stacks/other.yaml"), OTHER_STACK)
            .expect("the other project's stack");
        tree.spec(BASE);
        let run = tree.run(&["gen"]);
        assert_eq!(
            run.code,
            Some(0),
            "the base spec must compile:\n{}",
            run.stderr
        );
        fs::write(tree.path("project/notes.txt"), "kept by hand\n").expect("a user file");
        tree
    }

    /// A path below the tree's root.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Replaces the project's spec.
    pub fn spec(&self, text: impl AsRef<[u8]>) {
        let path = self.path("project/platform.yaml");
        let _ = fs::remove_file(&path);
        fs::write(path, text).expect("write the spec");
    }

    /// A symbolic link at `project/<at>` to `target`, as written.
    pub fn link(&self, target: &str, at: &str) {
        let at = self.path(&format!("project/{at}"));
        let _ = fs::remove_file(&at);
        std::os::unix::fs::symlink(target, at).expect("make a link");
    }

    /// A FIFO at `project/<at>`.
    pub fn fifo(&self, at: &str) {
        let at = self.path(&format!("project/{at}"));
        let status = Command::new("mkfifo")
            .arg(&at)
            .status()
            .expect("run mkfifo");
        assert!(status.success(), "mkfifo {}", at.display());
    }

    /// `seisei ARGS` in `project/`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("project", args)
    }

    /// `seisei ARGS` in `cwd` (relative to the tree), under the memory limit, killed if it
    /// hangs.
    pub fn run_in(&self, cwd: &str, args: &[&str]) -> Run {
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg(format!(
                "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
            ))
            .arg(env!("CARGO_BIN_EXE_seisei"))
            .args(args)
            .current_dir(self.path(cwd))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = command.spawn().expect("run seisei");
        let stdout = drain(child.stdout.take().expect("piped stdout"));
        let stderr = drain(child.stderr.take().expect("piped stderr"));
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for seisei") {
                break status;
            }
            if started.elapsed() > HANG {
                let _ = child.kill();
                let _ = child.wait();
                panic!("seisei {args:?} hung: killed after {HANG:?}");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        Run {
            code: status.code(),
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
        }
    }

    /// Runs `seisei ARGS` in `project/` and checks the refusal: exit 2, nothing on stdout,
    /// exactly `stderr`, no byte of a refused file shown, and the tree as it was.
    #[track_caller]
    pub fn refuses(&self, args: &[&str], stderr: &str) {
        let run = self.refused(args);
        assert_eq!(run.stderr, stderr, "seisei {args:?}: the whole message");
    }

    /// [`Tree::refuses`] for a message checked in parts by the caller; returns the run.
    #[track_caller]
    pub fn refused(&self, args: &[&str]) -> Run {
        let before = snapshot(self.dir.path());
        let run = self.run(args);
        let after = snapshot(self.dir.path());
        assert_eq!(
            run.code,
            Some(2),
            "seisei {args:?}: exit code\n{}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "seisei {args:?}: stdout");
        for output in [&run.stdout, &run.stderr] {
            assert!(
                !output.contains(CREDENTIAL) && !output.contains("aws_secret"),
                "seisei {args:?} printed the other project's file:\n{output}"
            );
            assert!(
                !output.contains("panicked"),
                "seisei {args:?} crashed:\n{output}"
            );
        }
        assert!(
            before == after,
            "seisei {args:?} changed the tree: {:?}",
            changed(&before, &after)
        );
        run
    }
}

/// One entry of a snapshot: a folder, a link (its target), a FIFO or other special file, or
/// a file's bytes. Links are not followed and special files are not opened, so taking a
/// snapshot of a tree that holds `/dev/zero` links and FIFOs is safe.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    Folder,
    Link(PathBuf),
    Special,
    File(Vec<u8>),
}

/// Every entry under `root`, sorted by path.
pub fn snapshot(root: &Path) -> Vec<(PathBuf, Entry)> {
    let mut entries = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("read a folder") {
            let path = entry.expect("a folder entry").path();
            let relative = path.strip_prefix(root).expect("inside root").to_path_buf();
            let kind = fs::symlink_metadata(&path)
                .expect("stat an entry")
                .file_type();
            let entry = if kind.is_symlink() {
                Entry::Link(fs::read_link(&path).expect("read a link"))
            } else if kind.is_dir() {
                pending.push(path);
                Entry::Folder
            } else if kind.is_file() {
                Entry::File(fs::read(&path).expect("read a file"))
            } else {
                Entry::Special
            };
            entries.push((relative, entry));
        }
    }
    entries.sort();
    entries
}

fn changed(before: &[(PathBuf, Entry)], after: &[(PathBuf, Entry)]) -> Vec<String> {
    let mut paths: Vec<String> = (before.iter().filter(|e| !after.contains(e)))
        .chain(after.iter().filter(|e| !before.contains(e)))
        .map(|(path, _)| path.display().to_string())
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The base spec with an `include:` list of `patterns`.
fn including(patterns: &str) -> String {
    format!("{BASE}include: {patterns}\n")
}

/// The tail every refusal ends with.
const NOTHING: &str = "seisei: 1 error(s), 0 warning(s); nothing was written\n";

/// The message for an include entry on line 41 (just after the base spec), column 11.
fn include_error(code: &str, what: &str, shown: &str, help: &str) -> String {
    let carets = "^".repeat(shown.chars().count());
    format!(
        "error[{code}]: {what}\n  --> platform.yaml:41:11\n   |\n41 | include: [{shown}]\n   |           {carets}\n  = help: {help}\n{NOTHING}"
    )
}

const OUTSIDE_HELP: &str = "include only regular files below the spec's folder; copy a shared stack file in instead of linking to it";

// ---------------------------------------------------------------------------------------
// Includes.
// ---------------------------------------------------------------------------------------

/// A glob through a linked folder used to read every file of the other project and print
/// the first line of each under a YAML error, its credentials among them.
#[test]
fn a_glob_through_a_linked_folder_is_refused_unread() {
    let tree = Tree::new();
    tree.link("../other-project", "shared");
    tree.spec(including("[shared/*.yaml]"));
    tree.refuses(
        &["gen"],
        &include_error(
            "E0103/invalid-shape",
            "`shared/*.yaml` runs through `shared`, which resolves outside the spec's folder (a link?)",
            "shared/*.yaml",
            "write a relative path such as `stacks/*.yaml`; `*` and `?` match inside the file name",
        ),
    );
}

/// The same for a folder link one level down, named without a wildcard.
#[test]
fn a_file_named_through_a_linked_folder_is_refused() {
    let tree = Tree::new();
    fs::create_dir(tree.path("project/stacks")).expect("a stacks folder");
    tree.link("../../other-project/stacks", "stacks/shared");
    tree.spec(including("[stacks/shared/other.yaml]"));
    tree.refuses(
        &["gen"],
        &include_error(
            "E0103/invalid-shape",
            "`stacks/shared/other.yaml` runs through `stacks/shared`, which resolves outside the spec's folder (a link?)",
            "stacks/shared/other.yaml",
            "write a relative path such as `stacks/*.yaml`; `*` and `?` match inside the file name",
        ),
    );
}

/// A file link to the other project's credentials, named exactly.
#[test]
fn an_included_link_to_a_file_outside_is_refused() {
    let tree = Tree::new();
    tree.link("../other-project/credentials.yaml", "creds.yaml");
    tree.spec(including("[creds.yaml]"));
    tree.refuses(
        &["gen"],
        &include_error(
            "E0101/io",
            "`creds.yaml` matches creds.yaml, which is a link that leads outside the spec's folder",
            "creds.yaml",
            OUTSIDE_HELP,
        ),
    );
}

/// A glob that matches one good file and one link outside: the link is refused by name and
/// nothing is written, though the good file alone would compile.
#[test]
fn a_glob_matching_a_link_outside_is_refused_by_name() {
    let tree = Tree::new();
    fs::write(
        tree.path("project/z-mine.yaml"),
        "mine:\n  purpose: Mine\n  status: testing\n  services:\n    m:\n      image: nginx:1.27.0\n",
    )
    .expect("a stack file");
    tree.link("../other-project/stacks/other.yaml", "z-theirs.yaml");
    tree.spec(including("[\"z*.yaml\"]"));
    tree.refuses(
        &["gen"],
        &include_error(
            "E0101/io",
            "`z*.yaml` matches z-theirs.yaml, which is a link that leads outside the spec's folder",
            "\"z*.yaml\"",
            OUTSIDE_HELP,
        ),
    );
}

/// Links to devices and procfs files that report a size of 0 and never end.
#[test]
fn included_links_to_endless_files_are_refused_unread() {
    for target in ["/dev/zero", "/dev/urandom", "/proc/self/pagemap"] {
        let tree = Tree::new();
        tree.link(target, "endless.yaml");
        tree.spec(including("[endless.yaml]"));
        tree.refuses(
            &["gen"],
            &include_error(
                "E0101/io",
                "`endless.yaml` matches endless.yaml, which is a link that leads outside the spec's folder",
                "endless.yaml",
                OUTSIDE_HELP,
            ),
        );
    }
}

/// A FIFO matched by a glob: opening it for reading would block until a writer comes.
#[test]
fn an_included_fifo_is_refused_without_blocking() {
    let tree = Tree::new();
    tree.fifo("pipe.yaml");
    tree.spec(including("[\"*.yaml\"]"));
    tree.refuses(
        &["gen"],
        &include_error(
            "E0101/io",
            "`*.yaml` matches pipe.yaml, which is a FIFO (named pipe), not a regular file",
            "\"*.yaml\"",
            OUTSIDE_HELP,
        ),
    );
}

/// A link that stays inside the spec's folder is an ordinary included file.
#[test]
fn an_included_link_inside_the_folder_is_read() {
    let tree = Tree::new();
    fs::create_dir(tree.path("project/stacks")).expect("a stacks folder");
    fs::write(
        tree.path("project/stacks/real.yaml"),
        "mine:\n  purpose: Mine\n  status: testing\n  services:\n    m:\n      image: nginx:1.27.0\n",
    )
    .expect("a stack file");
    tree.link("stacks/real.yaml", "alias.yaml");
    tree.spec(including("[alias.yaml]"));
    let run = tree.run(&["gen"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(tree.path("project/generated/infra/stacks/mine").is_dir());
}

/// `include: ['z*.yaml']` once matched nothing when seisei ran in the spec's own folder
/// (the folder of `platform.yaml` is the empty path); it now matches the same files from
/// there, from the parent and through `--spec` with an absolute path.
#[test]
fn include_globs_mean_the_same_from_any_working_directory() {
    let tree = Tree::new();
    fs::write(
        tree.path("project/z-mine.yaml"),
        "mine:\n  purpose: Mine\n  status: testing\n  services:\n    m:\n      image: nginx:1.27.0\n",
    )
    .expect("a stack file");
    tree.spec(including("['z*.yaml']"));
    let absolute = tree.path("project/platform.yaml").display().to_string();
    for (cwd, args) in [
        ("project", vec!["gen"]),
        (".", vec!["check", "--spec", "project/platform.yaml"]),
        ("other-project", vec!["check", "--spec", absolute.as_str()]),
    ] {
        let run = tree.run_in(cwd, &args);
        assert_eq!(run.code, Some(0), "{cwd} {args:?}:\n{}", run.stderr);
    }
    assert!(tree.path("project/generated/infra/stacks/mine").is_dir());
}

/// `..` and absolute patterns are refused before the file system is asked.
#[test]
fn include_patterns_leaving_the_folder_are_refused() {
    for pattern in ["../other-project/stacks/*.yaml", "/etc/*.conf"] {
        let tree = Tree::new();
        tree.spec(including(&format!("[\"{pattern}\"]")));
        tree.refuses(
            &["gen"],
            &include_error(
                "E0103/invalid-shape",
                &format!("`{pattern}` must stay below the spec's folder"),
                &format!("\"{pattern}\""),
                "write a relative path such as `stacks/*.yaml`; `*` and `?` match inside the file name",
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------
// The spec itself.
// ---------------------------------------------------------------------------------------

/// The message for a spec that is not a regular file.
fn unreadable_spec(why: &str) -> String {
    format!(
        "error[E0101/io]: cannot read the spec: {why}\n  --> platform.yaml\n  = help: pass a regular file with `--spec PATH`\n{NOTHING}"
    )
}

/// A spec linked to a device used to be read until memory ran out: the size check trusted
/// the 0 bytes the device reports.
#[test]
fn a_spec_linked_to_a_device_is_refused_unread() {
    for (target, what) in [
        ("/dev/zero", "it is a character device, not a regular file"),
        (
            "/dev/urandom",
            "it is a character device, not a regular file",
        ),
    ] {
        let tree = Tree::new();
        fs::remove_file(tree.path("project/platform.yaml")).expect("remove the spec");
        tree.link(target, "platform.yaml");
        for command in ["gen", "check"] {
            tree.refuses(&[command], &unreadable_spec(what));
        }
    }
}

/// procfs files are regular files that report 0 bytes and stream: refused after the first
/// chunk, not read to the size limit.
#[test]
fn a_spec_linked_to_a_proc_file_is_refused_after_one_chunk() {
    let tree = Tree::new();
    fs::remove_file(tree.path("project/platform.yaml")).expect("remove the spec");
    tree.link("/proc/self/pagemap", "platform.yaml");
    tree.refuses(
        &["gen"],
        &unreadable_spec(
            "it reports 0 bytes but yields more (a /proc or /sys file, or one that grew while it was read)",
        ),
    );
}

/// A spec that is a FIFO, or a folder: refused by what it is, without blocking.
#[test]
fn a_spec_that_is_a_fifo_or_a_folder_is_refused() {
    let tree = Tree::new();
    fs::remove_file(tree.path("project/platform.yaml")).expect("remove the spec");
    tree.fifo("platform.yaml");
    for command in ["gen", "check", "validate"] {
        tree.refuses(
            &[command],
            &unreadable_spec("it is a FIFO (named pipe), not a regular file"),
        );
    }
    fs::remove_file(tree.path("project/platform.yaml")).expect("remove the FIFO");
    fs::create_dir(tree.path("project/platform.yaml")).expect("a folder");
    tree.refuses(
        &["gen"],
        &unreadable_spec("it is a directory, not a regular file"),
    );
}

/// A link to a sparse file over the limit is refused from its size.
#[test]
fn a_spec_linked_to_a_huge_file_is_refused_from_its_size() {
    let tree = Tree::new();
    let big = tree.path("other-project/huge.yaml");
    let file = fs::File::create(&big).expect("create the file");
    file.set_len(seisei::spec::MAX_SPEC_BYTES * 4)
        .expect("grow it");
    drop(file);
    fs::remove_file(tree.path("project/platform.yaml")).expect("remove the spec");
    tree.link("../other-project/huge.yaml", "platform.yaml");
    tree.refuses(
        &["gen"],
        &format!(
            "error[E0101/io]: the spec is over the limit of {} bytes\n  --> platform.yaml\n  = help: split the platform or remove what is not a stack definition\n{NOTHING}",
            seisei::spec::MAX_SPEC_BYTES
        ),
    );
}

// ---------------------------------------------------------------------------------------
// "Did you mean", bounded.
// ---------------------------------------------------------------------------------------

/// Two 23,000-character names a letter apart (a 46 KB spec) once took 1.95 GB to compare.
/// Names over 64 characters are not compared; the name rule refuses them anyway.
#[test]
fn long_misspelt_names_are_refused_within_the_memory_limit() {
    let tree = Tree::new();
    let name = "a".repeat(23_000);
    let typo = format!("{}b", "a".repeat(22_999));
    // A plain key is at most 1,024 characters in YAML; an explicit one (`? KEY`) is not.
    let spec = with(
        "  public:\n    purpose: Traefik and the routed app\n",
        &format!(
            "  public:\n    purpose: Traefik and the routed app\n  ? {name}\n  : purpose: x\n"
        ),
    )
    .replacen(
        "    networks: [public]\n    services:\n      hello:",
        &format!("    networks: [public, {typo}]\n    services:\n      hello:"),
        1,
    );
    assert!(spec.len() > 46_000);
    tree.spec(spec);
    let run = tree.refused(&["gen"]);
    assert!(
        run.stderr.contains("error[E0201/invalid-name]"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
}

/// Thousands of misspelt references to thousands of long names: each suggestion is cheap,
/// all of them together are bounded, and the list of known names in a help is cut short.
#[test]
fn thousands_of_misspelt_references_are_refused_within_the_memory_limit() {
    let tree = Tree::new();
    let count = 2_000;
    let name = |i: usize| format!("net-{i:05}-abcdefghijklmnopqrstuvwxyz-abcdefghijklmnop");
    let mut networks = String::new();
    for i in 0..count {
        let _ = writeln!(networks, "  {}:\n    purpose: x", name(i));
    }
    let references: Vec<String> = (0..count).map(|i| format!("{}q", name(i))).collect();
    let spec = with("networks:\n", &format!("networks:\n{networks}")).replacen(
        "    networks: [public]\n    services:\n      hello:",
        &format!(
            "    networks: [public, {}]\n    services:\n      hello:",
            references.join(", ")
        ),
        1,
    );
    tree.spec(spec);
    let run = tree.refused(&["gen"]);
    assert!(
        run.stderr.ends_with(&format!(
            "seisei: {count} error(s), 0 warning(s); nothing was written\n"
        )),
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(300)..]
    );
    // The first references get their suggestion.
    assert!(
        run.stderr.contains(&format!("did you mean `{}`?", name(0))),
        "{}",
        &run.stderr[..2_000.min(run.stderr.len())]
    );
    let longest = run.stderr.lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 2_000, "a line of {longest} bytes");
}
