//! Service defaults: the platform's `defaults`, then the stack's, then the service's own
//! value. Applied once, right after `extends`, so every later check and the rendered file see
//! the effective service, and the inventory can show what each container really gets.
//! Maps (`environment`, `labels`) merge key by key; every other field is replaced whole.

use super::extends::Resolved;
use crate::spec::{Service, ServiceDefaults, Source};

/// Merges the defaults into every service of every resolved stack.
pub fn apply(source: &Source, resolved: &mut Resolved<'_>) {
    let platform = source.spec.defaults.as_ref();
    for stack in resolved.stacks.values_mut() {
        let own = stack.defaults.clone();
        if platform.is_none() && own.is_none() {
            continue;
        }
        let stack = stack.to_mut();
        for service in stack.services.values_mut() {
            for defaults in [own.as_deref(), platform].into_iter().flatten() {
                under(service, defaults);
            }
        }
    }
}

/// Fills what `service` leaves unset from `defaults`. Called with the closest defaults first,
/// so a stack's value shadows the platform's.
fn under(service: &mut Service, defaults: &ServiceDefaults) {
    fn fill<T: Clone>(slot: &mut Option<T>, value: Option<&T>) {
        if slot.is_none() {
            *slot = value.cloned();
        }
    }
    // A key the service sets through the escape hatch is its own value: no default under it.
    let hatch = |key: &str| service.compose.contains_key(key);
    let (logging, security_opt, stop_grace_period, deploy) = (
        hatch("logging"),
        hatch("security_opt"),
        hatch("stop_grace_period"),
        hatch("deploy"),
    );
    fill(&mut service.restart, defaults.restart.as_ref());
    // Kept boxed in the spec (most services set neither): filled the same way.
    if !logging && service.logging.is_none() {
        service.logging = defaults.logging.clone().map(Box::new);
    }
    if !security_opt {
        fill(&mut service.security_opt, defaults.security_opt.as_ref());
    }
    if !stop_grace_period {
        fill(
            &mut service.stop_grace_period,
            defaults.stop_grace_period.as_ref(),
        );
    }
    if !deploy && service.resources.is_none() {
        service.resources = defaults.resources.clone().map(Box::new);
    }
    let listed: Vec<&String> = service.env.iter().flatten().collect();
    for (key, value) in &defaults.environment {
        // A variable the service passes by name (`env: [TZ]`) is its own value of the key.
        if !listed.contains(&key) && !service.environment.contains_key(key) {
            service.environment.insert(key.clone(), value.clone());
        }
    }
    for (key, value) in &defaults.labels {
        if !service.labels.contains_key(key) {
            service.labels.insert(key.clone(), value.clone());
        }
    }
}
