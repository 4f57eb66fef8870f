//! `seisei route` against the real Traefik (3.7.15, `SEISEI_TRAEFIK`), request by request:
//! every fixture platform and a set of random small platforms of tricky rules, each started
//! once, and a few hundred raw requests per platform drawn from the classes of issue 16
//! (percent-encoding of every kind, dot segments, double and trailing slashes, query
//! encodings, methods of every case, headers, hosts with port, case and trailing dot,
//! wildcard and regex hosts, unknown hosts, plain HTTP and its redirect, the ACME path). The
//! raw bytes go to Traefik unchanged; seisei's answer comes from the library
//! (`explain::answer`), not the binary, for speed. Every disagreement fails the test, except
//! the classes in [`ALLOWED`].
//!
//! `SEISEI_ROUTE_SEED` picks another seed for the random part; `SEISEI_ROUTE_REPORT=1`
//! prints the agreement figures.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use seisei::explain::{self, Outcome};
use seisei::model::Model;
use seisei::traefik::analysis::LossReason;
use seisei::traefik::request::WireRequest;

use crate::support::case_name;
use crate::support::traefik::{Answer, RawRequest, Traefik};
use crate::{all_specs, compile};

/// The disagreements the test tolerates. Kept short:
/// each is a difference seisei does not model on purpose or that another issue owns.
const ALLOWED: &[Allowed] = &[(
    "users-file",
    "in the fixture `extends-escape-hatch`, Traefik disables `shop-api-admin`: its basicAuth \
         users file is on no Traefik mount (real_traefik.rs, USERS_FILE)",
    |case| {
        case.platform == "extends-escape-hatch"
            && case.traefik == Said::NotFound
            && case.seisei == Said::Router("shop-api-admin".into())
    },
)];

/// An allowed class of disagreement: its name, why, and which cases it covers.
type Allowed = (&'static str, &'static str, fn(&Case) -> bool);

/// Requests per random platform and per fixture platform.
const RANDOM_REQUESTS: usize = 220;
const FIXTURE_REQUESTS: usize = 160;
/// Random platforms per run.
const RANDOM_PLATFORMS: usize = 6;
/// Platforms run at once.
const PARALLEL: usize = 3;

/// An answer reduced to what both sides can say.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Said {
    /// A router answers: its name without the provider, which the test harness changes
    /// (Docker labels are served by the file provider), except `@internal`.
    Router(String),
    NotFound,
    /// 400 before any router.
    BadRequest,
    Other(String),
}

/// One request and both answers.
#[derive(Debug)]
struct Case {
    platform: String,
    entrypoint: String,
    request: String,
    traefik: Said,
    seisei: Said,
    /// Routers seisei says Traefik may pick as well (same priority).
    alternatives: Vec<String>,
}

#[test]
#[cfg_attr(
    not(seisei_traefik),
    ignore = "needs SEISEI_TRAEFIK (the real Traefik): eval \"$(bash tests/oracle/setup.sh)\""
)]
fn seisei_route_answers_what_the_real_traefik_answers() {
    let seed = std::env::var("SEISEI_ROUTE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16_u64);
    let mut rng = Rng(seed);
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let mut platforms: Vec<(PathBuf, usize)> = all_specs()
        .into_iter()
        .map(|spec| (spec, FIXTURE_REQUESTS))
        .collect();
    let mut skipped = 0;
    let mut attempt = 0;
    while platforms.len() < all_specs().len() + RANDOM_PLATFORMS {
        attempt += 1;
        assert!(attempt < 200, "random platforms keep failing to compile");
        let dir = scratch.path().join(format!("random-{attempt}"));
        std::fs::create_dir_all(&dir).expect("a platform folder");
        let spec = dir.join("platform.yaml");
        std::fs::write(&spec, random_platform(&mut rng)).expect("write the spec");
        // A tie is an error (E0405): Traefik's pick is then random and nothing can be compared.
        if seisei::compile(&spec).is_err() {
            skipped += 1;
            continue;
        }
        platforms.push((spec, RANDOM_REQUESTS));
    }

    // Each platform has its own Traefik and its own seed, so a few run at once: the time is
    // spent waiting on sockets and the access log, not computing.
    let jobs: Vec<(&PathBuf, usize, u64)> = platforms
        .iter()
        .map(|(spec, count)| (spec, *count, rng.next()))
        .collect();
    let mut cases = Vec::new();
    for batch in jobs.chunks(PARALLEL) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .map(|(spec, count, seed)| {
                    scope.spawn(move || run_platform(spec, *count, &mut Rng(*seed)))
                })
                .collect();
            for handle in handles {
                cases.extend(handle.join().expect("a platform's run panicked"));
            }
        });
    }
    let mut by_class: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let mut agree = 0;
    for case in &cases {
        if case.traefik == case.seisei
            || matches!(&case.traefik, Said::Router(r) if case.alternatives.contains(r))
        {
            agree += 1;
            continue;
        }
        match ALLOWED.iter().find(|(_, _, covers)| covers(case)) {
            Some((name, _, _)) => *by_class.entry(name).or_default() += 1,
            None => unexplained.push(case),
        }
    }
    let report = format!(
        "{} requests on {} platforms ({} random, {skipped} random ones skipped for not \
         compiling): {agree} agree, {} allowed {by_class:?}, {} disagree",
        cases.len(),
        platforms.len(),
        RANDOM_PLATFORMS,
        by_class.values().sum::<usize>(),
        unexplained.len()
    );
    if std::env::var_os("SEISEI_ROUTE_REPORT").is_some() {
        eprintln!("{report}");
    }
    assert!(cases.len() >= 2000, "{report}");
    let mut text = String::new();
    for case in unexplained.iter().take(40) {
        let _ = writeln!(
            text,
            "{} on `{}`: Traefik {:?}, seisei {:?}\n    {}",
            case.platform,
            case.entrypoint,
            case.traefik,
            case.seisei,
            case.request.escape_debug()
        );
    }
    assert!(unexplained.is_empty(), "{report}\n{text}");
}

/// Starts Traefik on `spec`, sends `count` requests and asks seisei about each.
fn run_platform(spec: &Path, count: usize, rng: &mut Rng) -> Vec<Case> {
    let platform = case_name(spec);
    let model = compile(spec).built.model;
    let traefik = Traefik::start(spec);
    let pools = Pools::of(&model);
    let mut cases = Vec::new();
    for _ in 0..count {
        let (entrypoint, tls) = rng.pick(&pools.entrypoints).clone();
        let request = pools.request(rng, tls);
        let host = request
            .headers
            .iter()
            .find(|(k, _)| k == "Host")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let mut bytes = request.method.clone().into_bytes();
        bytes.push(b' ');
        bytes.extend_from_slice(&request.target);
        bytes.extend_from_slice(b" HTTP/1.1\r\n");
        for (name, value) in &request.headers {
            bytes.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"\r\n");
        let sni = tls.then(|| sni_for(&host));
        let raw = RawRequest {
            entry_point: entrypoint.clone(),
            sni,
            bytes: bytes.clone(),
        };
        let answer = traefik.send(&raw);
        let (seisei, alternatives) = seisei_says(&model, &request, &entrypoint);
        cases.push(Case {
            platform: platform.clone(),
            entrypoint,
            request: String::from_utf8_lossy(&bytes).into_owned(),
            traefik: traefik_said(&answer),
            seisei,
            alternatives,
        });
    }
    cases
}

/// A server name for a `Host` value: the port, brackets and a trailing dot removed (a name
/// the client could send; an IP or an empty host falls back to a fixed name).
fn sni_for(host: &str) -> String {
    let name = match host.rsplit_once(':') {
        Some((name, _)) if !name.contains(':') => name,
        _ => host,
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() || name.parse::<IpAddr>().is_ok() || name.starts_with('[') {
        "oracle.test".to_owned()
    } else {
        name
    }
}

fn base_name(name: &str) -> String {
    if name.ends_with("@internal") {
        return name.to_owned();
    }
    name.split('@').next().unwrap_or(name).to_owned()
}

fn traefik_said(answer: &Answer) -> Said {
    match (&answer.router, answer.status) {
        (Some(router), _) => Said::Router(base_name(router)),
        (None, Some(404)) => Said::NotFound,
        (None, Some(400)) => Said::BadRequest,
        (None, status) => Said::Other(format!("{status:?}: {}", answer.head)),
    }
}

fn seisei_says(model: &Model, request: &WireRequest, entrypoint: &str) -> (Said, Vec<String>) {
    match explain::answer(model, request, entrypoint) {
        Err(message) => (Said::Other(message), Vec::new()),
        Ok(Outcome::Rejected(_)) => (Said::BadRequest, Vec::new()),
        Ok(Outcome::Routed { verdict, .. }) => match &verdict.winner {
            None => (Said::NotFound, Vec::new()),
            Some(winner) => {
                // Same priority: a tie, or a provider order the test harness cannot keep
                // (it serves Docker labels through the file provider, and Traefik without an
                // explicit `providers.precedence` orders nothing).
                let alternatives = verdict
                    .losers
                    .iter()
                    .filter(|loss| {
                        matches!(
                            loss.reason,
                            LossReason::Tie | LossReason::ProviderPrecedence { .. }
                        )
                    })
                    .map(|loss| base_name(&loss.router.name))
                    .collect();
                (Said::Router(base_name(&winner.name)), alternatives)
            }
        },
    }
}

/// What requests are drawn from, taken from the platform's rules.
struct Pools {
    entrypoints: Vec<(String, bool)>,
    hosts: Vec<String>,
    paths: Vec<String>,
    headers: Vec<(String, String)>,
    queries: Vec<String>,
}

impl Pools {
    fn of(model: &Model) -> Pools {
        let entrypoints = model
            .traefik
            .entrypoints
            .iter()
            // HTTP requests only: an entry point with a TCP router hands the connection to
            // it before any HTTP router sees it (and a TCP backend may never answer).
            .filter(|e| !e.address.ends_with("/udp"))
            .filter(|e| {
                !model
                    .l4_routers
                    .iter()
                    .any(|r| r.entrypoints.contains(&e.name))
            })
            .map(|e| (e.name.clone(), e.tls))
            .collect();
        let mut pools = Pools {
            entrypoints,
            hosts: vec![
                "unknown.test".into(),
                "[::1]".into(),
                "[::1]:8080".into(),
                "127.0.0.1".into(),
                String::new(),
                "a:1:2".into(),
                "user@unknown.test".into(),
                "bad host.test".into(),
            ],
            paths: vec![
                "/".into(),
                "/.well-known/acme-challenge/token".into(),
                "/nothing".into(),
            ],
            headers: vec![
                ("X-Forwarded-Proto".into(), "https".into()),
                ("X-Forwarded-Host".into(), "a.test".into()),
                ("Accept".into(), "text/html, */*".into()),
            ],
            queries: vec![
                "a=1;b=2".into(),
                "q=%41+b".into(),
                "k".into(),
                "k=".into(),
                "k=%zz&k=v".into(),
                "k=v&k=w".into(),
                "K=v".into(),
            ],
        };
        for row in seisei::model::routing::table(model) {
            let Ok(expr) =
                seisei::traefik::rule::parse(&row.rule, seisei::traefik::rule::Kind::Http)
            else {
                continue;
            };
            pools.collect(&expr);
        }
        pools.hosts.sort();
        pools.hosts.dedup();
        pools.paths.sort();
        pools.paths.dedup();
        pools
    }

    fn collect(&mut self, expr: &seisei::traefik::rule::Expr) {
        use seisei::traefik::rule::{Expr, Matcher};
        match expr {
            Expr::Not(inner) => self.collect(inner),
            Expr::And(a, b) | Expr::Or(a, b) => {
                self.collect(a);
                self.collect(b);
            }
            Expr::Match { matcher, args, .. } => {
                let arg = |i: usize| args.get(i).map(|a| a.value.clone()).unwrap_or_default();
                match matcher {
                    Matcher::Host => {
                        let host = arg(0);
                        match host.strip_prefix("*.") {
                            Some(suffix) => {
                                self.hosts.push(format!("probe.{suffix}"));
                                self.hosts.push(format!(".{suffix}"));
                                self.hosts.push(format!("a.b.{suffix}"));
                                self.hosts.push(suffix.to_owned());
                            }
                            None if host != "*" => self.hosts.push(host),
                            None => {}
                        }
                    }
                    Matcher::HostRegexp => {
                        let literal: String = arg(0)
                            .replace("\\.", ".")
                            .chars()
                            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                            .collect();
                        self.hosts.push(literal.trim_start_matches('.').to_owned());
                        self.hosts.push(format!("x{literal}"));
                    }
                    Matcher::Path | Matcher::PathPrefix => self.paths.push(arg(0)),
                    Matcher::PathRegexp => {
                        let literal: String = arg(0)
                            .chars()
                            .filter(|c| c.is_ascii_alphanumeric() || *c == '/')
                            .collect();
                        self.paths.push(literal);
                    }
                    Matcher::Header | Matcher::HeaderRegexp => {
                        self.headers.push((arg(0), arg(1)));
                        self.headers.push((arg(0).to_ascii_lowercase(), arg(1)));
                    }
                    Matcher::Query | Matcher::QueryRegexp => {
                        self.queries.push(format!("{}={}", arg(0), arg(1)));
                        self.queries.push(arg(0));
                    }
                    _ => {}
                }
            }
        }
    }

    /// One random request, as a client would send it.
    fn request(&self, rng: &mut Rng, tls: bool) -> WireRequest {
        let host = self.host(rng);
        // A raw space would end the request target: clients send `%20`.
        let path = rng.pick(&self.paths).replace(' ', "%20");
        let path = mutate_path(rng, &path);
        let mut target = path.into_bytes();
        if rng.below(3) == 0 {
            target.push(b'?');
            target.extend_from_slice(rng.pick(&self.queries).as_bytes());
        }
        // The absolute form: Go takes the host from the target, not from the header.
        if rng.below(30) == 0 {
            let authority = rng.pick(&self.hosts).clone();
            target = [format!("http://{authority}").into_bytes(), target].concat();
        }
        if rng.below(60) == 0 {
            target = b"*".to_vec();
        }
        let method = rng
            .pick(&[
                "GET", "GET", "GET", "get", "POST", "Post", "HEAD", "DELETE", "PUT",
            ])
            .to_string();
        let mut headers = Vec::new();
        match rng.below(40) {
            0 => {}
            1 => {
                headers.push(("Host".to_owned(), host.clone()));
                headers.push(("Host".to_owned(), host));
            }
            _ => headers.push(("Host".to_owned(), host)),
        }
        for _ in 0..rng.below(3) {
            headers.push(rng.pick(&self.headers).clone());
        }
        headers.push(("Connection".to_owned(), "close".to_owned()));
        WireRequest {
            method,
            target,
            headers,
            tls,
            client_ip: Some(IpAddr::from([127, 0, 0, 1])),
        }
    }

    fn host(&self, rng: &mut Rng) -> String {
        let host = rng.pick(&self.hosts).clone();
        if host.is_empty() || host.starts_with('[') {
            return host;
        }
        match rng.below(8) {
            0 => host.to_ascii_uppercase(),
            1 => format!("{host}:8080"),
            2 => format!("{host}."),
            3 => format!("{host}:80"),
            _ => host,
        }
    }
}

/// A path with one of the spellings Traefik normalises, or one it refuses.
fn mutate_path(rng: &mut Rng, path: &str) -> String {
    let encode = |c: char, lower: bool| -> String {
        let mut buf = [0; 4];
        c.encode_utf8(&mut buf)
            .bytes()
            .map(|b| {
                if lower {
                    format!("%{b:02x}")
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let chars: Vec<char> = path.chars().collect();
    let at = if chars.len() > 1 {
        1 + rng.below(chars.len() - 1)
    } else {
        chars.len()
    };
    let (before, after): (String, String) =
        (chars[..at].iter().collect(), chars[at..].iter().collect());
    match rng.below(24) {
        0..=3 => path.to_owned(),
        4 => chars
            .iter()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    encode(*c, rng.below(2) == 0)
                } else {
                    c.to_string()
                }
            })
            .collect(),
        5 => format!("/x/../{}", path.trim_start_matches('/')),
        6 => format!("/x/%2e%2e/{}", path.trim_start_matches('/')),
        7 => format!("/{path}"),
        8 => format!("{path}/"),
        9 => format!("{before}/./{after}"),
        10 => format!("{before}//{after}"),
        11 => format!("{before}%2F{after}"),
        12 => format!("{before}%2f{after}"),
        13 => format!("{before}%20{after}"),
        14 => format!("{before}é{after}"),
        15 => format!("{before}%C3%A9{after}"),
        16 => format!("{before}%zz{after}"),
        17 => format!("{before}#{after}"),
        18 => format!("{before}%25{after}"),
        19 => format!("{before}!{after}"),
        20 => format!("{before}%21{after}"),
        21 => format!("{path}/.."),
        22 => path.to_ascii_uppercase(),
        _ => format!("{before}%3B{after}"),
    }
}

/// A random small platform of tricky rules: a few routes on a small pool of hosts and paths,
/// so that rules meet, some with explicit priorities.
fn random_platform(rng: &mut Rng) -> String {
    let mut text = String::from(
        "platform:\n  name: Random\n  domain: r.test\n  output: out\n\ntraefik:\n  version: \"3.7\"\n  stack: proxy\n  service: traefik\n  network: public\n  entrypoints:\n    web:\n      address: \":80\"\n  default_entrypoints: [web]\n  default_provider: file\n\nnetworks:\n  public:\n    purpose: Traefik and the apps\n    external: true\n\nstacks:\n  proxy:\n    purpose: Edge proxy\n    status: production\n    networks: [public]\n    services:\n      traefik:\n        image: traefik:v3.7.9\n        ports:\n          - { container: 80, publish: true }\n",
    );
    let stacks = 3 + rng.below(4);
    for stack in 0..stacks {
        let _ = write!(
            text,
            "  app{stack}:\n    purpose: App {stack}\n    status: testing\n    networks: [public]\n    services:\n      web:\n        image: traefik/whoami:v1.10.3\n        ports:\n          - {{ container: 80 }}\n        routes:\n"
        );
        for route in 0..=rng.below(2) {
            let rule = random_rule(rng, 2);
            let _ = write!(
                text,
                "          - name: r{route}\n            rule: '{}'\n",
                rule.replace('\'', "''")
            );
            if rng.below(2) == 0 {
                let priority = match rng.below(6) {
                    0 => -1 - rng.signed_below(5),
                    _ => 1 + rng.signed_below(200),
                };
                let _ = writeln!(text, "            priority: {priority}");
            }
        }
    }
    text
}

fn random_rule(rng: &mut Rng, depth: usize) -> String {
    if depth > 0 && rng.below(3) == 0 {
        let left = random_rule(rng, depth - 1);
        let right = random_rule(rng, depth - 1);
        return match rng.below(5) {
            0 => format!("({left}) || ({right})"),
            1 => format!("{left} && !({right})"),
            _ => format!("{left} && {right}"),
        };
    }
    rng.pick(&[
        "Host(`a.r.test`)",
        "Host(`A.r.test.`)",
        "Host(`*.w.r.test`)",
        "Host(`b.r.test`)",
        "HostRegexp(`^[a-z]+\\.x\\.r\\.test$`)",
        "HostRegexp(`^[a-z]*$`)",
        "HostRegexp(`x\\.r\\.test`)",
        "PathPrefix(`/a`)",
        "PathPrefix(`/a/b`)",
        "PathPrefix(`/b`)",
        "Path(`/a%2Fb`)",
        "Path(`/c d`)",
        "Path(`/é`)",
        "PathPrefix(`/100%25`)",
        "PathRegexp(`^/a/[0-9]+$`)",
        "PathRegexp(`^/\\w+$`)",
        "PathRegexp(`^/(a|b)/`)",
        "PathRegexp(`\\.php$`)",
        "Method(`GET`)",
        "Method(`post`)",
        "Header(`X-K`, `v`)",
        "HeaderRegexp(`X-Forwarded-Proto`, `https`)",
        "Query(`k`, `v`)",
        "Query(`k`)",
        "QueryRegexp(`a`, `^1$`)",
        "ClientIP(`127.0.0.1`)",
        "ClientIP(`10.0.0.0/8`)",
    ])
    .to_string()
}

/// `SplitMix64`: small, seeded, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        usize::try_from(self.next() % n).unwrap_or(0)
    }

    fn signed_below(&mut self, n: usize) -> i64 {
        i64::try_from(self.below(n)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
