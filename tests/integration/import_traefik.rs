//! `seisei import` and the Traefik side the spec models first-class: TCP and UDP routers from
//! container labels become the services' `tcp_routes` and `udp_routes`, keeping their router
//! names, middlewares declared in labels become the spec's middlewares, and the proof
//! compares the routers (rule tree, priority, entry points, TLS, middlewares, backend) with
//! the routers `gen` writes.

use crate::import::{seisei, text};

#[test]
fn tcp_udp_routers_and_middlewares_in_labels_become_the_specs_and_the_proof_compares_them() {
    let temp = tempfile::tempdir().unwrap();
    let src = temp.path().join("src");
    for (path, body) in [
        (
            "edge/docker-compose.yml",
            "services:\n  traefik:\n    image: traefik:v3.7.9\n    container_name: traefik\n    restart: unless-stopped\n    ports:\n      - \"443:443\"\n      - \"2222:2222\"\n      - \"51820:51820/udp\"\n    volumes:\n      - ./traefik.yml:/etc/traefik/traefik.yml:ro\n      - ./dynamic:/etc/traefik/dynamic:ro\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n    networks: [edge]\nnetworks:\n  edge:\n    external: true\n",
        ),
        (
            "edge/traefik.yml",
            "entryPoints:\n  websecure:\n    address: \":443\"\n  ssh:\n    address: \":2222\"\n  wg:\n    address: \":51820/udp\"\nproviders:\n  docker:\n    exposedByDefault: false\n",
        ),
        (
            "git/docker-compose.yml",
            "# Git hosting; SSH through Traefik.\nservices:\n  gitea:\n    image: gitea/gitea:1.22.3\n    container_name: gitea\n    restart: unless-stopped\n    expose: [\"22\", \"3000\"]\n    networks: [edge]\n    labels:\n      - traefik.enable=true\n      - traefik.tcp.routers.git-ssh.rule=HostSNI(`*`)\n      - traefik.tcp.routers.git-ssh.entrypoints=ssh\n      - traefik.tcp.routers.git-ssh.priority=5\n      - traefik.tcp.routers.git-ssh.service=git-ssh\n      - traefik.tcp.services.git-ssh.loadbalancer.server.port=22\n      - traefik.tcp.routers.git-tls.rule=HostSNI(`git.example.test`)\n      - traefik.tcp.routers.git-tls.entrypoints=websecure\n      - traefik.tcp.routers.git-tls.tls.passthrough=true\n      - traefik.tcp.routers.git-tls.service=git-tls\n      - traefik.tcp.services.git-tls.loadbalancer.server.port=3000\n      - traefik.http.routers.git-web.rule=Host(`code.example.test`)\n      - traefik.http.routers.git-web.entrypoints=websecure\n      - traefik.http.routers.git-web.middlewares=git-limit,git-strip\n      - traefik.http.routers.git-web.service=git-web\n      - traefik.http.services.git-web.loadbalancer.server.port=3000\n      # Middlewares beside the router that uses them.\n      - traefik.http.middlewares.git-limit.ratelimit.average=50\n      - traefik.http.middlewares.git-limit.ratelimit.burst=100\n      - traefik.http.middlewares.git-strip.stripprefix.prefixes=/git,/gitea\nnetworks:\n  edge:\n    external: true\n",
        ),
        (
            "vpn/docker-compose.yml",
            "# WireGuard, its datagrams through Traefik.\nservices:\n  wireguard:\n    image: lscr.io/linuxserver/wireguard:1.0.20210914\n    container_name: wireguard\n    restart: unless-stopped\n    networks: [edge]\n    labels:\n      - traefik.enable=true\n      - traefik.udp.routers.vpn.entrypoints=wg\n      - traefik.udp.routers.vpn.service=vpn\n      - traefik.udp.services.vpn.loadbalancer.server.port=51820\nnetworks:\n  edge:\n    external: true\n",
        ),
    ] {
        let path = src.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    let out = seisei(temp.path(), &["import", "src"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{stdout}",
        text(&out.stderr)
    );
    assert!(
        stdout.contains("4 routers compared; 1 differences, 0 unexplained"),
        "{stdout}"
    );
    let spec = std::fs::read_to_string(temp.path().join("platform.yaml")).unwrap();
    for expected in [
        "        tcp_routes:\n        - router: git-ssh\n          rule: HostSNI(`*`)\n          port: 22\n          entrypoints:\n          - ssh\n          priority: 5\n          provider: docker\n",
        "        - router: git-tls\n          rule: HostSNI(`git.example.test`)\n          port: 3000\n          entrypoints:\n          - websecure\n          tls:\n            passthrough: true\n",
        "        udp_routes:\n        - router: vpn\n          port: 51820\n          entrypoints:\n          - wg\n          provider: docker\n",
        // Middlewares of the labels, now the spec's, and the router that uses them.
        // The comment above their labels stands above the first of them.
        "  middlewares:\n    # Middlewares beside the router that uses them.\n    git-limit:\n      rateLimit:\n        average: 50\n        burst: 100\n    git-strip:\n      stripPrefix:\n        prefixes:\n        - /git\n        - /gitea\n",
        "          middlewares:\n          - git-limit\n          - git-strip\n",
        // The forwarded UDP port is declared, as seisei requires.
        "        - container: 51820\n          protocol: udp\n",
    ] {
        assert!(spec.contains(expected), "missing:\n{expected}\nin:\n{spec}");
    }
    // A router whose rule changes is a difference the proof names: the spec edited, the
    // originals still in place.
    let edited = spec.replace(
        "HostSNI(`git.example.test`)",
        "HostSNI(`other.example.test`)",
    );
    std::fs::write(temp.path().join("platform.yaml"), edited).unwrap();
    let verify = seisei(temp.path(), &["import", "--verify", "src"]);
    let stdout = text(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("router tcp git-tls.rule: original")
            && stdout.contains("other.example.test"),
        "{stdout}"
    );
}
