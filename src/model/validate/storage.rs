//! Mount options, port ranges, shared volumes and address plans: an option belongs to the
//! kind of mount that has it; a range ends after it starts and fits below 65536; a shared
//! volume is owned by a stack that mounts it (or is external), since otherwise every stack
//! would get its own `<stack>_<name>`; subnets are CIDR ranges, and a static address lies in
//! one of its network's subnets and is nobody else's.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::{Checker, Model, seg};
use crate::diagnostics::{Code, did_you_mean};
use crate::spec::{Mount, Stack};

impl Checker<'_> {
    pub(super) fn storage(&mut self, name: &str, stack: &Stack) {
        for (service_name, service) in &stack.services {
            let base = ["stacks", name, "services", service_name.as_str()];
            let at = |rest: &[&str]| -> Vec<String> {
                base.iter().chain(rest).map(|s| (*s).to_owned()).collect()
            };
            for (i, m) in service.mounts.iter().flatten().enumerate() {
                let index = i.to_string();
                for (field, problem) in mount_option_problems(m) {
                    let p = at(&["mounts", &index, field]);
                    self.push(
                        self.at(name, &seg(&p), Code::InvalidShape, problem)
                            .with_help("give each kind of mount only its own options: `propagation`, `create_host_path`, `selinux` for `bind`; `nocopy`, `subpath` for `volume`; `size`, `mode` under `tmpfs`"),
                    );
                }
            }
            for (i, port) in service.ports.iter().flatten().enumerate() {
                let Some(end) = port.container_end else {
                    continue;
                };
                let p = at(&["ports", &i.to_string(), "container_end"]);
                let len = u32::from(end).saturating_sub(u32::from(port.container)) + 1;
                let host_end = u32::from(port.host.unwrap_or(port.container)) + len - 1;
                if end < port.container {
                    self.push(
                        self.at(name, &seg(&p), Code::InvalidShape, format!("the port range ends at {end}, before it starts at {}", port.container))
                            .with_help("set `container_end` to the last port of the range, at or above `container`"),
                    );
                } else if host_end > 65535 {
                    self.push(
                        self.at(
                            name,
                            &seg(&p),
                            Code::InvalidShape,
                            format!("the host range would end at {host_end}, above 65535"),
                        )
                        .with_help("start the host range lower, or shorten the range"),
                    );
                }
            }
            let joined = service
                .networks
                .clone()
                .or_else(|| stack.networks.clone())
                .unwrap_or_default();
            for (network, settings) in &service.network_settings {
                let p = at(&["network_settings", network]);
                if service.network_mode.is_some() {
                    self.push(
                        self.source
                            .at_key(Code::InvalidShape, &seg(&self.owner(name, &seg(&p))), "`network_settings` with `network_mode`: the service joins no network".to_owned())
                            .with_help("drop `network_mode`, or drop `network_settings`"),
                    );
                    continue;
                }
                if !joined.contains(network) {
                    self.push(
                        self.source
                            .at_key(Code::UnknownNetwork, &seg(&self.owner(name, &seg(&p))), format!("service `{service_name}` has settings on network `{network}`, which it does not join"))
                            .with_help(did_you_mean(network, joined.iter().map(String::as_str)).unwrap_or_else(|| format!("add `{network}` to the service's `networks`"))),
                    );
                    continue;
                }
                let subnets = self
                    .source
                    .spec
                    .networks
                    .get(network)
                    .map(|n| n.subnets.clone())
                    .unwrap_or_default();
                for (field, address) in [
                    ("ipv4_address", &settings.ipv4_address),
                    ("ipv6_address", &settings.ipv6_address),
                ] {
                    let Some(address) = address else { continue };
                    let f = at(&["network_settings", network, field]);
                    let parsed = address.parse::<IpAddr>().ok().filter(|ip| {
                        if field == "ipv4_address" {
                            ip.is_ipv4()
                        } else {
                            ip.is_ipv6()
                        }
                    });
                    let Some(ip) = parsed else {
                        self.push(
                            self.at(
                                name,
                                &seg(&f),
                                Code::InvalidShape,
                                format!(
                                    "`{address}` is not an {} address",
                                    if field == "ipv4_address" {
                                        "IPv4"
                                    } else {
                                        "IPv6"
                                    }
                                ),
                            )
                            .with_help("write the address alone, without a prefix length"),
                        );
                        continue;
                    };
                    if !subnets
                        .iter()
                        .any(|s| cidr(&s.subnet).is_some_and(|c| contains(c, ip)))
                    {
                        self.push(
                            self.at(name, &seg(&f), Code::InvalidShape, if subnets.is_empty() {
                                format!("static address `{address}` on network `{network}`, which has no `subnets`; Docker assigns static addresses only on a network with a configured subnet")
                            } else {
                                format!("static address `{address}` is outside every subnet of network `{network}` ({})", subnets.iter().map(|s| s.subnet.as_str()).collect::<Vec<_>>().join(", "))
                            })
                            .with_help(format!("declare `networks.{network}.subnets` and pick an address inside one")),
                        );
                    }
                }
            }
        }
    }

    /// Shared volumes: owner known, mounting it, not also external; no stack volume of the
    /// same name hides one.
    pub(super) fn shared_volumes(&mut self, model: &Model) {
        let spec = &self.source.spec;
        for (volume, v) in &spec.volumes {
            let users: Vec<&str> = model
                .stacks
                .iter()
                .filter(|s| {
                    s.volumes.iter().any(|x| {
                        &x.name == volume
                            && x.docker_name.as_deref() == Some(volume.as_str())
                            && !spec
                                .stacks
                                .get(&s.name)
                                .is_some_and(|st| st.volumes.contains_key(volume))
                    })
                })
                .map(|s| s.name.as_str())
                .collect();
            let path = ["volumes", volume.as_str()];
            match (&v.owner, v.external) {
                (Some(_), true) => self.push(
                    self.source
                        .at(Code::InvalidShape, &["volumes", volume, "owner"], format!("volume `{volume}` is `external` and has an `owner`; it is created either outside Compose or by its owner"))
                        .with_help("drop `owner` (create it with `docker volume create`), or drop `external: true`"),
                ),
                (None, false) => self.push(
                    self.source
                        .at_key(Code::SplitVolume, &path, format!("shared volume `{volume}` has no `owner` and is not `external`, so no stack would create it under its own name{}", if users.len() > 1 { format!(", and {} stacks ({}) would each get a private `<stack>_{volume}`", users.len(), users.join(", ")) } else { String::new() }))
                        .with_help(format!("set `owner: STACK` (a stack that mounts it creates it; the others use it as external), or `external: true` (create it with `docker volume create {volume}`)")),
                ),
                (Some(owner), false) => {
                    let at = ["volumes", volume.as_str(), "owner"];
                    if !spec.stacks.contains_key(owner) {
                        self.push(
                            self.source
                                .at(Code::UnknownStack, &at, format!("volume `{volume}` is owned by unknown stack `{owner}`"))
                                .with_help(did_you_mean(owner, spec.stacks.keys().map(String::as_str)).unwrap_or_else(|| "name a stack under `stacks`".into())),
                        );
                    } else if !users.contains(&owner.as_str()) {
                        self.push(
                            self.source
                                .at(Code::SplitVolume, &at, format!("volume `{volume}` is owned by stack `{owner}`, but no service of `{owner}` mounts it, so no stack creates it (Compose drops an unmounted volume)"))
                                .with_help(format!("mount `{volume}` in a service of `{owner}`, or name as owner a stack that mounts it ({})", if users.is_empty() { "none does".to_owned() } else { users.join(", ") })),
                        );
                    }
                }
                (None, true) => {}
            }
            if v.external && (v.driver.is_some() || !v.driver_opts.is_empty()) {
                self.push(
                    self.source
                        .at_key(Code::InvalidShape, &path, format!("volume `{volume}` is external, so its driver and options would be ignored"))
                        .with_help("set the driver where the volume is created, or make a stack its `owner`"),
                );
            }
            for (stack_name, stack) in &spec.stacks {
                if stack.volumes.contains_key(volume) {
                    let p = ["stacks", stack_name.as_str(), "volumes", volume.as_str()];
                    self.push(
                        self.source
                            .at_key(Code::InvalidShape, &p, format!("stack `{stack_name}` declares a volume `{volume}`, which hides the platform's shared volume of that name"))
                            .with_help("rename one of them; a mount of `volume: NAME` must say which it means"),
                    );
                }
            }
        }
    }

    /// Subnets are CIDR ranges with their gateway and `ip_range` inside; no static address
    /// is given to two services of one network.
    pub(super) fn address_plans(&mut self, model: &Model) {
        for (network, n) in &self.source.spec.networks {
            for (i, s) in n.subnets.iter().enumerate() {
                let index = i.to_string();
                let Some(range) = cidr(&s.subnet) else {
                    self.push(
                        self.source
                            .at(Code::InvalidShape, &["networks", network, "subnets", &index, "subnet"], format!("`{}` is not a subnet in CIDR form", s.subnet))
                            .with_help("write the network address and prefix length, such as `172.28.0.0/24`"),
                    );
                    continue;
                };
                let gateway = s.gateway.as_ref().map(|g| (g.parse::<IpAddr>().ok(), g));
                if let Some((ip, text)) = gateway
                    && !ip.is_some_and(|ip| contains(range, ip))
                {
                    self.push(
                        self.source
                            .at(
                                Code::InvalidShape,
                                &["networks", network, "subnets", &index, "gateway"],
                                format!("gateway `{text}` is not an address inside `{}`", s.subnet),
                            )
                            .with_help(
                                "pick the gateway inside the subnet, usually its first address",
                            ),
                    );
                }
                if let Some(r) = &s.ip_range
                    && !cidr(r).is_some_and(|(ip, len)| len >= range.1 && contains(range, ip))
                {
                    self.push(
                        self.source
                            .at(Code::InvalidShape, &["networks", network, "subnets", &index, "ip_range"], format!("`ip_range` `{r}` is not a CIDR range inside `{}`", s.subnet))
                            .with_help("write a smaller range inside the subnet, such as `172.28.0.128/25`"),
                    );
                }
            }
        }
        let mut taken: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
        for stack in &model.stacks {
            let Some(spec_stack) = self.resolved.stacks.get(&stack.name) else {
                continue;
            };
            for (service_name, service) in &spec_stack.services {
                for (network, settings) in &service.network_settings {
                    let addresses = [&settings.ipv4_address, &settings.ipv6_address];
                    for (field, address) in
                        ["ipv4_address", "ipv6_address"].into_iter().zip(addresses)
                    {
                        let Some(address) = address else { continue };
                        let key = (network.clone(), address.clone());
                        if let Some((other_stack, other_service)) = taken.get(&key) {
                            let at = [
                                "stacks",
                                stack.name.as_str(),
                                "services",
                                service_name.as_str(),
                                "network_settings",
                                network.as_str(),
                                field,
                            ];
                            let first = self.related(
                                other_stack,
                                &[
                                    "stacks",
                                    other_stack,
                                    "services",
                                    other_service,
                                    "network_settings",
                                    network.as_str(),
                                    field,
                                ],
                                format!("also given to `{other_stack}.{other_service}`"),
                            );
                            self.push(
                                self.at(&stack.name, &at, Code::InvalidShape, format!("static address `{address}` on network `{network}` is also given to `{other_stack}.{other_service}`"))
                                    .with_help("give each container its own address")
                                    .with_related(first),
                            );
                        } else {
                            taken.insert(key, (stack.name.clone(), service_name.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// What is wrong with a mount's options for its kind, by field.
fn mount_option_problems(m: &Mount) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let kind = if m.tmpfs.is_some() {
        "tmpfs"
    } else if m.volume.is_some() {
        "volume"
    } else {
        "bind"
    };
    let bind_only = [
        ("propagation", m.propagation.is_some()),
        ("create_host_path", m.create_host_path.is_some()),
        ("selinux", m.selinux.is_some()),
    ];
    let volume_only = [
        ("nocopy", m.nocopy.is_some()),
        ("subpath", m.subpath.is_some()),
    ];
    for (field, set) in bind_only {
        if set && kind != "bind" {
            out.push((
                field,
                format!("`{field}` is an option of bind mounts, not of a {kind}"),
            ));
        }
    }
    for (field, set) in volume_only {
        if set && kind != "volume" {
            out.push((
                field,
                format!("`{field}` is an option of volume mounts, not of a {kind}"),
            ));
        }
    }
    if let Some(p) = &m.propagation
        && ![
            "rprivate", "private", "rshared", "shared", "rslave", "slave",
        ]
        .contains(&p.as_str())
    {
        out.push(("propagation", format!("propagation `{p}` is not one of `rprivate`, `private`, `rshared`, `shared`, `rslave`, `slave`")));
    }
    if let Some(s) = &m.selinux
        && s != "z"
        && s != "Z"
    {
        out.push((
            "selinux",
            format!("`selinux` is `z` (shared) or `Z` (private), not `{s}`"),
        ));
    }
    if let Some(sub) = &m.subpath
        && (sub.starts_with('/') || sub.split('/').any(|part| part == ".."))
    {
        out.push((
            "subpath",
            format!("subpath `{sub}` must be a relative path inside the volume"),
        ));
    }
    if let Some(t) = &m.tmpfs {
        if let Some(size) = &t.size
            && !super::fields::is_byte_size(size)
        {
            out.push((
                "tmpfs",
                format!("tmpfs size `{size}` is not a size such as `64m`"),
            ));
        }
        if let Some(mode) = &t.mode
            && !super::compose_objects::is_octal_mode(mode)
        {
            out.push((
                "tmpfs",
                format!("tmpfs mode `{mode}` is not an octal mode such as `\"1777\"`"),
            ));
        }
    }
    out
}

/// `172.28.0.0/24` as its address and prefix length.
fn cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (ip, len) = text.split_once('/')?;
    let ip: IpAddr = ip.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((ip, len))
}

/// Whether `ip` is inside the range.
fn contains((net, len): (IpAddr, u8), ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len))
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}
