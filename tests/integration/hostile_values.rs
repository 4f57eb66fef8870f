//! Hostile input, the value side (issue 12), on the harness of `hostile_input.rs`: secrets
//! recognised by rule and masked wherever a diagnostic quotes their line, control
//! characters that arrive through YAML escapes, YAML tags, host names and addresses, and
//! files with old-Mac (CR-only) line endings. Each refusal asserts the exit code, the whole
//! message and an unchanged tree.

use std::fs;

use crate::hostile_input::{BASE, Tree, with};

/// The tail every refusal with one error ends with.
const NOTHING: &str = "seisei: 1 error(s), 0 warning(s); nothing was written\n";

/// The base spec with the app's `env` set to `body` (indented below `env:`) and the variable
/// `TOKEN` used by the service, so no unused-variable warning joins the message.
fn with_env(body: &str) -> String {
    with(
        "        command: [\"--port\", \"8080\"]\n",
        "        command: [\"--port\", \"8080\"]\n        env: [TOKEN]\n",
    ) + &format!("    env:\n{body}")
}

/// The help of a secret that is not a placeholder.
fn placeholder_help() -> String {
    format!(
        "{}; write one such as `change-me` and keep the real value in the deployed `.env` only",
        seisei::spec::secrets::PLACEHOLDER_RULE
    )
}

/// One refusal of a secret's `field` on `line` of the spec at `column`, quoted as `shown`
/// (masked).
fn secret_error(field: &str, line: usize, column: usize, shown: &str) -> String {
    let article = if field == "example" { "an" } else { "a" };
    format!(
        "error[E0502/secret-value]: secret variable `TOKEN` has {article} {field} that is not a placeholder\n  --> platform.yaml:{line}:{column}\n   |\n{line} | {shown}\n   | {pad}^^^^\n  = help: {help}\n{NOTHING}",
        pad = " ".repeat(column - 1),
        help = placeholder_help()
    )
}

// ---------------------------------------------------------------------------------------
// Secrets.
// ---------------------------------------------------------------------------------------

/// These three passed the old substring test (`<`, `example`) and were written into
/// `.env.example` or `docker-compose.yml`; each is refused now, and its value is shown as
/// `****` on the quoted line.
#[test]
fn real_looking_secrets_that_held_a_placeholder_word_are_refused_masked() {
    for (field, value, extra) in [
        ("example", "'q7#Lm<2Rz!vX9$$wK4pT'", ""),
        (
            "example",
            "postgresql://erp:Zr8kQ2vLp9Xw4TnB@db.example.net/erp",
            "",
        ),
        (
            "default",
            "'S3cure<Pa55>2024!'",
            "        required: false\n",
        ),
        ("example", "change-me-Zr8kQ2vLp9", ""),
        ("example", "my-example-password", ""),
    ] {
        let tree = Tree::new();
        let body = format!(
            "      TOKEN:\n        description: API token\n        secret: true\n{extra}        {field}: {value}\n"
        );
        let spec = with_env(&body);
        let line = spec
            .lines()
            .position(|l| l.contains(value))
            .expect("the line")
            + 1;
        tree.spec(&spec);
        let run = tree.refused(&["gen"]);
        let raw = value.trim_matches('\'').replace("$$", "$");
        assert!(
            !run.stderr.contains(&raw),
            "{value} was printed:\n{}",
            run.stderr
        );
        let expected = secret_error(
            field,
            line,
            8 + field.len() + 3,
            &format!("        {field}: ****"),
        );
        assert_eq!(run.stderr, expected, "{value}");
    }
}

/// The placeholder forms of the rule compile, and `.env.example` shows them as written.
#[test]
fn placeholder_forms_are_written_as_they_are() {
    for placeholder in [
        "change-me",
        "<your-token>",
        "your-api-key",
        "xxxxxxxx",
        "example-token",
        "postgres://app:change-me@db:5432/app",
    ] {
        let tree = Tree::new();
        tree.spec(with_env(&format!(
            "      TOKEN:\n        description: API token\n        secret: true\n        example: \"{placeholder}\"\n"
        )));
        let run = tree.run(&["gen"]);
        assert_eq!(run.code, Some(0), "{placeholder}: {}", run.stderr);
        let env = fs::read_to_string(tree.path("project/generated/infra/stacks/app/.env.example"))
            .expect("the app's .env.example");
        // `<` and `>` make the dotenv writer quote the value.
        let bare = format!("TOKEN={placeholder}\n");
        let quoted = format!("TOKEN='{placeholder}'\n");
        assert!(env.contains(&bare) || env.contains(&quoted), "{env}");
    }
}

/// A shape error on the line of a secret (a flow mapping with a typo) shows the line with
/// the secret masked and the caret still under the typo.
#[test]
fn a_shape_error_on_a_secret_line_masks_the_secret() {
    let tree = Tree::new();
    tree.spec(with_env(
        "      TOKEN: {description: API token, secret: true, example: hunter2hunter2, requird: true}\n",
    ));
    let run = tree.refused(&["gen"]);
    assert_eq!(
        run.stderr,
        format!(
            "error[E0103/invalid-shape]: stacks.app.env.TOKEN.requird: unknown field `requird`, expected one of `description`, `required`, `secret`, `example`, `default`\n  --> platform.yaml:43:78\n   |\n43 |       TOKEN: {{description: API token, secret: true, example: ****, requird: true}}\n   |                                                                    ^^^^^^^\n  = help: did you mean `required`?\n{NOTHING}"
        )
    );
}

/// `--format json` carries no source line, and neither message nor suggestion holds the
/// secret.
#[test]
fn json_diagnostics_do_not_carry_the_secret() {
    let tree = Tree::new();
    tree.spec(with_env(
        "      TOKEN:\n        description: API token\n        secret: true\n        example: Zr8kQ2vLp9Xw4TnB\n",
    ));
    let before = crate::hostile_input::snapshot(&tree.path(""));
    let run = tree.run(&["validate", "--format", "json"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(!run.stdout.contains("Zr8kQ2vLp9Xw4TnB"), "{}", run.stdout);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON array");
    let line = &list[0];
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{}", run.stdout);
    assert_eq!(line["code"], "E0502", "{}", run.stdout);
    assert_eq!(line["line"], 46, "{}", run.stdout);
    assert!(before == crate::hostile_input::snapshot(&tree.path("")));
}

/// A line that does not even parse cannot be read for which value is a secret: what
/// follows `example:` on it is masked anyway.
#[test]
fn a_syntax_error_on_a_secret_line_masks_what_may_be_the_secret() {
    let tree = Tree::new();
    tree.spec(with_env(
        "      TOKEN: {description: API token, secret: true, example: Zr8kQ2vLp9Xw4TnB}}\n",
    ));
    tree.refuses(
        &["gen"],
        &format!(
            "error[E0102/invalid-yaml]: invalid YAML: misplaced bracket\n  --> platform.yaml:43:79\n   |\n43 |       TOKEN: {{description: API token, secret: true, example: ****}}}}\n   | {}^\n{NOTHING}",
            // The caret stays under the second `}`, moved left with the masked value.
            " ".repeat(66)
        ),
    );
}

/// A credential in an ordinary value is refused (E0505) and masked on its line.
#[test]
fn a_credential_in_a_command_is_masked_where_it_is_quoted() {
    let tree = Tree::new();
    tree.spec(with(
        "command: [\"--port\", \"8080\"]",
        "command: [\"--port\", \"8080\", \"--token\", \"ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\"]",
    ));
    let run = tree.refused(&["gen"]);
    assert!(!run.stderr.contains("ghp_a1B2"), "{}", run.stderr);
    assert!(run.stderr.contains("\"--token\", ****]"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// Control characters through YAML escapes.
// ---------------------------------------------------------------------------------------

const CONTROL_HELP: &str = "remove it: names and the text seisei prints or writes to Markdown (purposes, descriptions, notes) may hold only printable characters, tabs and line breaks";

/// Each free-text field and a name, with an escape that would clear the screen, ring the
/// bell, cut a C string or start a C1 control sequence.
#[test]
fn control_characters_in_names_and_text_are_refused_by_field() {
    for (from, to, field, code) in [
        (
            "purpose: Hello world",
            "purpose: \"Hello\\e[2J world\"",
            "stacks.app.purpose",
            "1B",
        ),
        (
            "purpose: Edge proxy",
            "purpose: \"Edge\\0proxy\"",
            "stacks.proxy.purpose",
            "00",
        ),
        (
            "  name: Hostile",
            "  name: \"Hos\\atile\"",
            "platform.name",
            "07",
        ),
        (
            "purpose: Traefik and the routed app",
            "purpose: \"Traefik\\u009b31m\"",
            "networks.public.purpose",
            "9B",
        ),
        (
            "- { container: 8080 }",
            "- { container: 8080, note: \"a\\rb\" }",
            "stacks.app.services.hello.ports.0.note",
            "0D",
        ),
    ] {
        let tree = Tree::new();
        let spec = with(from, to);
        let line = spec.lines().position(|l| l.contains(to)).expect("the line") + 1;
        let shown = spec.lines().nth(line - 1).expect("the line").to_owned();
        tree.spec(&spec);
        let run = tree.refused(&["gen"]);
        let column = shown.find('"').expect("a quote") + 1;
        let quoted = to[to.find('"').expect("a quote")..]
            .trim_end_matches(" }")
            .len();
        // The span of a quoted flow scalar takes the blank after it (saphyr).
        let width = quoted + usize::from(to.ends_with(" }"));
        assert_eq!(
            run.stderr,
            format!(
                "error[E0103/invalid-shape]: `{field}` holds a control character (U+00{code})\n  --> platform.yaml:{line}:{column}\n{pad} |\n{line} | {shown}\n{pad} | {indent}{carets}\n  = help: {CONTROL_HELP}\n{NOTHING}",
                pad = " ".repeat(line.to_string().len()),
                indent = " ".repeat(column - 1),
                carets = "^".repeat(width),
            ),
            "{field}"
        );
    }
}

/// A stack name that would clear the terminal is refused, and the message shows the escape
/// as text: no control character reaches stderr.
#[test]
fn a_stack_name_cannot_clear_the_terminal() {
    let tree = Tree::new();
    tree.spec(with("  app:\n", "  \"a\\e[2Jpp\":\n"));
    tree.refuses(
        &["gen"],
        &format!(
            "error[E0103/invalid-shape]: `stacks.a\\u{{1b}}[2Jpp` holds a control character (U+001B)\n  --> platform.yaml:29:3\n   |\n29 |   \"a\\e[2Jpp\":\n   |   ^^^^^^^^^^\n  = help: {CONTROL_HELP}\n{NOTHING}"
        ),
    );
}

// ---------------------------------------------------------------------------------------
// YAML tags.
// ---------------------------------------------------------------------------------------

/// `!!str 8080` is honoured: the port is the string "8080", refused at its position, not
/// silently read as the number.
#[test]
fn a_str_tag_on_a_port_is_honoured() {
    let tree = Tree::new();
    tree.spec(with("- { container: 8080 }", "- { container: !!str 8080 }"));
    tree.refuses(
        &["gen"],
        &format!(
            "error[E0103/invalid-shape]: stacks.app.services.hello.ports.0.container: `container` is a port number, not the string `\"8080\"`\n  --> platform.yaml:37:26\n   |\n37 |           - {{ container: !!str 8080 }}\n   |                          ^^^^^^^^^^\n  = help: write `container: 8080`, a number: without quotes or a `!!str` tag\n{NOTHING}"
        ),
    );
}

/// `!!int "8080"` is honoured the other way: a number, so the spec compiles.
#[test]
fn an_int_tag_on_a_quoted_port_is_honoured() {
    let tree = Tree::new();
    tree.spec(with(
        "- { container: 8080 }",
        "- { container: !!int \"8080\" }",
    ));
    let run = tree.run(&["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

/// A core tag on a value of another type, and a custom tag: refused at their position.
#[test]
fn tags_that_cannot_be_honoured_are_refused_where_they_are() {
    for (tag, message, help) in [
        (
            "!!int abc",
            "the value tagged `!!int` is not of that type",
            "remove the tag, or write a value of its type; quote the value if it must stay a string",
        ),
        (
            "!foo 8080",
            "the YAML tag `!foo` is not supported",
            "remove the tag; seisei honours only `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` on values of their type",
        ),
        (
            "!!binary aGk=",
            "the YAML tag `!!binary` is not supported",
            "remove the tag; seisei honours only `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` on values of their type",
        ),
    ] {
        let tree = Tree::new();
        tree.spec(with(
            "- { container: 8080 }",
            &format!("- {{ container: {tag} }}"),
        ));
        tree.refuses(
            &["gen"],
            &format!(
                "error[E0102/invalid-yaml]: {message}\n  --> platform.yaml:37:26\n   |\n37 |           - {{ container: {tag} }}\n   |                          {carets}\n  = help: {help}\n{NOTHING}",
                carets = "^".repeat(tag.len()),
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Host names and addresses.
// ---------------------------------------------------------------------------------------

/// `host_ip` must parse as an IPv4 or IPv6 address.
#[test]
fn host_ip_must_be_an_address() {
    for ip in ["localhost", "127.0.0.256", "0.0.0.0:80", "fe80::1%eth0"] {
        let tree = Tree::new();
        let to = format!("- {{ container: 80, publish: true, host_ip: \"{ip}\" }}");
        tree.spec(with("- { container: 80, publish: true }", &to));
        tree.refuses(
            &["gen"],
            &format!(
                "error[E0103/invalid-shape]: `host_ip` `{ip}` is not an IPv4 or IPv6 address\n  --> platform.yaml:28:54\n   |\n28 |           {to}\n   |                                                      {carets}\n  = help: write the address to publish on, such as `127.0.0.1` or `::1`; leave `host_ip` out to publish on every address\n{NOTHING}",
                // The span of a quoted flow scalar takes the blank after it (saphyr).
                carets = "^".repeat(ip.len() + 3),
            ),
        );
    }
}

/// Route hosts follow the label rules; `*.` stays allowed at the start.
#[test]
fn route_hosts_follow_the_label_rules() {
    let long_label = format!("{}.example.test", "a".repeat(64));
    let long_name = format!("{}example.test", "abcdefghi.".repeat(25));
    for (host, why) in [
        (
            "-app.example.test",
            "has the label `-app`, which starts or ends with `-`",
        ),
        (
            "app-.example.test",
            "has the label `app-`, which starts or ends with `-`",
        ),
        (long_label.as_str(), "has a label of 64 characters, over 63"),
        (long_name.as_str(), "is 262 characters long, over 253"),
        (
            "app..example.test",
            "has an empty label (two dots, or a dot at either end)",
        ),
    ] {
        let tree = Tree::new();
        tree.spec(with(
            "hosts: [app.example.test]",
            &format!("hosts: [\"{host}\"]"),
        ));
        let run = tree.refused(&["gen"]);
        let first = run.stderr.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("error[E0403/invalid-route]: `{host}` is not a valid host name: it {why}"),
        );
        assert!(run.stderr.ends_with(NOTHING), "{}", run.stderr);
    }
    let tree = Tree::new();
    tree.spec(with(
        "hosts: [app.example.test]",
        "hosts: [\"*.example.test\"]",
    ));
    assert_eq!(
        tree.run(&["check"]).code,
        Some(1),
        "a wildcard host is valid"
    );
}

/// The platform's domain too.
#[test]
fn the_platform_domain_follows_the_label_rules() {
    let tree = Tree::new();
    tree.spec(with("  domain: example.test", "  domain: example_test.-x"));
    tree.refuses(
        &["gen"],
        &format!(
            "error[E0103/invalid-shape]: `example_test.-x` is not a valid domain: it holds a character other than ASCII letters, digits, `-` and `.`\n  --> platform.yaml:3:11\n  |\n3 |   domain: example_test.-x\n  |           ^^^^^^^^^^^^^^^\n  = help: write the platform's base domain, such as `example.com`\n{NOTHING}"
        ),
    );
}

// ---------------------------------------------------------------------------------------
// Line endings.
// ---------------------------------------------------------------------------------------

/// An old-Mac file (CR only) is read as lines: the error is on its real line, and the line
/// is quoted as it is.
#[test]
fn cr_only_files_are_read_with_their_lines() {
    let tree = Tree::new();
    let spec = with(
        "  domain: example.test\n",
        "  domain: example.test\n  bogus: 1\n",
    )
    .replace('\n', "\r");
    tree.spec(&spec);
    tree.refuses(
        &["gen"],
        &format!(
            "error[E0103/invalid-shape]: platform.bogus: unknown field `bogus`, expected one of `name`, `domain`, `description`, `output`, `allow_external_output`, `stacks_dir`, `docs`, `inventory`, `target`\n  --> platform.yaml:4:3\n  |\n4 |   bogus: 1\n  |   ^^^^^\n  = help: remove `bogus`; valid keys here: name, domain, description, output, allow_external_output, stacks_dir, docs, inventory, target\n{NOTHING}"
        ),
    );
    // The same platform without the error compiles to the same tree as with LF endings.
    tree.spec(BASE.replace('\n', "\r"));
    let run = tree.run(&["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}
