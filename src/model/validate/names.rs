//! Names: stacks, services, networks, volumes, containers and variables follow the rules of
//! Compose, Docker and the shells that read `.env` files, and are safe as folder names.

use super::Checker;
use crate::diagnostics::Code;

/// Compose project, service, volume and network names: lower-case letters, digits, `-`
/// and `_`, starting with a letter or digit. The same rule keeps them safe as path
/// components and as Traefik label segments (which cannot hold dots).
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 63 {
        Some("it is longer than 63 characters")
    } else if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        Some("it must start with a lower-case letter or a digit")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        Some("only lower-case letters, digits, `-` and `_` are allowed")
    } else {
        None
    }
}

/// Why a folder inside the output directory is not one seisei may write to.
pub fn folder_problem(folder: &str) -> Option<&'static str> {
    if folder.starts_with('/') || folder.contains('\\') {
        Some("is not a relative path with `/` separators")
    } else if folder.split('/').any(|c| c == ".." || c == ".") {
        Some("may not contain `..` or `.`")
    } else if folder.trim_end_matches('/').split('/').any(str::is_empty) {
        Some("has an empty path component")
    } else {
        None
    }
}

/// Docker's rule for container names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub(super) fn is_container_name(name: &str) -> bool {
    name.len() >= 2
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

pub(super) use crate::model::references::is_variable_name;

impl Checker<'_> {
    pub(super) fn names(&mut self) {
        let spec = &self.source.spec;
        let mut checks: Vec<(Vec<String>, &str, &str)> = Vec::new();
        for name in spec.networks.keys() {
            checks.push((vec!["networks".into(), name.clone()], name, "network"));
        }
        for (stack_name, stack) in &spec.stacks {
            checks.push((
                vec!["stacks".into(), stack_name.clone()],
                stack_name,
                "stack",
            ));
            for name in stack.services.keys() {
                checks.push((
                    vec![
                        "stacks".into(),
                        stack_name.clone(),
                        "services".into(),
                        name.clone(),
                    ],
                    name,
                    "service",
                ));
            }
            for name in stack.volumes.keys() {
                checks.push((
                    vec![
                        "stacks".into(),
                        stack_name.clone(),
                        "volumes".into(),
                        name.clone(),
                    ],
                    name,
                    "volume",
                ));
            }
            for name in stack.env.keys() {
                if !is_variable_name(name) {
                    let path = ["stacks", stack_name.as_str(), "env", name.as_str()];
                    self.push(
                        self.source
                            .at_key(Code::InvalidName, &path, format!("`{name}` is not a valid variable name"))
                            .with_help("use letters, digits and `_`, not starting with a digit (e.g. `DATABASE_URL`)"),
                    );
                }
            }
        }
        for (path, name, what) in checks {
            if let Some(problem) = name_problem(name) {
                let segments: Vec<&str> = path.iter().map(String::as_str).collect();
                self.push(
                    self.source
                        .at_key(Code::InvalidName, &segments, format!("{what} name `{name}` is invalid: {problem}"))
                        .with_help("names become Compose identifiers and folder names: use lower-case letters, digits, `-` and `_`"),
                );
            }
        }
    }
}
