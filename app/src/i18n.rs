//! The two languages: English at `/`, Khmer under `/km/`, mirroring every visitor path.

use crate::content::{Count, Text, EN, KM};

/// A plural category (CLDR): which form of a count's words a number takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    One,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    En,
    Km,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Km];

    /// The BCP 47 tag, for `<html lang>`, hreflang and the forms' hidden `lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Km => "km",
        }
    }

    /// The Open Graph locale, for link previews (`og:locale`).
    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::En => "en_US",
            Lang::Km => "km_KH",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "km" => Some(Lang::Km),
            _ => None,
        }
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Km => &KM,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Km,
            Lang::Km => Lang::En,
        }
    }

    /// The path prefix of this language: `""` or `"/km"`.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::Km => "/km",
        }
    }

    /// The language a path belongs to, and the path with its prefix removed (always starting
    /// with `/`). `/km` and `/km/...` are Khmer; everything else is English.
    pub fn split_path(path: &str) -> (Lang, &str) {
        match path.strip_prefix("/km") {
            Some("") => (Lang::Km, "/"),
            Some(rest) if rest.starts_with('/') => (Lang::Km, rest),
            _ => (Lang::En, path),
        }
    }

    /// The language whose copy `t` is (the two `Text`s are statics, told apart by address).
    pub fn of(t: &Text) -> Lang {
        if std::ptr::eq(t, &KM) {
            Lang::Km
        } else {
            Lang::En
        }
    }

    /// Every ASCII digit of `s` in this language's digits: Khmer (០–៩) on Khmer pages.
    pub fn digits(self, s: &str) -> String {
        match self {
            Lang::En => s.to_string(),
            Lang::Km => s
                .chars()
                .map(|c| match c {
                    '0'..='9' => char::from_u32('០' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
                    c => c,
                })
                .collect(),
        }
    }

    /// A number the code puts into running text (a count, a period, a limit), as this
    /// language's readers write it: grouped by thousands, `1,234` in English and `១.២៣៤` in
    /// Khmer (CLDR's Khmer groups with `.`). The one formatter for every such number; money is
    /// not one of them (`Cents` stays `US$50` in both languages, as receipts show it).
    pub fn number(self, n: i64) -> String {
        let grouped = crate::money::group(n);
        match self {
            Lang::En => grouped,
            Lang::Km => self.digits(&grouped.replace(',', ".")),
        }
    }

    /// The language's plural rule, for a whole number: English says "1 gift" and "0, 2, 1,234
    /// gifts" (CLDR: `one` is exactly 1); Khmer has no plural ("១ ដង", "២ ដង"), so `other`.
    /// `app/build.rs` holds each count of a language to exactly these forms.
    pub fn plural(self, n: i64) -> Plural {
        match (self, n) {
            (Lang::En, 1) => Plural::One,
            _ => Plural::Other,
        }
    }

    /// A count in words, "1 gift", "1,234 gifts", "ការបរិច្ចាគចំនួន ១.២៣៤ ដង": the form `n`
    /// takes in this language, with `{n}` written as [`Lang::number`] writes it. Every count on
    /// a page goes through here, the admin area's too (its words are English, in the code).
    pub fn count(self, words: &Count, n: i64) -> String {
        let form = match self.plural(n) {
            Plural::One => words.one,
            Plural::Other => words.other,
        };
        crate::content::fill(form, &[("n", &self.number(n))])
    }

    /// The word for `n` things in the maintainers' English, whose words live in the code:
    /// `one` for 1, else `other`, by [`Lang::plural`] ("comment held", "comments held").
    pub fn english_word(n: i64, one: &'static str, other: &'static str) -> &'static str {
        match Lang::En.plural(n) {
            Plural::One => one,
            Plural::Other => other,
        }
    }

    /// A count in the maintainers' English: "1 gift", "1,234 gifts" ([`Lang::english_word`]).
    pub fn english_count(n: i64, one: &'static str, other: &'static str) -> String {
        format!(
            "{} {}",
            Lang::En.number(n),
            Lang::english_word(n, one, other)
        )
    }

    /// A date on a visitor page, in Cambodia's time (Asia/Phnom_Penh, UTC+7 all year): "28
    /// November 2026", "២៨ វិច្ឆិកា ២០២៦". The admin area and the CSV files use ISO 8601 in UTC.
    pub fn date(self, secs: i64) -> String {
        let t = self.text();
        let (y, m, d) = crate::time::phnom_penh_date(secs);
        let month = t
            .date_months
            .split_whitespace()
            .nth(m as usize - 1)
            .unwrap_or_default();
        let filled = crate::content::fill(
            t.date_format,
            &[
                ("day", &d.to_string()),
                ("month", month),
                ("year", &y.to_string()),
            ],
        );
        self.digits(&filled)
    }

    /// `path` (a language-neutral path such as `/pledges/x`) in this language.
    pub fn href(self, path: &str) -> String {
        match (self, path) {
            (Lang::Km, "/") => "/km/".to_string(),
            _ => format!("{}{}", self.prefix(), path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_as_each_language_writes_them() {
        assert_eq!(Lang::En.number(1234567), "1,234,567");
        assert_eq!(Lang::Km.number(1234567), "១.២៣៤.៥៦៧");
        assert_eq!(Lang::Km.number(25), "២៥");
        assert_eq!(Lang::Km.number(0), "០");
        assert_eq!(Lang::Km.digits("US$50 · 20%"), "US$៥០ · ២០%");
        assert_eq!(Lang::En.digits("20%"), "20%");
        // 2026-11-28T10:30:45Z, and 20:00 UTC the same day (already the 29th in Phnom Penh).
        assert_eq!(Lang::En.date(1_795_861_845), "28 November 2026");
        assert_eq!(Lang::Km.date(1_795_861_845), "២៨ វិច្ឆិកា ២០២៦");
        assert_eq!(Lang::En.date(1_795_896_000), "29 November 2026");
        assert_eq!(Lang::Km.date(0), "១ មករា ១៩៧០");
        for m in 1..=12 {
            let secs = (m - 1) * 31 * 86_400 + 86_400 * 2;
            assert!(!Lang::Km.date(secs).contains("  "), "month {m}");
        }
        assert_eq!(Lang::of(Lang::Km.text()), Lang::Km);
        assert_eq!(Lang::of(Lang::En.text()), Lang::En);
    }

    #[test]
    fn every_count_takes_its_language_s_form() {
        let gifts = Count {
            one: "{n} gift",
            other: "{n} gifts",
        };
        for (n, en) in [
            (0, "0 gifts"),
            (1, "1 gift"),
            (2, "2 gifts"),
            (1234, "1,234 gifts"),
        ] {
            assert_eq!(Lang::En.count(&gifts, n), en);
        }
        // The copy itself, both languages: Khmer has one form, whatever the number.
        let t = Lang::En.text();
        assert_eq!(Lang::En.count(&t.progress_gifts, 1), "1 gift");
        assert_eq!(Lang::En.count(&t.comments_count, 1), "1 comment");
        assert_eq!(Lang::En.count(&t.comments_count, 1234), "1,234 comments");
        assert_eq!(Lang::En.count(&t.pledge_months, 0), "0 months");
        let radio = t.tier("women-radio").map(|c| c.counter);
        assert_eq!(
            radio.map(|c| Lang::En.count(&c, 1)).as_deref(),
            Some("1 hour of women's radio")
        );
        assert_eq!(
            radio.map(|c| Lang::En.count(&c, 2)).as_deref(),
            Some("2 hours of women's radio")
        );
        let km = Lang::Km.text();
        for (n, digits) in [(0, "០"), (1, "១"), (2, "២"), (1234, "១.២៣៤")] {
            assert_eq!(Lang::Km.plural(n), Plural::Other);
            assert_eq!(
                Lang::Km.count(&km.progress_gifts, n),
                format!("ការបរិច្ចាគចំនួន {digits} ដង")
            );
        }
        assert_eq!(Lang::english_count(1, "row", "rows"), "1 row");
        assert_eq!(Lang::english_count(0, "row", "rows"), "0 rows");
        assert_eq!(Lang::english_count(1234, "row", "rows"), "1,234 rows");
        assert_eq!(
            [0, 1, 2, 1234].map(|n| Lang::En.plural(n)),
            [Plural::Other, Plural::One, Plural::Other, Plural::Other]
        );
    }

    #[test]
    fn paths_split_and_join_both_ways() {
        assert_eq!(Lang::split_path("/"), (Lang::En, "/"));
        assert_eq!(Lang::split_path("/km/"), (Lang::Km, "/"));
        assert_eq!(Lang::split_path("/km"), (Lang::Km, "/"));
        assert_eq!(
            Lang::split_path("/km/pledges/abc"),
            (Lang::Km, "/pledges/abc")
        );
        assert_eq!(Lang::split_path("/kmx"), (Lang::En, "/kmx"));
        for lang in Lang::ALL {
            for p in ["/", "/pledges/abc"] {
                assert_eq!(Lang::split_path(&lang.href(p)), (lang, p));
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(lang.text().lang_code, lang.code());
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::from_code("fr"), None);
    }
}
