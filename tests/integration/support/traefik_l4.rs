//! The TCP and UDP side of the real-Traefik harness (`support/traefik.rs`): every TCP and UDP
//! service seisei wrote gets a recorder of its own on loopback instead of its container, so a
//! probe can tell which router took a connection or a datagram: the one whose service's
//! recorder saw it arrive. Traefik dials a TCP service as soon as a router takes the
//! connection (after the TLS handshake when it terminates TLS), and forwards a datagram to the
//! UDP service of the entry point, so the arrival alone answers; the recorders never reply.
//!
//! A TLS client is `openssl s_client` with the server name (no TLS library is a dependency);
//! every wait is bounded by [`PROBE_TIMEOUT`], so a probe that nothing takes costs that long
//! and never hangs.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::traefik::Traefik;

/// How long a probe waits for a recorder to see its connection or datagram.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A TCP or UDP router seisei wrote, as the file provider reads it.
#[derive(Debug, Clone)]
pub struct L4Written {
    /// `name@file`.
    pub name: String,
    pub udp: bool,
    pub rule: String,
    pub entry_points: Vec<String>,
    pub tls: bool,
    /// `name@file` of its service.
    pub service: String,
}

enum Recorder {
    Tcp(TcpListener),
    Udp(UdpSocket),
}

/// What a probe sends: a plain or TLS connection, or a datagram, to one entry point.
#[derive(Debug, Clone)]
pub struct L4Probe {
    pub entry_point: String,
    pub udp: bool,
    /// The server name of a TLS connection; `None` for a plain one.
    pub sni: Option<String>,
}

/// The recorders and the routers of one running Traefik.
#[derive(Default)]
pub struct L4Side {
    pub routers: Vec<L4Written>,
    /// By `tcp:name@file` or `udp:name@file` of the service.
    recorders: BTreeMap<String, Recorder>,
}

impl L4Side {
    /// Points every TCP and UDP service of `doc` at a recorder of its own, and notes its
    /// routers. Runs after the HTTP rewrite, which it overrides for these services.
    pub fn take_over(&mut self, doc: &mut Value) {
        for protocol in ["tcp", "udp"] {
            let udp = protocol == "udp";
            if let Some(services) = doc
                .pointer_mut(&format!("/{protocol}/services"))
                .and_then(Value::as_object_mut)
            {
                for (name, service) in services.iter_mut() {
                    let (recorder, port) = if udp {
                        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP recorder");
                        socket.set_nonblocking(true).expect("non-blocking");
                        let port = socket.local_addr().expect("an address").port();
                        (Recorder::Udp(socket), port)
                    } else {
                        let listener =
                            TcpListener::bind("127.0.0.1:0").expect("bind a TCP recorder");
                        listener.set_nonblocking(true).expect("non-blocking");
                        let port = listener.local_addr().expect("an address").port();
                        (Recorder::Tcp(listener), port)
                    };
                    for key in ["loadBalancer", "loadbalancer"] {
                        if let Some(lb) = service.get_mut(key).and_then(Value::as_object_mut) {
                            lb.insert(
                                "servers".into(),
                                json!([{"address": format!("127.0.0.1:{port}")}]),
                            );
                        }
                    }
                    self.recorders
                        .insert(format!("{protocol}:{name}@file"), recorder);
                }
            }
            let Some(routers) = doc
                .pointer(&format!("/{protocol}/routers"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            for (name, router) in routers {
                let field = |a: &str, b: &str| router.get(a).or_else(|| router.get(b)).cloned();
                let entry_points = match field("entryPoints", "entrypoints") {
                    Some(Value::Array(list)) => list
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                    Some(Value::String(list)) => {
                        list.split(',').map(|s| s.trim().to_owned()).collect()
                    }
                    _ => Vec::new(),
                };
                let text = |v: Option<Value>| {
                    v.and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                };
                self.routers.push(L4Written {
                    name: format!("{name}@file"),
                    udp,
                    rule: text(field("rule", "rule")),
                    entry_points,
                    tls: router.get("tls").is_some_and(|t| t != &json!("false")),
                    service: format!("{}@file", text(field("service", "service"))),
                });
            }
        }
    }

    /// Empties every recorder, so that the next arrival is the next probe's.
    fn drain(&self) {
        for recorder in self.recorders.values() {
            match recorder {
                Recorder::Tcp(listener) => while listener.accept().is_ok() {},
                Recorder::Udp(socket) => {
                    let mut buf = [0u8; 2048];
                    while socket.recv_from(&mut buf).is_ok() {}
                }
            }
        }
    }

    /// The service whose recorder sees something first, within [`PROBE_TIMEOUT`].
    fn arrival(&self, deadline: Instant) -> Option<String> {
        let mut buf = [0u8; 2048];
        loop {
            for (key, recorder) in &self.recorders {
                let arrived = match recorder {
                    Recorder::Tcp(listener) => listener.accept().is_ok(),
                    Recorder::Udp(socket) => socket.recv_from(&mut buf).is_ok(),
                };
                if arrived {
                    return Some(
                        key.split_once(':')
                            .map_or(key.as_str(), |(_, n)| n)
                            .to_owned(),
                    );
                }
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// A probe that the router's rule takes: the first `HostSNI` value of its first alternative
/// as the server name (`*.x` as `probe.x`), a plain connection for a router without TLS.
///
/// # Errors
///
/// A rule whose first alternative needs something a loopback client cannot send (`ClientIP`,
/// `ALPN`, a regular expression).
pub fn probe_for(router: &L4Written) -> Result<L4Probe, String> {
    use seisei::traefik::rule::{self, Kind};
    let entry_point = router
        .entry_points
        .first()
        .ok_or_else(|| format!("{} has no entry point", router.name))?
        .clone();
    if router.udp {
        return Ok(L4Probe {
            entry_point,
            udp: true,
            sni: None,
        });
    }
    let expr = rule::parse(&router.rule, Kind::Tcp)
        .map_err(|e| format!("`{}` does not parse: {}", router.rule, e.message))?;
    let sni = first_sni(&expr)?;
    Ok(L4Probe {
        entry_point,
        udp: false,
        sni: router
            .tls
            .then(|| sni.unwrap_or_else(|| "probe.test".to_owned())),
    })
}

/// The server name a probe sends for a rule: its first alternative's `HostSNI`, `None` for
/// ``HostSNI(`*`)``.
fn first_sni(expr: &seisei::traefik::rule::Expr) -> Result<Option<String>, String> {
    use seisei::traefik::rule::{Expr, Matcher};
    match expr {
        Expr::And(a, b) => Ok(first_sni(a)?.or(first_sni(b)?)),
        Expr::Or(a, _) => first_sni(a),
        Expr::Not(_) => Ok(None),
        Expr::Match {
            matcher: Matcher::HostSni,
            args,
            ..
        } => {
            let value = args.first().map_or("*", |a| a.value.as_str());
            Ok(match value.strip_prefix("*.") {
                _ if value == "*" => None,
                Some(rest) => Some(format!("probe.{rest}")),
                None => Some(value.to_owned()),
            })
        }
        Expr::Match { matcher, .. } => Err(format!("no probe for {matcher:?} yet")),
    }
}

impl Traefik {
    /// Sends `probe` and returns the `name@file` of the service that received it, if any.
    pub fn send_l4(&self, probe: &L4Probe) -> Option<String> {
        let port = self
            .entry_points
            .get(&probe.entry_point)
            .unwrap_or_else(|| panic!("no entry point `{}`", probe.entry_point))
            .port;
        self.l4.drain();
        let deadline = Instant::now() + PROBE_TIMEOUT;
        if probe.udp {
            let socket = UdpSocket::bind("127.0.0.1:0").expect("a UDP client");
            let _ = socket.send_to(b"seisei-probe\n", ("127.0.0.1", port));
            return self.l4.arrival(deadline);
        }
        match &probe.sni {
            None => {
                let stream =
                    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), PROBE_TIMEOUT);
                let _keep_open = stream.map(|mut s| {
                    let _ = s.write_all(b"seisei-probe\n");
                    s
                });
                self.l4.arrival(deadline)
            }
            Some(sni) => {
                let mut child = Command::new("openssl")
                    .args(["s_client", "-quiet", "-connect"])
                    .arg(format!("127.0.0.1:{port}"))
                    .args(["-servername", sni])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("run openssl s_client");
                if let Some(stdin) = child.stdin.as_mut()
                    && let Err(e) = stdin.write_all(b"seisei-probe\n")
                {
                    assert!(e.kind() == ErrorKind::BrokenPipe, "write to openssl: {e}");
                }
                let arrived = self.l4.arrival(deadline);
                let _ = child.kill();
                let _ = child.wait();
                arrived
            }
        }
    }
}

/// Probes every TCP and UDP router of a running Traefik and reports, through `report`
/// (object, what), each one whose probe some other service received, or none; returns how
/// many routers were probed.
pub fn probe_each(traefik: &Traefik, report: &mut dyn FnMut(&str, String)) -> usize {
    let mut probed = 0;
    for router in &traefik.l4.routers {
        let probe = match probe_for(router) {
            Ok(probe) => probe,
            Err(e) => {
                report(&router.name, format!("no probe: {e}"));
                continue;
            }
        };
        let arrived = traefik.send_l4(&probe);
        if arrived.as_deref() != Some(router.service.as_str()) {
            report(
                &router.name,
                format!(
                    "probe {probe:?}: received by {arrived:?}, not by its service {}",
                    router.service
                ),
            );
        }
        probed += 1;
    }
    probed
}
