//! Turns the translators' files into Rust at compile time.
//!
//! `content/*.toml` become `static` structs, so a request pays nothing to look up copy and a key
//! missing from one language is a build error that names the key, not a blank on the page.
//! `assets/site.css` is minified and hashed here too, so the CSP can allow exactly that inline
//! stylesheet (`style-src 'sha256-…'`) without `unsafe-inline`.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

const LANGS: [(&str, &str); 2] = [("EN", "content/en.toml"), ("KM", "content/km.toml")];
const TIER_FIELDS: [&str; 4] = ["name", "impact", "purpose", "counter"];

fn main() {
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=assets/site.css");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");

    let parsed: Vec<(&str, &str, toml::Table)> = LANGS
        .iter()
        .map(|(name, path)| {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
            (*name, *path, table)
        })
        .collect();

    // The first language is the schema: every other must have exactly its keys.
    let (_, en_path, en) = &parsed[0];
    let keys = string_keys(en_path, en);
    let tiers = tier_ids(en_path, en);
    for (_, path, table) in &parsed[1..] {
        let other = string_keys(path, table);
        let missing: Vec<_> = keys.iter().filter(|k| !other.contains(k)).collect();
        let extra: Vec<_> = other.iter().filter(|k| !keys.contains(k)).collect();
        if !missing.is_empty() || !extra.is_empty() {
            panic!("{path} differs from {en_path}: missing {missing:?}, unknown {extra:?}");
        }
        if tier_ids(path, table) != tiers {
            panic!("{path}: [tiers.*] tables differ from {en_path}");
        }
        // The site fills the same `{placeholders}` whatever the language: one missing is a
        // number never shown, one extra is `{n}` printed on the page.
        for (key, en_text, text) in texts(en_path, en, &keys, &tiers)
            .into_iter()
            .zip(texts(path, table, &keys, &tiers))
            .map(|((key, a), (_, b))| (key, a, b))
        {
            let (want, got) = (placeholders(en_text), placeholders(text));
            if want != got {
                panic!("{path}: `{key}` has placeholders {got:?}, but {en_path} has {want:?}");
            }
        }
    }

    let mut code = String::from("/// Every string a visitor reads, in one language (generated from `content/*.toml`).\n#[derive(Debug)]\npub struct Text {\n");
    for k in &keys {
        writeln!(code, "    pub {k}: &'static str,").ok();
    }
    code.push_str("    /// Copy for each giving tier, keyed by the tier's id in D1.\n    pub tiers: &'static [TierText],\n}\n\n");
    // For the tests on the copy: every text with its name (`key`, `tiers.<id>.<field>`).
    code.push_str("impl Text {\n    /// Every text with the name a translator finds it by: `key` or `tiers.<id>.<field>`.\n    #[cfg(test)]\n    pub fn entries(&self) -> Vec<(String, &'static str)> {\n        let mut out = vec![\n");
    for k in &keys {
        writeln!(code, "            ({k:?}.to_string(), self.{k}),").ok();
    }
    code.push_str("        ];\n        for t in self.tiers {\n");
    for f in TIER_FIELDS {
        writeln!(
            code,
            "            out.push((format!(\"tiers.{{}}.{f}\", t.id), t.{f}));"
        )
        .ok();
    }
    code.push_str("        }\n        out\n    }\n}\n\n");
    for (name, path, table) in &parsed {
        writeln!(code, "pub static {name}: Text = Text {{").ok();
        for k in &keys {
            writeln!(
                code,
                "    {k}: {:?},",
                clean(table[k.as_str()].as_str().unwrap_or_default())
            )
            .ok();
        }
        code.push_str("    tiers: &[\n");
        let tier_table = table["tiers"]
            .as_table()
            .unwrap_or_else(|| panic!("{path}: [tiers] must be tables"));
        for id in &tiers {
            let t = tier_table[id.as_str()]
                .as_table()
                .unwrap_or_else(|| panic!("{path}: tiers.{id}"));
            write!(code, "        TierText {{ id: {id:?}").ok();
            for f in TIER_FIELDS {
                let v = t
                    .get(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_else(|| panic!("{path}: tiers.{id}.{f} missing"));
                write!(code, ", {f}: {:?}", clean(v)).ok();
            }
            code.push_str(" },\n");
        }
        code.push_str("    ],\n};\n\n");
    }
    std::fs::write(format!("{out}/text.rs"), code).expect("write text.rs");

    let css = minify_css(&std::fs::read_to_string("assets/site.css").expect("assets/site.css"));
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    std::fs::write(
        format!("{out}/style.rs"),
        format!("/// The site's stylesheet, minified at build time.\npub const CSS: &str = {css:?};\n/// `sha256-…` of [`CSS`], for the CSP.\npub const CSS_HASH: &str = \"sha256-{hash}\";\n"),
    )
    .expect("write style.rs");
}

fn string_keys(path: &str, t: &toml::Table) -> Vec<String> {
    let mut keys = Vec::new();
    for (k, v) in t {
        match v {
            toml::Value::String(_) => keys.push(k.clone()),
            toml::Value::Table(_) if k == "tiers" => {}
            _ => panic!("{path}: `{k}` must be a string (or the [tiers.<id>] tables)"),
        }
        if !k
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            panic!("{path}: key `{k}` must be snake_case");
        }
    }
    keys.sort();
    keys
}

fn tier_ids(path: &str, t: &toml::Table) -> Vec<String> {
    let tiers = t
        .get("tiers")
        .and_then(|v| v.as_table())
        .unwrap_or_else(|| panic!("{path}: no [tiers.<id>] tables"));
    let map: BTreeMap<_, _> = tiers.iter().collect();
    map.keys().map(|k| k.to_string()).collect()
}

/// Every text of a language, named as a translator finds it: `key`, `tiers.<id>.<field>`.
fn texts<'a>(
    path: &str,
    t: &'a toml::Table,
    keys: &[String],
    tiers: &[String],
) -> Vec<(String, &'a str)> {
    let mut out: Vec<(String, &str)> = keys
        .iter()
        .map(|k| (k.clone(), t[k.as_str()].as_str().unwrap_or_default()))
        .collect();
    for id in tiers {
        for f in TIER_FIELDS {
            let v = t["tiers"]
                .get(id.as_str())
                .and_then(|tier| tier.get(f))
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{path}: tiers.{id}.{f} missing"));
            out.push((format!("tiers.{id}.{f}"), v));
        }
    }
    out
}

/// The `{name}` placeholders of a text (as `content::fill` reads them), as a set.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                found.insert(name);
                rest = &rest[close + 1..];
            }
        }
    }
    found
}

/// Multi-line TOML strings start with a newline for readability; the page does not want it.
fn clean(s: &str) -> String {
    s.trim().to_string()
}

/// Drops comments and needless white space; gzip does the rest.
fn minify_css(css: &str) -> String {
    let mut no_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        no_comments.push_str(&rest[..start]);
        rest = match rest[start..].find("*/") {
            Some(end) => &rest[start + end + 2..],
            None => "",
        };
    }
    no_comments.push_str(rest);
    let collapsed = no_comments.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(collapsed.len());
    let chars: Vec<char> = collapsed.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            if "{};:,>".contains(prev) || "{};,>".contains(next) {
                continue;
            }
        }
        out.push(c);
    }
    out.replace(";}", "}")
}
