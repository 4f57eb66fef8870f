//! The list of files a platform generates, each path known at once and each file rendered
//! when it is asked for: `check` renders a file, compares it with the tree and drops it, so
//! the whole output never has to be in memory at once. Traefik's files are rendered up front,
//! since the Swarm target names its configs after their content; they are a few per platform.

use std::collections::HashMap;

use askama::Template;

use super::{
    Artifact, ComposeView, EnvView, Header, PlatformDynamicView, SCHEMA_FILE, StackDynamicView,
    StaticView, TransportView, VariantView, artifact, inventory, swarm,
};
use crate::model::{L4Router, Model, Stack, variant::Variant};
use crate::spec::{Protocol, Provider};

/// Every file of a platform, sorted by path.
pub struct Outputs<'m> {
    header: Header<'m>,
    model: &'m Model,
    files: Vec<(String, Job<'m>)>,
    /// The Traefik stack's files as Swarm configs (Swarm target only).
    configs: Vec<swarm::Config>,
}

/// How one file is made.
enum Job<'m> {
    /// Already rendered.
    Done(Vec<u8>),
    Compose(&'m Stack),
    Env(&'m Stack),
    Variant(&'m Stack, &'m Variant),
    StackFile(&'m Stack),
    Inventory,
    Schema,
}

/// Where the files of a platform come from, one at a time: [`Outputs`] renders each on
/// demand; a list of [`Artifact`]s (tests, `import`) already holds them.
pub trait Files: Sync {
    fn count(&self) -> usize;
    /// The path of file `index`, inside the output directory.
    fn path(&self, index: usize) -> &str;
    /// Hands the bytes of file `index` to `sink`, piece by piece, until it has them all or
    /// `sink` returns `false` (it has seen enough: the rest is not rendered).
    fn feed(&self, index: usize, sink: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), askama::Error>;

    /// The bytes of file `index`, whole.
    fn bytes(&self, index: usize) -> Result<Vec<u8>, askama::Error> {
        let mut bytes = Vec::new();
        self.feed(index, &mut |piece| {
            bytes.extend_from_slice(piece);
            true
        })?;
        Ok(bytes)
    }
}

impl Files for [Artifact] {
    fn count(&self) -> usize {
        self.len()
    }
    fn path(&self, index: usize) -> &str {
        &self[index].path
    }
    fn feed(&self, index: usize, sink: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), askama::Error> {
        sink(&self[index].bytes);
        Ok(())
    }
}

impl Files for Vec<Artifact> {
    fn count(&self) -> usize {
        self.len()
    }
    fn path(&self, index: usize) -> &str {
        &self[index].path
    }
    fn feed(&self, index: usize, sink: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), askama::Error> {
        self.as_slice().feed(index, sink)
    }
}

impl Files for Outputs<'_> {
    fn count(&self) -> usize {
        self.files.len()
    }
    fn path(&self, index: usize) -> &str {
        &self.files[index].0
    }
    fn feed(&self, index: usize, sink: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), askama::Error> {
        let (header, model) = (self.header, self.model);
        let mut out = Lines::new(sink);
        let rendered = match &self.files[index].1 {
            Job::Done(bytes) => {
                (out.sink)(bytes);
                return Ok(());
            }
            // The schema is JSON, written as serde_json prints it.
            Job::Schema => {
                let (head, rest) = crate::spec::json_schema_pieces(&header.text());
                if (out.sink)(head.as_bytes()) {
                    (out.sink)(rest.as_bytes());
                }
                return Ok(());
            }
            Job::Compose(stack) => ComposeView::new(header, model, stack).render_into(&mut out),
            Job::Env(stack) => EnvView {
                header,
                stack,
                target: model.swarm.target,
            }
            .render_into(&mut out),
            Job::Variant(stack, variant) => VariantView {
                header,
                stack,
                variant,
            }
            .render_into(&mut out),
            Job::StackFile(stack) => {
                swarm::stack_file_into(header, model, stack, &self.configs, &mut out)
            }
            Job::Inventory => inventory::stacks_md_into(header, model, &mut out),
        };
        match rendered {
            Ok(()) => {
                out.close();
                Ok(())
            }
            // The sink stopped the rendering: not a failure.
            Err(_) if out.stopped => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Line breaks handed on at once when held-back ones are released.
const NEWLINES: &[u8] = &[b'\n'; 64];

/// Passes rendered text on to a sink with its final line ending made exactly one newline,
/// whatever the template's last line does (the text files' convention): line breaks are
/// held back until more text follows them.
struct Lines<'s> {
    sink: &'s mut dyn FnMut(&[u8]) -> bool,
    newlines: usize,
    stopped: bool,
}

impl<'s> Lines<'s> {
    fn new(sink: &'s mut dyn FnMut(&[u8]) -> bool) -> Self {
        Lines {
            sink,
            newlines: 0,
            stopped: false,
        }
    }

    fn close(&mut self) {
        if !self.stopped {
            (self.sink)(b"\n");
        }
    }

    fn pass(&mut self, bytes: &[u8]) -> std::fmt::Result {
        if self.stopped || !(self.sink)(bytes) {
            self.stopped = true;
            return Err(std::fmt::Error);
        }
        Ok(())
    }
}

impl std::fmt::Write for Lines<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        let body = text.trim_end_matches('\n');
        if body.is_empty() {
            self.newlines += text.len();
            return Ok(());
        }
        while self.newlines > 0 {
            let n = self.newlines.min(NEWLINES.len());
            self.pass(&NEWLINES[..n])?;
            self.newlines -= n;
        }
        self.pass(body.as_bytes())?;
        self.newlines = text.len() - body.len();
        Ok(())
    }
}

impl<'m> Outputs<'m> {
    /// The files of `model`, with Traefik's rendered.
    pub fn new(header: Header<'m>, model: &'m Model) -> Result<Self, askama::Error> {
        let target = model.swarm.target;
        let mut files: Vec<(String, Job<'m>)> = Vec::new();
        for stack in &model.stacks {
            if target.compose() {
                files.push((stack.compose_path(), Job::Compose(stack)));
            }
            files.push((stack.env_path(), Job::Env(stack)));
            // Variants override the compose file: there are none on Swarm.
            for variant in stack.variants.iter().filter(|_| target.compose()) {
                files.push((
                    stack.variant_path(&variant.name),
                    Job::Variant(stack, variant),
                ));
            }
        }
        let traefik = traefik_files(header, model)?;
        let mut configs = Vec::new();
        if target.swarm() {
            if let Some((static_file, proxy_configs)) =
                swarm::traefik_files(header, model, &traefik)?
            {
                files.push((static_file.path, Job::Done(static_file.bytes)));
                configs = proxy_configs;
            }
            for stack in &model.stacks {
                files.push((stack.stack_file_path(), Job::StackFile(stack)));
            }
        }
        files.extend(traefik.into_iter().map(|a| (a.path, Job::Done(a.bytes))));
        files.push((model.inventory.clone(), Job::Inventory));
        files.push((SCHEMA_FILE.to_owned(), Job::Schema));
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Outputs {
            header,
            model,
            files,
            configs,
        })
    }

    /// Every file rendered, in path order; the files are rendered on every core.
    pub fn render_all(&self) -> Result<Vec<Artifact>, askama::Error> {
        let indices: Vec<usize> = (0..self.files.len()).collect();
        crate::parallel::map_with(
            &indices,
            || (),
            |(), &index| {
                Ok(Artifact {
                    path: self.files[index].0.clone(),
                    bytes: self.bytes(index)?,
                })
            },
        )
        .into_iter()
        .collect()
    }
}

/// The items written by the file provider, by the stack they belong to.
fn on_file_provider<T>(
    items: &[T],
    place: impl Fn(&T) -> (Provider, &String),
) -> HashMap<&str, Vec<&T>> {
    let mut by_stack: HashMap<&str, Vec<&T>> = HashMap::new();
    for item in items {
        let (provider, stack) = place(item);
        if provider == Provider::File {
            by_stack.entry(stack.as_str()).or_default().push(item);
        }
    }
    by_stack
}

/// Renders every file of `files` on every core, keeping none: what `validate` asks of the
/// templates.
pub fn render_each(files: &impl Files) -> Result<(), askama::Error> {
    let indices: Vec<usize> = (0..files.count()).collect();
    crate::parallel::map_with(
        &indices,
        || (),
        |(), &index| files.feed(index, &mut |_| true),
    )
    .into_iter()
    .collect()
}

/// Traefik's configuration on the Compose target: the static file and the dynamic files (the
/// platform's, the transports', and one per stack with routers on the file provider).
fn traefik_files(header: Header<'_>, model: &Model) -> Result<Vec<Artifact>, askama::Error> {
    let mut artifacts = Vec::new();
    let target = model.swarm.target;
    let Some(proxy) = model.stacks.iter().find(|s| s.name == model.traefik.stack) else {
        return Ok(artifacts);
    };
    if target.compose() {
        artifacts.push(artifact(
            format!("{}/traefik.yml", proxy.dir),
            &StaticView {
                header,
                model,
                precedence: &model.traefik.edge.precedence,
                swarm: false,
            },
        )?);
    }
    artifacts.push(artifact(
        format!("{}/dynamic/_platform.yml", proxy.dir),
        &PlatformDynamicView {
            header,
            traefik: &model.traefik,
        },
    )?);
    let traefik = &model.traefik;
    if !(traefik.servers_transports.is_empty()
        && traefik.tls_options.is_empty()
        && traefik.tls_stores.is_empty())
    {
        artifacts.push(artifact(
            format!("{}/dynamic/_transport.yml", proxy.dir),
            &TransportView { header, traefik },
        )?);
    }
    let mut file_services = on_file_provider(&model.services, |s| (s.provider, &s.stack));
    let mut file_l4 = on_file_provider(&model.l4_routers, |r| (r.provider, &r.stack));
    let mut file_routers = on_file_provider(&model.routers, |r| (r.provider, &r.stack));
    for stack in &model.stacks {
        let routers = file_routers.remove(stack.name.as_str()).unwrap_or_default();
        let services = file_services
            .remove(stack.name.as_str())
            .unwrap_or_default();
        let (tcp, udp): (Vec<&L4Router>, Vec<&L4Router>) = file_l4
            .remove(stack.name.as_str())
            .unwrap_or_default()
            .into_iter()
            .partition(|r| r.protocol == Protocol::Tcp);
        if !routers.is_empty() || !services.is_empty() || !tcp.is_empty() || !udp.is_empty() {
            artifacts.push(artifact(
                format!("{}/dynamic/{}.yml", proxy.dir, stack.name),
                &StackDynamicView {
                    header,
                    stack,
                    routers,
                    services,
                    l4: [("tcp", tcp), ("udp", udp)]
                        .into_iter()
                        .filter(|(_, list)| !list.is_empty())
                        .collect(),
                },
            )?);
        }
    }
    Ok(artifacts)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::Lines;

    /// What [`Lines`] passes on when the template writes `pieces`.
    fn through(pieces: &[&str]) -> String {
        let mut out = Vec::new();
        let mut sink = |piece: &[u8]| {
            out.extend_from_slice(piece);
            true
        };
        let mut lines = Lines::new(&mut sink);
        for piece in pieces {
            lines.write_str(piece).unwrap();
        }
        lines.close();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_text_ends_with_exactly_one_newline_and_keeps_the_ones_inside() {
        assert_eq!(through(&["a"]), "a\n");
        assert_eq!(through(&["a\n\n\n"]), "a\n");
        assert_eq!(through(&["a", "\n", "\n", "b", "\n\n"]), "a\n\nb\n");
        assert_eq!(through(&["a\n\nb\n", "\n", "c"]), "a\n\nb\n\nc\n");
        assert_eq!(through(&[&"\n".repeat(100), "x"]), "\n".repeat(100) + "x\n");
        assert_eq!(through(&[]), "\n");
        assert_eq!(through(&["\n\n"]), "\n");
    }

    #[test]
    fn a_sink_that_has_seen_enough_stops_the_writes() {
        let mut seen = 0;
        let mut sink = |_: &[u8]| {
            seen += 1;
            false
        };
        let mut lines = Lines::new(&mut sink);
        assert!(lines.write_str("a").is_err());
        assert!(lines.write_str("b").is_err());
        lines.close();
        assert!(lines.stopped);
        assert_eq!(seen, 1);
    }
}
