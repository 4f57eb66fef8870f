//! The middlewares an import brings into the spec, and how routers name them. The HTTP and
//! TCP middlewares of dynamic files become `traefik.middlewares` and
//! `traefik.tcp_middlewares` when the spec's types read them, and stay in the hand-written
//! file (listed in `external_middlewares`) when not; those of labels come through
//! [`super::label_middlewares`]. A router's reference to an imported one is written bare,
//! any other as `name@provider`. Input: the [`Source`]; output: [`Middlewares`], with the
//! report's entries.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use super::label_middlewares::FromLabels;
use super::report::{Outcome, Report};
use super::source::Source;
use super::{lines, relative};
use crate::spec;

/// What import serves from seisei's dynamic file from now on, and what it leaves where it is.
#[derive(Debug, Default)]
pub struct Middlewares {
    pub http: BTreeMap<String, spec::Middleware>,
    pub tcp: BTreeMap<String, spec::TcpMiddleware>,
    /// `name@provider` references to middlewares seisei does not define.
    pub external: Vec<String>,
    /// The names that came from labels (`@docker` before).
    pub from_labels: FromLabels,
}

/// Reads the middlewares of every dynamic file and every container's labels. A dynamic file
/// that holds only middlewares, all imported, is one seisei replaces.
pub fn collect(source: &Source, report: &mut Report) -> Middlewares {
    let mut out = Middlewares::default();
    if let Some(t) = &source.traefik {
        for (path, text, file) in &t.dynamic {
            let rel = relative(&source.dir, path);
            let only_middlewares = file.routers.is_empty()
                && file.services.is_empty()
                && file.l4.services.is_empty()
                && file.other.is_empty();
            let at = In {
                file: &rel,
                text,
                kind: "http",
            };
            let http = at.take(&file.middlewares, &mut out.http, &mut out.external, report);
            let at = In { kind: "tcp", ..at };
            let tcp = at.take(
                &file.tcp_middlewares,
                &mut out.tcp,
                &mut out.external,
                report,
            );
            if (only_middlewares && http && tcp)
                || !file.routers.is_empty()
                || !file.l4.routers.is_empty()
            {
                report.replaced.push(rel);
            }
        }
    }
    // Middlewares of container labels, served from seisei's dynamic file from now on.
    out.from_labels =
        super::label_middlewares::collect(source, &mut out.http, &mut out.tcp, report);
    out
}

impl Middlewares {
    /// An HTTP router's reference as the spec writes it: bare when import defines the
    /// middleware (`file_router`: a name without `@provider` is the file provider's).
    pub fn http_reference(&self, name: &str, file_router: bool) -> String {
        let (base, provider) = match name.split_once('@') {
            Some((b, p)) => (b, Some(p)),
            None => (name, None),
        };
        let provider = provider.unwrap_or(if file_router { "file" } else { "docker" });
        if (provider == "file" && self.http.contains_key(base))
            || (provider == "docker" && self.from_labels.http.iter().any(|m| m == base))
        {
            base.to_owned()
        } else {
            format!("{base}@{provider}")
        }
    }

    /// Rewrites a TCP router's `name@provider` reference bare when import defines the
    /// middleware; any other is external.
    pub fn tcp_reference(&mut self, reference: &mut String) {
        let imported = match reference.split_once('@') {
            Some((base, "file")) => self.tcp.contains_key(base),
            Some((base, "docker")) => self.from_labels.tcp.iter().any(|n| n == base),
            _ => false,
        };
        if imported {
            reference.truncate(reference.find('@').unwrap_or(reference.len()));
        } else if reference.contains('@') {
            self.external.push(reference.clone());
        }
    }
}

/// One kind (`http` or `tcp`) of middlewares of one dynamic file.
#[derive(Clone, Copy)]
struct In<'a> {
    file: &'a str,
    text: &'a str,
    kind: &'static str,
}

impl In<'_> {
    /// Reads `written` (name, definition) into `into`; one the spec's type does not read is
    /// kept in the file and named in `external`. Whether all were read.
    fn take<T: DeserializeOwned>(
        self,
        written: &[(String, Value)],
        into: &mut BTreeMap<String, T>,
        external: &mut Vec<String>,
        report: &mut Report,
    ) -> bool {
        let mut all = true;
        for (name, value) in written {
            let line = lines::find(self.text, &[self.kind, "middlewares", name]);
            let field = format!("{}.middlewares.{name}", self.kind);
            match serde_yaml::with::singleton_map_recursive::deserialize(value.clone()) {
                Ok(m) => {
                    into.insert(name.clone(), m);
                    report.push(self.file, line, field, Outcome::FirstClass);
                }
                Err(e) => {
                    all = false;
                    external.push(format!("{name}@file"));
                    report.push(
                        self.file,
                        line,
                        field,
                        Outcome::NotImported(format!(
                            "kept in the hand-written file, listed in `external_middlewares` ({e})"
                        )),
                    );
                }
            }
        }
        all
    }
}
