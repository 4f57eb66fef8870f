//! Mounts and volumes beyond the short syntax: a mount with options (bind propagation,
//! `SELinux` labels, `nocopy`, a volume's subpath, a tmpfs with a size and mode) is written in
//! Compose's long syntax; the platform's shared volumes join the stacks that mount them,
//! created by their owner under their own name and external everywhere else.

use serde_yaml::{Mapping, Value};

use super::{Service, Volume};
use crate::spec;

/// One mount of the spec, in the short syntax when it has no options, else the long one.
pub(crate) fn mount(m: &spec::Mount) -> super::Mount {
    let source = m
        .volume
        .clone()
        .or_else(|| m.bind.clone())
        .unwrap_or_default();
    let has_options = m.tmpfs.is_some()
        || m.propagation.is_some()
        || m.create_host_path.is_some()
        || m.selinux.is_some()
        || m.nocopy.is_some()
        || m.subpath.is_some();
    let long = has_options.then(|| long_syntax(m, &source));
    super::Mount {
        source,
        target: m.target.clone(),
        read_only: m.read_only,
        is_volume: m.volume.is_some(),
        long,
    }
}

fn long_syntax(m: &spec::Mount, source: &str) -> Value {
    let mut map = Mapping::new();
    let kind = if m.tmpfs.is_some() {
        "tmpfs"
    } else if m.volume.is_some() {
        "volume"
    } else {
        "bind"
    };
    map.insert("type".into(), kind.into());
    if kind != "tmpfs" {
        map.insert("source".into(), source.into());
    }
    map.insert("target".into(), m.target.clone().into());
    if m.read_only {
        map.insert("read_only".into(), true.into());
    }
    let mut options = Mapping::new();
    match kind {
        "tmpfs" => {
            let t = m.tmpfs.clone().unwrap_or_default();
            // In bytes: Compose reads a unit too, Swarm's loader only a number.
            if let Some(size) = t.size {
                let value = bytes(&size).map_or_else(|| size.into(), |n| Value::Number(n.into()));
                options.insert("size".into(), value);
            }
            // Compose reads the mode as a number; the spec writes it in octal.
            if let Some(mode) = t
                .mode
                .as_deref()
                .and_then(|o| u32::from_str_radix(o, 8).ok())
            {
                options.insert("mode".into(), Value::Number(mode.into()));
            }
        }
        "volume" => {
            if let Some(nocopy) = m.nocopy {
                options.insert("nocopy".into(), nocopy.into());
            }
            if let Some(subpath) = &m.subpath {
                options.insert("subpath".into(), subpath.clone().into());
            }
        }
        _ => {
            if let Some(p) = &m.propagation {
                options.insert("propagation".into(), p.clone().into());
            }
            if let Some(create) = m.create_host_path {
                options.insert("create_host_path".into(), create.into());
            }
            if let Some(selinux) = &m.selinux {
                options.insert("selinux".into(), selinux.clone().into());
            }
        }
    }
    if !options.is_empty() {
        map.insert(kind.into(), Value::Mapping(options));
    }
    Value::Mapping(map)
}

/// The platform's shared volumes that `stack` mounts (and does not declare itself), as the
/// stack's compose file declares them: created by the owner, external in every other stack.
pub(crate) fn shared_volumes(
    shared: &spec::Map<spec::SharedVolume>,
    stack_name: &str,
    stack: &spec::Stack,
    services: &[Service],
) -> Vec<Volume> {
    let mut out = Vec::new();
    for (name, v) in shared {
        if stack.volumes.contains_key(name) {
            continue;
        }
        let mounted_at: Vec<String> = services
            .iter()
            .flat_map(|s| {
                s.mounts
                    .iter()
                    .filter(|m| m.is_volume && &m.source == name)
                    .map(|m| m.target.clone())
            })
            .collect();
        if mounted_at.is_empty() {
            continue;
        }
        let owns = v.owner.as_deref() == Some(stack_name) && !v.external;
        out.push(Volume {
            name: name.clone(),
            purpose: v.purpose.clone(),
            external: !owns,
            docker_name: Some(name.clone()),
            driver: if owns { v.driver.clone() } else { None },
            driver_opts: if owns {
                v.driver_opts
                    .iter()
                    .map(|(k, o)| (k.clone(), o.clone()))
                    .collect()
            } else {
                Vec::new()
            },
            mounted_at,
        });
    }
    out
}

/// A whole size such as `256m` in bytes (binary units, as Compose reads them); `None` for a
/// fraction or an unknown unit, which is then written as given.
fn bytes(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let scale: u64 = match lower[digits.len()..].trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return None,
    };
    digits.parse::<u64>().ok()?.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_in_bytes() {
        assert_eq!(super::bytes("256m"), Some(268_435_456));
        assert_eq!(super::bytes("64kb"), Some(65_536));
        assert_eq!(super::bytes("1048576"), Some(1_048_576));
        assert_eq!(super::bytes("1.5g"), None);
    }
}
