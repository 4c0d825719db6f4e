//! The two languages: English at `/`, Khmer under `/km/`, mirroring every visitor path.

use crate::content::{Text, EN, KM};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
