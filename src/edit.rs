//! `seisei new`: adds a stack or a service to platform.yaml by inserting a block of text at
//! a position computed from the parsed document. The file is never re-serialized, so every
//! comment, blank line, key order and quoting choice of the rest survives byte for byte.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::encode::yaml::yaml_scalar;
use crate::model;
use crate::spec::Source;

/// The service to add.
#[derive(Debug, Clone)]
pub struct NewService<'a> {
    pub name: &'a str,
    pub image: &'a str,
    /// `HOST` or `HOST/PATH`.
    pub route: Option<&'a str>,
    pub port: Option<u16>,
    pub networks: &'a [String],
    /// Kept off Traefik's network on purpose: `networks:` is written even when empty.
    pub off_traefik: bool,
}

/// A change to one file: its new text (and the old one, empty for a new file).
#[derive(Debug, Clone)]
pub struct Edit {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

/// A new stack holding one service: inserted into the spec, or written as a new stack file
/// when the spec includes stack files, or why not.
pub fn add_stack(
    source: &Source,
    name: &str,
    purpose: &str,
    service: &NewService<'_>,
) -> Result<Edit, Vec<Diagnostic>> {
    if let Some(problem) = model::name_problem(name) {
        return Err(vec![
            Diagnostic::new(Code::InvalidName, &source.path, None, format!("stack name `{name}` is invalid: {problem}"))
                .with_help("names become Compose identifiers and folder names: use lower-case letters, digits, `-` and `_`"),
        ]);
    }
    if source.spec.stacks.contains_key(name) {
        return Err(vec![
            source
                .at_key(
                    Code::InvalidName,
                    &["stacks", name],
                    format!("stack `{name}` already exists"),
                )
                .with_help("choose another name, or add a service to it with `seisei new service`"),
        ]);
    }
    // A platform split into stack files gets one more file, next to the first pattern's.
    if let Some(pattern) = source.spec.include.first() {
        let dir = pattern.rsplit_once('/').map_or("", |(dir, _)| dir);
        let path = source.base_dir().join(dir).join(format!("{name}.yaml"));
        if path.exists() {
            return Err(vec![
                Diagnostic::new(
                    Code::InvalidName,
                    &path,
                    None,
                    format!("{} already exists", path.display()),
                )
                .with_help("choose another name"),
            ]);
        }
        let mut block = String::new();
        stack_block(&mut block, 0, source, name, purpose, service);
        return Ok(Edit {
            path,
            before: String::new(),
            after: block,
        });
    }
    let indent = child_indent(source, &["stacks"], 2);
    let mut block = String::new();
    stack_block(&mut block, indent, source, name, purpose, service);
    let after = source
        .document()
        .last_line(&["stacks"])
        .unwrap_or_else(|| lines_inclusive(&source.text).count());
    Ok(Edit {
        path: source.path.clone(),
        before: source.text.clone(),
        after: insert_after(&source.text, after, &block),
    })
}

fn stack_block(
    block: &mut String,
    indent: usize,
    source: &Source,
    name: &str,
    purpose: &str,
    service: &NewService<'_>,
) {
    let pad = " ".repeat(indent);
    let _ = writeln!(block, "{pad}{}:", yaml_scalar(name));
    let _ = writeln!(block, "{pad}  purpose: {}", yaml_scalar(purpose));
    let _ = writeln!(block, "{pad}  status: testing");
    let networks = networks_for(source, service);
    if !networks.is_empty() {
        let _ = writeln!(block, "{pad}  networks:");
        for network in &networks {
            let _ = writeln!(block, "{pad}    - {}", yaml_scalar(network));
        }
    }
    let _ = writeln!(block, "{pad}  services:");
    service_block(
        block,
        indent + 4,
        &NewService {
            networks: &[],
            ..service.clone()
        },
    );
}

/// A new service in `stack`, inserted in whichever file holds the stack, or why not.
pub fn add_service(
    source: &Source,
    stack: &str,
    service: &NewService<'_>,
) -> Result<Edit, Vec<Diagnostic>> {
    let Some(existing) = source.spec.stacks.get(stack) else {
        return Err(vec![
            Diagnostic::new(
                Code::UnknownStack,
                &source.path,
                None,
                format!("there is no stack `{stack}`"),
            )
            .with_help(
                did_you_mean(stack, source.spec.stacks.keys().map(String::as_str))
                    .unwrap_or_else(|| "add it with `seisei new stack`".into()),
            ),
        ]);
    };
    if let Some(problem) = model::name_problem(service.name) {
        return Err(vec![
            Diagnostic::new(
                Code::InvalidName,
                &source.path,
                None,
                format!("service name `{}` is invalid: {problem}", service.name),
            )
            .with_help("use lower-case letters, digits, `-` and `_`"),
        ]);
    }
    if existing.services.contains_key(service.name) {
        return Err(vec![
            source
                .at_key(
                    Code::InvalidName,
                    &["stacks", stack, "services", service.name],
                    format!("stack `{stack}` already has a service `{}`", service.name),
                )
                .with_help("choose another name"),
        ]);
    }
    // The stack's own file: the spec, or the included file that defines it, where the
    // stack is the root key.
    let (path, text, document, root): (&Path, &str, &crate::spec::Document, Vec<&str>) =
        match source.included.iter().find(|f| f.stack == stack) {
            Some(file) => (&file.path, &file.text, file.document(), vec![stack]),
            None => (
                &source.path,
                &source.text,
                source.document(),
                vec!["stacks", stack],
            ),
        };
    let services: Vec<&str> = root.iter().copied().chain(["services"]).collect();
    let stack_indent = document
        .get(&root)
        .and_then(|p| p.key)
        .map_or(2, |k| k.column - 1);
    let mut block = String::new();
    let (indent, after) = if document.get(&services).is_some() && !existing.services.is_empty() {
        let first = existing
            .services
            .keys()
            .next()
            .map(String::as_str)
            .unwrap_or_default();
        let first_key: Vec<&str> = services.iter().copied().chain([first]).collect();
        let indent = document
            .get(&first_key)
            .and_then(|p| p.key)
            .map_or(stack_indent + 4, |k| k.column - 1);
        (indent, document.last_line(&services).unwrap_or(0))
    } else {
        // A stack without services: a `services:` key goes at the end of the stack.
        let _ = writeln!(block, "{}services:", " ".repeat(stack_indent + 2));
        (stack_indent + 4, document.last_line(&root).unwrap_or(0))
    };
    // Without a route, a service stays off Traefik's network even when the stack's other
    // services are on it: what is on that network is one label away from the internet.
    let private: Vec<String>;
    let mut service = service.clone();
    let traefik = &source.spec.traefik.network;
    let stack_networks = existing.networks.as_deref().unwrap_or_default();
    if service.networks.is_empty() && service.route.is_none() && stack_networks.contains(traefik) {
        private = stack_networks
            .iter()
            .filter(|n| *n != traefik)
            .cloned()
            .collect();
        service.networks = &private;
        service.off_traefik = true;
    }
    service_block(&mut block, indent, &service);
    Ok(Edit {
        path: path.to_path_buf(),
        before: text.to_owned(),
        after: insert_after(text, after, &block),
    })
}

/// Networks the new service joins: as given, else Traefik's network when it is routed.
fn networks_for(source: &Source, service: &NewService<'_>) -> Vec<String> {
    if !service.networks.is_empty() {
        service.networks.to_vec()
    } else if service.route.is_some() {
        vec![source.spec.traefik.network.clone()]
    } else {
        Vec::new()
    }
}

fn service_block(block: &mut String, indent: usize, service: &NewService<'_>) {
    let pad = " ".repeat(indent);
    let _ = writeln!(block, "{pad}{}:", yaml_scalar(service.name));
    let _ = writeln!(block, "{pad}  image: {}", yaml_scalar(service.image));
    if service.off_traefik && service.networks.is_empty() {
        // An empty list keeps the stack's networks away: Compose puts the container on the
        // project's own default network.
        let _ = writeln!(
            block,
            "{pad}  networks: []  # no route: not on Traefik's network"
        );
    } else if !service.networks.is_empty() {
        let _ = writeln!(block, "{pad}  networks:");
        for network in service.networks {
            let _ = writeln!(block, "{pad}    - {}", yaml_scalar(network));
        }
    }
    let port = service.port.or(service.route.map(|_| 80));
    if let Some(port) = port {
        let _ = writeln!(block, "{pad}  ports:");
        let _ = writeln!(block, "{pad}    - container: {port}");
    }
    if let Some(route) = service.route {
        let (host, path) = match route.split_once('/') {
            Some((host, path)) => (host, Some(format!("/{path}"))),
            None => (route, None),
        };
        let _ = writeln!(block, "{pad}  routes:");
        let _ = writeln!(block, "{pad}    - hosts:");
        let _ = writeln!(block, "{pad}        - {}", yaml_scalar(host));
        if let Some(path) = path.filter(|p| p != "/") {
            let _ = writeln!(block, "{pad}      path_prefix: {}", yaml_scalar(&path));
        }
    }
}

/// Indentation of the keys under the mapping at `segments`, from its first child.
fn child_indent(source: &Source, segments: &[&str], fallback: usize) -> usize {
    let Some(first) = source.spec_child(segments) else {
        return fallback;
    };
    let mut path = segments.to_vec();
    path.push(&first);
    source
        .document()
        .get(&path)
        .and_then(|p| p.key)
        .map_or(fallback, |k| k.column - 1)
}

/// `text` with `block` inserted after line `line` (1-based; 0 inserts at the top), separated
/// from what precedes it by one blank line.
fn insert_after(text: &str, line: usize, block: &str) -> String {
    // The block is written in the file's own line breaks (LF, CRLF or, in an old Mac file, a
    // lone CR), and lines are counted as YAML counts them, so a CR-only spec gets its block
    // after the right line instead of after the whole file.
    let brk = line_break(text);
    let mut offset = 0;
    for (index, l) in lines_inclusive(text).enumerate() {
        if index == line {
            break;
        }
        offset += l.len();
    }
    let (before, after) = text.split_at(offset);
    let block = block.replace('\n', brk);
    let mut out = String::with_capacity(text.len() + block.len() + 2 * brk.len());
    out.push_str(before);
    if !before.is_empty() && !before.ends_with(brk) {
        out.push_str(brk);
    }
    if !before.is_empty() && !before.ends_with(&format!("{brk}{brk}")) {
        out.push_str(brk);
    }
    out.push_str(&block);
    out.push_str(after);
    out
}

/// The line break a file uses: CRLF if it has one, else a lone CR if it has one, else LF.
fn line_break(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else if text.contains('\r') {
        "\r"
    } else {
        "\n"
    }
}

/// The lines of `text` with their breaks (`\n`, `\r\n` or a lone `\r`), which add up to
/// `text`.
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = match rest.find(['\n', '\r']) {
            Some(at) if rest[at..].starts_with("\r\n") => at + 2,
            Some(at) => at + 1,
            None => rest.len(),
        };
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_in_the_files_own_line_breaks() {
        assert_eq!(
            insert_after("a:\r  b: 1\rc: 2\r", 2, "x\n"),
            "a:\r  b: 1\r\rx\rc: 2\r"
        );
        assert_eq!(
            insert_after("a: 1\r\nb: 2\r\n", 1, "x\n"),
            "a: 1\r\n\r\nx\r\nb: 2\r\n"
        );
        assert_eq!(insert_after("a: 1\nb: 2\n", 1, "x\n"), "a: 1\n\nx\nb: 2\n");
    }

    #[test]
    fn inserts_after_a_line_with_one_blank_line() {
        assert_eq!(insert_after("a\nb\nc\n", 2, "X\n"), "a\nb\n\nX\nc\n");
        assert_eq!(insert_after("a\nb", 2, "X\n"), "a\nb\n\nX\n");
        assert_eq!(insert_after("a\n\n", 2, "X\n"), "a\n\nX\n");
    }
}
