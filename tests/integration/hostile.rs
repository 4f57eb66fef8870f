//! Hostile input through the real binary. Each spec of the corpus below replaces the
//! `platform.yaml` of a workspace that already holds the output of a successful `gen` and a
//! few files of its own; `seisei gen` must then exit 2, print a message naming the problem,
//! stay within a time and memory budget, and leave every byte of the workspace as it was.
//!
//! Cases that once got past seisei have tests of their own below the corpus, each saying what
//! went wrong before, so a regression names the old bug.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a run may take. The 10 MB cases take a few seconds in a debug build; anything
/// near this budget is a hang.
const TIME_BUDGET: Duration = Duration::from_secs(30);

/// Address space a run may use, in KiB (`ulimit -v`): 2 GiB. An alias bomb that expands
/// fails against this limit instead of taking the machine's memory.
const MEMORY_BUDGET_KIB: u64 = 2 * 1024 * 1024;

/// A valid platform: a proxy and one routed app, writing into `generated/`.
const BASE: &str = r#"# A valid platform that the hostile cases start from.
platform:
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

/// One hostile spec and a piece of the message `gen` must print for it.
struct Case {
    name: &'static str,
    spec: Vec<u8>,
    expect: &'static str,
}

fn case(name: &'static str, spec: impl Into<Vec<u8>>, expect: &'static str) -> Case {
    Case {
        name,
        spec: spec.into(),
        expect,
    }
}

/// Every case seisei handles today: at least one per kind of hostile input in issue 6.
#[test]
fn hostile_specs_are_refused_and_leave_the_tree_alone() {
    let cases = corpus();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| refuse(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile specs were mishandled:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The 10 MB cases, apart so they run beside the corpus.
#[test]
fn ten_megabyte_specs_are_refused_and_leave_the_tree_alone() {
    let padding = "x".repeat(10 * 1024 * 1024);
    let cases = [
        // The whole file is read and parsed; the problem is at its very end.
        case(
            "10 MB scalar, then an unknown key",
            with(
                "  domain: example.test\n",
                &format!("  domain: example.test\n  description: \"{padding}\"\n  bogus: 1\n"),
            ),
            "unknown field `bogus`",
        ),
        case(
            "10 MB of comment lines",
            "# a comment line of forty characters...\n".repeat(10 * 1024 * 1024 / 40 + 1),
            "E0105",
        ),
    ];
    for case in &cases {
        assert!(case.spec.len() >= 10 * 1024 * 1024, "{}", case.name);
    }
    let failures: Vec<String> = cases.iter().filter_map(|c| refuse(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A file over `MAX_SPEC_BYTES` is refused from its size alone. The file is sparse, so the
/// test costs no disk and proves seisei did not read it: reading 32 MB of NUL bytes would
/// end in a UTF-8 or YAML error instead.
#[test]
fn a_spec_over_the_size_limit_is_refused_before_it_is_read() {
    let workspace = Workspace::new();
    let spec = workspace.path("platform.yaml");
    let file = fs::File::create(&spec).expect("create the spec");
    file.set_len(seisei::spec::MAX_SPEC_BYTES + 1)
        .expect("grow the spec");
    drop(file);
    let result = workspace.gen_unchanged("spec over the size limit", "over the limit of");
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// An output directory that is a file cannot be written; the file must survive.
#[test]
fn an_output_directory_that_is_a_file_is_refused() {
    let cases = [
        case(
            "output is a file beside the spec",
            with("  output: generated\n", "  output: notes.txt\n"),
            "the output directory is a file",
        ),
        case(
            "output is a generated file",
            with("  output: generated\n", "  output: generated/STACKS.md\n"),
            "the output directory is a file",
        ),
        case(
            "output is below a generated file",
            with(
                "  output: generated\n",
                "  output: generated/STACKS.md/deeper\n",
            ),
            "E0601",
        ),
    ];
    let failures: Vec<String> = cases.iter().filter_map(|c| refuse(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------
// Bugs: each test states what seisei does today.
// ---------------------------------------------------------------------------------------

/// Deep block nesting is refused before parsing. The position index is built with
/// `saphyr_parser::Parser::load`, which recurses once per level of a block collection
/// (saphyr limits only flow nesting): this 20 KB spec used to overflow the stack (SIGABRT).
#[test]
fn deep_compact_block_sequences_are_refused() {
    let spec = with(
        "  domain: example.test\n",
        &format!(
            "  domain: example.test\n  description:\n    {}x\n",
            "- ".repeat(10_000)
        ),
    );
    assert_refused(&case(
        "10,000 nested compact block sequences",
        spec,
        "nested too deeply",
    ));
}

/// The same through block mappings, one space of indentation per level (4.5 MB).
#[test]
fn deep_block_mappings_are_refused() {
    let nested = lines(0..3_000, |depth| format!("{}k:\n", " ".repeat(4 + depth)));
    let spec = with(
        "  domain: example.test\n",
        &format!("  domain: example.test\n  description:\n{nested}"),
    );
    assert_refused(&case(
        "3,000 nested block mappings",
        spec,
        "nested too deeply",
    ));
}

/// A 10 MB spec of 3.5 million one-letter scalars in a flow sequence, within
/// `MAX_SPEC_BYTES`. It used to take 17 s and 1.3 GB (a `String` path per node, a second
/// parse by `serde_yaml`); the document tree keeps about 40 bytes per node, and the release
/// build refuses it in about 3 s and 170 MB.
#[test]
fn ten_megabytes_of_tiny_nodes_are_refused_in_time() {
    assert_refused(&case(
        "10 MB flow sequence under `platform`",
        format!("platform: [{}]\n", "a, ".repeat(10 * 1024 * 1024 / 3 + 1)),
        "expected struct Platform",
    ));
}

/// Rendering N problems on N lines used to look each line up from the start of the text,
/// O(N²): 40,000 duplicate keys took 3 minutes. Lines are now indexed once per file.
#[test]
fn many_duplicate_keys_are_reported_in_time() {
    assert_refused(&case(
        "50,000 duplicate keys",
        "a: b\n".repeat(50_000),
        "duplicate key",
    ));
}

/// A list of M scalars referenced M times expands to M² nodes. `serde_yaml`'s repetition
/// limit counted alias jumps, not the nodes a jump copies, so a 26 KB file took over 2 GB.
/// The document builder counts the nodes every alias copies and stops at
/// `spec::MAX_ALIAS_NODES`, before anything is expanded.
#[test]
fn quadratic_alias_expansion_is_refused() {
    assert_refused(&case(
        "M×M alias expansion under an unknown key",
        format!("{BASE}{}", quadratic_aliases(5_000, "")),
        "alias",
    ));
}

/// The same expansion in the escape hatch used to be written out: a 16 KB spec became a
/// 108 MB `docker-compose.yml`.
#[test]
fn quadratic_alias_expansion_in_the_escape_hatch_is_refused() {
    let spec = with(
        "        command: [\"--port\", \"8080\"]\n",
        &format!(
            "        command: [\"--port\", \"8080\"]\n        compose:\n{}",
            quadratic_aliases(3_000, "          ")
        ),
    );
    assert_refused(&case("M×M alias expansion in `compose`", spec, "alias"));
}

/// Tags used to be dropped without a word: `!!binary aGVsbG8=` became the platform name
/// `aGVsbG8=` (not `hello`), `!!int 5` the string `5`. seisei's spec has no use for tags
/// besides `!!str`, so every other one is an error at the tag.
#[test]
fn tagged_values_are_refused() {
    let cases = [
        case(
            "!!binary on a string field",
            with("  name: Hostile\n", "  name: !!binary aGVsbG8=\n"),
            "E010",
        ),
        case(
            "!!int on a string field",
            with("  name: Hostile\n", "  name: !!int 5\n"),
            "E010",
        ),
        case(
            "application tag on a string field",
            with("  name: Hostile\n", "  name: !custom Hostile\n"),
            "E010",
        ),
    ];
    let failures: Vec<String> = cases.iter().filter_map(|c| refuse(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Port 0 is refused: Docker refuses it ("invalid containerPort: 0"), and it used to land in
/// the compose file as `0:0/tcp`.
#[test]
fn port_zero_is_refused() {
    assert_refused(&case(
        "container port 0",
        with("container: 80, publish", "container: 0, publish"),
        "port",
    ));
}

/// A mapping or sequence used as a key inside the escape hatch used to be written as block
/// text with its newlines replaced by spaces (`a: b c: d: v`), which no YAML reader accepts.
/// Validation refuses such keys.
#[test]
fn collection_keys_in_the_escape_hatch_are_refused() {
    let spec = with(
        "        command: [\"--port\", \"8080\"]\n",
        "        command: [\"--port\", \"8080\"]\n        compose:\n          x-a:\n            ? {a: b, c: d}\n            : v\n",
    );
    assert_refused(&case("mapping key in `compose`", spec, "compose"));
}

// ---------------------------------------------------------------------------------------
// The corpus.
// ---------------------------------------------------------------------------------------

fn corpus() -> Vec<Case> {
    vec![
        // Encoding.
        case(
            "invalid UTF-8 at the first byte",
            [b"\xff".as_slice(), BASE.as_bytes()].concat(),
            "not valid UTF-8",
        ),
        case(
            "invalid UTF-8 inside a key",
            bytes_with("  name: Hostile\n", b"  na\xc3me: Hostile\n"),
            "not valid UTF-8",
        ),
        case(
            "UTF-8 cut off at the end of the file",
            [BASE.as_bytes(), b"# \xe6\x97"].concat(),
            "not valid UTF-8",
        ),
        case(
            "overlong UTF-8 encoding of `/`",
            bytes_with("  output: generated\n", b"  output: gen\xc0\xafx\n"),
            "not valid UTF-8",
        ),
        case(
            "UTF-8-encoded surrogate",
            bytes_with("  name: Hostile\n", b"  name: \xed\xa0\x80\n"),
            "not valid UTF-8",
        ),
        case(
            "UTF-16 with its byte-order mark",
            [b"\xff\xfe".as_slice(), &utf16le(BASE)].concat(),
            "not valid UTF-8",
        ),
        case("byte-order mark alone", "\u{feff}", "E0105"),
        case(
            "byte-order mark and garbage",
            "\u{feff}\u{1}\u{2}garbage: [",
            "E0102",
        ),
        case(
            "CRLF line endings and an unterminated quote",
            BASE.replace("  name: Hostile\n", "  name: \"Hostile\n")
                .replace('\n', "\r\n"),
            "invalid YAML",
        ),
        case(
            "CRLF line endings and a tab",
            BASE.replace("  name: Hostile\n", "\tname: Hostile\n")
                .replace('\n', "\r\n"),
            "invalid YAML",
        ),
        case("tabs as indentation", BASE.replace("\n  ", "\n\t"), "tabs"),
        case(
            "NUL byte",
            with("  name: Hostile\n", "  name: Hos\0tile\n"),
            "E0102",
        ),
        case("NUL bytes only", vec![0_u8; 4096], "E0102"),
        case(
            "control characters",
            with("  name: Hostile\n", "  name: \"Hos\u{1}\u{2}tile\"\n"),
            "control characters",
        ),
        case(
            "terminal escape sequence",
            with("  name: Hostile\n", "  name: \"\u{1b}[31mred\u{1b}[0m\"\n"),
            "control characters",
        ),
        case(
            "escaped lone surrogate",
            with("  name: Hostile\n", "  name: \"\\uD800\"\n"),
            "invalid Unicode",
        ),
        // Documents that are not one mapping.
        case("empty file", "", "E0105"),
        case("only blank lines", " \n\n\t\n", "E0105"),
        case(
            "only comments",
            "# platform:\n#   name: x\n   # indented comment\n",
            "E0105",
        ),
        case(
            "two documents",
            format!("{BASE}---\nplatform: {{ name: again }}\n"),
            "more than one YAML document",
        ),
        case(
            "a broken document after `...`",
            format!("{BASE}...\ngarbage: [\n"),
            "more than one YAML document",
        ),
        case("a scalar document", "just a string\n", "not a mapping"),
        case("a null document", "~\n", "not a mapping"),
        case(
            "a sequence document",
            "- platform\n- stacks\n",
            "not a mapping",
        ),
        case(
            "an unsupported YAML version",
            format!("%YAML 2.0\n---\n{BASE}"),
            "incompatible YAML document",
        ),
        // Broken syntax.
        case(
            "unterminated double quote",
            with("  name: Hostile\n", "  name: \"Hostile\n"),
            "invalid YAML",
        ),
        case(
            "unterminated single quote",
            with("  name: Hostile\n", "  name: 'Hostile\n"),
            "invalid YAML",
        ),
        case(
            "unterminated flow sequence",
            with(
                "    networks: [public]\n    services:\n      traefik:",
                "    networks: [public\n    services:\n      traefik:",
            ),
            "invalid YAML",
        ),
        case(
            "alias to an undefined anchor",
            with("  name: Hostile\n", "  name: *nothing\n"),
            "unknown anchor",
        ),
        case(
            "merge key from an undefined anchor",
            with("  app:\n", "  app:\n    <<: *nothing\n"),
            "unknown anchor",
        ),
        case(
            "merge key, which serde_yaml does not expand",
            BASE.replacen("  proxy:\n", "  proxy: &proxy\n", 1)
                .replacen("  app:\n", "  app:\n    <<: *proxy\n", 1),
            "unknown field `<<`",
        ),
        case(
            "duplicate key",
            with("  name: Hostile\n", "  name: Hostile\n  name: Again\n"),
            "duplicate key",
        ),
        // Nesting and aliases.
        case(
            "1,000 nested flow sequences",
            format!("{}{}\n", "[".repeat(1_000), "]".repeat(1_000)),
            "nested too deeply",
        ),
        case(
            "1,000 nested flow mappings in a field",
            with(
                "  name: Hostile\n",
                &format!("  name: {}1{}\n", "{a: ".repeat(1_000), "}".repeat(1_000)),
            ),
            "nested too deeply",
        ),
        case(
            "1,000 nested block mappings in a field",
            with(
                "  domain: example.test\n",
                &format!(
                    "  domain: example.test\n  description:\n{}",
                    lines(0..1_000, |depth| format!("{}k:\n", " ".repeat(4 + depth)))
                ),
            ),
            "nested too deeply",
        ),
        case(
            "1,000 nested block sequences in a field",
            with(
                "  domain: example.test\n",
                &format!(
                    "  domain: example.test\n  description:\n{}{}x\n",
                    lines(0..1_000, |depth| format!("{}-\n", " ".repeat(4 + depth))),
                    " ".repeat(4 + 1_000)
                ),
            ),
            "nested too deeply",
        ),
        case(
            "billion laughs in the escape hatch",
            with(
                "        command: [\"--port\", \"8080\"]\n",
                &format!(
                    "        command: [\"--port\", \"8080\"]\n        compose:\n{}",
                    billion_laughs("          ")
                ),
            ),
            "alias bomb",
        ),
        case(
            "billion laughs under an unknown key",
            format!("{BASE}{}", billion_laughs("")),
            "alias bomb",
        ),
        case(
            "1,000 aliases, each nesting the one before",
            with(
                "        command: [\"--port\", \"8080\"]\n",
                &format!(
                    "        command: [\"--port\", \"8080\"]\n        compose:\n          x-0: &a0 [x]\n{}",
                    lines(1..1_000, |i| format!(
                        "          x-{i}: &a{i} [*a{}]\n",
                        i - 1
                    ))
                ),
            ),
            "nested too deeply",
        ),
        case(
            "an alias inside its own anchor",
            with("  name: Hostile\n", "  name: &self [*self]\n"),
            "E010",
        ),
        // Included stack files may not leave the spec's folder.
        case(
            "an include of an absolute path",
            format!("include: [/etc/passwd]\n{BASE}"),
            "must stay below the spec's folder",
        ),
        case(
            "an include that climbs out of the folder",
            format!("include: [\"../*.yaml\"]\n{BASE}"),
            "must stay below the spec's folder",
        ),
        case(
            "an include of the output tree's compose file",
            format!("include: [generated/infra/stacks/app/docker-compose.yml]\n{BASE}"),
            "E0103",
        ),
        // Keys and values of the wrong kind.
        case(
            "a mapping as a top-level key",
            format!("{BASE}? {{ a: b }}\n: c\n"),
            "unknown field `?`",
        ),
        case(
            "a sequence as a stack name",
            with("stacks:\n", "stacks:\n  ? [a, b]\n  : { purpose: x }\n"),
            "expected a string",
        ),
        case(
            "a port too large for any integer type",
            with(
                "container: 80, publish",
                "container: 99999999999999999999999999, publish",
            ),
            "port number",
        ),
        case(
            "port 65536",
            with("container: 80, publish", "container: 65536, publish"),
            "port number",
        ),
        case(
            "a negative port",
            with("container: 80, publish", "container: -80, publish"),
            "port number",
        ),
        case(
            "a fractional port",
            with("container: 80, publish", "container: 80.5, publish"),
            "port number",
        ),
        case(
            "a port as a string",
            with("container: 80, publish", "container: \"80\", publish"),
            "port number",
        ),
        case(
            "a port that is a YAML 1.1 sexagesimal",
            with("container: 80, publish", "container: 1:20, publish"),
            "port number",
        ),
        case(
            "a boolean that is YAML 1.1 `yes`",
            with(
                "container: 80, publish: true",
                "container: 80, publish: yes",
            ),
            "expected a boolean",
        ),
        case(
            "a mapping where the spec wants a string",
            with("  name: Hostile\n", "  name: { first: Hostile }\n"),
            "expected a string",
        ),
        // YAML caps an implicit key at 1,024 characters.
        case(
            "a 1 MB key",
            format!("{BASE}{}: 1\n", "k".repeat(1024 * 1024)),
            "invalid YAML",
        ),
    ]
}

/// The classic alias bomb: ten anchors, each a list of nine aliases to the one before.
fn billion_laughs(indent: &str) -> String {
    let mut out = format!("{indent}x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        let _ = writeln!(out, "{indent}x-{}: &{} [{refs}]", pair[1], pair[1]);
    }
    out
}

/// A list of `m` scalars and a list that refers to it `m` times: `m` alias jumps, `m²` nodes.
fn quadratic_aliases(m: usize, indent: &str) -> String {
    format!(
        "{indent}x-items: &items [{}]\n{indent}x-copies: [{}]\n",
        vec!["0"; m].join(","),
        vec!["*items"; m].join(",")
    )
}

/// The lines `line` makes for each number of `range`, joined.
fn lines(range: std::ops::Range<usize>, line: impl Fn(usize) -> String) -> String {
    let mut out = String::new();
    for i in range {
        out.push_str(&line(i));
    }
    out
}

/// The base spec with `from` replaced by `to`; `from` must occur in it.
fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base spec has no {from:?}");
    BASE.replacen(from, to, 1)
}

/// Like [`with`], for replacements that are not UTF-8.
fn bytes_with(from: &str, to: &[u8]) -> Vec<u8> {
    let at = BASE.find(from).expect("the base spec has the text");
    [
        &BASE.as_bytes()[..at],
        to,
        &BASE.as_bytes()[at + from.len()..],
    ]
    .concat()
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

// ---------------------------------------------------------------------------------------
// The workspace and the run.
// ---------------------------------------------------------------------------------------

#[track_caller]
fn assert_refused(case: &Case) {
    if let Err(e) = refuse(case) {
        panic!("{e}");
    }
}

/// Runs `gen` on `case` in a fresh workspace; `Err` says what went wrong.
fn refuse(case: &Case) -> Result<(), String> {
    let workspace = Workspace::new();
    fs::write(workspace.path("platform.yaml"), &case.spec).expect("write the hostile spec");
    workspace.gen_unchanged(case.name, case.expect)
}

/// A temporary directory holding the base spec, the output of a successful `gen`, a file
/// of the user's inside the output directory and one beside the spec.
struct Workspace {
    dir: tempfile::TempDir,
}

/// What a run of the binary did; `code` is `None` when a signal ended it.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    timed_out: bool,
}

impl Workspace {
    fn new() -> Workspace {
        let workspace = Workspace {
            dir: tempfile::tempdir().expect("a temporary directory"),
        };
        fs::write(workspace.path("platform.yaml"), BASE).expect("write the base spec");
        let run = workspace.run();
        assert_eq!(
            run.code,
            Some(0),
            "the base spec must compile:\n{}",
            run.stderr
        );
        fs::write(workspace.path("generated/README.md"), "kept by hand\n").expect("a user file");
        fs::write(workspace.path("notes.txt"), "not generated\n").expect("a user file");
        workspace
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Runs `gen` and checks the exit code, stderr and the tree.
    fn gen_unchanged(&self, name: &str, expect: &str) -> Result<(), String> {
        let before = snapshot(self.dir.path());
        let run = self.run();
        let mut problems = Vec::new();
        if run.timed_out {
            problems.push(format!("still running after {TIME_BUDGET:?}: killed"));
        }
        if run.code != Some(2) {
            problems.push(format!("exit code {:?}, expected Some(2)", run.code));
        }
        if !run.stderr.contains(expect) {
            problems.push(format!("stderr does not contain {expect:?}"));
        }
        if run.stderr.contains("panicked") || run.stderr.contains("overflowed its stack") {
            problems.push("the process crashed".to_owned());
        }
        if !run.stdout.is_empty() {
            problems.push("stdout is not empty".to_owned());
        }
        let after = snapshot(self.dir.path());
        if after != before {
            problems.push(format!(
                "the tree changed: {}",
                changed_paths(&before, &after).join(", ")
            ));
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{name} ({:.1?}): {}\n  stderr: {}",
            run.elapsed,
            problems.join("; "),
            excerpt(&run.stderr)
        ))
    }

    /// `seisei gen` in the workspace, under the time and memory budgets.
    fn run(&self) -> Run {
        let mut command = limited(Path::new(env!("CARGO_BIN_EXE_seisei")));
        command
            .arg("gen")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = command.spawn().expect("run seisei");
        // Drained on threads: a run that fills a pipe must not block on it while we wait.
        let stdout = drain(child.stdout.take().expect("piped stdout"));
        let stderr = drain(child.stderr.take().expect("piped stderr"));
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for seisei") {
                break status;
            }
            if started.elapsed() > TIME_BUDGET {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait for seisei");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Run {
            code: status.code(),
            stdout: stdout.join().expect("stdout reader"),
            stderr: stderr.join().expect("stderr reader"),
            elapsed: started.elapsed(),
            timed_out,
        }
    }
}

/// The command for `program`, under the memory budget where the shell can set one.
#[cfg(unix)]
fn limited(program: &Path) -> Command {
    let mut command = Command::new("/bin/sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_BUDGET_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(program);
    command
}

#[cfg(not(unix))]
fn limited(program: &Path) -> Command {
    let _ = MEMORY_BUDGET_KIB;
    Command::new(program)
}

fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Every directory and file under `root`, with the bytes of each file, sorted by path.
fn snapshot(root: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut entries = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("read a directory") {
            let path = entry.expect("a directory entry").path();
            let relative = path.strip_prefix(root).expect("inside root").to_path_buf();
            if path.is_dir() {
                pending.push(path);
                entries.push((relative, None));
            } else {
                entries.push((relative, Some(fs::read(&path).expect("read a file"))));
            }
        }
    }
    entries.sort();
    entries
}

fn changed_paths(
    before: &[(PathBuf, Option<Vec<u8>>)],
    after: &[(PathBuf, Option<Vec<u8>>)],
) -> Vec<String> {
    let mut changed: Vec<String> = before
        .iter()
        .filter(|entry| !after.contains(entry))
        .chain(after.iter().filter(|entry| !before.contains(entry)))
        .map(|(path, _)| path.display().to_string())
        .collect();
    changed.sort();
    changed.dedup();
    changed
}

/// The start of a long stderr, enough to see the message.
fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(600).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
