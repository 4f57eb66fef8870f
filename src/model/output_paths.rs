//! Every path seisei will write, checked against every other before anything is written:
//! each stack's folder and files, Traefik's configuration and its dynamic folder, the
//! inventory, the schema, the manifest, the hand-written documents of `platform.docs`, and,
//! when the output directory is the spec's own folder, the lock and the spec. Paths are
//! compared normalised (`a/`, `a//b` and `./a` are `a`, `a/b` and `a`); case is significant.
//! Input: the built model and where each path was written; output: one diagnostic per
//! collision, placed at one side and naming the other's `file:line:column`.

use std::collections::{HashMap, HashSet};

use super::extends::Resolved;
use super::{Model, folder_problem, locate};
use crate::diagnostics::{Code, Diagnostic};
use crate::layout::{LOCK_FILE, MANIFEST, SCHEMA_FILE, is_temp_name};
use crate::spec::Source;

/// `path` without empty and `.` components or a trailing `/`.
pub(crate) fn normalise(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    /// A stack's folder: other stacks may nest inside it.
    Folder,
    /// Traefik's dynamic folder: Traefik loads every file in it, so nothing else goes there.
    Exclusive,
}

/// Where a path was written in the spec.
#[derive(Debug, Clone)]
enum Place {
    /// A stack: at its `path` when it has one, else at its name.
    Stack {
        name: String,
        has_path: bool,
    },
    Inventory,
    Docs(usize),
    /// A name seisei chooses itself.
    Builtin,
}

#[derive(Debug, Clone)]
struct Claim {
    /// The path compared: relative to the output directory.
    path: String,
    /// The path as messages show it.
    shown: String,
    kind: Kind,
    what: String,
    place: Place,
    /// Claims of the Traefik stack may live in its dynamic folder.
    traefik: bool,
}

/// Appends a diagnostic for every collision between the paths the model writes.
pub(super) fn check(
    source: &Source,
    resolved: &Resolved<'_>,
    model: &Model,
    problems: &mut Vec<Diagnostic>,
) {
    let inventory = &source.spec.platform.inventory;
    if inventory.ends_with('/') && folder_problem(inventory).is_none() {
        problems.push(
            source
                .at(
                    Code::OutputPath,
                    &["platform", "inventory"],
                    format!("`{inventory}` ends with `/`, but the inventory is a file"),
                )
                .with_help(format!("write `{}`", inventory.trim_end_matches('/'))),
        );
        return;
    }
    let claims = claims(source, resolved, model);
    let diagnostic = |claim: &Claim, message: String| -> Diagnostic {
        match &claim.place {
            Place::Stack { name, has_path } => {
                if *has_path {
                    locate(
                        source,
                        resolved,
                        name,
                        &["stacks", name, "path"],
                        Code::DuplicatePath,
                        message,
                    )
                } else {
                    source.at_key(Code::DuplicatePath, &["stacks", name], message)
                }
            }
            Place::Inventory => source.at(Code::DuplicatePath, &["platform", "inventory"], message),
            Place::Docs(i) => source.at(
                Code::DuplicatePath,
                &["platform", "docs", &i.to_string()],
                message,
            ),
            Place::Builtin => source.at(Code::DuplicatePath, &["platform", "output"], message),
        }
    };
    let rank = |claim: &Claim| match claim.place {
        Place::Builtin => 0,
        Place::Stack {
            has_path: false, ..
        } => 1,
        Place::Inventory if !source.has(&["platform", "inventory"]) => 1,
        _ => 2,
    };
    let where_ = |claim: &Claim| -> String {
        if matches!(claim.place, Place::Builtin) {
            return String::new();
        }
        if matches!(claim.place, Place::Inventory) && !source.has(&["platform", "inventory"]) {
            return format!(
                " (`platform.inventory` is `{}` by default)",
                model.inventory
            );
        }
        let d = diagnostic(claim, String::new());
        match d.span {
            Some(span) => format!(" ({}:{}:{})", d.file.display(), span.line, span.column),
            None => String::new(),
        }
    };
    // One report per place in the spec: a stack folder in the wrong spot collides with
    // several paths at once, and one message says what to change.
    let mut reported: HashSet<String> = HashSet::new();
    let mut report = |reported: &mut HashSet<String>,
                      at: &Claim,
                      other: Option<&Claim>,
                      message: String| {
        // Reported where the user wrote a path (a stack's `path` rather than a stack placed
        // by `stacks_dir`, never at a name seisei chose), naming the other side's place.
        let (at, other) = match other {
            Some(o) if rank(o) > rank(at) => (o, Some(at)),
            _ => (at, other),
        };
        let key = match &at.place {
            Place::Stack { name, .. } => format!("stack {name}"),
            Place::Inventory => "inventory".into(),
            Place::Docs(i) => format!("docs {i}"),
            Place::Builtin => format!("builtin {}", at.path),
        };
        if !reported.insert(key) {
            return;
        }
        let message = match other {
            Some(o) => format!("{message}{}", where_(o)),
            None => message,
        };
        problems.push(diagnostic(at, message).with_help(
            "give each stack, the inventory and each document a path of its own; nothing is written while two outputs share one",
        ));
    };
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for (i, claim) in claims.iter().enumerate() {
        if !matches!(claim.place, Place::Builtin)
            && let Some(name) = claim
                .path
                .split('/')
                .find(|c| *c == MANIFEST || *c == LOCK_FILE || is_temp_name(c))
        {
            report(
                &mut reported,
                claim,
                None,
                format!(
                    "{} `{}` uses `{name}`, a name seisei keeps for its manifest, lock or temporary files",
                    claim.what, claim.shown
                ),
            );
            continue;
        }
        match by_path.get(claim.path.as_str()) {
            // Two stacks in one folder: the stack check reports it, and this check says
            // nothing more about either.
            Some(&j) if claim.kind == Kind::Folder && claims[j].kind == Kind::Folder => {
                for stack in [&claim.place, &claims[j].place] {
                    if let Place::Stack { name, .. } = stack {
                        reported.insert(format!("stack {name}"));
                    }
                }
            }
            Some(&j) => report(
                &mut reported,
                claim,
                Some(&claims[j]),
                format!(
                    "`{}` is both {} and {}",
                    claim.shown, claims[j].what, claim.what
                ),
            ),
            None => {
                by_path.insert(&claim.path, i);
            }
        }
    }
    for claim in &claims {
        let mut end = 0;
        while let Some(at) = claim.path[end..].find('/') {
            let folder = &claim.path[..end + at];
            end += at + 1;
            let Some(&j) = by_path.get(folder) else {
                continue;
            };
            let owner = &claims[j];
            match owner.kind {
                Kind::File => report(
                    &mut reported,
                    claim,
                    Some(owner),
                    format!(
                        "`{folder}` is {}, and a folder of {} `{}`",
                        owner.what, claim.what, claim.shown
                    ),
                ),
                Kind::Exclusive if !claim.traefik => report(
                    &mut reported,
                    claim,
                    Some(owner),
                    format!(
                        "{} `{}` is inside {} `{folder}`, where Traefik would load it",
                        claim.what, claim.shown, owner.what
                    ),
                ),
                _ => continue,
            }
            break;
        }
    }
}

/// Every path the model writes, relative to the output directory (documents are mapped in
/// when they lie below it).
fn claims(source: &Source, resolved: &Resolved<'_>, model: &Model) -> Vec<Claim> {
    let platform = &source.spec.platform;
    let mut claims = Vec::new();
    let file = |path: String, what: String, place: Place, traefik: bool| Claim {
        shown: path.clone(),
        path,
        kind: Kind::File,
        what,
        place,
        traefik,
    };
    claims.push(file(
        MANIFEST.to_owned(),
        "seisei's manifest".into(),
        Place::Builtin,
        false,
    ));
    claims.push(file(
        SCHEMA_FILE.to_owned(),
        "the JSON Schema seisei writes".into(),
        Place::Builtin,
        false,
    ));
    // The output directory as a path below the spec's folder, when it is one.
    let output = (!platform.output.starts_with('/')
        && !platform.output.split('/').any(|c| c == ".."))
    .then(|| normalise(&platform.output));
    if output.as_deref() == Some("") {
        claims.push(file(
            LOCK_FILE.to_owned(),
            "seisei's lock".into(),
            Place::Builtin,
            false,
        ));
        claims.push(file(
            model.spec_name.clone(),
            "the spec".into(),
            Place::Builtin,
            false,
        ));
    }
    if folder_problem(&platform.inventory).is_none() {
        claims.push(file(
            normalise(&model.inventory),
            "the inventory".into(),
            Place::Inventory,
            false,
        ));
    }
    for stack in &model.stacks {
        let has_path = resolved
            .stacks
            .get(&stack.name)
            .is_some_and(|s| s.path.is_some());
        if has_path && folder_problem(&stack.dir).is_some() {
            continue;
        }
        let place = || Place::Stack {
            name: stack.name.clone(),
            has_path,
        };
        let traefik = stack.name == model.traefik.stack;
        let dir = normalise(&stack.dir);
        claims.push(Claim {
            shown: dir.clone(),
            path: dir.clone(),
            kind: Kind::Folder,
            what: format!("the folder of stack `{}`", stack.name),
            place: place(),
            traefik,
        });
        claims.push(file(
            normalise(&stack.compose_path()),
            format!("the compose file of stack `{}`", stack.name),
            place(),
            traefik,
        ));
        claims.push(file(
            normalise(&stack.env_path()),
            format!("the `.env.example` of stack `{}`", stack.name),
            place(),
            traefik,
        ));
        if traefik {
            claims.push(file(
                format!("{dir}/traefik.yml"),
                "Traefik's static configuration".into(),
                place(),
                true,
            ));
            claims.push(Claim {
                shown: format!("{dir}/dynamic"),
                path: format!("{dir}/dynamic"),
                kind: Kind::Exclusive,
                what: "Traefik's dynamic configuration folder".into(),
                place: place(),
                traefik: true,
            });
        }
    }
    for (index, doc) in platform.docs.iter().enumerate() {
        if folder_problem(doc).is_some() {
            continue;
        }
        let doc = normalise(doc);
        let inside = match output.as_deref() {
            Some("") => Some(doc.clone()),
            Some(out) => doc.strip_prefix(&format!("{out}/")).map(str::to_owned),
            None => None,
        };
        // A document outside the output directory still may not be listed twice.
        let path = inside.unwrap_or_else(|| format!("\0outside/{doc}"));
        claims.push(Claim {
            shown: doc.clone(),
            ..file(
                path,
                "a document of `platform.docs`".into(),
                Place::Docs(index),
                false,
            )
        });
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn normalises_slashes_and_dots() {
        assert_eq!(normalise("infra/stacks/crm-api/"), "infra/stacks/crm-api");
        assert_eq!(normalise("./a//b/./c/"), "a/b/c");
        assert_eq!(normalise("STACKS.md"), "STACKS.md");
    }
}
