//! The site's copy, generated at build time from `content/<lang>.toml` (see `build.rs`).
//!
//! Views never hold a visible word themselves: they take a `&'static Text` and read from it,
//! so a translator edits one file per language and never touches Rust.

include!(concat!(env!("OUT_DIR"), "/text.rs"));
include!(concat!(env!("OUT_DIR"), "/style.rs"));

/// The words for one giving tier, keyed by the tier's id in D1.
#[derive(Debug)]
pub struct TierText {
    pub id: &'static str,
    pub name: &'static str,
    pub impact: &'static str,
    pub purpose: &'static str,
    /// "{n} women trained": the impact counter, with `{n}` to fill.
    pub counter: &'static str,
}

impl Text {
    /// The copy for a tier id; `None` for an id the content files do not know.
    pub fn tier(&self, id: &str) -> Option<&'static TierText> {
        self.tiers.iter().find(|t| t.id == id)
    }
}

/// Fills `{name}` placeholders in a template. Unknown placeholders are left as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((key, close)) => {
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The paragraphs of a long text: a blank line separates them.
pub fn paragraphs(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_and_keeps_unknown() {
        assert_eq!(
            fill("{n} women trained", &[("n", "25")]),
            "25 women trained"
        );
        assert_eq!(fill("{a} and {b}", &[("a", "x")]), "x and {b}");
        assert_eq!(fill("no close {", &[]), "no close {");
    }

    #[test]
    fn both_languages_have_every_tier_and_placeholder() {
        for (en, km) in EN.tiers.iter().zip(KM.tiers.iter()) {
            assert_eq!(en.id, km.id);
            assert!(
                en.counter.contains("{n}") && km.counter.contains("{n}"),
                "{}",
                en.id
            );
        }
        for t in [&EN, &KM] {
            assert!(t.progress_raised.contains("{raised}") && t.progress_raised.contains("{goal}"));
            assert!(t.comments_count.contains("{n}"));
        }
    }

    #[test]
    fn long_texts_split_into_paragraphs() {
        assert_eq!(paragraphs(EN.history).count(), 2);
        assert_eq!(paragraphs(EN.plan).count(), 3);
        assert_eq!(paragraphs(KM.plan).count(), 3);
    }

    #[test]
    fn css_is_minified_and_hashed() {
        assert!(!CSS.contains("/*") && !CSS.contains('\n'));
        assert!(CSS_HASH.starts_with("sha256-") && CSS_HASH.len() == 7 + 44);
    }
}
