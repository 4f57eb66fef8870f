//! Override files beside a compose file (`docker-compose.bind.yml`, and
//! `docker-compose.override.yml` when `--overrides variant` keeps it apart) read as the spec's
//! stack variants: per service, the image, command, environment, labels outside `traefik.`,
//! mounts and ports a variant may change; every other key is reported as not imported.
//! Input: one override file; output: the variant's name and [`spec::Variant`], plus report
//! entries and the `${NAME}` references it makes.

use std::path::Path;

use serde_yaml::Value;

use super::compose::{self, as_map, scalar_text};
use super::report::{Outcome, Report};
use super::service::{mount, port, split_words, unguard};
use super::{lines, relative};
use crate::spec;

/// A variant as imported.
pub struct Imported {
    pub name: String,
    pub variant: spec::Variant,
    /// Every string the variant writes, for the stack's variable references.
    pub strings: Vec<String>,
}

/// The variant name of an override file: `docker-compose.bind.yml` is `bind`. `None` when the
/// rest of the name cannot name a variant (the spec writes the file back under that name).
pub fn name_of(path: &Path) -> Option<String> {
    let file = path.file_name()?.to_str()?;
    let rest = file
        .strip_prefix("docker-compose.")
        .or_else(|| file.strip_prefix("compose."))?;
    let (name, _) = rest.rsplit_once('.')?;
    let valid = !name.is_empty()
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    valid.then(|| name.to_owned())
}

/// Reads the override file at `path` of a stack whose main file is `main`.
pub fn read(dir: &Path, main: &Path, path: &Path, report: &mut Report) -> Option<Imported> {
    let rel = relative(dir, path);
    let file_name = |p: &Path| {
        p.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let Some(name) = name_of(path) else {
        report.push(
            &rel,
            1,
            "(variant file)",
            Outcome::NotImported(format!(
                "a variant's name is lowercase letters, digits and `-` (seisei writes `docker-compose.NAME.yml`); rename the file and import again, or keep it beside the generated `{}`",
                file_name(main)
            )),
        );
        return None;
    };
    let Ok((text, root)) = compose::read_yaml(path) else {
        report.push(
            &rel,
            1,
            "(variant file)",
            Outcome::NotImported("not readable as YAML".into()),
        );
        return None;
    };
    // seisei's own variant header names the variant and says how to use it; the purpose is
    // what follows the name.
    let header: Vec<String> = lines::header(&text)
        .into_iter()
        .filter(|l| !l.starts_with("Use it over the main file:"))
        .map(|l| match l.split_once("`: ") {
            Some((head, purpose))
                if head.starts_with("Variant `") && head.contains(" of stack `") =>
            {
                purpose.to_owned()
            }
            _ => l,
        })
        .collect();
    let purpose = if header.is_empty() {
        format!(
            "Used with `docker compose -f {} -f {}`",
            file_name(main),
            file_name(path)
        )
    } else {
        header.join(" ")
    };
    let mut variant = spec::Variant {
        purpose,
        services: std::collections::BTreeMap::new(),
    };
    let mut strings = Vec::new();
    for (key, _) in root.as_mapping().into_iter().flatten() {
        let key = key.as_str().unwrap_or_default();
        if key != "services" && !key.starts_with("x-") {
            report.push(
                &rel,
                lines::find(&text, &[key]),
                key,
                Outcome::NotImported(
                    "a variant changes services only; keep this key in the main file".into(),
                ),
            );
        }
    }
    let services = root
        .get("services")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    for (service, raw) in &services {
        let service = service.as_str().unwrap_or_default();
        let Some(raw) = raw.as_mapping() else {
            continue;
        };
        let at = |path: &[&str]| {
            let mut full = vec!["services", service];
            full.extend_from_slice(path);
            lines::find(&text, &full)
        };
        let field = |key: &str| format!("services.{service}.{key}");
        let mut out = spec::VariantService::default();
        for (key, value) in raw {
            let key = key.as_str().unwrap_or_default();
            let mut outcome = Outcome::FirstClass;
            match key {
                "image" => match value.as_str() {
                    Some(s) => out.image = Some(unguard(s)),
                    None => outcome = Outcome::NotImported("not a string".into()),
                },
                "command" => {
                    let words: Vec<String> = match value {
                        Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
                        Value::String(s) => split_words(s),
                        _ => Vec::new(),
                    };
                    out.command = Some(words.iter().map(|w| unguard(w)).collect());
                }
                "environment" | "labels" => {
                    for (k, v) in as_map(value) {
                        let k = k.as_str().unwrap_or_default().to_owned();
                        let line = lines::find_text(&text, at(&[key]), &k);
                        let path = format!("{}.{k}", field(key));
                        let Some(v) = v.as_str() else {
                            report.push(
                                &rel,
                                line,
                                path,
                                Outcome::NotImported(
                                    "no value (taken from the shell); write `NAME=${NAME}`".into(),
                                ),
                            );
                            continue;
                        };
                        if key == "labels" && k.to_ascii_lowercase().starts_with("traefik.") {
                            report.push(&rel, line, path, Outcome::NotImported("a variant cannot change routes; keep the file beside the generated one".into()));
                            continue;
                        }
                        if spec::secrets::credential_kind(v).is_some() && !v.contains('$') {
                            report.push(&rel, line, path, Outcome::NotImported("looks like a credential, which is never copied; write it as `${NAME}` and declare NAME in .env.example".into()));
                            continue;
                        }
                        let v = unguard(v);
                        strings.push(v.clone());
                        if key == "labels" {
                            out.labels.insert(k, v);
                        } else {
                            out.environment.insert(k, v);
                        }
                        report.push(&rel, line, path, Outcome::FirstClass);
                    }
                    continue;
                }
                "volumes" => {
                    for (i, item) in value.as_sequence().into_iter().flatten().enumerate() {
                        let line = at(&[key, &i.to_string()]);
                        let path = format!("{}[{i}]", field(key));
                        match mount(item).and_then(|m| {
                            serde_yaml::from_value::<spec::Mount>(m).map_err(|e| e.to_string())
                        }) {
                            Ok(m) => {
                                out.mounts.push(m);
                                report.push(&rel, line, path, Outcome::FirstClass);
                            }
                            Err(why) => report.push(&rel, line, path, Outcome::NotImported(why)),
                        }
                    }
                    continue;
                }
                "ports" | "expose" => {
                    for (i, item) in value.as_sequence().into_iter().flatten().enumerate() {
                        let line = at(&[key, &i.to_string()]);
                        let path = format!("{}[{i}]", field(key));
                        match port(item, key == "ports").and_then(|p| {
                            serde_yaml::from_value::<spec::Port>(p).map_err(|e| e.to_string())
                        }) {
                            Ok(p) => {
                                out.ports.push(p);
                                report.push(&rel, line, path, Outcome::FirstClass);
                            }
                            Err(why) => report.push(&rel, line, path, Outcome::NotImported(why)),
                        }
                    }
                    continue;
                }
                _ => {
                    outcome = Outcome::NotImported(
                        "a variant changes only image, command, environment, labels, mounts and ports; keep the file beside the generated one".into(),
                    );
                }
            }
            if outcome == Outcome::FirstClass {
                collect(value, &mut strings);
            }
            report.push(&rel, at(&[key]), field(key), outcome);
        }
        variant.services.insert(service.to_owned(), out);
    }
    for svc in variant.services.values() {
        for m in &svc.mounts {
            strings.extend(m.bind.iter().chain(m.volume.iter()).cloned());
        }
    }
    Some(Imported {
        name,
        variant,
        strings,
    })
}

fn collect(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Mapping(m) => m.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// The compose file `base` with the override file `over` merged in as Compose merges it, for
/// verify: the original pair and the generated pair must say the same.
pub fn merged(base: &Value, over: &Value) -> Value {
    let mut out = base.clone();
    let Some(top) = out.as_mapping_mut() else {
        return out;
    };
    let mut services = top
        .get("services")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    for (name, svc) in over
        .get("services")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let svc = svc.as_mapping().cloned().unwrap_or_default();
        let merged = match services.get(name).and_then(Value::as_mapping) {
            Some(old) => compose::merge_service(old.clone(), svc),
            None => svc,
        };
        services.insert(name.clone(), Value::Mapping(merged));
    }
    top.insert("services".into(), Value::Mapping(services));
    out
}
