//! The shape of the source tree, as ARCHITECTURE.md draws it: which module may import which
//! (a scan of the `crate::`, `seisei::` and `super::` paths of every file under `src/`), that
//! every module is in the table so a new one cannot dodge it, which modules may touch the
//! disk, and the size limits on files.
//! Input: the files under `src/` and `tests/integration/`; output: every violation at once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::repo_root;

/// What each module may import, by module path. Top-level entries cover `src/<name>.rs` and
/// `src/<name>/`; `lib` is the crate root (`src/lib.rs` and the items it defines), `main` the
/// binary. An entry `parent::child` splits a folder into layers: its children are then checked
/// against each other too. A module may always use itself, its own children, and the items of
/// the folder it sits in (`crate::traefik::Version` from `traefik::rule`).
const LAYERS: &[(&str, &[&str])] = &[
    ("diagnostics", &[]),
    ("encode", &[]),
    ("parallel", &[]),
    ("fsread", &[]),
    ("layout", &[]),
    ("spec", &["diagnostics", "fsread", "parallel"]),
    ("traefik", &["diagnostics", "encode"]),
    ("traefik::version", &[]),
    ("traefik::goregex", &[]),
    ("traefik::request", &[]),
    (
        "traefik::rule",
        &["traefik::version", "traefik::goregex", "traefik::request"],
    ),
    (
        "traefik::analysis",
        &["traefik::rule", "traefik::version", "traefik::goregex"],
    ),
    (
        "model",
        &[
            "spec",
            "traefik",
            "encode",
            "diagnostics",
            "parallel",
            "layout",
        ],
    ),
    ("edit", &["spec", "model", "encode", "diagnostics"]),
    (
        "import",
        &[
            "spec",
            "model",
            "render",
            "traefik",
            "diagnostics",
            "fsread",
        ],
    ),
    ("explain", &["model", "traefik", "diagnostics"]),
    (
        "render",
        &[
            "model",
            "spec",
            "traefik",
            "encode",
            "diagnostics",
            "parallel",
            "layout",
        ],
    ),
    (
        "output",
        &[
            "render",
            "model",
            "spec",
            "diagnostics",
            "parallel",
            "fsread",
            "layout",
        ],
    ),
    (
        "lib",
        &[
            "spec",
            "model",
            "render",
            "output",
            "traefik",
            "encode",
            "diagnostics",
            "edit",
            "explain",
            "parallel",
            "fsread",
            "layout",
        ],
    ),
    ("cli", &[]),
    (
        "commands",
        &[
            "lib",
            "cli",
            "fsread",
            "spec",
            "model",
            "render",
            "output",
            "traefik",
            "encode",
            "diagnostics",
            "edit",
            "explain",
            "import",
        ],
    ),
    ("main", &["lib", "cli", "commands"]),
];

/// Arrows that break the table today, each with the reason it is tolerated. An exception that
/// no longer occurs fails the test, so it is deleted as soon as the code is fixed.
const KNOWN_ARROWS: &[(&str, &str, &str)] = &[];

/// The modules that may touch the disk: `spec` reads the platform, `output` writes the tree,
/// and the commands read and write what the user names (hooks, documents). Everything
/// between is a function of its input, so `check` and `gen` see the same artifacts.
const MAY_TOUCH_DISK: &[&str] = &["fsread", "spec", "output", "commands", "main"];

/// Disk access outside [`MAY_TOUCH_DISK`] tolerated today. Stale entries fail, as above.
const KNOWN_DISK: &[(&str, &str)] = &[];

/// Most lines of non-test code (the lines before a `#[cfg(test)]` module) in a file under `src/`.
const SOURCE_LIMIT: usize = 800;
/// Most lines in a test file: under `tests/integration/`, or a test module file under `src/`.
const TEST_LIMIT: usize = 1_000;

/// Files over their limit today, each with the reason. Stale entries fail, as above.
const KNOWN_LARGE: &[(&str, &str)] = &[];

#[test]
fn modules_import_only_what_the_table_allows() {
    let table = Table::new();
    let mut problems = Vec::new();
    let mut seen_exceptions = BTreeSet::new();
    let mut arrows = 0;
    for file in source_files() {
        let relative = relative(&file);
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let module = file_module(&relative);
        for (line, target) in scan(&text, &module, relative == "src/lib.rs") {
            arrows += 1;
            let Some((from, to)) = table.arrow(&module, &target) else {
                continue;
            };
            if table.allows(&from, &to) {
                continue;
            }
            if let Some(known) = KNOWN_ARROWS.iter().find(|(f, t, _)| *f == from && *t == to) {
                seen_exceptions.insert((known.0, known.1));
                continue;
            }
            problems.push(format!(
                "{relative}:{line}: `{from}` imports `{to}` (`{}`), which ARCHITECTURE.md does \
                 not allow; move the code to the layer that owns it, or change the table in \
                 tests/integration/architecture.rs and ARCHITECTURE.md together",
                target.join("::")
            ));
        }
    }
    for (from, to, why) in KNOWN_ARROWS {
        if !seen_exceptions.contains(&(*from, *to)) {
            problems.push(format!(
                "the known arrow `{from}` -> `{to}` ({why}) no longer occurs: delete it from \
                 KNOWN_ARROWS"
            ));
        }
    }
    // A scanner that finds nothing would pass everything.
    assert!(arrows > 50, "the scan found only {arrows} paths");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn only_spec_and_output_touch_the_disk() {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for file in source_files() {
        let relative = relative(&file);
        let module = file_module(&relative);
        let top = module.first().map_or("lib", String::as_str);
        if MAY_TOUCH_DISK.contains(&top) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let tokens = tokens(&code_only(&text));
        for w in tokens.windows(3) {
            let file_system = (w[0].text == "std" && w[1].text == "::" && w[2].text == "fs")
                || (w[1].text == "::" && matches!(w[0].text.as_str(), "File" | "OpenOptions"));
            if !file_system {
                continue;
            }
            if KNOWN_DISK.iter().any(|(known, _)| *known == top) {
                seen.insert(top.to_owned());
                continue;
            }
            problems.push(format!(
                "{relative}:{}: `{top}` touches the disk; only {MAY_TOUCH_DISK:?} may: take \
                 the data as an argument, or move the I/O to `spec` (reading) or `output` \
                 (writing)",
                w[0].line
            ));
        }
    }
    for (module, why) in KNOWN_DISK {
        if !seen.contains(*module) {
            problems.push(format!(
                "`{module}` ({why}) no longer touches the disk: delete it from KNOWN_DISK"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_module_is_in_the_table() {
    let table = Table::new();
    let mut problems = Vec::new();
    let mut on_disk = BTreeSet::new();
    let src = repo_root().join("src");
    for name in children(&src) {
        on_disk.insert(name.clone());
        if !table.contains(&name) {
            problems.push(format!(
                "src/{name} is not in LAYERS (tests/integration/architecture.rs): say what it \
                 may import there and in ARCHITECTURE.md"
            ));
        }
    }
    // Folders split into layers must list every child.
    for (module, _) in LAYERS {
        let Some((parent, _)) = module.split_once("::") else {
            continue;
        };
        for child in children(&src.join(parent)) {
            let name = format!("{parent}::{child}");
            on_disk.insert(name.clone());
            if !table.contains(&name) {
                problems.push(format!(
                    "src/{parent}/{child} is not in LAYERS, though `{parent}` is split into layers"
                ));
            }
        }
    }
    for (module, _) in LAYERS {
        if !on_disk.contains(*module) {
            problems.push(format!("LAYERS lists `{module}`, which src/ does not have"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn files_stay_small() {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    let mut check = |relative: String, lines: usize, limit: usize, what: &str| {
        if lines <= limit {
            return;
        }
        if KNOWN_LARGE.iter().any(|(path, _)| *path == relative) {
            seen.insert(relative);
            return;
        }
        problems.push(format!(
            "{relative} has {lines} lines of {what}, over {limit}: split it along the seam a \
             reader would name (one idea per file)"
        ));
    };
    for file in source_files() {
        let relative = relative(&file);
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        if is_test_module_file(&relative) {
            check(relative, text.lines().count(), TEST_LIMIT, "test code");
        } else {
            check(
                relative,
                non_test_lines(&text),
                SOURCE_LIMIT,
                "non-test code",
            );
        }
    }
    for file in rust_files(&repo_root().join("tests/integration")) {
        let text = std::fs::read_to_string(&file).expect("a readable test file");
        check(
            relative(&file),
            text.lines().count(),
            TEST_LIMIT,
            "test code",
        );
    }
    for (path, why) in KNOWN_LARGE {
        if !seen.contains(*path) {
            problems.push(format!(
                "{path} ({why}) is within its limit now: delete it from KNOWN_LARGE"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The scanner on a small source: groups, nested groups, `super` out of an inline module,
/// the crate root's bare module paths, and paths in comments and strings ignored.
#[test]
fn the_scan_reads_paths_as_rust_does() {
    let text = "use crate::{spec::{self, Source}, model};\n\
                // use crate::render;\n\
                mod inner {\n    use super::super::output::Change;\n}\n\
                fn f() { let _ = \"crate::encode\"; crate::diagnostics::sort(&mut v); }\n";
    let found: Vec<(usize, String)> = scan(text, &["edit".to_owned()], false)
        .into_iter()
        .map(|(line, path)| (line, path.join("::")))
        .collect();
    assert_eq!(
        found,
        [
            (1, "spec::self".to_owned()),
            (1, "spec::Source".to_owned()),
            (1, "model".to_owned()),
            (4, "output::Change".to_owned()),
            (6, "diagnostics::sort".to_owned()),
        ]
    );
    let root = scan(
        "pub mod cli;\nfn run() { cli::parse(); std::fs::read(); }\n",
        &[],
        true,
    );
    assert_eq!(root, [(2, vec!["cli".to_owned(), "parse".to_owned()])]);
    let table = Table::new();
    let from_rule = ["traefik".to_owned(), "rule".to_owned(), "print".to_owned()];
    let arrow = table.arrow(&from_rule, &["traefik".to_owned(), "analysis".to_owned()]);
    assert_eq!(
        arrow,
        Some(("traefik::rule".to_owned(), "traefik::analysis".to_owned()))
    );
    assert!(!table.allows("traefik::rule", "traefik::analysis"));
    assert!(!table.allows("model", "render"));
}

// ---------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------

struct Table {
    entries: Vec<(&'static str, &'static [&'static str])>,
}

impl Table {
    fn new() -> Table {
        Table {
            entries: LAYERS.to_vec(),
        }
    }

    fn contains(&self, module: &str) -> bool {
        self.entries.iter().any(|(name, _)| *name == module)
    }

    fn allows(&self, from: &str, to: &str) -> bool {
        self.entries
            .iter()
            .find(|(name, _)| *name == from)
            .is_some_and(|(_, allowed)| allowed.contains(&to))
    }

    /// The table entries an import connects, or `None` when it stays inside one entry, goes
    /// down to a child, or up to the items of the importer's own folder.
    fn arrow(&self, importer: &[String], target: &[String]) -> Option<(String, String)> {
        let top = |path: &[String]| match path.first() {
            Some(first) if self.contains(first) && first != "lib" && first != "main" => {
                first.clone()
            }
            _ => "lib".to_owned(),
        };
        let (from, to) = (
            importer
                .first()
                .cloned()
                .unwrap_or_else(|| "lib".to_owned()),
            top(target),
        );
        if from != to {
            return Some((from, to));
        }
        // The same top-level module: compare its layers, when it has any.
        let layer = |path: &[String]| {
            let name = format!("{}::{}", path.first()?, path.get(1)?);
            self.contains(&name).then_some(name)
        };
        match (layer(importer), layer(target)) {
            (Some(a), Some(b)) if a != b => Some((a, b)),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The scanner.
// ---------------------------------------------------------------------------------------

/// Every path out of the current module in `text`, by line, resolved from the crate root:
/// `crate::` and `seisei::` paths, `super::` chains that climb out of the file's own module,
/// and, in the crate root, paths that start with one of its modules.
fn scan(text: &str, module: &[String], crate_root: bool) -> Vec<(usize, Vec<String>)> {
    let tokens = tokens(&code_only(text));
    let root_modules: BTreeSet<&str> = if crate_root {
        tokens
            .windows(3)
            .filter(|w| w[0].text == "mod" && w[2].text == ";")
            .map(|w| w[1].text.as_str())
            .collect()
    } else {
        BTreeSet::new()
    };
    let mut found = Vec::new();
    // The inline modules open around the current token, with the brace depth they opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match token.text.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if inline.last().is_some_and(|(_, at)| *at == depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t.text == "{") => {
                inline.push((tokens[i + 1].text.clone(), depth));
            }
            _ => {}
        }
        let after_path = i > 0 && tokens[i - 1].text == "::";
        let next_is_path = tokens.get(i + 1).is_some_and(|t| t.text == "::");
        if after_path || !next_is_path {
            i += 1;
            continue;
        }
        let mut here: Vec<String> = module.to_vec();
        here.extend(inline.iter().map(|(name, _)| name.clone()));
        let (base, start) = match token.text.as_str() {
            "crate" | "seisei" => (Vec::new(), i + 2),
            "super" => {
                let mut j = i;
                let mut base = here.clone();
                while tokens.get(j).is_some_and(|t| t.text == "super")
                    && tokens.get(j + 1).is_some_and(|t| t.text == "::")
                {
                    base.pop();
                    j += 2;
                }
                // Staying inside the file's own module is no import.
                if base.len() >= module.len() && !module.is_empty() {
                    i = j;
                    continue;
                }
                (base, j)
            }
            name if crate_root && inline.is_empty() && root_modules.contains(name) => {
                (Vec::new(), i)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let (paths, end) = use_tree(&tokens, start);
        for path in paths {
            let mut full = base.clone();
            full.extend(path);
            if !full.is_empty() {
                found.push((token.line, full));
            }
        }
        i = end.max(i + 1);
    }
    found
}

/// The paths of a use tree starting at `tokens[start]` (`a::b`, `a::{b, c::{d}}`, `a::*`), and
/// the index after it.
fn use_tree(tokens: &[Token], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut i = start;
    loop {
        let Some(token) = tokens.get(i) else {
            return (vec![prefix], i);
        };
        if token.text == "{" {
            let mut paths = Vec::new();
            i += 1;
            while tokens.get(i).is_some_and(|t| t.text != "}") {
                if tokens[i].text == "," {
                    i += 1;
                    continue;
                }
                let (inner, next) = use_tree(tokens, i);
                for path in inner {
                    let mut full = prefix.clone();
                    full.extend(path);
                    paths.push(full);
                }
                i = next;
                // Skip `as name` and anything else up to the next item.
                while tokens
                    .get(i)
                    .is_some_and(|t| t.text != "," && t.text != "}")
                {
                    i += 1;
                }
            }
            return (paths, i + 1);
        }
        if !is_path_segment(&token.text) {
            return (vec![prefix], i);
        }
        prefix.push(token.text.clone());
        if tokens.get(i + 1).is_some_and(|t| t.text == "::") {
            i += 2;
        } else {
            return (vec![prefix], i + 1);
        }
    }
}

fn is_path_segment(text: &str) -> bool {
    text == "*"
        || text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
}

struct Token {
    text: String,
    line: usize,
}

/// Identifiers, `::`, and single punctuation characters, with their line numbers.
fn tokens(code: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut line = 1;
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Token { text, line });
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token {
                text: "::".to_owned(),
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    out
}

/// `text` with comments, string literals and character literals blanked out, line breaks
/// kept, so a path in a doc comment or a message is not taken for an import.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nesting += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nesting -= 1;
                    out.push_str("  ");
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && (!ident_before(&chars, i) || (chars[i - 1] == 'b' && !ident_before(&chars, i - 1)))
        {
            // A raw string: r"…" or r#"…"#, closed by a quote and as many hashes.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.extend(chars[i..j.min(chars.len())].iter().map(|&c| blank(c)));
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F}'), or else a lifetime, which stays.
            let end = if next == Some('\\') {
                (i + 3..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            if let Some(end) = end {
                out.extend(std::iter::repeat_n(' ', end + 1 - i));
                i = end + 1;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

// ---------------------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------------------

/// Every `.rs` file under `src/`, sorted.
fn source_files() -> Vec<PathBuf> {
    rust_files(&repo_root().join("src"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The module names in a folder: `x.rs` and `x/` are `x`; `mod.rs` is the folder itself.
fn children(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|e| e == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .filter(|name| name != "mod")
        .collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .expect("a path inside the repository")
        .to_string_lossy()
        .replace('\\', "/")
}

/// The module a file under `src/` defines, from the crate root: `src/traefik/rule/mod.rs` is
/// `traefik::rule`; `lib.rs` is the root itself and `main.rs` the binary.
fn file_module(relative: &str) -> Vec<String> {
    let inner = relative.trim_start_matches("src/").trim_end_matches(".rs");
    match inner {
        "lib" => Vec::new(),
        "main" => vec!["main".to_owned()],
        _ => inner
            .split('/')
            .filter(|part| *part != "mod")
            .map(str::to_owned)
            .collect(),
    }
}

/// A file under `src/` that holds only tests: a `tests.rs`, or anything in a `tests/` folder.
fn is_test_module_file(relative: &str) -> bool {
    relative.ends_with("/tests.rs") || relative.contains("/tests/")
}

/// Lines before the first `#[cfg(test)]` at the start of a line: the file's non-test code.
fn non_test_lines(text: &str) -> usize {
    text.lines()
        .position(|line| line.starts_with("#[cfg(test)]"))
        .unwrap_or_else(|| text.lines().count())
}
