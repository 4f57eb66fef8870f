//! One compose service mapped onto the spec's `Service`: each key to its first-class field
//! where the spec has one with the same meaning, else to the checked escape hatch when it is
//! a Compose service key seisei does not write itself, else to the report as not imported.
//! Literal values that look like credentials become `${NAME}` references to new secret
//! variables. Input: the resolved service mapping; output: [`Mapped`], plus report entries.

use serde_yaml::{Mapping, Value};

use super::compose::{as_map, scalar_text};
use super::labels::{self, TraefikLabels};
use super::lines;
use super::report::{Outcome, Report};
use super::service_values::{grant, mount_options, port_range};
use crate::model::{is_generated_service_key, is_service_key};
use crate::spec;

/// Where the service is, for lines.
pub struct Context<'a> {
    /// The compose file, relative to the import folder.
    pub file: &'a str,
    pub text: &'a str,
    pub name: &'a str,
    /// Mount targets seisei writes itself for this container (the Traefik configuration).
    pub generated_mounts: &'a [(String, String)],
    /// Drop `command:` (it held the Traefik static configuration, which seisei writes).
    pub command_is_static: bool,
}

/// A service in the spec's terms.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub service: spec::Service,
    pub labels: TraefikLabels,
    /// Variables created for literal credentials: (variable, where, what it looked like).
    pub secrets: Vec<(String, String, &'static str)>,
}

/// Keys Compose and the spec spell and mean alike; tried one by one against the spec's type.
const SAME: &[&str] = &[
    "container_name",
    "user",
    "working_dir",
    "hostname",
    "extra_hosts",
    "dns",
    "ulimits",
    "sysctls",
    "cap_add",
    "cap_drop",
    "devices",
    "privileged",
    "read_only",
    "init",
    "tmpfs",
    "shm_size",
    "pid",
    "ipc",
    "network_mode",
    "logging",
    "security_opt",
    "stop_grace_period",
    "profiles",
    "build",
];

/// Maps `raw`.
pub fn map(cx: &Context<'_>, raw: &Mapping, report: &mut Report) -> Mapped {
    let mut out = Mapping::new();
    let mut escape = Mapping::new();
    let mut secrets = Vec::new();
    let mut traefik = TraefikLabels::default();
    let mut ports: Vec<Value> = Vec::new();
    let at = |path: &[&str]| {
        let mut full = vec!["services", cx.name];
        full.extend_from_slice(path);
        lines::find(cx.text, &full)
    };
    let field = |key: &str| format!("services.{}.{key}", cx.name);
    let first = |report: &mut Report, key: &str| {
        report.push(cx.file, at(&[key]), field(key), Outcome::FirstClass);
    };
    for (key, value) in raw {
        let Some(key) = key.as_str() else { continue };
        let not = |report: &mut Report, why: &str| {
            report.push(
                cx.file,
                at(&[key]),
                field(key),
                Outcome::NotImported(why.to_owned()),
            );
        };
        match key {
            "image" | "restart" => match value.as_str() {
                Some(s) => {
                    out.insert(key.into(), unguard(s).into());
                    first(report, key);
                }
                None => not(report, "not a string"),
            },
            "command" | "entrypoint" => {
                if key == "command" && cx.command_is_static {
                    report.push(cx.file, at(&[key]), field(key), Outcome::Generated("the Traefik flags are now the spec's `traefik:` and the generated traefik.yml".into()));
                    continue;
                }
                let words: Vec<String> = match value {
                    Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
                    Value::String(s) => split_words(s),
                    _ => Vec::new(),
                };
                let words = words.iter().map(|w| unguard(w));
                out.insert(
                    key.into(),
                    Value::Sequence(words.into_iter().map(Value::String).collect()),
                );
                first(report, key);
            }
            "environment" => {
                let mut env = Mapping::new();
                for (k, v) in as_map(value) {
                    let name = k.as_str().unwrap_or_default().to_owned();
                    let line = lines::find_text(cx.text, at(&[key]), &name);
                    let path = format!("{}.{name}", field(key));
                    let Some(v) = v.as_str() else {
                        report.push(cx.file, line, path, Outcome::NotImported("no value (taken from the shell); declare it in .env.example and write `NAME: ${NAME}`".into()));
                        continue;
                    };
                    let v = unguard(v);
                    if !v.contains('$')
                        && let Some(kind) = spec::secrets::credential_kind(&v)
                    {
                        report.push(cx.file, line, path, Outcome::Secret(kind.to_owned()));
                        secrets.push((name.clone(), format!("{}:{line}", cx.file), kind));
                        env.insert(name.clone().into(), format!("${{{name}}}").into());
                        continue;
                    }
                    env.insert(name.into(), v.into());
                    report.push(cx.file, line, path, Outcome::FirstClass);
                }
                out.insert("environment".into(), Value::Mapping(env));
            }
            "ports" | "expose" => {
                for (i, item) in value.as_sequence().into_iter().flatten().enumerate() {
                    let index = i.to_string();
                    let line = at(&[key, &index]);
                    let path = format!("{}[{i}]", field(key));
                    match port(item, key == "ports") {
                        Ok(p) => {
                            ports.push(p);
                            report.push(cx.file, line, path, Outcome::FirstClass);
                        }
                        Err(why) => report.push(cx.file, line, path, Outcome::NotImported(why)),
                    }
                }
            }
            "networks" => {
                match value {
                    // Order means nothing to Compose here; seisei writes them sorted.
                    Value::Sequence(items) => {
                        let mut items = items.clone();
                        items.sort_by_key(|v| scalar_text(v).unwrap_or_default());
                        out.insert(key.into(), Value::Sequence(items));
                        first(report, key);
                    }
                    Value::Mapping(m) => {
                        let mut names: Vec<Value> = m.keys().cloned().collect();
                        names.sort_by_key(|v| scalar_text(v).unwrap_or_default());
                        let mut settings = Mapping::new();
                        for (n, v) in m {
                            let n = n.as_str().unwrap_or_default();
                            let mut attachment = Mapping::new();
                            for (k, option) in v.as_mapping().into_iter().flatten() {
                                let k = k.as_str().unwrap_or_default();
                                let line = at(&[key, n, k]);
                                let path = format!("{}.{n}.{k}", field(key));
                                match (k, option) {
                                    ("aliases", Value::Sequence(items)) => {
                                        let items: Vec<Value> = items
                                            .iter()
                                            .filter_map(scalar_text)
                                            .map(Value::String)
                                            .collect();
                                        attachment.insert(k.into(), Value::Sequence(items));
                                        report.push(cx.file, line, path, Outcome::FirstClass);
                                    }
                                    ("ipv4_address" | "ipv6_address", v) if v.is_string() => {
                                        attachment.insert(k.into(), v.clone());
                                        report.push(cx.file, line, path, Outcome::FirstClass);
                                    }
                                    _ => report.push(cx.file, line, path, Outcome::NotImported("of a service's network options the spec holds `aliases`, `ipv4_address` and `ipv6_address`".into())),
                                }
                            }
                            if !attachment.is_empty() {
                                settings.insert(n.into(), Value::Mapping(attachment));
                            }
                        }
                        if !settings.is_empty() {
                            out.insert("network_settings".into(), Value::Mapping(settings));
                        }
                        out.insert(key.into(), Value::Sequence(names));
                        first(report, key);
                    }
                    _ => not(report, "neither a list nor a mapping"),
                }
            }
            "volumes" => {
                let mut mounts = Vec::new();
                for (i, item) in value.as_sequence().into_iter().flatten().enumerate() {
                    let line = at(&[key, &i.to_string()]);
                    let path = format!("{}[{i}]", field(key));
                    let target = super::compose::mount_target(item);
                    if let Some((_, why)) = cx.generated_mounts.iter().find(|(t, _)| *t == target) {
                        report.push(cx.file, line, path, Outcome::Generated(why.clone()));
                        continue;
                    }
                    match mount(item) {
                        Ok(m) => {
                            mounts.push(m);
                            report.push(cx.file, line, path, Outcome::FirstClass);
                        }
                        Err(why) => report.push(cx.file, line, path, Outcome::NotImported(why)),
                    }
                }
                // seisei writes mounts by target; the order means nothing to Compose.
                mounts.sort_by_key(|m| {
                    m.get("target")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                });
                out.insert("mounts".into(), Value::Sequence(mounts));
            }
            "depends_on" => {
                let mut deps = Vec::new();
                match value {
                    Value::Sequence(items) => {
                        for item in items {
                            // A listed name waits for the start only; seisei's bare name would
                            // wait for health, so the condition is written out.
                            let mut d = Mapping::new();
                            d.insert("service".into(), item.clone());
                            d.insert("condition".into(), "service_started".into());
                            deps.push(Value::Mapping(d));
                        }
                    }
                    Value::Mapping(m) => {
                        for (name, detail) in m {
                            let mut d = Mapping::new();
                            d.insert("service".into(), name.clone());
                            let condition = detail
                                .as_mapping()
                                .and_then(|m| m.get("condition"))
                                .cloned();
                            d.insert(
                                "condition".into(),
                                condition.unwrap_or_else(|| "service_started".into()),
                            );
                            if let Some(r) = detail.as_mapping().and_then(|m| m.get("restart")) {
                                d.insert("restart".into(), r.clone());
                            }
                            deps.push(Value::Mapping(d));
                        }
                    }
                    _ => {}
                }
                out.insert("depends_on".into(), Value::Sequence(deps));
                first(report, key);
            }
            "healthcheck" => match healthcheck(value) {
                Ok((h, rest)) => {
                    out.insert(key.into(), h);
                    first(report, key);
                    for k in rest {
                        report.push(
                            cx.file,
                            at(&[key, &k]),
                            format!("{}.{k}", field(key)),
                            Outcome::NotImported("this healthcheck key is not in the spec".into()),
                        );
                    }
                }
                Err(why) => not(report, &why),
            },
            "labels" => {
                let map = as_map(value);
                traefik = labels::parse(&map);
                let mut plain = Mapping::new();
                for (k, v) in &map {
                    let name = k.as_str().unwrap_or_default();
                    if name.to_ascii_lowercase().starts_with("traefik.") {
                        continue;
                    }
                    let line = lines::find_text(cx.text, at(&[key]), name);
                    let v = v
                        .as_str()
                        .map_or_else(|| v.clone(), |s| Value::String(unguard(s)));
                    plain.insert(k.clone(), v);
                    report.push(
                        cx.file,
                        line,
                        format!("{}.{name}", field(key)),
                        Outcome::FirstClass,
                    );
                }
                if !plain.is_empty() {
                    out.insert("labels".into(), Value::Mapping(plain));
                }
            }
            "deploy" => {
                for (k, v) in value.as_mapping().into_iter().flatten() {
                    let k = k.as_str().unwrap_or_default();
                    let line = at(&[key, k]);
                    let path = format!("{}.{k}", field(key));
                    if k == "resources" {
                        match resources(v) {
                            Ok(r) => {
                                out.insert("resources".into(), r);
                                report.push(cx.file, line, path, Outcome::FirstClass);
                            }
                            Err(why) => report.push(cx.file, line, path, Outcome::NotImported(why)),
                        }
                    } else {
                        report.push(
                            cx.file,
                            line,
                            path,
                            Outcome::NotImported("only `deploy.resources` is in the spec".into()),
                        );
                    }
                }
            }
            "secrets" | "configs" => {
                let mut grants = Vec::new();
                for (i, item) in value.as_sequence().into_iter().flatten().enumerate() {
                    let line = at(&[key, &i.to_string()]);
                    let path = format!("{}[{i}]", field(key));
                    match grant(item) {
                        Ok(g) => {
                            grants.push(g);
                            report.push(cx.file, line, path, Outcome::FirstClass);
                        }
                        Err(why) => report.push(cx.file, line, path, Outcome::NotImported(why)),
                    }
                }
                if !grants.is_empty() {
                    out.insert(key.into(), Value::Sequence(grants));
                }
            }
            k if SAME.contains(&k) => {
                let mut one = Mapping::new();
                one.insert(k.into(), coerce(k, value));
                if serde_yaml::from_value::<spec::Service>(Value::Mapping(one.clone())).is_ok() {
                    out.extend(one);
                    first(report, k);
                } else {
                    escape.insert(k.into(), value.clone());
                    report.push(cx.file, at(&[k]), field(k), Outcome::EscapeHatch);
                }
            }
            k if is_service_key(k) && !is_generated_service_key(k) && k != "extends" => {
                escape.insert(k.into(), value.clone());
                report.push(cx.file, at(&[k]), field(k), Outcome::EscapeHatch);
            }
            _ => not(report, "not a key seisei can write"),
        }
    }
    if !ports.is_empty() {
        out.insert("ports".into(), Value::Sequence(ports));
    }
    if !raw.contains_key("restart") {
        // Compose's default; seisei's is `unless-stopped`, so it is written out.
        out.insert("restart".into(), "no".into());
    }
    if !escape.is_empty() {
        out.insert("compose".into(), Value::Mapping(escape));
    }
    let service = serde_yaml::from_value(Value::Mapping(out)).unwrap_or_default();
    Mapped {
        service,
        labels: traefik,
        secrets,
    }
}

/// `${NAME:?set NAME in .env}` as seisei writes a required variable, read back as the
/// `${NAME}` the spec says, so that importing seisei's own output gives the same spec.
pub fn unguard(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(len) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let inner = &after[2..len];
        match inner.split_once(":?") {
            Some((name, message)) if message == format!("set {name} in .env") => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
            _ => out.push_str(&after[..=len]),
        }
        rest = &after[len + 1..];
    }
    out.push_str(rest);
    out
}

/// Compose's split of a string `command`: on whitespace, with single and double quotes
/// grouping (the shell-words rules Compose uses, without expansion).
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => word.extend(chars.next()),
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                word.extend(chars.next());
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Values Compose reads as strings that YAML wrote as numbers (`shm_size: 256` is bytes).
fn coerce(key: &str, value: &Value) -> Value {
    match (key, value) {
        ("shm_size" | "stop_grace_period" | "user" | "pid" | "ipc", v) => {
            scalar_text(v).map_or_else(|| v.clone(), Value::String)
        }
        ("sysctls", Value::Sequence(_)) => Value::Mapping(as_map(value)),
        ("sysctls", Value::Mapping(m)) => Value::Mapping(
            m.iter()
                .map(|(k, v)| (k.clone(), scalar_text(v).map_or(Value::Null, Value::String)))
                .collect(),
        ),
        ("tmpfs" | "dns", Value::String(s)) => Value::Sequence(vec![Value::String(s.clone())]),
        ("build", Value::String(s)) => {
            let mut m = Mapping::new();
            m.insert("context".into(), Value::String(s.clone()));
            Value::Mapping(m)
        }
        ("logging", Value::Mapping(m)) => {
            let mut m = m.clone();
            if let Some(Value::Mapping(options)) = m.get("options").cloned() {
                let options = options
                    .iter()
                    .map(|(k, v)| (k.clone(), scalar_text(v).map_or(Value::Null, Value::String)))
                    .collect();
                m.insert("options".into(), Value::Mapping(options));
            }
            Value::Mapping(m)
        }
        _ => value.clone(),
    }
}

/// A `ports` item (published) or `expose` item, as a spec port.
pub fn port(item: &Value, published: bool) -> Result<Value, String> {
    let mut p = Mapping::new();
    if let Value::Mapping(long) = item {
        for (k, v) in long {
            match k.as_str().unwrap_or_default() {
                "target" => {
                    p.insert("container".into(), v.clone());
                }
                "published" => {
                    let host: u16 = scalar_text(v)
                        .and_then(|s| s.parse().ok())
                        .ok_or("a published port range or variable is not in the spec")?;
                    p.insert("host".into(), host.into());
                }
                "host_ip" => {
                    p.insert("host_ip".into(), v.clone());
                }
                "protocol" => {
                    p.insert("protocol".into(), v.clone());
                }
                "mode" if v.as_str() == Some("ingress") => {}
                other => {
                    return Err(format!(
                        "the long-syntax port key `{other}` is not in the spec"
                    ));
                }
            }
        }
        p.insert("publish".into(), published.into());
        return Ok(Value::Mapping(p));
    }
    let text = scalar_text(item).ok_or("not a port")?;
    if text.contains('$') || text.contains('[') {
        return Err("a port variable or IPv6 address is not in the spec".into());
    }
    if text.contains('-') {
        return port_range(&text, published);
    }
    let (rest, protocol) = match text.split_once('/') {
        Some((r, proto)) => (r.to_owned(), Some(proto.to_owned())),
        None => (text.clone(), None),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let number = |s: &str| {
        s.parse::<u16>()
            .map_err(|_| format!("`{text}` is not a port the spec can hold"))
    };
    let (ip, host, container) = match parts.as_slice() {
        [c] => (None, None, number(c)?),
        [h, c] => (None, Some(number(h)?), number(c)?),
        [ip, h, c] => (
            Some((*ip).to_owned()),
            if h.is_empty() { None } else { Some(number(h)?) },
            number(c)?,
        ),
        _ => return Err(format!("`{text}` is not a port the spec can hold")),
    };
    if !published && host.is_some() {
        return Err(format!(
            "`{text}`: an `expose` item is a container port only"
        ));
    }
    p.insert("container".into(), container.into());
    p.insert("publish".into(), published.into());
    if let Some(host) = host.filter(|h| *h != container) {
        p.insert("host".into(), host.into());
    }
    if published && host.is_none() {
        return Err(format!(
            "`{text}`: a port published on a random host port is not in the spec"
        ));
    }
    if let Some(ip) = ip {
        p.insert("host_ip".into(), ip.into());
    }
    if let Some(protocol) = protocol {
        p.insert("protocol".into(), protocol.into());
    }
    Ok(Value::Mapping(p))
}

/// A `volumes` item as a spec mount.
pub fn mount(item: &Value) -> Result<Value, String> {
    let mut m = Mapping::new();
    let (kind, source, target, read_only) = match item {
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            let (source, target, mode) = match parts.as_slice() {
                [s, t] => (*s, *t, ""),
                [s, t, mode] => (*s, *t, *mode),
                _ => return Err("an anonymous volume is not in the spec; name it".into()),
            };
            if !matches!(mode, "" | "ro" | "rw") {
                return Err(format!("the mount mode `{mode}` is not in the spec"));
            }
            let bind =
                source.starts_with('.') || source.starts_with('/') || source.starts_with('~');
            (
                if bind { "bind" } else { "volume" },
                source.to_owned(),
                target.to_owned(),
                mode == "ro",
            )
        }
        Value::Mapping(long) => {
            let mut read_only = false;
            for (k, v) in long {
                match k.as_str().unwrap_or_default() {
                    "type" | "source" | "target" => {}
                    "read_only" => {
                        read_only = v.as_bool().unwrap_or(false);
                    }
                    kind @ ("bind" | "volume" | "tmpfs") => {
                        mount_options(kind, v, &mut m)?;
                    }
                    other => {
                        return Err(format!(
                            "the long-syntax mount key `{other}` is not in the spec"
                        ));
                    }
                }
            }
            let get = |k: &str| {
                long.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let kind = get("type");
            if kind == "tmpfs" {
                if !m.contains_key("tmpfs") {
                    m.insert("tmpfs".into(), Value::Mapping(Mapping::new()));
                }
                m.insert("target".into(), get("target").into());
                if read_only {
                    m.insert("read_only".into(), true.into());
                }
                return Ok(Value::Mapping(m));
            }
            if !matches!(kind.as_str(), "volume" | "bind") {
                return Err(format!("a `{kind}` mount is not in the spec"));
            }
            (
                if kind == "bind" { "bind" } else { "volume" },
                get("source"),
                get("target"),
                read_only,
            )
        }
        _ => return Err("not a mount".into()),
    };
    m.insert(kind.into(), source.into());
    m.insert("target".into(), target.into());
    if read_only {
        m.insert("read_only".into(), true.into());
    }
    Ok(Value::Mapping(m))
}

/// A healthcheck in the spec's shape, with Docker's defaults written out for what the file
/// leaves unset (seisei's defaults differ: a 5s timeout), and the keys left over.
fn healthcheck(value: &Value) -> Result<(Value, Vec<String>), String> {
    let h = value.as_mapping().ok_or("not a mapping")?;
    let mut out = Mapping::new();
    let mut rest = Vec::new();
    for (k, v) in h {
        let k = k.as_str().unwrap_or_default();
        match k {
            "test" => {
                let test = match v {
                    // The shell form is `CMD-SHELL` in Compose's model and in what seisei
                    // writes, so it is imported as that.
                    Value::String(s) => {
                        Value::Sequence(vec!["CMD-SHELL".into(), Value::String(s.clone())])
                    }
                    Value::Sequence(items) => {
                        let parts: Vec<String> = items.iter().filter_map(scalar_text).collect();
                        if parts.first().is_some_and(|p| p == "NONE") {
                            return Err("a disabled healthcheck (`NONE`) is not in the spec".into());
                        }
                        Value::Sequence(parts.into_iter().map(Value::String).collect())
                    }
                    _ => return Err("the test is neither a string nor a list".into()),
                };
                out.insert("test".into(), test);
            }
            "interval" | "timeout" | "start_period" => {
                out.insert(k.into(), scalar_text(v).unwrap_or_default().into());
            }
            "retries" => {
                out.insert(k.into(), v.clone());
            }
            "disable" => return Err("a disabled healthcheck is not in the spec".into()),
            other => rest.push(other.to_owned()),
        }
    }
    if !out.contains_key("test") {
        return Err("a healthcheck without a test is not in the spec".into());
    }
    for (k, default) in [("interval", "30s"), ("timeout", "30s")] {
        if !out.contains_key(k) {
            out.insert(k.into(), default.into());
        }
    }
    if !out.contains_key("retries") {
        out.insert("retries".into(), 3.into());
    }
    Ok((Value::Mapping(out), rest))
}

/// `deploy.resources` in the spec's shape (cpus as a number).
fn resources(value: &Value) -> Result<Value, String> {
    let r = value.as_mapping().ok_or("not a mapping")?;
    let mut out = Mapping::new();
    for (k, v) in r {
        let k = k.as_str().unwrap_or_default();
        if !matches!(k, "limits" | "reservations") {
            return Err(format!("`deploy.resources.{k}` is not in the spec"));
        }
        let mut set = Mapping::new();
        for (rk, rv) in v.as_mapping().into_iter().flatten() {
            let rk = rk.as_str().unwrap_or_default();
            match rk {
                "cpus" => {
                    let cpus: f64 = scalar_text(rv)
                        .and_then(|s| s.parse().ok())
                        .ok_or("`cpus` is not a number")?;
                    set.insert("cpus".into(), cpus.into());
                }
                "memory" => {
                    set.insert("memory".into(), scalar_text(rv).unwrap_or_default().into());
                }
                "pids" => {
                    set.insert("pids".into(), rv.clone());
                }
                other => return Err(format!("`deploy.resources.{k}.{other}` is not in the spec")),
            }
        }
        out.insert(k.into(), Value::Mapping(set));
    }
    Ok(Value::Mapping(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_compose_and_unguards_seisei_references() {
        assert_eq!(
            split_words("redis-server --x 'a b' \"c\\\"d\""),
            ["redis-server", "--x", "a b", "c\"d"]
        );
        assert_eq!(
            unguard("${A:?set A in .env}/${B:?other}/${C:?set C in .env}"),
            "${A}/${B:?other}/${C}"
        );
        assert_eq!(unguard("x ${A:?set A in .env}"), "x ${A}");
    }
}
