//! Where each randomized value of a plan must land in the outputs, as their consumers read them.

use seisei::model::{SECRET_PLACEHOLDER, is_placeholder};
use serde_json::{Value, json};

use super::*;
use crate::support::readers::read_dotenv;

impl PlatformPlan {
    /// Every randomized value, where it must land.
    pub(crate) fn check(&self, files: &Files, problems: &mut Vec<String>) {
        let spec = self.to_json();
        let proxy_dir = "infra/stacks/edge";
        let static_file = format!("{proxy_dir}/traefik.yml");
        let platform_file = format!("{proxy_dir}/dynamic/_platform.yml");
        let traefik = &spec["traefik"];
        let mut at = |path: &str, keys: &[&str], expected: &Value| {
            expect(problems, files, path, keys, expected);
        };
        at(&static_file, &["log", "level"], &traefik["log_level"]);
        at(
            &static_file,
            &["providers", "file", "directory"],
            &json!(format!("{}/dynamic", self.config_dir.trim_end_matches('/'))),
        );
        for (resolver, challenge) in [("le", None), ("dns", Some(&self.dns_provider))] {
            let acme = ["certificatesResolvers", resolver, "acme"];
            at(
                &static_file,
                &[&acme[..], &["email"]].concat(),
                &json!(self.email),
            );
            at(
                &static_file,
                &[&acme[..], &["storage"]].concat(),
                &json!(self.storage),
            );
            if let Some(provider) = challenge {
                at(
                    &static_file,
                    &[&acme[..], &["dnsChallenge", "provider"]].concat(),
                    &json!(provider),
                );
            }
        }
        let middlewares = ["http", "middlewares"];
        let mut dynamic = |keys: &[&str], expected: &Value| {
            at(&platform_file, &[&middlewares[..], keys].concat(), expected);
        };
        if !self.headers.is_empty() {
            dynamic(
                &["headers", "headers", "customResponseHeaders"],
                &json!(self.headers),
            );
        }
        dynamic(&["strip", "stripPrefix", "prefixes"], &json!(self.prefixes));
        dynamic(&["auth", "basicAuth", "usersFile"], &json!(self.users_file));
        dynamic(
            &["allow", "ipAllowList", "sourceRange"],
            &json!(self.source_ranges),
        );
        dynamic(&["https", "redirectScheme", "scheme"], &json!(self.scheme));

        for index in 0..self.stacks.len() {
            let name = self.stack_name(index);
            let stack = &spec["stacks"][&name];
            let compose = format!("infra/stacks/{name}/docker-compose.yml");
            let services = stack["services"].as_object().expect("services");
            for (service_name, service) in services {
                let keys = |rest: &[&'static str]| -> Vec<String> {
                    let mut keys = vec!["services".to_owned(), service_name.clone()];
                    keys.extend(rest.iter().map(|k| (*k).to_owned()));
                    keys
                };
                let mut at_service = |rest: &[&'static str], expected: &Value| {
                    let keys = keys(rest);
                    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                    expect(problems, files, &compose, &keys, expected);
                };
                let image = service["image"].as_str().expect("image");
                at_service(&["image"], &Value::String(guarded(image, stack)));
                if let Some(restart) = service["restart"].as_str() {
                    at_service(&["restart"], &literal(restart));
                }
                if !service["command"].is_null() {
                    at_service(&["command"], &guarded_value(&service["command"], stack));
                }
                if let Some(test) = service.get("healthcheck") {
                    at_service(
                        &["healthcheck", "test"],
                        &guarded_value(&test["test"], stack),
                    );
                }
                let environment = files.get(&compose, &["services", service_name, "environment"]);
                for (key, value) in service["environment"].as_object().into_iter().flatten() {
                    let value = &guarded_value(value, stack);
                    let actual = environment.and_then(|e| e.get(key));
                    if actual != Some(value) {
                        problems.push(format!(
                            "{compose}: services.{service_name}.environment.{key}: found {actual:?}, expected {value:?}"
                        ));
                    }
                }
                for variable in service["env"].as_array().into_iter().flatten() {
                    let variable = variable.as_str().expect("a variable name");
                    let expected = reference(variable, &stack["env"][variable]);
                    let actual = environment.and_then(|e| e.get(variable));
                    if actual != Some(&expected) {
                        problems.push(format!(
                            "{compose}: services.{service_name}.environment.{variable}: found {actual:?}, expected {expected:?}"
                        ));
                    }
                }
                for (key, value) in service["compose"].as_object().into_iter().flatten() {
                    let value = &guarded_value(value, stack);
                    let actual = files.get(&compose, &["services", service_name, key]);
                    if actual != Some(value) {
                        problems.push(format!(
                            "{compose}: services.{service_name}.{key}: found {actual:?}, expected {value:?}"
                        ));
                    }
                }
            }
            for (volume, fields) in stack["volumes"].as_object().into_iter().flatten() {
                if let Some(docker_name) = fields["name"].as_str() {
                    expect(
                        problems,
                        files,
                        &compose,
                        &["volumes", volume, "name"],
                        &literal(docker_name),
                    );
                }
            }
            for (service_name, service) in services {
                for route in service["routes"].as_array().into_iter().flatten() {
                    check_rule(self, files, &name, stack, service_name, route, problems);
                }
            }
            let env_path = format!("infra/stacks/{name}/.env.example");
            let expected: Vec<(String, String)> = stack["env"]
                .as_object()
                .expect("env")
                .iter()
                .map(|(variable, fields)| (variable.clone(), shown_example(fields)))
                .collect();
            match files.raw.get(&env_path).map(|text| read_dotenv(text)) {
                Some(Ok(entries)) if entries == expected => {}
                other => {
                    problems.push(format!("{env_path}: read {other:?}, expected {expected:?}"));
                }
            }
        }
    }
}

/// The rule of a route, as Traefik gets it (from the dynamic file, or from the Docker label
/// once Compose has turned `$$` into `$`), parsed with seisei's model of Traefik's rule
/// parser: its `Path` and `PathPrefix` arguments must be the spec's, whatever they hold.
fn check_rule(
    plan: &PlatformPlan,
    files: &Files,
    stack_name: &str,
    stack: &Value,
    service_name: &str,
    route: &Value,
    problems: &mut Vec<String>,
) {
    use seisei::traefik::rule::{Expr, Kind, Matcher, parse};
    fn paths(expr: &Expr, out: &mut Vec<(Matcher, String)>) {
        match expr {
            Expr::Match { matcher, args, .. }
                if matches!(matcher, Matcher::Path | Matcher::PathPrefix) =>
            {
                out.extend(args.iter().map(|a| (*matcher, a.value.clone())));
            }
            Expr::Match { .. } => {}
            Expr::Not(inner) => paths(inner, out),
            Expr::And(a, b) | Expr::Or(a, b) => {
                paths(a, out);
                paths(b, out);
            }
        }
    }
    let router = format!(
        "{stack_name}-{service_name}-{}",
        route["name"].as_str().expect("a route name")
    );
    let default = if plan.docker_by_default {
        "docker"
    } else {
        "file"
    };
    let provider = route["provider"]
        .as_str()
        .or_else(|| stack["provider"].as_str())
        .unwrap_or(default);
    let rule = if provider == "file" {
        let path = format!("infra/stacks/edge/dynamic/{stack_name}.yml");
        files
            .get(&path, &["http", "routers", &router, "rule"])
            .and_then(Value::as_str)
            .map(str::to_owned)
    } else {
        let path = format!("infra/stacks/{stack_name}/docker-compose.yml");
        let label = format!("traefik.http.routers.{router}.rule");
        files
            .get(&path, &["services", service_name, "labels", &label])
            .and_then(Value::as_str)
            .map(|text| text.replace("$$", "$"))
    };
    let Some(rule) = rule else {
        problems.push(format!("router `{router}` ({provider}): no rule found"));
        return;
    };
    let expr = match parse(&rule, Kind::Http) {
        Ok(expr) => expr,
        Err(e) => {
            problems.push(format!(
                "router `{router}`: {rule:?} does not parse: {}",
                e.message
            ));
            return;
        }
    };
    let mut found = Vec::new();
    paths(&expr, &mut found);
    let mut expected = Vec::new();
    if let Some(path) = route["path"].as_str() {
        expected.push((Matcher::Path, path.to_owned()));
    }
    if let Some(prefix) = route["path_prefix"].as_str() {
        expected.push((Matcher::PathPrefix, prefix.to_owned()));
    }
    found.sort();
    expected.sort();
    if found != expected {
        problems.push(format!(
            "router `{router}`: {rule:?} matches paths {found:?}, expected {expected:?}"
        ));
    }
}

/// The Compose reference seisei writes for a stack variable.
/// `text` as seisei writes it: each bare `${NAME}` of a declared variable takes the
/// variable's meaning (the generators write no other bare form).
fn guarded(text: &str, stack: &Value) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(tail) = after.strip_prefix("$$") {
            out.push_str("$$");
            rest = tail;
            continue;
        }
        let name: String = after
            .strip_prefix("${")
            .map(|inner| {
                inner
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .unwrap_or_default();
        let bare = !name.is_empty() && after[2 + name.len()..].starts_with('}');
        let variable = &stack["env"][&name];
        if bare && !variable.is_null() {
            out.push_str(reference(&name, variable).as_str().unwrap_or_default());
            rest = &after[3 + name.len()..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
}

/// [`guarded`] on every string of a value.
fn guarded_value(value: &Value, stack: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(guarded(s, stack)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| guarded_value(v, stack)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), guarded_value(v, stack)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn reference(name: &str, variable: &Value) -> Value {
    let required = variable["required"].as_bool().unwrap_or(true);
    let text = match variable["default"].as_str() {
        Some(default) => format!("${{{name}:-{}}}", default.replace('$', "$$")),
        None if required => format!("${{{name}:?set {name} in .env}}"),
        None => format!("${{{name}:-}}"),
    };
    Value::String(text)
}

/// What `.env.example` must show for a variable: its example, else its default, else
/// nothing; a placeholder for a secret.
fn shown_example(variable: &Value) -> String {
    let shown = variable["example"]
        .as_str()
        .or_else(|| variable["default"].as_str())
        .unwrap_or_default();
    if variable["secret"].as_bool() == Some(true) && !is_placeholder(shown) {
        SECRET_PLACEHOLDER.to_owned()
    } else {
        shown.to_owned()
    }
}
