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
    /// "{n} women trained": the impact counter (`Lang::count`).
    pub counter: Count,
}

/// The words of a count, one per plural category (CLDR's, for whole numbers): "{n} gift" for
/// English's `one` (exactly 1), "{n} gifts" for `other`. Khmer has no plural: its `other` only,
/// which the build also writes as its `one`, a form its rule never picks. Drawn only through
/// [`crate::i18n::Lang::count`], so a number is never shown with the wrong form.
#[derive(Debug, Clone, Copy)]
pub struct Count {
    pub one: &'static str,
    pub other: &'static str,
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
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
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
            for form in [en.counter.one, en.counter.other, km.counter.other] {
                assert!(form.contains("{n}"), "{}", en.id);
            }
        }
        for t in [&EN, &KM] {
            assert!(t.progress_raised.contains("{raised}") && t.progress_raised.contains("{goal}"));
            assert!(t.comments_count.other.contains("{n}"));
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

    #[test]
    fn the_checkout_notice_names_the_real_button() {
        // Khmer readers are told the payment page is English-only; English readers need no notice.
        assert!(EN.form_checkout_language.is_empty());
        assert!(
            KM.form_checkout_language.contains(KM.form_submit),
            "form_checkout_language must quote form_submit"
        );
    }
}

/// The rules of `content/GLOSSARY.md` that a machine can check, read from its ```toml block.
#[cfg(test)]
mod glossary {
    use super::*;

    const GLOSSARY: &str = include_str!("../content/GLOSSARY.md");

    /// A `name = ["a", "b"]` line of the glossary's ```toml block.
    fn list(name: &str) -> Vec<&'static str> {
        let start = GLOSSARY
            .find("```toml\n")
            .expect("GLOSSARY.md has a ```toml block")
            + 8;
        let block = &GLOSSARY[start..];
        let block = &block[..block.find("```").expect("the ```toml block is closed")];
        let line = block
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == name).then_some(v.trim())
            })
            .unwrap_or_else(|| panic!("GLOSSARY.md: no `{name} = [...]`"));
        let inner = line
            .strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
            .unwrap_or_else(|| panic!("GLOSSARY.md: `{name}` is not a [list]"));
        let items: Vec<_> = inner
            .split(',')
            .map(|i| i.trim().trim_matches('"'))
            .filter(|i| !i.is_empty())
            .collect();
        assert!(!items.is_empty(), "GLOSSARY.md: `{name}` is empty");
        items
    }

    /// The key a text belongs to: `comments_count` for its form `comments_count.other`.
    fn key_of(name: &str) -> &str {
        name.split('.').next().unwrap_or(name)
    }

    /// Where a Khmer text leaves a count without its counting word (GLOSSARY.md, "Counts").
    fn khmer_count_problems(key: &str, text: &str) -> Vec<String> {
        let words = list("counting_words");
        let prefixes = list("counting_prefixes");
        let prefix_ok = list("prefix_count_keys").contains(&key_of(key));
        let mut problems = Vec::new();
        for p in list("count_placeholders") {
            let ph = format!("{{{p}}}");
            for (at, _) in text.match_indices(&ph) {
                let after = text[at + ph.len()..].trim_start();
                let before = text[..at].trim_end();
                let counted = words.iter().any(|w| after.starts_with(w))
                    || (prefix_ok && prefixes.iter().any(|w| before.ends_with(w)));
                if !counted {
                    problems.push(format!("{key}: {ph} has no counting word after it: {text}"));
                }
            }
        }
        problems
    }

    /// Where an English text leaves a count bare ("at most {n}.").
    fn english_count_problems(key: &str, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        for p in list("count_placeholders") {
            let ph = format!("{{{p}}}");
            for (at, _) in text.match_indices(&ph) {
                let after = &text[at + ph.len()..];
                let word = after
                    .strip_prefix(' ')
                    .and_then(|a| a.chars().next())
                    .is_some_and(|c| c.is_ascii_alphabetic());
                if !word {
                    problems.push(format!(
                        "{key}: {ph} is not followed by what it counts: {text}"
                    ));
                }
            }
        }
        problems
    }

    /// Latin digits in a Khmer text that is not about money.
    fn latin_digit_problems(key: &str, text: &str) -> Vec<String> {
        if list("latin_digit_keys").contains(&key_of(key))
            || !text.chars().any(|c| c.is_ascii_digit())
        {
            return Vec::new();
        }
        vec![format!(
            "{key}: write numbers in Khmer digits (០–៩): {text}"
        )]
    }

    #[test]
    fn every_khmer_count_has_its_counting_word() {
        let problems: Vec<_> = KM
            .entries()
            .iter()
            .flat_map(|(k, v)| khmer_count_problems(k, v))
            .collect();
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn no_english_count_is_left_bare() {
        let problems: Vec<_> = EN
            .entries()
            .iter()
            .flat_map(|(k, v)| english_count_problems(k, v))
            .collect();
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn khmer_numbers_are_in_khmer_digits_except_money() {
        let problems: Vec<_> = KM
            .entries()
            .iter()
            .flat_map(|(k, v)| latin_digit_problems(k, v))
            .collect();
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn the_checkers_catch_what_the_glossary_forbids() {
        // Counted with a classifier, with or without ចំនួន: fine.
        assert!(khmer_count_problems("progress_gifts", "ការបរិច្ចាគចំនួន {n} ដង").is_empty());
        assert!(khmer_count_problems("x", "ស្ត្រី {n}  នាក់").is_empty());
        assert!(khmer_count_problems("x", "ក្នុងរយៈពេល {days} ថ្ងៃ").is_empty());
        // The draft's bare count: ចំនួន is not enough where a classifier fits.
        assert_eq!(
            khmer_count_problems("progress_gifts", "ការបរិច្ចាគចំនួន {n}").len(),
            1
        );
        assert_eq!(khmer_count_problems("x", "មតិយោបល់ {n} ចុងក្រោយ").len(), 1);
        assert_eq!(khmer_count_problems("x", "{days} និង {n}").len(), 2);
        // Comments have no natural classifier: ចំនួន alone, in the keys the glossary lists.
        assert!(khmer_count_problems("comments_count", "មតិយោបល់ចំនួន {n}").is_empty());
        assert!(khmer_count_problems("comments_count.other", "មតិយោបល់ចំនួន {n}").is_empty());
        assert_eq!(
            khmer_count_problems("comments_count", "មតិយោបល់ {n}").len(),
            1
        );
        // Not counts: money and dates are not checked.
        assert!(khmer_count_problems("x", "{raised} នៃ {goal}").is_empty());

        assert!(english_count_problems("x", "after {n} days.").is_empty());
        assert_eq!(english_count_problems("x", "at most {n}.").len(), 1);
        assert_eq!(english_count_problems("x", "for {days}").len(), 1);

        assert!(latin_digit_problems("x", "រយៈពេល ៣០ ថ្ងៃ").is_empty());
        assert!(latin_digit_problems("error_amount", "ពី 5 ដល់ 100,000 ដុល្លារ").is_empty());
        assert_eq!(latin_digit_problems("x", "រយៈពេល 30 ថ្ងៃ").len(), 1);
    }

    #[test]
    fn the_glossary_names_only_real_keys_and_placeholders() {
        let keys: Vec<String> = KM
            .entries()
            .into_iter()
            .map(|(k, _)| key_of(&k).to_string())
            .collect();
        for k in list("prefix_count_keys")
            .into_iter()
            .chain(list("latin_digit_keys"))
        {
            assert!(
                keys.iter().any(|key| key == k),
                "GLOSSARY.md names no key `{k}`"
            );
        }
        for p in list("count_placeholders") {
            let ph = format!("{{{p}}}");
            assert!(
                KM.entries().iter().any(|(_, v)| v.contains(&ph)),
                "GLOSSARY.md: no text uses {ph}"
            );
        }
    }
}
