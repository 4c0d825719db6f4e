//! Turns the translators' files into Rust at compile time.
//!
//! `content/*.toml` become `static` structs, so a request pays nothing to look up copy and a key
//! missing from one language is a build error that names the key, not a blank on the page.
//! A count is a table of forms, one per plural category of its language (`one` and `other` in
//! English; Khmer has no plural, so `other` only): a count missing a form, or holding one its
//! language does not have, is a build error too. `assets/site.css` is minified and hashed here,
//! so the CSP can allow exactly that inline stylesheet (`style-src 'sha256-…'`) without
//! `unsafe-inline`.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Each language: its name in Rust, its file, and its plural categories (CLDR's, for whole
/// numbers), the forms every count of that file must have, no more and no fewer.
const LANGS: [(&str, &str, &[&str]); 2] = [
    ("EN", "content/en.toml", &["one", "other"]),
    ("KM", "content/km.toml", &["other"]),
];
/// The fields of a `[tiers.<id>]` table that are plain texts; `counter` is a count.
const TIER_FIELDS: [&str; 3] = ["name", "impact", "purpose"];
/// Every plural category a language may use, in the order of `content::Count`'s fields.
const CATEGORIES: [&str; 2] = ["one", "other"];

fn main() {
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=assets/site.css");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");

    let parsed: Vec<Lang> = LANGS
        .iter()
        .map(|(name, path, categories)| {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
            Lang {
                name,
                path,
                categories,
                table,
            }
        })
        .collect();

    // The first language is the schema: every other must have exactly its keys.
    let en = &parsed[0];
    let (keys, counts) = keys_of(en);
    let tiers = tier_ids(en.path, &en.table);
    for lang in &parsed[1..] {
        let path = lang.path;
        let (other, other_counts) = keys_of(lang);
        for (what, want, got) in [("texts", &keys, &other), ("counts", &counts, &other_counts)] {
            let missing: Vec<_> = want.iter().filter(|k| !got.contains(k)).collect();
            let extra: Vec<_> = got.iter().filter(|k| !want.contains(k)).collect();
            if !missing.is_empty() || !extra.is_empty() {
                panic!(
                    "{path} differs from {}: {what} missing {missing:?}, unknown {extra:?}",
                    en.path
                );
            }
        }
        if tier_ids(path, &lang.table) != tiers {
            panic!("{path}: [tiers.*] tables differ from {}", en.path);
        }
    }
    // The site fills the same `{placeholders}` whatever the language: one missing is a number
    // never shown, one extra is `{n}` printed on the page. Every form of a count has the
    // placeholders of the English `other`, and shows its number.
    let en_texts: BTreeMap<String, &str> = texts(en, &keys, &counts, &tiers)
        .into_iter()
        .map(|(k, _, v)| (k, v))
        .collect();
    for lang in &parsed {
        for (key, base, text) in texts(lang, &keys, &counts, &tiers) {
            let want = placeholders(en_texts[&base]);
            let got = placeholders(text);
            if want != got {
                panic!(
                    "{}: `{key}` has placeholders {got:?}, but {} `{base}` has {want:?}",
                    lang.path, en.path
                );
            }
            if key != base && !got.contains("n") {
                panic!(
                    "{}: the count `{key}` must show its number, `{{n}}`",
                    lang.path
                );
            }
        }
    }

    let mut code = String::from("/// Every string a visitor reads, in one language (generated from `content/*.toml`).\n#[derive(Debug)]\npub struct Text {\n");
    for k in &keys {
        writeln!(code, "    pub {k}: &'static str,").ok();
    }
    for k in &counts {
        writeln!(
            code,
            "    /// A count: its words for each plural category (`Lang::count`).\n    pub {k}: Count,"
        )
        .ok();
    }
    code.push_str("    /// Copy for each giving tier, keyed by the tier's id in D1.\n    pub tiers: &'static [TierText],\n}\n\n");
    // For the tests on the copy: every text with its name (`key`, `key.<form>`,
    // `tiers.<id>.<field>`).
    code.push_str("impl Text {\n    /// Every text with the name a translator finds it by: `key`, `key.<form>` for a count,\n    /// `tiers.<id>.<field>`.\n    #[cfg(test)]\n    pub fn entries(&self) -> Vec<(String, &'static str)> {\n        let mut out = vec![\n");
    for k in &keys {
        writeln!(code, "            ({k:?}.to_string(), self.{k}),").ok();
    }
    code.push_str("        ];\n");
    for k in &counts {
        for c in CATEGORIES {
            writeln!(
                code,
                "        out.push((\"{k}.{c}\".to_string(), self.{k}.{c}));"
            )
            .ok();
        }
    }
    code.push_str("        for t in self.tiers {\n");
    for f in TIER_FIELDS {
        writeln!(
            code,
            "            out.push((format!(\"tiers.{{}}.{f}\", t.id), t.{f}));"
        )
        .ok();
    }
    for c in CATEGORIES {
        writeln!(
            code,
            "            out.push((format!(\"tiers.{{}}.counter.{c}\", t.id), t.counter.{c}));"
        )
        .ok();
    }
    code.push_str("        }\n        out\n    }\n}\n\n");
    for lang in &parsed {
        let (name, path, table) = (lang.name, lang.path, &lang.table);
        writeln!(code, "pub static {name}: Text = Text {{").ok();
        for k in &keys {
            writeln!(
                code,
                "    {k}: {:?},",
                clean(table[k.as_str()].as_str().unwrap_or_default())
            )
            .ok();
        }
        for k in &counts {
            writeln!(code, "    {k}: {},", count_code(lang, &table[k.as_str()])).ok();
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
            let counter = t
                .get("counter")
                .unwrap_or_else(|| panic!("{path}: tiers.{id}.counter missing"));
            write!(code, ", counter: {}", count_code(lang, counter)).ok();
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

/// One language's file, parsed.
struct Lang {
    name: &'static str,
    path: &'static str,
    categories: &'static [&'static str],
    table: toml::Table,
}

/// The texts (strings) and the counts (tables of forms) of a file, each sorted; `[tiers.<id>]`
/// is neither.
fn keys_of(lang: &Lang) -> (Vec<String>, Vec<String>) {
    let (mut keys, mut counts) = (Vec::new(), Vec::new());
    for (k, v) in &lang.table {
        match v {
            toml::Value::String(_) => keys.push(k.clone()),
            toml::Value::Table(_) if k == "tiers" => {}
            toml::Value::Table(_) => counts.push(k.clone()),
            _ => panic!(
                "{}: `{k}` must be a text, a count (a table of forms), or the [tiers.<id>] tables",
                lang.path
            ),
        }
        if !k
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            panic!("{}: key `{k}` must be snake_case", lang.path);
        }
    }
    keys.sort();
    counts.sort();
    (keys, counts)
}

/// The forms of one count, checked against the language's plural categories.
fn count_forms<'a>(lang: &Lang, key: &str, value: &'a toml::Value) -> Vec<(&'a str, &'a str)> {
    let path = lang.path;
    let table = value.as_table().unwrap_or_else(|| {
        panic!(
            "{path}: `{key}` is a count: a table with the forms {:?}",
            lang.categories
        )
    });
    for want in lang.categories {
        if !table.contains_key(*want) {
            panic!(
                "{path}: the count `{key}` lacks its `{want}` form (this language's forms: {:?})",
                lang.categories
            );
        }
    }
    table
        .iter()
        .map(|(form, text)| {
            if !lang.categories.contains(&form.as_str()) {
                panic!(
                    "{path}: the count `{key}` has a `{form}` form, but this language's forms are {:?}",
                    lang.categories
                );
            }
            let text = text
                .as_str()
                .unwrap_or_else(|| panic!("{path}: `{key}.{form}` must be a text"));
            (form.as_str(), text)
        })
        .collect()
}

/// A count as Rust: `Count { one: …, other: … }`. A language without a category (Khmer has no
/// `one`) uses its `other` text there, which `Lang::count` never picks for it.
fn count_code(lang: &Lang, value: &toml::Value) -> String {
    let forms = count_forms(lang, "count", value);
    let form = |c: &str| {
        forms
            .iter()
            .find(|(f, _)| *f == c)
            .or_else(|| forms.iter().find(|(f, _)| *f == "other"))
            .map(|(_, t)| clean(t))
            .unwrap_or_default()
    };
    let mut code = String::from("Count {");
    for c in CATEGORIES {
        write!(code, " {c}: {:?},", form(c)).ok();
    }
    code.push_str(" }");
    code
}

fn tier_ids(path: &str, t: &toml::Table) -> Vec<String> {
    let tiers = t
        .get("tiers")
        .and_then(|v| v.as_table())
        .unwrap_or_else(|| panic!("{path}: no [tiers.<id>] tables"));
    let map: BTreeMap<_, _> = tiers.iter().collect();
    map.keys().map(|k| k.to_string()).collect()
}

/// Every text of a language with the name a translator finds it by (`key`, `key.<form>`,
/// `tiers.<id>.<field>`), and the name of the English text whose placeholders it must have
/// (a count's forms all answer to its `other`).
fn texts<'a>(
    lang: &'a Lang,
    keys: &[String],
    counts: &[String],
    tiers: &[String],
) -> Vec<(String, String, &'a str)> {
    let t = &lang.table;
    let mut out: Vec<(String, String, &str)> = keys
        .iter()
        .map(|k| {
            (
                k.clone(),
                k.clone(),
                t[k.as_str()].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let count = |out: &mut Vec<_>, key: String, value: &'a toml::Value| {
        for (form, text) in count_forms(lang, &key, value) {
            out.push((format!("{key}.{form}"), format!("{key}.other"), text));
        }
    };
    for k in counts {
        count(&mut out, k.clone(), &t[k.as_str()]);
    }
    for id in tiers {
        let tier = t["tiers"]
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{}: tiers.{id} missing", lang.path));
        for f in TIER_FIELDS {
            let v = tier
                .get(f)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{}: tiers.{id}.{f} missing", lang.path));
            out.push((format!("tiers.{id}.{f}"), format!("tiers.{id}.{f}"), v));
        }
        let counter = tier
            .get("counter")
            .unwrap_or_else(|| panic!("{}: tiers.{id}.counter missing", lang.path));
        count(&mut out, format!("tiers.{id}.counter"), counter);
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
