//! The site's copy as the tests expect it: every visible word a test looks for is read from
//! `app/content/<lang>.toml`, never written out in a test, so a translator's edit never breaks
//! one. Admin pages are English-only and not in those files; their words stay in the tests.
//!
//! Also: the text of a page as a reader sees it (tags dropped, entities decoded), so copy can
//! be compared whatever the markup around it.

/// The site's copy in one language (`en`, `km`).
pub fn copy(lang: &str) -> toml::Table {
    let path = super::root().join(format!("app/content/{lang}.toml"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// One top-level text of `t`.
pub fn word(t: &toml::Table, key: &str) -> String {
    t.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in content"))
        .to_string()
}

/// One text of a giving tier: `tiers.<tier>.<key>`.
pub fn tier_word(t: &toml::Table, tier: &str, key: &str) -> String {
    t.get("tiers")
        .and_then(|v| v.get(tier))
        .and_then(|v| v.get(key))
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("no tiers.{tier}.{key} in content"))
        .to_string()
}

/// One English text.
pub fn en(key: &str) -> String {
    word(&copy("en"), key)
}

/// One Khmer text.
pub fn km(key: &str) -> String {
    word(&copy("km"), key)
}

/// Fills `{name}` placeholders, as the site does.
pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(template.to_string(), |s, (k, v)| {
        s.replace(&format!("{{{k}}}"), v)
    })
}

/// Whole dollars as the site writes them: `US$50,000`.
pub fn usd(cents: i64) -> String {
    let digits = (cents / 100).to_string();
    let mut out = String::from("US$");
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A count as a page in `lang` writes it in running text: `1,234` in English; in Khmer,
/// Khmer digits grouped with `.` (`១.២៣៤`). Written here on its own, not taken from the site.
pub fn number(lang: &str, n: i64) -> String {
    let plain = n.to_string();
    let mark = if lang == "km" { '.' } else { ',' };
    let mut out = String::new();
    for (i, ch) in plain.chars().enumerate() {
        if i > 0 && (plain.len() - i).is_multiple_of(3) {
            out.push(mark);
        }
        out.push(ch);
    }
    if lang != "km" {
        return out;
    }
    const KHMER: [char; 10] = ['០', '១', '២', '៣', '៤', '៥', '៦', '៧', '៨', '៩'];
    out.chars()
        .map(|c| c.to_digit(10).map_or(c, |d| KHMER[d as usize]))
        .collect()
}

/// A count as a page in `lang` writes it: the form its number takes (English: `one` for
/// exactly 1, `other` else; Khmer has `other` only), with the number as [`number`] writes it.
/// `value` is the count's table of forms. Written here on its own, not taken from the site.
fn count_of(lang: &str, value: Option<&toml::Value>, name: &str, n: i64) -> String {
    let form = if lang == "en" && n == 1 {
        "one"
    } else {
        "other"
    };
    let text = value
        .and_then(|v| v.get(form))
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("no {name}.{form} in content"));
    fill(text, &[("n", &number(lang, n))])
}

/// A count of the copy ("1 gift", "3 gifts", "ការបរិច្ចាគចំនួន ៣ ដង") on a page in `lang`.
pub fn count(lang: &str, t: &toml::Table, key: &str, n: i64) -> String {
    count_of(lang, t.get(key), key, n)
}

/// A tier's impact counter ("1 hour of women's radio") on a page in `lang`.
pub fn tier_count(lang: &str, t: &toml::Table, tier: &str, n: i64) -> String {
    let value = t
        .get("tiers")
        .and_then(|v| v.get(tier))
        .and_then(|v| v.get("counter"));
    count_of(lang, value, &format!("tiers.{tier}.counter"), n)
}

/// "1 gift", "3 gifts": the gift count under the progress bar, on a page in `lang`.
pub fn gifts_text(lang: &str, t: &toml::Table, n: i64) -> String {
    count(lang, t, "progress_gifts", n)
}

/// "US$0 raised of our US$50,000 goal": the line over the progress bar.
pub fn raised_text(t: &toml::Table, raised_cents: i64, goal_cents: i64) -> String {
    fill(
        &word(t, "progress_raised"),
        &[("raised", &usd(raised_cents)), ("goal", &usd(goal_cents))],
    )
}

/// The text of an HTML page as a reader gets it: every tag (and Leptos's `<!>` markers)
/// dropped, entities decoded. Text that the markup splits (`<span>US$50</span>: …`) reads on.
pub fn page_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = match rest[open..].find('>') {
            Some(close) => &rest[open + close + 1..],
            None => "",
        };
    }
    text.push_str(rest);
    html_unescape(&text)
}

/// Decodes the character references an HTML serializer writes: the named ones for `&`, `<`,
/// `>`, `"`, `'` and numeric ones. Anything else is left as it is.
pub fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &after[..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            page_text("<li><span class=\"amount\">US$50</span>: <!>a &amp; b &lt;c&gt; &#39;d&#x27; &nbsp;</li>"),
            "US$50: a & b <c> 'd' &nbsp;"
        );
        assert_eq!(html_unescape("AT&T; & more &#8230;"), "AT&T; & more …");
    }

    #[test]
    fn numbers_in_both_languages() {
        assert_eq!(number("en", 1234567), "1,234,567");
        assert_eq!(number("km", 1234567), "១.២៣៤.៥៦៧");
        assert_eq!(number("km", 0), "០");
    }

    #[test]
    fn counts_take_their_language_s_form() {
        let (en, km) = (copy("en"), copy("km"));
        assert_eq!(gifts_text("en", &en, 1), "1 gift");
        assert_eq!(gifts_text("en", &en, 1234), "1,234 gifts");
        assert_eq!(
            tier_count("en", &en, "women-radio", 1),
            "1 hour of women's radio"
        );
        assert!(gifts_text("km", &km, 1).contains("១ ដង"));
    }

    #[test]
    fn usd_groups_thousands_and_fill_fills() {
        assert_eq!(usd(0), "US$0");
        assert_eq!(usd(5_000_000), "US$50,000");
        assert_eq!(usd(123_456_700), "US$1,234,567");
        assert_eq!(fill("{n} of {n}, {m}", &[("n", "2")]), "2 of 2, {m}");
    }
}
