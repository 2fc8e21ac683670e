//! The module graph of a crate, read from its source: which file module names which, so a test
//! can refuse import cycles and imports that climb a layer (`server`: http → domain → ports →
//! store).
//!
//! A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`). A reference is any path starting
//! with `crate::`, `super::` or `self::`, in `use` lines and in code alike, resolved to the
//! longest module prefix that exists. A module naming its own ancestor (a child using what its
//! parent re-exports) or its own child is not an edge: that is how Rust modules nest, and the
//! parent's `pub use` lines are not followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`""` for the crate root) → the modules it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// Reads every `.rs` file under `src` (a crate's `src/` folder; binaries under `src/bin` and
/// `main.rs` are separate crates and left out).
pub fn crate_graph(src: &Path) -> std::io::Result<Graph> {
    let mut files = Vec::new();
    collect(src, src, &mut files)?;
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph = Graph::new();
    for (module, text) in &files {
        let edges = references(module, text)
            .into_iter()
            .filter_map(|path| resolve(&path, &modules))
            .filter(|target| {
                target != module && !is_ancestor(target, module) && !is_ancestor(module, target)
            })
            .collect();
        graph.insert(module.clone(), edges);
    }
    Ok(graph)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        let rel = path.strip_prefix(root).unwrap_or(&path);
        if path.is_dir() {
            if rel != Path::new("bin") {
                collect(root, &path, out)?;
            }
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || rel == Path::new("main.rs") {
            continue;
        }
        let mut parts: Vec<String> = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
            parts.pop();
        }
        out.push((parts.join("::"), std::fs::read_to_string(&path)?));
    }
    Ok(())
}

fn is_ancestor(ancestor: &str, module: &str) -> bool {
    ancestor.is_empty() || module.starts_with(&format!("{ancestor}::"))
}

/// Every absolute module path the text names, `use` groups expanded one level.
fn references(module: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        for (start, _) in line.match_indices(['c', 's']) {
            if start > 0 {
                let before = line.as_bytes()[start - 1];
                if before.is_ascii_alphanumeric() || before == b'_' || before == b':' {
                    continue;
                }
            }
            let rest = &line[start..];
            let Some(path) = path_at(module, rest) else {
                continue;
            };
            // `crate::a::{b, c::d}`: each member of the group.
            let after = &rest[rest.find(&*path.1).map_or(0, |i| i + path.1.len())..];
            if let Some(group) = after.strip_prefix("::{") {
                let members = group.split('}').next().unwrap_or("");
                for member in members.split(',') {
                    let member: String = member
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect();
                    if !member.is_empty() && member != "self" {
                        found.push(join(&path.0, &member));
                    }
                }
            }
            found.push(path.0);
        }
    }
    found
}

/// The absolute path a `crate::`/`super::`/`self::` path at the start of `text` names, and the
/// text it was read from.
fn path_at(module: &str, text: &str) -> Option<(String, String)> {
    let raw: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let raw = raw.trim_end_matches(':').to_owned();
    let mut base: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let mut segments = raw.split("::").peekable();
    match segments.peek().copied() {
        Some("crate") => {
            base.clear();
            segments.next();
        }
        Some("super") => {
            while segments.peek() == Some(&"super") {
                base.pop()?;
                segments.next();
            }
        }
        Some("self") => {
            segments.next();
        }
        _ => return None,
    }
    let mut path: Vec<String> = base.iter().map(|s| (*s).to_owned()).collect();
    path.extend(segments.filter(|s| !s.is_empty()).map(str::to_owned));
    Some((path.join("::"), raw))
}

fn join(base: &str, member: &str) -> String {
    if base.is_empty() {
        member.to_owned()
    } else {
        format!("{base}::{member}")
    }
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let mut parts: Vec<&str> = path.split("::").collect();
    while !parts.is_empty() {
        let candidate = parts.join("::");
        if modules.contains(&candidate) {
            return Some(candidate);
        }
        parts.pop();
    }
    None
}

/// Every cycle found, each as the modules along it (the first repeated at the end); empty when
/// the graph has none. Strongly connected components by Tarjan's algorithm.
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
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
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.reverse();
                let first = component[0].clone();
                component.push(first);
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// Edges that climb: `rank` gives each top-level module its layer (higher = further up; a
/// module may name its own layer or any below). Modules without a rank are not judged.
pub fn climbing_edges(graph: &Graph, rank: &dyn Fn(&str) -> Option<u8>) -> Vec<(String, String)> {
    let top = |m: &str| m.split("::").next().unwrap_or("").to_owned();
    let mut found = Vec::new();
    for (from, targets) in graph {
        for to in targets {
            if let (Some(a), Some(b)) = (rank(&top(from)), rank(&top(to))) {
                if b > a {
                    found.push((from.clone(), to.clone()));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> Graph {
        edges
            .iter()
            .map(|(m, ts)| {
                (
                    (*m).to_owned(),
                    ts.iter().map(|t| (*t).to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn finds_a_cycle_and_only_it() {
        let g = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &["a"])]);
        assert_eq!(cycles(&g), vec![vec!["a", "b", "c", "a"]]);
        let g = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &[]), ("d", &["a"])]);
        assert!(cycles(&g).is_empty());
    }

    #[test]
    fn resolves_crate_super_and_groups() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        std::fs::create_dir_all(src.join("store")).unwrap();
        std::fs::write(src.join("lib.rs"), "pub mod store;\npub mod http;\n").unwrap();
        std::fs::write(src.join("store/mod.rs"), "mod money;\nmod lost;\n").unwrap();
        std::fs::write(
            src.join("store/money.rs"),
            "use super::{lost::guard, StoreError};\n// crate::http in a comment\n",
        )
        .unwrap();
        std::fs::write(
            src.join("store/lost.rs"),
            "fn f() { crate::store::money::x(); }\n",
        )
        .unwrap();
        std::fs::write(src.join("http.rs"), "use crate::store::Store;\n").unwrap();
        let g = crate_graph(src).unwrap();
        assert_eq!(
            g["store::money"],
            BTreeSet::from(["store::lost".to_owned()])
        );
        assert_eq!(
            g["store::lost"],
            BTreeSet::from(["store::money".to_owned()])
        );
        assert_eq!(g["http"], BTreeSet::from(["store".to_owned()]));
        assert_eq!(cycles(&g).len(), 1);
        let rank = |m: &str| match m {
            "store" => Some(1),
            "http" => Some(2),
            _ => None,
        };
        assert!(climbing_edges(&g, &rank).is_empty());
        let rank_inverted = |m: &str| match m {
            "store" => Some(3),
            "http" => Some(2),
            _ => None,
        };
        assert_eq!(
            climbing_edges(&g, &rank_inverted),
            vec![("http".to_owned(), "store".to_owned())]
        );
    }
}
