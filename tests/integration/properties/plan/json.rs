//! A plan as the spec it stands for: names made unique, host ports numbered so they never
//! collide, every routed service listening on a port.

use serde_json::{Map, Value, json};

use super::*;

impl PlatformPlan {
    /// The spec. Names get an index so they are unique; published host ports are numbered
    /// so they never collide; every routed service listens on a port and names it.
    pub(crate) fn to_json(&self) -> Value {
        let mut networks = Map::new();
        networks.insert(
            "edge".into(),
            json!({ "purpose": self.purposes[0], "external": true }),
        );
        for (i, (purpose, internal)) in self.networks.iter().enumerate() {
            networks.insert(
                Self::network_name(i),
                json!({ "purpose": purpose, "internal": internal }),
            );
        }
        let mut stacks = Map::new();
        stacks.insert("edge".into(), self.edge_stack());
        let mut host_port = 20_000_u16;
        for index in 0..self.stacks.len() {
            stacks.insert(
                self.stack_name(index),
                self.stack_json(index, &mut host_port),
            );
        }
        let mut platform = json!({
            "name": self.name,
            "domain": "example.test",
            "output": "out",
        });
        if let Some(description) = &self.description {
            platform["description"] = json!(description);
        }
        json!({
            "platform": platform,
            "traefik": {
                "version": self.version,
                "stack": "edge",
                "service": "proxy",
                "config_dir": self.config_dir,
                "network": "edge",
                "entrypoints": {
                    "web": { "address": ":80", "purpose": self.purposes[1] },
                    "websecure": { "address": ":443", "tls": true, "purpose": self.purposes[2],
                                   "middlewares": ["headers"] },
                },
                "default_entrypoints": ["websecure"],
                "cert_resolvers": {
                    "le": { "email": self.email, "storage": self.storage,
                            "http_challenge_entrypoint": "web" },
                    "dns": { "email": self.email, "storage": self.storage,
                             "dns_challenge_provider": self.dns_provider },
                },
                "default_cert_resolver": "le",
                "default_provider": if self.docker_by_default { "docker" } else { "file" },
                "middlewares": {
                    "headers": { "headers": { "stsSeconds": 60,
                                              "customResponseHeaders": self.headers } },
                    "strip": { "stripPrefix": { "prefixes": self.prefixes } },
                    "auth": { "basicAuth": { "usersFile": self.users_file } },
                    "allow": { "ipAllowList": { "sourceRange": self.source_ranges } },
                    "https": { "redirectScheme": { "scheme": self.scheme, "permanent": true } },
                },
                "log_level": self.log_level,
            },
            "networks": networks,
            "stacks": stacks,
        })
    }

    fn edge_stack(&self) -> Value {
        json!({
            "purpose": self.purposes[0],
            "status": "production",
            "networks": ["edge"],
            "services": { "proxy": {
                "image": "traefik:v3.7.1",
                "ports": [
                    { "container": 80, "publish": true },
                    { "container": 443, "publish": true },
                ],
            }},
        })
    }

    fn stack_json(&self, index: usize, host_port: &mut u16) -> Value {
        let plan = &self.stacks[index];
        let stack_name = self.stack_name(index);
        let mut networks = vec!["edge".to_owned()];
        for (i, joins) in plan.networks.iter().enumerate() {
            if *joins && i < self.networks.len() {
                networks.push(Self::network_name(i));
            }
        }
        let mut variables = Map::new();
        // Compose text may refer to `${V_REF}`; every stack declares it.
        variables.insert(
            "V_REF".into(),
            json!({ "description": "Referred to from Compose text", "required": false }),
        );
        for variable in &plan.variables {
            let mut v = json!({
                "description": variable.description,
                "required": variable.required,
                "secret": variable.secret,
            });
            if let Some(example) = &variable.example {
                v["example"] = json!(example);
            }
            if let Some(default) = &variable.default {
                v["default"] = json!(default);
            }
            variables.insert(variable.name.clone(), v);
        }
        let variable_names: Vec<String> = variables.keys().cloned().collect();
        let mut volumes = Map::new();
        for (i, (purpose, external, name)) in plan.volumes.iter().enumerate() {
            let mut volume = json!({ "purpose": purpose, "external": external });
            if let Some(name) = name {
                volume["name"] = json!(name);
            }
            volumes.insert(format!("vol-{i}"), volume);
        }
        let mut services = Map::new();
        let mut previous: Option<String> = None;
        for (service_index, service) in plan.services.iter().enumerate() {
            let service_name = format!("{}-{service_index}", service.name);
            let mut s = json!({ "image": service.image });
            if let Some(restart) = &service.restart {
                s["restart"] = json!(restart);
            }
            if let Some(role) = &service.role {
                s["role"] = json!(role);
            }
            if let Some(command) = &service.command {
                s["command"] = json!(command);
            }
            if !service.environment.is_empty() {
                s["environment"] = json!(service.environment);
            }
            let mut ports: Vec<Value> = Vec::new();
            let mut seen = Vec::new();
            for (container, publish, udp, note) in &service.ports {
                if seen.contains(container) {
                    continue;
                }
                seen.push(*container);
                let mut port =
                    json!({ "container": container, "protocol": if *udp { "udp" } else { "tcp" } });
                if *publish {
                    port["publish"] = json!(true);
                    port["host"] = json!(*host_port);
                    port["host_ip"] = json!("127.0.0.1");
                    *host_port += 1;
                }
                if let Some(note) = note {
                    port["note"] = json!(note);
                }
                ports.push(port);
            }
            if !service.routes.is_empty() && ports.is_empty() {
                ports.push(json!({ "container": 8080 }));
            }
            let first_port = ports.first().map(|p| p["container"].clone());
            if !ports.is_empty() {
                s["ports"] = Value::Array(ports);
            }
            let routes: Vec<Value> = service
                .routes
                .iter()
                .enumerate()
                .map(|(route_index, route)| {
                    let host = format!(
                        "{}{}.r{route_index}.{service_name}.{stack_name}.example.test",
                        if route.wildcard { "*." } else { "" },
                        route.label
                    )
                    .replace('_', "u");
                    let mut r = json!({
                        "name": format!("r{route_index}"),
                        "hosts": [host],
                        "port": first_port,
                        "entrypoints": [if route.tls { "websecure" } else { "web" }],
                    });
                    if let Some(prefix) = &route.path_prefix {
                        r["path_prefix"] = json!(prefix);
                    }
                    if let Some(path) = &route.path {
                        r["path"] = json!(path);
                    }
                    if let Some(priority) = route.priority {
                        r["priority"] = json!(priority);
                    }
                    let middlewares: Vec<&str> = MIDDLEWARES
                        .iter()
                        .zip(&route.middlewares)
                        .filter(|(_, on)| **on)
                        .map(|(m, _)| *m)
                        .collect();
                    r["middlewares"] = json!(middlewares);
                    if let Some(provider) = route.provider {
                        r["provider"] = json!(provider);
                    }
                    if route.wildcard && route.tls {
                        // A wildcard certificate needs the DNS challenge.
                        r["cert_resolver"] = json!("dns");
                    }
                    if let Some(note) = &route.note {
                        r["note"] = json!(note);
                    }
                    r
                })
                .collect();
            if !routes.is_empty() {
                s["routes"] = Value::Array(routes);
            }
            let takes: Vec<&String> = variable_names
                .iter()
                .zip(service.takes.iter().chain(std::iter::repeat(&false)))
                .filter(|(name, on)| **on && *name != "V_REF")
                .map(|(name, _)| name)
                .collect();
            if !takes.is_empty() {
                s["env"] = json!(takes);
            }
            let mounts: Vec<Value> = service
                .mounts
                .iter()
                .enumerate()
                .filter_map(|(i, (source, target, read_only))| {
                    // Two mounts at one target are refused by Docker; see the test below.
                    let mut m =
                        json!({ "target": format!("/m{i}/{target}"), "read_only": read_only });
                    match source {
                        Ok(i) if *i < plan.volumes.len() => m["volume"] = json!(format!("vol-{i}")),
                        Ok(_) => return None,
                        Err(path) => m["bind"] = json!(path),
                    }
                    Some(m)
                })
                .collect();
            if !mounts.is_empty() {
                s["mounts"] = Value::Array(mounts);
            }
            if let (true, Some(previous)) = (service.depends_on_previous, &previous) {
                s["depends_on"] = json!([previous]);
            }
            if let Some((test, retries)) = &service.healthcheck {
                let mut check = vec![json!("CMD-SHELL")];
                check.extend(test.iter().map(|t| json!(t)));
                s["healthcheck"] = json!({ "test": check, "retries": retries });
            }
            if !service.compose.is_empty() {
                s["compose"] = json!(service.compose);
            }
            previous = Some(service_name.clone());
            services.insert(service_name, s);
        }
        let mut stack = json!({
            "purpose": plan.purpose,
            "status": plan.status,
            "networks": networks,
            "services": services,
            "env": variables,
        });
        if !volumes.is_empty() {
            stack["volumes"] = Value::Object(volumes);
        }
        if let Some(provider) = plan.provider {
            stack["provider"] = json!(provider);
        }
        if !plan.dependencies.is_empty() {
            stack["dependencies"] = json!(plan.dependencies);
        }
        if !plan.notes.is_empty() {
            stack["notes"] = json!(plan.notes);
        }
        if !plan.config_files.is_empty() {
            let files: Vec<Value> = plan
                .config_files
                .iter()
                .map(|(path, purpose)| json!({ "path": path, "purpose": purpose }))
                .collect();
            stack["config_files"] = Value::Array(files);
        }
        stack
    }
}
