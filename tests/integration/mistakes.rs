//! The usual mistakes of a first hour, through the real binary: Compose's short forms get the
//! exact seisei spelling of the same thing, indentation and tab mistakes point at the line
//! to change, and the advice of `check` is a command that works.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// The `init` platform with `from` replaced by `to`, validated: (exit code, stderr).
fn validate_with(from: &str, to: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let spec =
        fs::read_to_string(crate::repo_root().join("tests/fixtures/init/platform.yaml")).unwrap();
    assert!(spec.contains(from), "the init fixture holds `{from}`");
    fs::write(dir.path().join("platform.yaml"), spec.replacen(from, to, 1)).unwrap();
    let out = run(dir.path(), &["validate"]);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seisei"))
        .args(args)
        .current_dir(dir)
        .env_remove("SEISEI_SPEC")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

const PORT: &str = "          - { container: 8080 }";
const COMMAND: &str = "        command: [\"--port\", \"8080\"]";

#[test]
fn a_compose_short_port_gets_its_seisei_spelling() {
    let (code, stderr) = validate_with(PORT, "          - \"127.0.0.1:8081:8080\"");
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error[E0103/invalid-shape]: stacks.hello.services.web.ports.0: `127.0.0.1:8081:8080` is Compose's short port syntax, which seisei does not read
  --> platform.yaml:64:13
   |
64 |           - \"127.0.0.1:8081:8080\"
   |             ^^^^^^^^^^^^^^^^^^^^^
  = help: write `- { container: 8080, publish: true, host: 8081, host_ip: 127.0.0.1 }`
seisei: 1 error(s), 0 warning(s); nothing was written
"
    );
    for (short, long) in [
        ("\"3001:3001\"", "`- { container: 3001, publish: true }`"),
        (
            "\"53:53/udp\"",
            "`- { container: 53, publish: true, protocol: udp }`",
        ),
        (
            "8080",
            "`- { container: 8080, publish: true }`; Compose publishes a lone port on a random host port",
        ),
        ("\"8000-8010:8000-8010\"", "write one entry per port"),
    ] {
        let (code, stderr) = validate_with(PORT, &format!("          - {short}"));
        assert_eq!(code, 2);
        assert!(stderr.contains(long), "{short}: {stderr}");
    }
}

#[test]
fn the_seisei_spelling_of_a_short_port_is_valid() {
    let (code, stderr) = validate_with(
        PORT,
        "          - { container: 8080, publish: true, host: 8081, host_ip: 127.0.0.1 }",
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_quoted_port_says_to_drop_the_quotes() {
    let (_, stderr) = validate_with(PORT, "          - { container: \"8080\" }");
    assert!(
        stderr.contains("`container` is a port number, not the string `\"8080\"`")
            && stderr.contains(
                "= help: write `container: 8080`, a number: without quotes or a `!!str` tag"
            ),
        "{stderr}"
    );
}

#[test]
fn compose_lists_and_volumes_get_the_seisei_forms() {
    let cases = [
        (
            "        environment: [\"A=1\", \"TOKEN\"]",
            "help: write `environment: { A: \"1\" }`; a bare name (TOKEN) takes its value from the shell in Compose: declare it in the stack's `env:` and list it in the service's `env: [TOKEN]`",
        ),
        (
            "        labels: [\"team=web\"]",
            "help: write `labels: { team: web }`",
        ),
        (
            "        volumes: [\"data:/var/lib/x\", \"./conf:/etc/x:ro\"]",
            "help: write `mounts: [{ volume: data, target: /var/lib/x }, { bind: \"./conf\", target: /etc/x, read_only: true }]`",
        ),
        (
            "        mounts: [\"data:/var/lib/x\"]",
            "help: write `- { volume: data, target: /var/lib/x }`, and declare `data` under the stack's `volumes:`",
        ),
    ];
    for (line, help) in cases {
        let (code, stderr) = validate_with(COMMAND, &format!("{COMMAND}\n{line}"));
        assert_eq!(code, 2);
        assert!(stderr.contains(help), "{line}:\n{stderr}");
        assert_eq!(stderr.matches("error[").count(), 1, "one error: {stderr}");
    }
    let (_, stderr) = validate_with(COMMAND, "        command: \"--port 8080\"");
    assert!(
        stderr.contains("help: write `command: [\"--port\", \"8080\"]`"),
        "{stderr}"
    );
}

#[test]
fn a_key_indented_too_deep_is_named_not_the_line_after_it() {
    let (code, stderr) = validate_with(
        "        image: traefik/whoami:v1.10.3",
        "          image: traefik/whoami:v1.10.3",
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error[E0102/invalid-yaml]: invalid YAML: line 61 is indented 10 spaces, deeper than the other keys of `web` (line 60), which are at 8
  --> platform.yaml:61:1
   |
61 |           image: traefik/whoami:v1.10.3
   | ^^^^^^^^^^
  = help: indent line 61 by 8 spaces, like its siblings (YAML then reads it as part of the line above; the parser noticed at line 62)
seisei: 1 error(s), 0 warning(s); nothing was written
"
    );
}

#[test]
fn shallow_indents_and_tabs_are_named_too() {
    let (_, stderr) = validate_with(
        "        image: traefik/whoami:v1.10.3",
        "       image: traefik/whoami:v1.10.3",
    );
    assert!(
        stderr.contains("line 61 is indented 7 spaces, less than the other keys of `web` (line 60), which are at 8")
            && stderr.contains("--> platform.yaml:61:1"),
        "{stderr}"
    );
    let (_, stderr) = validate_with("    status: testing", "      status: testing");
    assert!(stderr.contains("line 57 is indented 6 spaces, deeper than the other keys of `hello` (line 55), which are at 4"), "{stderr}");
    let (_, stderr) = validate_with(
        "        image: traefik/whoami:v1.10.3",
        "\timage: traefik/whoami:v1.10.3",
    );
    assert!(
        stderr.contains("line 61 is indented with a tab")
            && stderr.contains("replace the tab at the start of line 61 with 8 spaces"),
        "{stderr}"
    );
}

#[test]
fn a_mistake_inherited_through_extends_is_reported_once() {
    let (code, stderr) = validate_with(
        "        image: traefik/whoami:v1.10.3",
        "        image: traefik/whoami:v1.10.3\n        depends_on: [dbx]",
    );
    let stderr_with_copy = {
        let dir = tempfile::tempdir().unwrap();
        let spec = fs::read_to_string(crate::repo_root().join("tests/fixtures/init/platform.yaml"))
            .unwrap();
        let spec = spec.replacen(
            "        image: traefik/whoami:v1.10.3",
            "        image: traefik/whoami:v1.10.3\n        depends_on: [dbx]",
            1,
        ) + "  copy:\n    extends: { stack: hello, services: [web] }\n    purpose: A copy\n    status: testing\n    services:\n      web:\n        routes: [{ hosts: [copy.acme.example] }]\n";
        fs::write(dir.path().join("platform.yaml"), spec).unwrap();
        String::from_utf8(run(dir.path(), &["validate"]).stderr).unwrap()
    };
    assert_eq!(code, 2);
    assert_eq!(
        stderr.matches("depends on unknown service `dbx`").count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr_with_copy
            .matches("depends on unknown service `dbx`")
            .count(),
        1,
        "{stderr_with_copy}"
    );
}

#[test]
fn no_message_ends_in_an_empty_list() {
    // A route port on a service that declares none: the help offers no empty choice.
    let (_, stderr) = validate_with(
        "          - hosts: [hello.acme.example]",
        "          - { hosts: [hello.acme.example], port: 9000 }",
    );
    let spec_without_ports = |stderr: &str| {
        for line in stderr.lines() {
            let line = line.trim_end();
            assert!(
                !(line.ends_with("one of:") || line.ends_with(": ") || line.ends_with("one of")),
                "a message ends in an empty list: {line}"
            );
        }
    };
    spec_without_ports(&stderr);
    let (_, stderr) = {
        let dir = tempfile::tempdir().unwrap();
        let spec = fs::read_to_string(crate::repo_root().join("tests/fixtures/init/platform.yaml"))
            .unwrap();
        let spec = spec
            .replacen("        ports:\n          - { container: 8080 }\n", "", 1)
            .replacen(
                "          - hosts: [hello.acme.example]",
                "          - { hosts: [hello.acme.example], port: 9000 }",
                1,
            );
        fs::write(dir.path().join("platform.yaml"), spec).unwrap();
        let out = run(dir.path(), &["validate"]);
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    assert!(
        stderr.contains("route port 9000 is not a port `web` listens on"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: add `{ container: 9000 }` to the service's `ports`\n"),
        "{stderr}"
    );
    spec_without_ports(&stderr);
    // And none of the corpus of broken specs does either.
    for entry in fs::read_dir(crate::repo_root().join("tests/broken")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "stderr") {
            spec_without_ports(&fs::read_to_string(&path).unwrap());
        }
    }
}

/// A folder holding the `init` platform, generated.
fn initialised() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["init", "--name", "Acme", "--domain", "acme.example"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn check_advises_gen_force_when_plain_gen_would_refuse() {
    let dir = initialised();
    let compose = dir.path().join("generated/stacks/hello/docker-compose.yml");
    let text = fs::read_to_string(&compose).unwrap();
    let (_, body) = text.split_once('\n').unwrap();
    fs::write(&compose, body).unwrap();
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8(check.stderr).unwrap();
    assert!(stderr.contains("run `seisei gen --force`"), "{stderr}");
    assert_eq!(
        run(dir.path(), &["gen"]).status.code(),
        Some(2),
        "plain gen refuses, as check said"
    );
    assert_eq!(run(dir.path(), &["gen", "--force"]).status.code(), Some(0));
    // A file seisei never generated: no command overwrites it, and check says what to do.
    fs::write(
        dir.path().join("generated/stacks/hello/docker-compose.yml"),
        "mine\n",
    )
    .unwrap();
    let manifest = dir.path().join("generated/.seisei-manifest");
    let listed = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        listed.replace("stacks/hello/docker-compose.yml\n", ""),
    )
    .unwrap();
    let stderr = String::from_utf8(run(dir.path(), &["check"]).stderr).unwrap();
    assert!(
        stderr.contains("was not generated by seisei and `gen` will not overwrite it: move it out"),
        "{stderr}"
    );
}

#[test]
fn new_stack_is_all_or_nothing() {
    let dir = initialised();
    let spec = fs::read(dir.path().join("platform.yaml")).unwrap();
    // A file in the way of the new stack's compose file: `gen` refuses, the spec is restored.
    fs::create_dir_all(dir.path().join("generated/stacks/blog")).unwrap();
    fs::write(
        dir.path().join("generated/stacks/blog/docker-compose.yml"),
        "mine\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "new",
            "stack",
            "blog",
            "--image",
            "ghost:5.96.0",
            "--purpose",
            "Blog",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("`gen` failed, so platform.yaml was restored; nothing was added"),
        "{stderr}"
    );
    assert_eq!(
        fs::read(dir.path().join("platform.yaml")).unwrap(),
        spec,
        "the spec is as before"
    );
}

#[test]
fn new_stack_names_do_not_stutter_and_need_a_purpose() {
    let dir = initialised();
    let out = run(
        dir.path(),
        &[
            "new",
            "stack",
            "grafana",
            "--image",
            "grafana/grafana:11.2.2",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "--purpose is required");
    let out = run(
        dir.path(),
        &[
            "new",
            "stack",
            "grafana",
            "--image",
            "grafana/grafana:11.2.2",
            "--purpose",
            "Dashboards",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let compose = fs::read_to_string(
        dir.path()
            .join("generated/stacks/grafana/docker-compose.yml"),
    )
    .unwrap();
    assert!(compose.contains("container_name: grafana\n"), "{compose}");
    // The placeholder earlier versions wrote is refused until it says something.
    let spec = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    fs::write(
        dir.path().join("platform.yaml"),
        spec.replace(
            "purpose: Dashboards",
            "purpose: Describe what this stack is for",
        ),
    )
    .unwrap();
    let out = run(dir.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("stack `grafana` still has the placeholder purpose"),
        "{stderr}"
    );
}

#[test]
fn a_service_without_a_route_stays_off_traefiks_network() {
    let dir = initialised();
    let out = run(
        dir.path(),
        &[
            "new",
            "service",
            "hello",
            "worker",
            "--image",
            "traefik/whoami:v1.10.3",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let spec = fs::read_to_string(dir.path().join("platform.yaml")).unwrap();
    assert!(spec.contains("      worker:\n        image: 'traefik/whoami:v1.10.3'\n        networks: []  # no route: not on Traefik's network\n"), "{spec}");
    let compose =
        fs::read_to_string(dir.path().join("generated/stacks/hello/docker-compose.yml")).unwrap();
    let worker = compose.split("  worker:\n").nth(1).unwrap();
    let worker = worker.split("\nnetworks:").next().unwrap();
    assert!(!worker.contains("public"), "{worker}");
    // With a route, it joins Traefik's network as before.
    let out = run(
        dir.path(),
        &[
            "new",
            "service",
            "hello",
            "api",
            "--image",
            "traefik/whoami:v1.10.3",
            "--route",
            "api.acme.example",
            "--port",
            "80",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
