//! The values of a compose service that the spec holds in its own shape: port ranges
//! (`49160-49200:49160-49200/udp`), the `bind`, `volume` and `tmpfs` options of long-syntax
//! mounts (sizes with a binary unit, file modes as octal strings), and the grants of secrets
//! and configs. Input: one compose value; output: the spec's value as YAML, or why the spec
//! cannot hold it.

use serde_yaml::{Mapping, Value};

use super::compose::scalar_text;

/// A `ports` or `expose` item that is a range (`49160-49200:49160-49200/udp`), as a spec port
/// with `container_end`; the host range must have the container range's length.
pub(super) fn port_range(text: &str, published: bool) -> Result<Value, String> {
    let cannot = || format!("`{text}` is not a port range the spec can hold");
    let (rest, protocol) = match text.split_once('/') {
        Some((r, proto)) => (r, Some(proto)),
        None => (text, None),
    };
    let range = |s: &str| -> Result<(u16, u16), String> {
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let a: u16 = a.parse().map_err(|_| cannot())?;
        let b: u16 = b.parse().map_err(|_| cannot())?;
        if b < a {
            return Err(cannot());
        }
        Ok((a, b))
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => (None, None, range(c)?),
        [h, c] => (None, Some(range(h)?), range(c)?),
        [ip, h, c] if !h.is_empty() => (Some(*ip), Some(range(h)?), range(c)?),
        _ => return Err(cannot()),
    };
    if published != host.is_some() {
        return Err(format!(
            "`{text}`: a published range names its host ports, an exposed one does not"
        ));
    }
    if host.is_some_and(|h| h.1 - h.0 != container.1 - container.0) {
        return Err(format!(
            "`{text}`: host and container ranges of different lengths are not in the spec"
        ));
    }
    let mut p = Mapping::new();
    p.insert("container".into(), container.0.into());
    if container.1 != container.0 {
        p.insert("container_end".into(), container.1.into());
    }
    p.insert("publish".into(), published.into());
    if let Some(host) = host.filter(|h| h.0 != container.0) {
        p.insert("host".into(), host.0.into());
    }
    if let Some(ip) = ip {
        p.insert("host_ip".into(), ip.into());
    }
    if let Some(protocol) = protocol {
        p.insert("protocol".into(), protocol.into());
    }
    Ok(Value::Mapping(p))
}

/// The `bind:`, `volume:` or `tmpfs:` options of a long-syntax mount, into the spec mount `m`.
pub(super) fn mount_options(kind: &str, options: &Value, m: &mut Mapping) -> Result<(), String> {
    let mut tmpfs = Mapping::new();
    for (k, v) in options.as_mapping().into_iter().flatten() {
        let k = k.as_str().unwrap_or_default();
        match (kind, k) {
            ("bind", "propagation" | "selinux") | ("volume", "subpath") => {
                m.insert(k.into(), scalar_text(v).unwrap_or_default().into());
            }
            ("bind", "create_host_path") | ("volume", "nocopy") => {
                m.insert(k.into(), v.as_bool().unwrap_or(false).into());
            }
            ("tmpfs", "size") => {
                tmpfs.insert(k.into(), size(&scalar_text(v).unwrap_or_default()).into());
            }
            ("tmpfs", "mode") => {
                tmpfs.insert(
                    k.into(),
                    octal(v).ok_or("a tmpfs `mode` is a number")?.into(),
                );
            }
            _ => return Err(format!("the mount option `{kind}.{k}` is not in the spec")),
        }
    }
    if kind == "tmpfs" {
        m.insert("tmpfs".into(), Value::Mapping(tmpfs));
    }
    Ok(())
}

/// A size in bytes (`536870912`, as Compose writes it) with the largest binary unit that
/// divides it (`512m`), so that a size written either way imports alike; other text as is.
fn size(text: &str) -> String {
    let Ok(bytes) = text.parse::<u64>() else {
        return text.to_owned();
    };
    for (shift, unit) in [(30, 'g'), (20, 'm'), (10, 'k')] {
        if bytes > 0 && bytes % (1 << shift) == 0 {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    text.to_owned()
}

/// A file mode as the spec writes it, an octal string: `0400` (YAML reads a leading zero as
/// a string) stays as written, a plain number (`256`, Compose's decimal) becomes `0400`.
fn octal(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_digit(8)) => {
            Some(if s.starts_with('0') {
                s.clone()
            } else {
                format!("0{s}")
            })
        }
        Value::Number(n) => n.as_u64().map(|n| format!("0{n:o}")),
        _ => None,
    }
}

/// A `secrets` or `configs` item of a service as a spec grant.
pub(super) fn grant(item: &Value) -> Result<Value, String> {
    match item {
        Value::String(_) => Ok(item.clone()),
        Value::Mapping(long) => {
            let mut g = Mapping::new();
            for (k, v) in long {
                let k = k.as_str().unwrap_or_default();
                match k {
                    "source" | "target" | "uid" | "gid" => {
                        g.insert(k.into(), scalar_text(v).unwrap_or_default().into());
                    }
                    "mode" => {
                        g.insert(
                            k.into(),
                            octal(v).ok_or("`mode` is not a file mode")?.into(),
                        );
                    }
                    other => return Err(format!("the grant key `{other}` is not in the spec")),
                }
            }
            if !g.contains_key("source") {
                return Err("a grant without `source` is not in the spec".into());
            }
            Ok(Value::Mapping(g))
        }
        _ => Err("neither a name nor a mapping".into()),
    }
}
