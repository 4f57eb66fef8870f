//! Mutations of Compose's model of a generated file, one field at a time: the comparison
//! of `real_compose` must report each at that field alone, for the typed service fields,
//! secrets, configs, port ranges, long mounts, shared volumes and address plans.

use serde_json::json;

use super::{assert_reported_alone, clean_model};
use crate::support::tool;

/// The comparison covers the typed fields too: on the `selfhosted-compose` shop stack, a
/// change to any of them in Compose's model is reported at that field alone.
#[test]
#[cfg_attr(
    not(seisei_compose),
    ignore = "needs SEISEI_COMPOSE (the real docker compose): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn the_comparison_reports_each_changed_typed_field() {
    let compose = tool("SEISEI_COMPOSE");
    let (file, model) = clean_model(&compose, "selfhosted-compose", "shop");
    let cases = [
        ("/services/api/init", json!(false), "services.api.init"),
        (
            "/services/api/build/target",
            json!("dev"),
            "services.api.build",
        ),
        (
            "/services/api/labels/team",
            json!("ops"),
            "services.api.labels",
        ),
        (
            "/services/api/depends_on/migrate/condition",
            json!("service_started"),
            "services.api.depends_on",
        ),
        ("/services/db/ipc", json!("host"), "services.db.ipc"),
        (
            "/services/db/logging/driver",
            json!("local"),
            "services.db.logging",
        ),
        (
            "/services/migrate/stop_grace_period",
            json!(5),
            "services.migrate.stop_grace_period",
        ),
    ];
    for (pointer, value, reported) in cases {
        assert_reported_alone(&file, &model, pointer, value, reported);
    }
}

/// The comparison covers secrets, configs, port ranges, long mounts, shared volumes and
/// address plans: on `selfhosted-compose`, a change to any of them in Compose's model is
/// reported at that field alone.
#[test]
#[cfg_attr(
    not(seisei_compose),
    ignore = "needs SEISEI_COMPOSE (the real docker compose): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn the_comparison_reports_each_changed_compose_object() {
    let compose = tool("SEISEI_COMPOSE");
    let cases = [
        (
            "gitea",
            "/services/db/secrets/0/mode",
            json!("0444"),
            "services.db.secrets",
        ),
        (
            "gitea",
            "/services/server/secrets/0/target",
            json!("/x"),
            "services.server.secrets",
        ),
        (
            "gitea",
            "/secrets/db_password/environment",
            json!("OTHER"),
            "secrets",
        ),
        (
            "gitea",
            "/secrets/db_password/name",
            json!("db_password"),
            "secrets",
        ),
        (
            "monitoring",
            "/configs/prometheus/file",
            json!("/etc/x"),
            "configs",
        ),
        (
            "monitoring",
            "/services/grafana/configs/0/target",
            json!("/y"),
            "services.grafana.configs",
        ),
        (
            "nextcloud",
            "/services/turn/ports/20/published",
            json!("1"),
            "services.turn.ports",
        ),
        (
            "monitoring",
            "/services/cadvisor/volumes/2/bind/propagation",
            json!("private"),
            "services.cadvisor.volumes",
        ),
        (
            "monitoring",
            "/services/prometheus/networks/monitoring/ipv4_address",
            json!("172.30.0.11"),
            "services.prometheus.networks",
        ),
        (
            "monitoring",
            "/networks/monitoring/ipam",
            json!({}),
            "networks.monitoring",
        ),
        (
            "paperless",
            "/services/tika/volumes/0/tmpfs/mode",
            json!(511),
            "services.tika.volumes",
        ),
        (
            "immich",
            "/services/server/volumes/0/volume/subpath",
            json!("x"),
            "services.server.volumes",
        ),
        (
            "immich",
            "/volumes/media/external",
            json!(false),
            "volumes.media",
        ),
    ];
    for (stack, pointer, value, reported) in cases {
        let (file, model) = clean_model(&compose, "selfhosted-compose", stack);
        assert_reported_alone(&file, &model, pointer, value, reported);
    }
}
