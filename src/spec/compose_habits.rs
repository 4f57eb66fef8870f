//! Compose habits in a spec: the short forms people type from docker-compose.yml
//! (`ports: ["8080:80"]`, `volumes: ["data:/x"]`, `environment: ["A=1"]`, a quoted port, a
//! command as one string). Input: a shape error serde reported and the node it is about;
//! output: the same error, saying what the value means in Compose and exactly how to write
//! it in seisei's form.
//!
//! seisei refuses the short forms instead of reading them (docs/decisions.md, "Compose short
//! forms"): its long forms say what the short ones leave implicit (whether a port is
//! published, on which address, a volume from a bind), and one spelling per thing keeps
//! specs and diffs alike. The refusal costs one edit, which the message spells out.

use super::document::Document;
use crate::diagnostics::Diagnostic;

/// Rewrites `diagnostic`, serde's shape error at `view` (the path of the node it is about),
/// when that node is a Compose short form; leaves it alone otherwise.
pub(super) fn explain(
    document: &Document,
    view: &[&str],
    located: &str,
    diagnostic: &mut Diagnostic,
) {
    let message = diagnostic.message.clone();
    let n = view.len();
    let parent = |back: usize| n.checked_sub(back).map(|i| view[i]);
    let in_service = |back: usize| n > back && parent(back + 2) == Some("services");
    let text = document
        .node(view)
        .map(|node| document.resolve(node))
        .and_then(|node| document.scalar_text(node).map(str::to_owned));
    let found = if in_service(2)
        && parent(2) == Some("ports")
        && message.contains("expected struct Port")
    {
        text.as_deref().map(short_port)
    } else if n >= 1 && parent(1) == Some("container") && message.contains("expected u16") {
        text.as_deref().map(|t| {
            let plain = t.trim();
            if plain.parse::<u16>().is_ok() {
                (format!("`container` is a port number, not the string `\"{t}\"`"), format!("write `container: {plain}`, a number: without quotes or a `!!str` tag"))
            } else if plain.contains([':', '-']) {
                (format!("`container` is one port number from 1 to 65535, not `{t}`"), "write one entry per port, such as `- { container: 8080 }`; a published one also takes `publish: true`, `host` and `host_ip`".to_owned())
            } else if plain.parse::<u64>().is_ok() {
                (format!("`container` is a port number from 1 to 65535, not `{t}`"), "write the port the program listens on inside the container".to_owned())
            } else {
                (format!("`container` is a port number from 1 to 65535, not `{t}`"), "write the port's number, such as `container: 8080`".to_owned())
            }
        })
    } else if in_service(2)
        && parent(2) == Some("mounts")
        && message.contains("expected struct Mount")
    {
        text.as_deref().map(short_mount)
    } else if in_service(1)
        && matches!(parent(1), Some("environment" | "labels"))
        && message.contains("invalid type: sequence")
    {
        Some(list_as_map(document, view, parent(1).unwrap_or_default()))
    } else if in_service(1)
        && parent(1) == Some("command")
        && message.contains("expected a sequence")
    {
        text.as_deref().map(|t| {
            let words: Vec<String> = t.split_whitespace().map(quoted).collect();
            (
                "`command` is a list of arguments, not one string".to_owned(),
                format!("write `command: [{}]` (Compose would split the string on spaces; the list says where each argument ends)", words.join(", ")),
            )
        })
    } else if message.contains("unknown field `volumes`") {
        // serde places an unknown key at the mapping that holds it, or at the key itself.
        let mut at = view.to_vec();
        if at.last() != Some(&"volumes") {
            at.push("volumes");
        }
        let m = at.len();
        (m >= 4 && at[m - 3] == "services").then(|| volumes_key(document, &at))
    } else {
        None
    };
    if let Some((message, help)) = found {
        diagnostic.message = if located.is_empty() {
            message
        } else {
            format!("{located}: {message}")
        };
        diagnostic.help = Some(help);
    }
}

/// `[[IP:]HOST:]CONTAINER[/PROTOCOL]` in seisei's form.
fn short_port(text: &str) -> (String, String) {
    let said = format!("`{text}` is Compose's short port syntax, which seisei does not read");
    let (address, protocol) = match text.rsplit_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    if address.contains('-') {
        return (said, "write one entry per port, such as `- { container: 8000, publish: true }`: seisei checks each published port for collisions".to_owned());
    }
    // `[::1]:8080:80` holds the address in brackets.
    let bracketed = address
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("]:"));
    let parts: Vec<&str> = if let Some((ip, ports)) = bracketed {
        std::iter::once(ip).chain(ports.split(':')).collect()
    } else {
        let mut parts: Vec<&str> = address.rsplitn(3, ':').collect();
        parts.reverse();
        parts
    };
    let number = |s: &str| s.parse::<u16>().ok();
    let (ip, host, container) = match parts.as_slice() {
        [c] => (None, None, number(c)),
        [h, c] => (None, Some(*h), number(c)),
        [ip, h, c] => (Some(*ip), Some(*h), number(c)),
        _ => (None, None, None),
    };
    let Some(container) = container else {
        return (said, "write `- { container: PORT }` (reached by other containers), with `publish: true` to publish it on the host".to_owned());
    };
    let mut fields = vec![format!("container: {container}")];
    let mut note = String::new();
    match host {
        None => {
            fields.push("publish: true".into());
            note = "; Compose publishes a lone port on a random host port, seisei on the same port; without `publish: true` only other containers reach it".into();
        }
        Some("") => {
            fields.push("publish: true".into());
            note = "; seisei publishes on the container's port, not a random one".into();
        }
        Some(h) => {
            fields.push("publish: true".into());
            if number(h) != Some(container) {
                fields.push(format!("host: {h}"));
            }
        }
    }
    if let Some(ip) = ip.filter(|ip| !ip.is_empty()) {
        fields.push(format!("host_ip: {}", quoted(ip)));
    }
    if let Some(p) = protocol {
        fields.push(format!("protocol: {p}"));
    }
    (said, format!("write `- {{ {} }}`{note}", fields.join(", ")))
}

/// `SOURCE:TARGET[:ro]` in seisei's form.
fn short_mount(text: &str) -> (String, String) {
    let said = format!("`{text}` is Compose's short volume syntax, which seisei does not read");
    let mut parts: Vec<&str> = text.split(':').collect();
    let read_only = parts.len() == 3 && parts[2] == "ro";
    if parts.len() == 3 && matches!(parts[2], "ro" | "rw") {
        parts.pop();
    }
    let [source, target] = parts.as_slice() else {
        return (said, "write `- { volume: NAME, target: /path/in/container }` for a named volume of the stack, or `- { bind: ./host/path, target: /path/in/container }`".to_owned());
    };
    let kind = if source.starts_with(['/', '.', '~']) {
        "bind"
    } else {
        "volume"
    };
    let mut fields = vec![
        format!("{kind}: {}", quoted(source)),
        format!("target: {}", quoted(target)),
    ];
    if read_only {
        fields.push("read_only: true".into());
    }
    let also = if kind == "volume" {
        format!(", and declare `{source}` under the stack's `volumes:` with its `purpose`")
    } else {
        String::new()
    };
    (said, format!("write `- {{ {} }}`{also}", fields.join(", ")))
}

/// `environment: ["A=1"]` (or labels) as the map seisei reads.
fn list_as_map(document: &Document, view: &[&str], key: &str) -> (String, String) {
    let said = format!("`{key}` is a map of names to values, not Compose's list of `NAME=value`");
    let mut entries = Vec::new();
    let mut passed = Vec::new();
    for item in sequence_items(document, view) {
        match item.split_once('=') {
            Some((name, value)) => entries.push(format!("{name}: {}", quoted(value))),
            None => passed.push(item),
        }
    }
    let mut help = if entries.is_empty() {
        format!("write `{key}: {{ NAME: value }}`")
    } else {
        format!("write `{key}: {{ {} }}`", entries.join(", "))
    };
    if !passed.is_empty() && key == "environment" {
        let names = passed.join(", ");
        help = format!(
            "{help}; a bare name ({names}) takes its value from the shell in Compose: declare it in the stack's `env:` and list it in the service's `env: [{names}]`"
        );
    }
    (said, help)
}

/// `volumes:` on a service: seisei writes it from `mounts:`.
fn volumes_key(document: &Document, view: &[&str]) -> (String, String) {
    let items = sequence_items(document, view);
    let rewritten: Vec<String> = items
        .iter()
        .map(|item| {
            let (_, help) = short_mount(item);
            help.strip_prefix("write `- ")
                .and_then(|h| h.split('`').next())
                .unwrap_or("{ volume: NAME, target: /path }")
                .to_owned()
        })
        .collect();
    let example = if rewritten.is_empty() {
        "{ volume: NAME, target: /path/in/container }".to_owned()
    } else {
        rewritten.join(", ")
    };
    (
        "a service's volumes are `mounts:` in seisei, which writes Compose's `volumes:` from them"
            .to_owned(),
        format!(
            "write `mounts: [{example}]`; named volumes are declared under the stack's `volumes:`"
        ),
    )
}

/// The scalar items of the sequence at `view`.
fn sequence_items(document: &Document, view: &[&str]) -> Vec<String> {
    let mut items = Vec::new();
    for index in 0.. {
        let mut at: Vec<&str> = view.to_vec();
        let index = index.to_string();
        at.push(&index);
        let Some(node) = document.node(&at) else {
            break;
        };
        if let Some(text) = document.scalar_text(document.resolve(node)) {
            items.push(text.to_owned());
        }
    }
    items
}

/// `text` as a YAML flow scalar: plain when it is safe, double-quoted otherwise.
fn quoted(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'))
        && !text.starts_with(['-', '.'])
        && text.parse::<f64>().is_err()
        && !matches!(
            text,
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_owned()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}
