//! Network address plans: a network's subnets (`ipam.config`), written by the stack that
//! creates it, and each service's aliases and static addresses on the networks it joins.

use serde_yaml::{Mapping, Value};

use crate::spec;

/// `ipam:` of a network with subnets, as the creating stack's compose file writes it.
pub(crate) fn ipam(network: &spec::Network) -> Option<Value> {
    if network.subnets.is_empty() {
        return None;
    }
    let config = network
        .subnets
        .iter()
        .map(|s| {
            let mut map = Mapping::new();
            map.insert("subnet".into(), s.subnet.clone().into());
            if let Some(gateway) = &s.gateway {
                map.insert("gateway".into(), gateway.clone().into());
            }
            if let Some(range) = &s.ip_range {
                map.insert("ip_range".into(), range.clone().into());
            }
            Value::Mapping(map)
        })
        .collect();
    let mut map = Mapping::new();
    map.insert("config".into(), Value::Sequence(config));
    Some(Value::Mapping(map))
}

/// A service's settings on each network it joins that has any, sorted by network.
pub(crate) fn attachments(service: &spec::Service) -> Vec<(String, Value)> {
    service
        .network_settings
        .iter()
        .map(|(network, a)| {
            let mut map = Mapping::new();
            if !a.aliases.is_empty() {
                map.insert(
                    "aliases".into(),
                    Value::Sequence(a.aliases.iter().map(|x| x.clone().into()).collect()),
                );
            }
            if let Some(ip) = &a.ipv4_address {
                map.insert("ipv4_address".into(), ip.clone().into());
            }
            if let Some(ip) = &a.ipv6_address {
                map.insert("ipv6_address".into(), ip.clone().into());
            }
            (network.clone(), Value::Mapping(map))
        })
        .collect()
}

impl super::Service {
    /// The service's settings on `network`, when it has any.
    pub fn attachment(&self, network: &str) -> Option<&Value> {
        self.attachments
            .iter()
            .find(|(n, _)| n == network)
            .map(|(_, v)| v)
    }
}
