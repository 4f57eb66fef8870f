//! One stack of the model at a time: its services, routers, Traefik services, volumes,
//! variables, secrets and variants. Input: the resolved stacks of the spec; output: the
//! stacks of the [`Model`](super::Model) with every router and Traefik service, in the order
//! of the stacks, and the problems found on the way.

use std::collections::{BTreeMap, BTreeSet};

use super::proxy::Owner;
use super::variables::example_for;
use super::{
    Builder, Dependency, ProxyService, Router, Stack, Variable, Volume, compose_objects,
    interpolate, output_paths, services, storage, variant,
};
use crate::spec::{self, Status};
use crate::traefik::Version;

impl Builder<'_> {
    /// Every stack's model, with the routers and Traefik services of all of them, in the
    /// order of the stacks.
    ///
    /// Each stack is built on its own, by a builder of its own that collects its problems:
    /// at scale the two halves of the stacks are built on two threads
    /// ([`crate::parallel::map_halves`]), and the results and problems are joined in the
    /// order of the stacks, so the model and the diagnostics are the ones a single pass gives. Building a stack suggests no names, so
    /// the per-thread "did you mean" budget plays no part here.
    pub(super) fn stacks(
        &mut self,
        version: Version,
    ) -> (Vec<Stack>, Vec<Router>, Vec<ProxyService>) {
        let (source, resolved) = (self.source, self.resolved);
        let entries: Vec<(&String, &spec::Stack)> = resolved
            .stacks
            .iter()
            .map(|(name, stack)| (name, &**stack))
            .collect();
        let built =
            crate::parallel::map_halves(crate::parallel::spread(entries.len()), &entries, |part| {
                part.iter()
                    .map(|&(name, stack)| {
                        let mut builder = Builder {
                            source,
                            resolved,
                            problems: Vec::new(),
                        };
                        let (mut routers, mut services) = (Vec::new(), Vec::new());
                        let stack =
                            builder.stack(name, stack, version, &mut routers, &mut services);
                        (stack, routers, services, builder.problems)
                    })
                    .collect()
            });
        let mut stacks = Vec::with_capacity(built.len());
        let (mut routers, mut proxy_services) = (Vec::new(), Vec::new());
        for (stack, own_routers, own_services, problems) in built {
            stacks.push(stack);
            routers.extend(own_routers);
            proxy_services.extend(own_services);
            self.problems.extend(problems);
        }
        (stacks, routers, proxy_services)
    }

    fn stack(
        &mut self,
        name: &str,
        stack: &spec::Stack,
        version: Version,
        routers: &mut Vec<Router>,
        proxy_services: &mut Vec<ProxyService>,
    ) -> Stack {
        let platform = &self.source.spec.platform;
        let dir = stack
            .path
            .as_deref()
            // `infra/stacks/crm-api/` is the folder `infra/stacks/crm-api`: compared and
            // written in one spelling, so a trailing `/` cannot dodge the collision checks.
            .map_or_else(
                || format!("{}/{name}", platform.stacks_dir.trim_end_matches('/')),
                output_paths::normalise,
            );
        let stack_networks = stack.networks.clone().unwrap_or_default();
        // Sized, not grown: a `Service` is 512 bytes, and a vector's first push makes room
        // for four. With one to four services a stack, that is about 7.7 MB of slack at
        // 10,000 stacks by arithmetic; a counting allocator finds none left after this.
        let mut services = Vec::with_capacity(stack.services.len());
        let mut own_routers = Vec::new();
        for (service_name, service) in &stack.services {
            services.push(self.service(name, stack, service_name, service, &stack_networks));
            let owner = Owner::Container(service);
            for (index, route) in service.routes.iter().flatten().enumerate() {
                own_routers.extend(self.router(
                    name,
                    stack,
                    service_name,
                    owner,
                    index,
                    route,
                    version,
                ));
            }
        }
        for (backend_name, backend) in &stack.backends {
            let owner = Owner::Backend(backend);
            for (index, route) in backend.routes.iter().enumerate() {
                own_routers.extend(self.router(
                    name,
                    stack,
                    backend_name,
                    owner,
                    index,
                    route,
                    version,
                ));
            }
        }
        let own_services = services::stack_services(name, stack, &own_routers);
        for router in &mut own_routers {
            if let Some(service) = own_services.iter().find(|s| s.name == router.service_name) {
                router.url = service.backend();
            }
        }
        routers.extend(own_routers);
        proxy_services.extend(own_services);
        // A dependency with a healthcheck is waited for until healthy, not just started.
        let healthy: BTreeSet<String> = services
            .iter()
            .filter(|s| s.healthcheck.is_some())
            .map(|s| s.name.clone())
            .collect();
        for (service_name, service) in &stack.services {
            let deps = service.depends_on.iter().flatten().map(|d| {
                let (condition, restart) = match d {
                    spec::Dependency::Full(detail) => (
                        detail.condition.map(spec::Condition::as_str),
                        detail.restart,
                    ),
                    spec::Dependency::Name(_) => (None, false),
                };
                let condition = condition.unwrap_or(if healthy.contains(d.service()) {
                    "service_healthy"
                } else {
                    "service_started"
                });
                Dependency {
                    service: d.service().to_owned(),
                    condition,
                    restart,
                }
            });
            if let Some(model) = services.iter_mut().find(|s| &s.name == service_name) {
                model.depends_on = deps.collect();
                model.depends_on.sort_by(|a, b| a.service.cmp(&b.service));
            }
        }
        let networks: Vec<String> = services
            .iter()
            .flat_map(|s| s.networks.iter().cloned())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut volumes = stack
            .volumes
            .iter()
            .map(|(volume_name, v)| Volume {
                name: volume_name.clone(),
                purpose: v.purpose.clone(),
                external: v.external,
                docker_name: v.name.clone(),
                driver: v.driver.clone(),
                driver_opts: v
                    .driver_opts
                    .iter()
                    .map(|(k, o)| (k.clone(), o.clone()))
                    .collect(),
                mounted_at: services
                    .iter()
                    .flat_map(|s| {
                        s.mounts
                            .iter()
                            .filter(|m| m.is_volume && &m.source == volume_name)
                            .map(move |m| m.target.clone())
                    })
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            })
            .collect::<Vec<_>>();
        volumes.extend(storage::shared_volumes(
            &self.source.spec.volumes,
            name,
            stack,
            &services,
        ));
        volumes.sort_by(|a, b| a.name.cmp(&b.name));
        // The platform's shared variables this stack refers to join its own in `.env.example`.
        let shared = &self.source.spec.env;
        let mut declared: BTreeMap<&String, &spec::Variable> = stack.env.iter().collect();
        if !shared.is_empty() {
            let names = stack
                .services
                .values()
                .flat_map(|service| interpolate::referenced(service))
                .chain(compose_objects::referenced(stack));
            for name in names {
                if let Some((key, v)) = shared.get_key_value(&name) {
                    declared.entry(key).or_insert(v);
                }
            }
        }
        let variables = declared
            .into_iter()
            .map(|(var, v)| Variable {
                name: var.clone(),
                description: v.description.clone(),
                required: v.required,
                secret: v.secret,
                example: example_for(v),
                default: v.default.clone(),
                delivered_as: compose_objects::delivering(stack, var),
            })
            .collect();
        let lookup = |var: &str| stack.env.get(var).or_else(|| shared.get(var));
        let objects = compose_objects::objects(stack, &lookup);
        let variants = variant::variants(stack, &lookup);
        Stack {
            name: name.to_owned(),
            purpose: stack.purpose.clone().unwrap_or_default(),
            status: stack.status.unwrap_or(Status::Production),
            dir,
            extends: stack.extends.as_ref().map(|e| e.stack.clone()),
            services,
            networks,
            volumes,
            variables,
            dependencies: stack.dependencies.clone().unwrap_or_default(),
            config_files: stack.config_files.clone().unwrap_or_default(),
            notes: stack.notes.clone().unwrap_or_default(),
            objects,
            variants,
        }
    }
}
