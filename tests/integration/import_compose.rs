//! `seisei import` and the Compose features the spec models first-class: the brownfield
//! fixture's secrets and configs with their grants, port ranges, long-syntax mounts with
//! options, a volume two stacks share, a network's address plan with a static address and an
//! alias, and the override files, merged the way Compose merges them or kept as a variant.

use std::path::Path;

use crate::import::{scratch, seisei, text};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, body) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
}

#[test]
fn compose_objects_are_imported_as_first_class_fields() {
    let (temp, _) = scratch();
    let out = seisei(temp.path(), &["import", "stacks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let spec = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    for expected in [
        // A grant with owner and mode, and the secret it names, from a file.
        "        secrets:\n        - source: pg_replication_password\n          target: /run/secrets/replication\n          uid: '70'\n          gid: '70'\n          mode: '0400'\n",
        "    secrets:\n      pg_replication_password:\n        purpose: Imported from postgres/docker-compose.yml\n        file: ./secrets/replication_password.txt\n",
        // A config with its target.
        "        configs:\n        - source: datasource\n          target: /etc/grafana/provisioning/datasources/prometheus.yml\n          mode: '0444'\n",
        // The address plan, the static address and the alias.
        "    subnets:\n    - subnet: 172.28.5.0/24\n      gateway: 172.28.5.1\n",
        "        network_settings:\n          monitoring:\n            aliases:\n            - metrics\n            ipv4_address: 172.28.5.10\n",
        // A port range and long mounts with options.
        "        - container: 49160\n          container_end: 49200\n          publish: true\n          protocol: udp\n",
        "          create_host_path: false\n        - target: /var/lib/coturn\n          tmpfs: {}\n",
        "        - target: /var/lib/postgresql/tmp\n          tmpfs:\n            size: 512m\n",
        "          read_only: true\n          nocopy: true\n",
        // The volume postgres creates under its name and backup uses as external.
        "volumes:\n  pg-data:\n    purpose: Imported from postgres/docker-compose.yml\n    owner: postgres\n",
        // The override file used with `-f`, as a variant.
        "    variants:\n      bind:\n        purpose: 'Development override: mount the addons from the host.'\n",
    ] {
        assert!(spec.contains(expected), "missing:\n{expected}\nin:\n{spec}");
    }
}

#[test]
fn the_override_file_is_merged_by_default_or_kept_as_a_variant() {
    let temp = tempfile::tempdir().unwrap();
    write(
        temp.path(),
        &[
            (
                "src/edge/docker-compose.yml",
                "services:\n  traefik:\n    image: traefik:v3.7.9\n    container_name: traefik\n    restart: unless-stopped\n    ports:\n      - \"443:443\"\n    volumes:\n      - ./traefik.yml:/etc/traefik/traefik.yml:ro\n      - ./dynamic:/etc/traefik/dynamic:ro\n    networks: [edge]\nnetworks:\n  edge:\n    external: true\n",
            ),
            (
                "src/edge/traefik.yml",
                "entryPoints:\n  websecure:\n    address: \":443\"\n",
            ),
            (
                "src/app/docker-compose.yml",
                "services:\n  app:\n    image: nginx:1.27.3\n    container_name: app\n    restart: unless-stopped\n    environment:\n      MODE: production\n    networks: [edge]\nnetworks:\n  edge:\n    external: true\n",
            ),
            (
                "src/app/docker-compose.override.yml",
                "# Local development: debug logging and the page root from the host.\nservices:\n  app:\n    environment:\n      MODE: development\n    volumes:\n      - ./public:/usr/share/nginx/html:ro\n    ports:\n      - \"8080:80\"\n",
            ),
        ],
    );
    let merged = seisei(temp.path(), &["import", "src", "--dry-run"]);
    assert_eq!(merged.status.code(), Some(0), "{}", text(&merged.stderr));
    let spec = text(&merged.stdout);
    assert!(spec.contains("MODE: development"), "{spec}");
    assert!(!spec.contains("variants:"), "{spec}");

    let kept = seisei(temp.path(), &["import", "src", "--overrides", "variant"]);
    assert_eq!(
        kept.status.code(),
        Some(0),
        "{}\n{}",
        text(&kept.stderr),
        text(&kept.stdout)
    );
    assert!(
        text(&kept.stdout).contains("0 unexplained"),
        "{}",
        text(&kept.stdout)
    );
    let spec = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    for expected in [
        "MODE: production",
        "    variants:\n      override:\n        purpose: 'Local development: debug logging and the page root from the host.'\n        services:\n          app:\n            environment:\n              MODE: development\n            mounts:\n            - bind: ./public\n              target: /usr/share/nginx/html\n              read_only: true\n            ports:\n            - container: 80\n              publish: true\n              host: 8080\n",
    ] {
        assert!(spec.contains(expected), "missing:\n{expected}\nin:\n{spec}");
    }
    // gen writes the variant back under its name, where Compose merges it by default again.
    for file in [
        "app/docker-compose.yml",
        "app/docker-compose.override.yml",
        "edge/docker-compose.yml",
        "edge/traefik.yml",
    ] {
        std::fs::remove_file(temp.path().join("src").join(file)).unwrap();
    }
    let generated = seisei(temp.path(), &["gen"]);
    assert_eq!(
        generated.status.code(),
        Some(0),
        "{}",
        text(&generated.stderr)
    );
    let over =
        std::fs::read_to_string(temp.path().join("src/app/docker-compose.override.yml")).unwrap();
    assert!(over.contains("MODE: development"), "{over}");
    let verify = seisei(
        temp.path(),
        &["import", "--verify", "src", "--overrides", "variant"],
    );
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
}
