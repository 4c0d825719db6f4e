//! The shape of the code, checked on every `cargo test -p app`: no source file too long to be
//! read whole, and no circle of imports among sibling modules.
//!
//! Both rules are about reading and changing the code, not about what it does, so no compiler
//! lint holds them and a review misses them once a file grows a little at a time. They are
//! checked over every crate of the workspace that has code of its own: `app/src`, and the
//! workers' crates (`worker/src` while it is one crate, `worker/<name>/src` once it is split);
//! a directory that does not exist is skipped, so the list follows the layout without edits.
//!
//! What counts is a file's code: its lines outside its `#[cfg(test)]` modules (for the usual
//! file, the lines before its first `#[cfg(test)]`). Tests sit next to the code they test and
//! may be as long as they need to be; a module declared `#[cfg(test)] mod x;` (a file that is
//! all tests) is not counted at all. The same code is what the import check reads: a test may
//! reach anywhere to set up its case, and that makes no circle in the program.
//!
//! The import check builds, for every module that has child modules (the crate's root, and each
//! directory module), the graph of references between its children: a path `crate::x::…`,
//! `super::…` or `self::…` written inside child `a` that leads into child `b` is an edge a → b,
//! wherever it appears (a `use`, an expression, a type). A path to a name the parent re-exports
//! (`pub use b::Item;` in `mod.rs`) leads into the child it comes from. A reference to the
//! parent's own items is not an edge: a parent declares and re-exports its children, and the
//! children share what it defines (`views::admin::shell`). Comments and string literals are not
//! read; glob re-exports (`pub use b::*`) are not followed. A circle (a strongly connected set
//! of two or more children) fails the test with every reference that makes it.
//!
//! A circle means neither module can be understood, tested or moved without the other; it is
//! cut by moving what both need into a leaf (`source_code`, `money::decimal`) or by turning
//! the dependency round, as zero2prod keeps its authentication middleware apart from the
//! routes it guards.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The most lines of code a file may have (its tests not counted).
const MAX_LINES: usize = 600;

/// Files allowed over [`MAX_LINES`], each with why (workspace-relative path, reason). Aim for
/// none: a long file is split by reason to change, the way `app/src/admin/` is.
const LONG_FILES: &[(&str, &str)] = &[];

/// Circles allowed, each with why: (crate `src`, the circle's modules as reported, reason).
/// Aim for none.
const CIRCLES: &[(&str, &str, &str)] = &[];

/// The workspace's root (this crate is `app/`).
fn workspace() -> PathBuf {
    let app = Path::new(env!("CARGO_MANIFEST_DIR"));
    app.parent().unwrap_or(app).to_path_buf()
}

/// Every crate `src` directory with code of its own that exists now, workspace-relative.
fn crate_dirs(root: &Path) -> Vec<String> {
    let mut dirs = vec!["app/src".to_string()];
    if root.join("worker/src").is_dir() {
        dirs.push("worker/src".to_string());
    }
    if let Ok(entries) = fs::read_dir(root.join("worker")) {
        let mut split: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().join("src").is_dir())
            .filter_map(|e| e.file_name().to_str().map(|n| format!("worker/{n}/src")))
            .collect();
        split.sort();
        dirs.extend(split);
    }
    dirs
}

/// Every `.rs` file under `dir`, as (path relative to `dir` with `/`, text).
fn read_rs(dir: &Path) -> Vec<(String, String)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let text =
                    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.push((rel, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

// ---- reading Rust, just enough ----------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    Path,
    Punct(char),
}

/// The tokens of `src` that matter here, each with its line (1-based). Comments, string,
/// byte-string, raw-string and char literals are dropped; lifetimes are kept as identifiers.
fn tokens(src: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let newlines = |from: usize, to: usize| c[from..to].iter().filter(|&&x| x == '\n').count();
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            let (start, mut depth) = (i, 0usize);
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += newlines(start, i.min(c.len()));
        } else if ch == '"' || ((ch == 'b' || ch == 'c') && next == Some('"')) {
            let start = i;
            i += if ch == '"' { 1 } else { 2 };
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            line += newlines(start, i.min(c.len()));
        } else if (ch == 'r' || ((ch == 'b' || ch == 'c') && next == Some('r')))
            && raw_string_hashes(&c, i).is_some()
        {
            let start = i;
            let (open, hashes) = raw_string_hashes(&c, i).unwrap_or((i, 0));
            i = open + 1;
            'raw: while i < c.len() {
                if c[i] == '"' && (1..=hashes).all(|k| c.get(i + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break 'raw;
                }
                i += 1;
            }
            line += newlines(start, i.min(c.len()));
        } else if ch == '\'' {
            // A char literal ('a', '\n', '\u{1F}') or a lifetime ('a, 'static).
            if next == Some('\\') {
                i += 3; // the quote, the backslash and the escaped character
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if ch == 'b' && next == Some('\'') {
            i += 1; // b'x': the char literal is skipped next round.
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[start..i].iter().collect()), line));
        } else if ch == ':' && next == Some(':') {
            out.push((Tok::Path, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

/// For a raw string starting at `i` (`r"`, `r#"`, `br##"`…): the index of its opening quote
/// and its number of `#`.
fn raw_string_hashes(c: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i + if c[i] == 'r' { 1 } else { 2 };
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (c.get(j) == Some(&'"')).then_some((j, hashes))
}

fn ident(t: Option<&(Tok, usize)>) -> Option<&str> {
    match t {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

fn punct(t: Option<&(Tok, usize)>, p: char) -> bool {
    matches!(t, Some((Tok::Punct(q), _)) if *q == p)
}

/// Whether the tokens at `i` are `#[cfg(test)]`; the index after it.
fn cfg_test_at(t: &[(Tok, usize)], i: usize) -> Option<usize> {
    let ok = punct(t.get(i), '#')
        && punct(t.get(i + 1), '[')
        && ident(t.get(i + 2)) == Some("cfg")
        && punct(t.get(i + 3), '(')
        && ident(t.get(i + 4)) == Some("test")
        && punct(t.get(i + 5), ')')
        && punct(t.get(i + 6), ']');
    ok.then_some(i + 7)
}

/// Past any further attributes and a visibility (`pub`, `pub(crate)`, `pub(in …)`) at `i`.
fn skip_attrs_and_vis(t: &[(Tok, usize)], mut i: usize) -> usize {
    loop {
        if punct(t.get(i), '#') && punct(t.get(i + 1), '[') {
            let mut depth = 0;
            i += 1;
            while i < t.len() {
                if punct(t.get(i), '[') {
                    depth += 1;
                } else if punct(t.get(i), ']') {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                i += 1;
            }
        } else if ident(t.get(i)) == Some("pub") {
            i += 1;
            if punct(t.get(i), '(') {
                while i < t.len() && !punct(t.get(i), ')') {
                    i += 1;
                }
                i += 1;
            }
        } else {
            return i;
        }
    }
}

/// A `mod` item at `i` (after attributes and visibility): its name and whether it is inline
/// (`{`) or a file (`;`).
fn mod_item(t: &[(Tok, usize)], i: usize) -> Option<(String, bool)> {
    if ident(t.get(i)) != Some("mod") {
        return None;
    }
    let name = ident(t.get(i + 1))?.to_string();
    if punct(t.get(i + 2), '{') {
        Some((name, true))
    } else if punct(t.get(i + 2), ';') {
        Some((name, false))
    } else {
        None
    }
}

/// The index of the `}` closing the `{` at `open`.
fn closing(t: &[(Tok, usize)], open: usize) -> usize {
    let mut depth = 0;
    for (j, tok) in t.iter().enumerate().skip(open) {
        match tok.0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    t.len().saturating_sub(1)
}

/// A path written in a file: where it is (module, line) and where it leads (absolute segments
/// from the crate root).
#[derive(Clone, Debug)]
struct Reference {
    from: Vec<String>,
    line: usize,
    to: Vec<String>,
    text: String,
    /// The name a `use` written directly in the module (not inside a function) binds, for
    /// following re-exports.
    bound: Option<String>,
}

/// What one file says, its tests left out.
#[derive(Debug, Default)]
struct FileFacts {
    /// Lines outside `#[cfg(test)]` modules.
    code_lines: usize,
    /// Child modules declared with `mod x;`, and those declared under `#[cfg(test)]`.
    children: BTreeSet<String>,
    test_children: BTreeSet<String>,
    references: Vec<Reference>,
}

fn facts(src: &str, module: &[String]) -> FileFacts {
    let t = tokens(src);
    let mut f = FileFacts::default();
    let mut test_lines = BTreeSet::new();
    // (inline module name, index of its closing brace)
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        while inline.last().is_some_and(|(_, end)| i > *end) {
            inline.pop();
        }
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        if let Some(after) = cfg_test_at(&t, i) {
            let at = skip_attrs_and_vis(&t, after);
            match mod_item(&t, at) {
                Some((_, true)) => {
                    let end = closing(&t, at + 2);
                    test_lines.extend(t[i].1..=t[end].1);
                    i = end + 1;
                    continue;
                }
                Some((name, false)) => {
                    if inline.is_empty() {
                        f.test_children.insert(name);
                    }
                    i = at + 3;
                    continue;
                }
                None => {}
            }
        }
        let at = if punct(t.get(i), '#') || ident(t.get(i)) == Some("pub") {
            skip_attrs_and_vis(&t, i)
        } else {
            i
        };
        if let Some((name, is_inline)) = mod_item(&t, at) {
            if is_inline {
                inline.push((name, closing(&t, at + 2)));
                i = at + 3;
            } else {
                if inline.is_empty() {
                    f.children.insert(name);
                }
                i = at + 3;
            }
            continue;
        }
        if ident(t.get(at)) == Some("use") {
            let top = brace_depth(&t, at) == inline.len();
            let end = use_end(&t, at);
            let mut refs = Vec::new();
            use_tree(&t, at + 1, &here, &[], &mut refs);
            for mut r in refs {
                if !top {
                    r.bound = None;
                }
                f.references.push(r);
            }
            i = end + 1;
            continue;
        }
        if let Some(start @ ("crate" | "super" | "self")) = ident(t.get(i)) {
            // Not a field or method named `self` (`self.x`), and not the middle of a path.
            let after_path = i > 0 && matches!(t[i - 1].0, Tok::Path);
            if !after_path && matches!(t.get(i + 1), Some((Tok::Path, _))) {
                let mut segs = vec![start.to_string()];
                let mut j = i + 2;
                while let Some(s) = ident(t.get(j)) {
                    segs.push(s.to_string());
                    if matches!(t.get(j + 1), Some((Tok::Path, _))) {
                        j += 2;
                    } else {
                        j += 1;
                        break;
                    }
                }
                if let Some(to) = absolute(&here, &segs) {
                    f.references.push(Reference {
                        from: here.clone(),
                        line: t[i].1,
                        to,
                        text: segs.join("::"),
                        bound: None,
                    });
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    let total = src.lines().count();
    f.code_lines = (1..=total).filter(|l| !test_lines.contains(l)).count();
    f
}

/// How many `{` are open at `i`.
fn brace_depth(t: &[(Tok, usize)], i: usize) -> usize {
    let mut depth: isize = 0;
    for (tok, _) in &t[..i] {
        match tok {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth -= 1,
            _ => {}
        }
    }
    depth.max(0) as usize
}

/// The `;` ending the `use` at `i`.
fn use_end(t: &[(Tok, usize)], i: usize) -> usize {
    (i..t.len())
        .find(|&j| punct(t.get(j), ';'))
        .unwrap_or(t.len())
}

/// A path's segments from the crate root, written in `here` (`crate::`, `super::`, `self::`).
/// `None` for a path that starts anywhere else (another crate, a local name).
fn absolute(here: &[String], segs: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = here.to_vec();
    let mut rest = segs;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(base)
}

/// The leaves of the `use` tree at `i` in module `here`, under `prefix` (segments written so
/// far). A first segment that is neither `crate`, `super` nor `self` is kept relative (`use
/// rows::X` in a `mod.rs` names its child `rows`) and resolved against `here`.
fn use_tree(
    t: &[(Tok, usize)],
    mut i: usize,
    here: &[String],
    prefix: &[String],
    out: &mut Vec<Reference>,
) -> usize {
    let mut segs = prefix.to_vec();
    let line = t.get(i).map_or(0, |x| x.1);
    loop {
        if matches!(t.get(i), Some((Tok::Path, _))) {
            i += 1;
            continue;
        }
        if punct(t.get(i), '{') {
            i += 1;
            while i < t.len() && !punct(t.get(i), '}') {
                i = use_tree(t, i, here, &segs, out);
                // Past `as name`, up to the next `,` or the group's end.
                let mut depth = 0;
                while i < t.len() {
                    if punct(t.get(i), '{') {
                        depth += 1;
                    } else if punct(t.get(i), '}') {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    } else if punct(t.get(i), ',') && depth == 0 {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
            return i + 1;
        }
        if punct(t.get(i), '*') {
            // A glob: a reference to the module itself, binding nothing we can name.
            push_use(here, &segs, line, None, out);
            return i + 1;
        }
        let Some(s) = ident(t.get(i)) else {
            return i;
        };
        let s = s.to_string();
        i += 1;
        if matches!(t.get(i), Some((Tok::Path, _))) {
            segs.push(s);
            continue;
        }
        let bound = if ident(t.get(i)) == Some("as") {
            ident(t.get(i + 1)).map(str::to_string)
        } else if s == "self" {
            segs.last().cloned()
        } else {
            Some(s.clone())
        };
        segs.push(s);
        push_use(here, &segs, line, bound, out);
        return i;
    }
}

fn push_use(
    here: &[String],
    segs: &[String],
    line: usize,
    bound: Option<String>,
    out: &mut Vec<Reference>,
) {
    let to = match segs.first().map(String::as_str) {
        Some("crate" | "super" | "self") => absolute(here, segs),
        // Relative: a child of `here` (checked later), else another crate.
        Some(_) => Some(here.iter().chain(segs).cloned().collect()),
        None => None,
    };
    if let Some(to) = to {
        out.push(Reference {
            from: here.to_vec(),
            line,
            to,
            text: segs.join("::"),
            bound,
        });
    }
}

// ---- a crate's modules ------------------------------------------------------------------------

/// A crate's files as modules: path from the crate root → (file, facts).
struct Crate {
    files: BTreeMap<Vec<String>, (String, FileFacts)>,
}

/// The module a file under `src` is (`lib.rs` the root, `a/mod.rs` and `a.rs` both `a`).
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    let last = parts.pop().unwrap_or_default();
    match last.as_str() {
        "lib.rs" | "main.rs" if parts.is_empty() => {}
        "mod.rs" => {}
        other => parts.push(other.trim_end_matches(".rs").to_string()),
    }
    parts
}

impl Crate {
    fn new(files: Vec<(String, String)>) -> Crate {
        let files = files
            .into_iter()
            .map(|(rel, text)| {
                let module = module_of(&rel);
                let facts = facts(&text, &module);
                (module, (rel, facts))
            })
            .collect();
        Crate { files }
    }

    /// Whether `module` is compiled only for tests (declared `#[cfg(test)] mod x;`).
    fn test_only(&self, module: &[String]) -> bool {
        (1..=module.len()).any(|n| {
            let (parent, name) = (&module[..n - 1], &module[n - 1]);
            self.files
                .get(parent)
                .is_some_and(|(_, f)| f.test_children.contains(name))
        })
    }

    /// The file modules `parent` declares (`mod x;`, not under `#[cfg(test)]`). An inline
    /// module (`mod x { … }`) is part of its file: what it references, its file references.
    fn children(&self, parent: &[String]) -> BTreeSet<String> {
        self.files
            .get(parent)
            .map(|(_, f)| f.children.clone())
            .unwrap_or_default()
    }

    /// Names `parent` brings in from one of its children (`pub use rows::PledgeRow;`): name →
    /// child.
    fn reexports(&self, parent: &[String]) -> BTreeMap<String, String> {
        let children = self.children(parent);
        let mut names = BTreeMap::new();
        if let Some((_, f)) = self.files.get(parent) {
            for r in &f.references {
                let (Some(bound), true) = (&r.bound, r.from == parent) else {
                    continue;
                };
                if r.to.len() > parent.len()
                    && r.to.starts_with(parent)
                    && children.contains(&r.to[parent.len()])
                {
                    names.insert(bound.clone(), r.to[parent.len()].clone());
                }
            }
        }
        names
    }

    /// Edges between siblings: (parent, from child, to child) → the references that make them.
    fn edges(&self) -> BTreeMap<(Vec<String>, String, String), Vec<String>> {
        let mut edges: BTreeMap<_, Vec<String>> = BTreeMap::new();
        for (module, (rel, f)) in &self.files {
            if self.test_only(module) {
                continue;
            }
            for r in &f.references {
                let m = &r.from;
                let k = m.iter().zip(&r.to).take_while(|(a, b)| a == b).count();
                if k >= m.len() || k >= r.to.len() {
                    continue; // into itself or a descendant, or up to an ancestor
                }
                let parent = m[..k].to_vec();
                let (from, name) = (m[k].clone(), &r.to[k]);
                let to = if self.children(&parent).contains(name) {
                    name.clone()
                } else if let Some(child) = self.reexports(&parent).get(name) {
                    child.clone()
                } else {
                    continue; // the parent's own item
                };
                if from != to && self.children(&parent).contains(&from) {
                    edges
                        .entry((parent, from, to))
                        .or_default()
                        .push(format!("{rel}:{} {}", r.line, r.text));
                }
            }
        }
        edges
    }

    /// Every circle: its modules (`admin::csv`, …) and the references that close it.
    fn circles(&self) -> Vec<(String, Vec<String>)> {
        let edges = self.edges();
        let parents: BTreeSet<Vec<String>> = edges.keys().map(|(p, _, _)| p.clone()).collect();
        let mut found = Vec::new();
        for parent in parents {
            let graph: BTreeMap<&str, BTreeSet<&str>> = edges
                .keys()
                .filter(|(p, _, _)| *p == parent)
                .fold(BTreeMap::new(), |mut g, (_, a, b)| {
                    g.entry(a.as_str()).or_default().insert(b.as_str());
                    g
                });
            for scc in strongly_connected(&graph) {
                let name = |m: &str| {
                    parent
                        .iter()
                        .map(String::as_str)
                        .chain([m])
                        .collect::<Vec<_>>()
                        .join("::")
                };
                let members: BTreeSet<&str> = scc.iter().copied().collect();
                let why = edges
                    .iter()
                    .filter(|((p, a, b), _)| {
                        *p == parent && members.contains(a.as_str()) && members.contains(b.as_str())
                    })
                    .map(|((_, a, b), refs)| {
                        format!("{} → {}: {}", name(a), name(b), refs.join(", "))
                    })
                    .collect();
                let names: Vec<String> = scc.iter().map(|m| name(m)).collect();
                found.push((names.join(", "), why));
            }
        }
        found
    }
}

/// The strongly connected sets of two or more nodes (Tarjan's algorithm), each sorted.
fn strongly_connected<'a>(graph: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<Vec<&'a str>> {
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(v: &'a str, g: &BTreeMap<&'a str, BTreeSet<&'a str>>, s: &mut State<'a>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for &w in g.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(w, g, s);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                scc.push(w);
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                s.out.push(scc);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for &v in graph.keys() {
        if !s.index.contains_key(v) {
            visit(v, graph, &mut s);
        }
    }
    s.out
}

/// Every crate of the workspace, read: (its `src`, workspace-relative; the crate).
fn workspace_crates() -> Vec<(String, Crate)> {
    let root = workspace();
    crate_dirs(&root)
        .into_iter()
        .map(|dir| {
            let files = read_rs(&root.join(&dir));
            (dir, Crate::new(files))
        })
        .collect()
}

// ---- the checks -------------------------------------------------------------------------------

#[test]
fn no_file_is_over_600_lines_of_code() {
    let mut over = Vec::new();
    for (dir, krate) in workspace_crates() {
        for (module, (rel, f)) in &krate.files {
            let path = format!("{dir}/{rel}");
            let excused = LONG_FILES.iter().any(|(p, _)| *p == path);
            if f.code_lines > MAX_LINES && !excused && !krate.test_only(module) {
                over.push(format!("{path}: {} lines", f.code_lines));
            }
        }
    }
    assert!(
        over.is_empty(),
        "over {MAX_LINES} lines of code (tests not counted); split each by reason to change, \
         the way app/src/admin/ is:\n  {}",
        over.join("\n  ")
    );
}

/// An exception that no longer excuses anything is taken off, so the lists say what is true.
/// Entries for a crate that is gone altogether (`worker/src` once split) are skipped: drop
/// them when convenient.
#[test]
fn every_exception_is_still_needed() {
    let crates = workspace_crates();
    let mut stale = Vec::new();
    for (path, why) in LONG_FILES {
        assert!(!why.trim().is_empty(), "{path}: say why it may be long");
        let lines = crates.iter().find_map(|(dir, k)| {
            k.files
                .values()
                .find(|(rel, _)| format!("{dir}/{rel}") == *path)
                .map(|(_, f)| f.code_lines)
        });
        let crate_gone = !crates
            .iter()
            .any(|(dir, _)| path.starts_with(&format!("{dir}/")));
        match lines {
            Some(n) if n <= MAX_LINES => stale.push(format!("{path} is {n} lines now")),
            None if !crate_gone => stale.push(format!("{path} is gone")),
            _ => {}
        }
    }
    for (dir, members, why) in CIRCLES {
        assert!(
            !why.trim().is_empty(),
            "{dir}: {members}: say why it may stay"
        );
        if let Some((_, k)) = crates.iter().find(|(d, _)| d == dir) {
            if !k.circles().iter().any(|(m, _)| m == members) {
                stale.push(format!("{dir}: {members} is no longer a circle"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "take these off the exceptions:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn no_circle_of_imports_among_sibling_modules() {
    let mut found = Vec::new();
    for (dir, krate) in workspace_crates() {
        for (members, why) in krate.circles() {
            if CIRCLES.iter().any(|(d, m, _)| *d == dir && *m == members) {
                continue;
            }
            found.push(format!("{dir}: {members}\n    {}", why.join("\n    ")));
        }
    }
    assert!(
        found.is_empty(),
        "import circles among sibling modules (move what both need into a leaf module):\n  {}",
        found.join("\n  ")
    );
}

// ---- the checks can fail ----------------------------------------------------------------------

fn krate(files: &[(&str, &str)]) -> Crate {
    Crate::new(
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
    )
}

#[test]
fn circles_are_found_through_paths_groups_and_re_exports() {
    let k = krate(&[
        ("lib.rs", "pub mod admin;\npub mod pledge;\npub mod reach;\npub mod money;\n"),
        // pledge → reach in an expression, reach → pledge in a `use` group.
        ("pledge.rs", "pub fn f() { crate::reach::parse(\"crate::money\") }\n"),
        ("reach.rs", "use crate::{money::Cents, pledge::{self, Frequency}};\n"),
        // money → nothing; a comment and a string name reach, which is no reference.
        ("money.rs", "// crate::reach::x\nconst S: &str = \"crate::reach\";\n"),
        // admin::csv → admin::rows by `super::rows`, rows → csv through admin's re-export.
        (
            "admin/mod.rs",
            "mod csv;\nmod rows;\npub use csv::{decimal, Csv};\npub use rows::Row;\nfn shared() {}\n",
        ),
        ("admin/csv.rs", "use super::rows::Row;\nfn g() { super::shared() }\n"),
        ("admin/rows.rs", "fn amount() -> String { crate::admin::decimal(1) }\n"),
    ]);
    let circles: Vec<String> = k.circles().into_iter().map(|(m, _)| m).collect();
    assert_eq!(circles, ["pledge, reach", "admin::csv, admin::rows"]);
}

#[test]
fn tests_and_the_parent_s_own_items_make_no_circle() {
    let k = krate(&[
        ("lib.rs", "pub mod a;\npub mod b;\n#[cfg(test)]\nmod testkit;\n"),
        ("a.rs", "use crate::b::X;\n#[cfg(test)]\nmod tests {\n    use crate::a::Y;\n}\n"),
        (
            "b.rs",
            "pub struct X;\n#[cfg(test)]\nmod tests {\n    use crate::a::A;\n    #[test]\n    fn t() {}\n}\n",
        ),
        ("testkit.rs", "use crate::a::A;\nuse crate::b::X;\n"),
        ("views/mod.rs", "mod admin;\nmod home;\nfn shell() {}\n"),
        ("views/admin.rs", "use super::shell;\n"),
        ("views/home.rs", "use super::shell;\n"),
    ]);
    assert!(k.circles().is_empty(), "{:?}", k.circles());
    let b = &k.files[&vec!["b".to_string()]].1;
    assert_eq!(b.code_lines, 1, "the test module is not counted");
    assert!(k.test_only(&["testkit".to_string()]));
}

#[test]
fn lifetimes_chars_and_raw_strings_do_not_hide_code() {
    let src = "fn f<'a>(x: &'a str) -> char { let _ = r#\"crate::a\"#; let _ = '\"'; \
               crate::b::g(); '{' }\n";
    let f = facts(src, &["m".to_string()]);
    let to: Vec<_> = f.references.iter().map(|r| r.to.join("::")).collect();
    assert_eq!(to, ["b::g"]);
}
