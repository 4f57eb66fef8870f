//! A compose file's model normalised the way `docker compose config` normalises it, for
//! verify: short syntax expanded (ports with their protocol, mounts as `source:target:mode`
//! with the long syntax's options, file modes as numbers, sizes in bytes), environment lists
//! and maps alike, Docker's healthcheck defaults filled in, variables left as written, and
//! `traefik.` labels left out (verify compares them as routers). Input: the file's root
//! mapping; output: comparable JSON.

use serde_json::{Value as Json, json};
use serde_yaml::{Mapping, Value};

use super::compose::{as_map, scalar_text};
use super::service::{split_words, unguard};

/// The normalised compose model of a file's root mapping.
pub fn normalise(root: &Value) -> Json {
    let mut services = serde_json::Map::new();
    for (name, svc) in root
        .get("services")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let (Some(name), Some(svc)) = (name.as_str(), svc.as_mapping()) else {
            continue;
        };
        services.insert(name.to_owned(), service(svc));
    }
    let mut networks = serde_json::Map::new();
    for (name, n) in root
        .get("networks")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let name = name.as_str().unwrap_or_default().to_owned();
        let mut entry = serde_json::Map::new();
        for (k, v) in n.as_mapping().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default();
            match k {
                "driver" if v.as_str() == Some("bridge") => {}
                "name" if v.as_str() == Some(name.as_str()) => {}
                _ => {
                    entry.insert(k.to_owned(), yaml_json(v));
                }
            }
        }
        networks.insert(name, Json::Object(entry));
    }
    let mut volumes = serde_json::Map::new();
    for (name, v) in root
        .get("volumes")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let mut entry = serde_json::Map::new();
        for (k, val) in v.as_mapping().into_iter().flatten() {
            let k = k.as_str().unwrap_or_default();
            // An external volume's Docker name is its key unless it says otherwise.
            let external = v.get("external").and_then(Value::as_bool) == Some(true);
            let own_name = k == "name" && external && val.as_str() == name.as_str();
            if !(own_name || k == "driver" && val.as_str() == Some("local")) {
                entry.insert(k.to_owned(), yaml_json(val));
            }
        }
        volumes.insert(
            name.as_str().unwrap_or_default().to_owned(),
            Json::Object(entry),
        );
    }
    json!({"services": services, "networks": networks, "volumes": volumes})
}

/// A mount, short or long syntax, as one comparable line: `source:target:mode`, then the
/// long syntax's options as JSON (a tmpfs size in bytes, as Compose reads it).
fn mount_text(item: &Value) -> String {
    let dotted = |source: &str| {
        source
            .strip_prefix("./")
            .map_or_else(|| source.to_owned(), |p| format!("./{p}"))
    };
    match item {
        Value::Mapping(m) => {
            let get = |k: &str| m.get(k).and_then(scalar_text).unwrap_or_default();
            let kind = get("type");
            let source = if kind == "tmpfs" {
                "tmpfs".to_owned()
            } else {
                dotted(&get("source"))
            };
            let read_only = m.get("read_only").and_then(Value::as_bool) == Some(true);
            let mut line = format!(
                "{source}:{}:{}",
                get("target"),
                if read_only { "ro" } else { "rw" }
            );
            if let Some(options) = m.get(kind.as_str()).filter(|o| !o.is_null()) {
                let mut options = yaml_json(options);
                if let Some(size) = options.get_mut("size") {
                    let text = size
                        .as_str()
                        .map_or_else(|| size.to_string(), str::to_owned);
                    *size = json!(bytes(&text));
                }
                if let Some(mode) = options.get_mut("mode") {
                    *mode = json!(file_mode(mode));
                }
                if options.as_object().is_some_and(|o| !o.is_empty()) {
                    line.push(' ');
                    line.push_str(&options.to_string());
                }
            }
            line
        }
        other => {
            let s = scalar_text(other).unwrap_or_default();
            let parts: Vec<&str> = s.split(':').collect();
            let mode = parts.get(2).copied().unwrap_or("rw");
            format!(
                "{}:{}:{mode}",
                dotted(parts[0]),
                parts.get(1).unwrap_or(&"")
            )
        }
    }
}

/// A size with a binary unit (`512m`) in bytes, as Compose reads it; the text when it is not one.
fn bytes(text: &str) -> Json {
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let scale: Option<u64> = match lower[digits.len()..].trim_end_matches('b') {
        "" => Some(1),
        "k" => Some(1 << 10),
        "m" => Some(1 << 20),
        "g" => Some(1 << 30),
        _ => None,
    };
    match (digits.parse::<u64>(), scale) {
        (Ok(n), Some(scale)) => json!(n * scale),
        _ => json!(text),
    }
}

/// A file mode as the number Compose reads: `"0400"` (octal, as written) or `256`.
fn file_mode(mode: &Json) -> Json {
    match mode {
        Json::String(s) => u64::from_str_radix(s, 8).map_or_else(|_| mode.clone(), |n| json!(n)),
        other => other.clone(),
    }
}

fn yaml_json(v: &Value) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn text_json(v: &Value) -> Json {
    scalar_text(v).map_or(Json::Null, |s| Json::String(unguard(&s)))
}

fn service(svc: &Mapping) -> Json {
    let mut out = serde_json::Map::new();
    for (key, value) in svc {
        let Some(key) = key.as_str() else { continue };
        let normal = match key {
            "environment" => Json::Object(
                as_map(value)
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), text_json(v)))
                    .collect(),
            ),
            "labels" => {
                let map: serde_json::Map<String, Json> = as_map(value)
                    .iter()
                    .filter(|(k, _)| {
                        !k.as_str()
                            .unwrap_or_default()
                            .to_ascii_lowercase()
                            .starts_with("traefik.")
                    })
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), text_json(v)))
                    .collect();
                if map.is_empty() {
                    continue;
                }
                Json::Object(map)
            }
            "ports" | "expose" => {
                let mut items: Vec<String> = value
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter_map(scalar_text)
                    .map(|s| {
                        if s.contains('/') {
                            s
                        } else {
                            format!("{s}/tcp")
                        }
                    })
                    .collect();
                items.sort();
                json!(items)
            }
            "volumes" => {
                let mut items: Vec<String> = value
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .map(mount_text)
                    .collect();
                items.sort();
                json!(items)
            }
            "networks" => match value {
                Value::Mapping(m) if m.values().any(|v| !v.is_null()) => Json::Object(
                    m.iter()
                        .map(|(k, v)| {
                            let mut settings = yaml_json(v);
                            if let Some(aliases) =
                                settings.get_mut("aliases").and_then(Json::as_array_mut)
                            {
                                aliases.sort_by_key(Json::to_string);
                            }
                            if settings.is_null() {
                                settings = json!({});
                            }
                            (scalar_text(k).unwrap_or_default(), settings)
                        })
                        .collect(),
                ),
                _ => {
                    let mut names: Vec<String> = match value {
                        Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
                        Value::Mapping(m) => m.keys().filter_map(scalar_text).collect(),
                        _ => Vec::new(),
                    };
                    names.sort();
                    json!(names)
                }
            },
            "secrets" | "configs" => json!(
                value
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .map(|g| {
                        let mut g = yaml_json(g);
                        if let Some(mode) = g.get_mut("mode") {
                            *mode = json!(file_mode(mode));
                        }
                        g
                    })
                    .collect::<Vec<_>>()
            ),
            "depends_on" => match value {
                Value::Sequence(items) => Json::Object(
                    items
                        .iter()
                        .filter_map(scalar_text)
                        .map(|n| (n, json!({"condition": "service_started"})))
                        .collect(),
                ),
                Value::Mapping(m) => Json::Object(
                    m.iter()
                        .map(|(k, v)| {
                            let condition = v
                                .get("condition")
                                .and_then(Value::as_str)
                                .unwrap_or("service_started");
                            let mut d = json!({"condition": condition});
                            if let Some(r) =
                                v.get("restart").and_then(Value::as_bool).filter(|r| *r)
                            {
                                d["restart"] = json!(r);
                            }
                            (k.as_str().unwrap_or_default().to_owned(), d)
                        })
                        .collect(),
                ),
                _ => Json::Null,
            },
            "command" | "entrypoint" => match value {
                Value::String(s) => json!(
                    split_words(s)
                        .iter()
                        .map(|w| unguard(w))
                        .collect::<Vec<_>>()
                ),
                Value::Sequence(items) => json!(
                    items
                        .iter()
                        .filter_map(scalar_text)
                        .map(|w| unguard(&w))
                        .collect::<Vec<_>>()
                ),
                _ => Json::Null,
            },
            "healthcheck" => {
                let mut h = serde_json::Map::new();
                h.insert("interval".into(), json!("30s"));
                h.insert("timeout".into(), json!("30s"));
                h.insert("retries".into(), json!(3));
                for (k, v) in value.as_mapping().into_iter().flatten() {
                    let k = k.as_str().unwrap_or_default().to_owned();
                    let v = match (&*k, v) {
                        ("test", Value::String(s)) => json!(["CMD-SHELL", s]),
                        ("retries", v) => json!(scalar_text(v).and_then(|s| s.parse::<u64>().ok())),
                        (_, v) => text_json(v)
                            .as_str()
                            .map_or_else(|| yaml_json(v), |s| json!(s)),
                    };
                    h.insert(k, v);
                }
                Json::Object(h)
            }
            "deploy" => {
                let mut d = yaml_json(value);
                for set in ["limits", "reservations"] {
                    if let Some(cpus) = d.pointer_mut(&format!("/resources/{set}/cpus")) {
                        let n: f64 = cpus.as_str().map_or_else(
                            || cpus.as_f64().unwrap_or(0.0),
                            |s| s.parse().unwrap_or(0.0),
                        );
                        *cpus = json!(n.to_string());
                    }
                }
                d
            }
            "image" | "container_name" | "restart" | "user" | "shm_size" | "stop_grace_period" => {
                text_json(value)
            }
            k if k.starts_with("x-") => continue,
            _ => yaml_json(value),
        };
        out.insert(key.to_owned(), normal);
    }
    out.entry("restart").or_insert_with(|| json!("no"));
    Json::Object(out)
}
