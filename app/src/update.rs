//! The campaign's updates ("What your gifts did"): short news a maintainer writes in English
//! and Khmer, public once published.
//!
//! An update is plain text: paragraphs separated by a blank line, and bare `https://` addresses
//! that the views turn into links ([`pieces`]); nothing of it is ever HTML. Either language may
//! be missing until it is translated: the page then shows the other one with a note
//! ([`Update::in_lang`]). Its state is an [`UpdateStatus`], read strictly like every stored
//! state: a row whose status this site does not know does not decode.

use crate::i18n::Lang;
use serde::Deserialize;
use std::fmt;

/// The latest updates on the campaign page.
pub const ON_HOME: i64 = 3;
/// Updates per page of `/updates`.
pub const PER_PAGE: i64 = 10;
/// Entries in a feed: the latest.
pub const IN_FEED: i64 = 20;
/// The longest title, in characters as a reader counts them.
pub const TITLE_MAX: usize = 200;
/// The longest body.
pub const BODY_MAX: usize = 10_000;

/// Where an update stands, as D1 stores it (`updates.status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum UpdateStatus {
    /// Seen by maintainers only.
    Draft,
    /// On the campaign page, `/updates` and the feeds.
    Published,
}

impl UpdateStatus {
    pub const ALL: [UpdateStatus; 2] = [UpdateStatus::Draft, UpdateStatus::Published];

    /// As stored. Never changes.
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateStatus::Draft => "draft",
            UpdateStatus::Published => "published",
        }
    }

    /// Exactly what [`as_str`](Self::as_str) writes.
    pub fn parse(s: &str) -> Option<UpdateStatus> {
        UpdateStatus::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// An update status this site does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownUpdateStatus(pub String);

impl fmt::Display for UnknownUpdateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown update status {:?}", self.0)
    }
}

impl std::error::Error for UnknownUpdateStatus {}

impl TryFrom<String> for UpdateStatus {
    type Error = UnknownUpdateStatus;

    fn try_from(s: String) -> Result<UpdateStatus, UnknownUpdateStatus> {
        UpdateStatus::parse(&s).ok_or(UnknownUpdateStatus(s))
    }
}

/// One update, as the worker loads it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Update {
    pub id: i64,
    pub title_en: Option<String>,
    pub body_en: Option<String>,
    pub title_km: Option<String>,
    pub body_km: Option<String>,
    pub status: UpdateStatus,
    /// When it was first published.
    pub published_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An update as one language's page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// The language the title and body are written in.
    pub written_in: Lang,
    /// `false`: not yet translated into the page's language, shown in `written_in`.
    pub translated: bool,
}

fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Update {
    /// The title and body in `lang`, else in the other language; `None` when neither has a
    /// title (a row no form could write).
    pub fn in_lang(&self, lang: Lang) -> Option<Shown<'_>> {
        let text = |l: Lang| {
            let (title, body) = match l {
                Lang::En => (&self.title_en, &self.body_en),
                Lang::Km => (&self.title_km, &self.body_km),
            };
            present(title).map(|t| (t, present(body).unwrap_or("")))
        };
        let (written_in, (title, body)) = match text(lang) {
            Some(t) => (lang, t),
            None => (lang.other(), text(lang.other())?),
        };
        Some(Shown {
            title,
            body,
            written_in,
            translated: written_in == lang,
        })
    }

    /// When a reader is told it was written: first published, else created.
    pub fn date(&self) -> i64 {
        self.published_at.unwrap_or(self.created_at)
    }

    /// The last change, never before the publication.
    pub fn last_change(&self) -> i64 {
        self.updated_at.max(self.date())
    }

    pub fn is_public(&self) -> bool {
        self.status == UpdateStatus::Published
    }
}

/// The admin form of an update (new or edited).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UpdateForm {
    pub title_en: String,
    pub body_en: String,
    pub title_km: String,
    pub body_km: String,
}

/// What is wrong with an update's form, in the maintainers' words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateProblem {
    /// Neither language has a title and a body.
    Empty,
    /// One language has a title without a body, or a body without a title.
    Half(Lang),
    TitleTooLong(Lang),
    BodyTooLong(Lang),
}

impl UpdateProblem {
    pub fn message(self) -> String {
        let name = |l: Lang| match l {
            Lang::En => "English",
            Lang::Km => "Khmer",
        };
        match self {
            UpdateProblem::Empty => {
                "Write a title and a text in at least one language.".to_string()
            }
            UpdateProblem::Half(l) => format!(
                "The {} version needs both a title and a text (or leave both empty until it is translated).",
                name(l)
            ),
            UpdateProblem::TitleTooLong(l) => format!(
                "The {} title can be at most {TITLE_MAX} characters.",
                name(l)
            ),
            UpdateProblem::BodyTooLong(l) => format!(
                "The {} text can be at most {BODY_MAX} characters.",
                name(l)
            ),
        }
    }
}

/// An update's texts as they will be stored: `None` for a language not written yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateText {
    pub en: Option<(String, String)>,
    pub km: Option<(String, String)>,
}

/// One language's title and body: both, or neither.
fn one_language(
    lang: Lang,
    title: &str,
    body: &str,
) -> Result<Option<(String, String)>, UpdateProblem> {
    let title = crate::form::normalize(title).replace('\n', " ");
    let body = crate::form::normalize(body);
    if title.len() > crate::form::byte_ceiling(TITLE_MAX) || crate::form::length(&title) > TITLE_MAX
    {
        return Err(UpdateProblem::TitleTooLong(lang));
    }
    if body.len() > crate::form::byte_ceiling(BODY_MAX) || crate::form::length(&body) > BODY_MAX {
        return Err(UpdateProblem::BodyTooLong(lang));
    }
    match (title.is_empty(), body.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => Ok(Some((title, body))),
        _ => Err(UpdateProblem::Half(lang)),
    }
}

impl UpdateForm {
    pub fn validate(&self) -> Result<UpdateText, UpdateProblem> {
        let en = one_language(Lang::En, &self.title_en, &self.body_en)?;
        let km = one_language(Lang::Km, &self.title_km, &self.body_km)?;
        if en.is_none() && km.is_none() {
            return Err(UpdateProblem::Empty);
        }
        Ok(UpdateText { en, km })
    }

    /// The form filled with a stored update, to edit it.
    pub fn of(u: &Update) -> UpdateForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        UpdateForm {
            title_en: s(&u.title_en),
            body_en: s(&u.body_en),
            title_km: s(&u.title_km),
            body_km: s(&u.body_km),
        }
    }
}

/// What a maintainer does to an update with one button: `POST /admin/updates/{id}/{action}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateAction {
    Publish,
    Unpublish,
}

impl UpdateAction {
    pub fn parse(s: &str) -> Option<UpdateAction> {
        match s {
            "publish" => Some(UpdateAction::Publish),
            "unpublish" => Some(UpdateAction::Unpublish),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UpdateAction::Publish => "publish",
            UpdateAction::Unpublish => "unpublish",
        }
    }

    /// The status it leaves the update in.
    pub fn status(self) -> UpdateStatus {
        match self {
            UpdateAction::Publish => UpdateStatus::Published,
            UpdateAction::Unpublish => UpdateStatus::Draft,
        }
    }
}

/// A piece of a paragraph: text, or a bare `https://` address that becomes a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// A character that may stand in a bare address: visible ASCII except what ends one in
/// running text or could not stand in an attribute (`<>"'` and the backtick, `{}|\^`).
fn in_url(c: char) -> bool {
    c.is_ascii_graphic()
        && !matches!(
            c,
            '<' | '>' | '"' | '\'' | '`' | '{' | '}' | '|' | '\\' | '^'
        )
}

/// The end of the address that starts `s` (after `https://`): punctuation that ends a sentence
/// is not part of it, nor is a closing bracket that was not opened inside it.
fn url_len(s: &str) -> usize {
    let mut end = s.find(|c: char| !in_url(c)).unwrap_or(s.len());
    loop {
        let url = &s[..end];
        let Some(last) = url.chars().last() else {
            return 0;
        };
        let trim = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' => true,
            ')' => url.matches('(').count() < url.matches(')').count(),
            ']' => url.matches('[').count() < url.matches(']').count(),
            _ => false,
        };
        if !trim {
            return end;
        }
        end -= 1;
    }
}

/// The pieces of one paragraph: its bare `https://` addresses (with a host after the scheme)
/// as links, everything else as text, in order. Only `https://` becomes a link; anything else
/// (`javascript:`, `http://`, markup) stays text, which the views escape.
pub fn pieces(paragraph: &str) -> Vec<Piece<'_>> {
    const SCHEME: &str = "https://";
    let mut out = Vec::new();
    let mut rest = paragraph;
    let mut text_start = 0;
    let mut offset = 0;
    while let Some(i) = rest.find(SCHEME) {
        let at = offset + i;
        let after = &paragraph[at + SCHEME.len()..];
        let len = url_len(after);
        // A host must follow the scheme, and the address must start a word.
        let starts_word = paragraph[..at]
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric() && in_url(c) || c.is_whitespace() || c == '(');
        let host_ok = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if len > 0 && host_ok && starts_word {
            if text_start < at {
                out.push(Piece::Text(&paragraph[text_start..at]));
            }
            let end = at + SCHEME.len() + len;
            out.push(Piece::Link(&paragraph[at..end]));
            text_start = end;
            offset = end;
        } else {
            offset = at + SCHEME.len();
        }
        rest = &paragraph[offset..];
    }
    if text_start < paragraph.len() {
        out.push(Piece::Text(&paragraph[text_start..]));
    }
    out
}

/// `rel` of every link an update carries: not endorsed, written by people, no opener.
pub const LINK_REL: &str = "nofollow ugc noopener";

#[cfg(test)]
mod tests {
    use super::*;

    fn update(en: Option<(&str, &str)>, km: Option<(&str, &str)>) -> Update {
        Update {
            id: 1,
            title_en: en.map(|(t, _)| t.to_string()),
            body_en: en.map(|(_, b)| b.to_string()),
            title_km: km.map(|(t, _)| t.to_string()),
            body_km: km.map(|(_, b)| b.to_string()),
            status: UpdateStatus::Published,
            published_at: Some(10),
            created_at: 5,
            updated_at: 20,
        }
    }

    #[test]
    fn statuses_decode_strictly() {
        for s in UpdateStatus::ALL {
            assert_eq!(UpdateStatus::parse(s.as_str()), Some(s));
        }
        for bad in ["Draft", "", "public", "published "] {
            assert_eq!(UpdateStatus::parse(bad), None, "{bad:?}");
            assert!(serde_json::from_value::<UpdateStatus>(serde_json::json!(bad)).is_err());
        }
        let row = serde_json::json!({"id": 1, "title_en": "a", "body_en": "b", "title_km": null,
            "body_km": null, "status": "archived", "published_at": null, "created_at": 1, "updated_at": 1});
        assert!(serde_json::from_value::<Update>(row).is_err());
    }

    #[test]
    fn a_missing_language_shows_the_other_with_a_note() {
        let both = update(Some(("Hello", "Body")), Some(("សួស្ដី", "អត្ថបទ")));
        let s = both.in_lang(Lang::Km).unwrap();
        assert_eq!(
            (s.title, s.translated, s.written_in),
            ("សួស្ដី", true, Lang::Km)
        );
        let en_only = update(Some(("Hello", "Body")), None);
        let s = en_only.in_lang(Lang::Km).unwrap();
        assert_eq!((s.title, s.body, s.translated), ("Hello", "Body", false));
        assert_eq!(s.written_in, Lang::En);
        let km_only = update(None, Some(("សួស្ដី", "អត្ថបទ")));
        assert!(!km_only.in_lang(Lang::En).unwrap().translated);
        // A blank title is no translation.
        let blank = update(Some(("  ", "x")), Some(("សួស្ដី", "អត្ថបទ")));
        assert_eq!(blank.in_lang(Lang::En).unwrap().written_in, Lang::Km);
        assert_eq!(update(None, None).in_lang(Lang::En), None);
        assert_eq!(both.date(), 10);
        assert_eq!(both.last_change(), 20);
    }

    #[test]
    fn the_form_wants_one_whole_language_at_least() {
        let form = |te: &str, be: &str, tk: &str, bk: &str| UpdateForm {
            title_en: te.into(),
            body_en: be.into(),
            title_km: tk.into(),
            body_km: bk.into(),
        };
        assert_eq!(form("", "", "", "").validate(), Err(UpdateProblem::Empty));
        assert_eq!(
            form(" ", "\n", "", "").validate(),
            Err(UpdateProblem::Empty)
        );
        assert_eq!(
            form("T", "", "", "").validate(),
            Err(UpdateProblem::Half(Lang::En))
        );
        assert_eq!(
            form("T", "B", "", "អត្ថបទ").validate(),
            Err(UpdateProblem::Half(Lang::Km))
        );
        let ok = form(" T\r\nx ", "a\r\n\r\nb\0", "", "").validate().unwrap();
        assert_eq!(ok.en, Some(("T x".into(), "a\n\nb".into())));
        assert_eq!(ok.km, None);
        assert_eq!(
            form(&"ក".repeat(TITLE_MAX + 1), "b", "", "").validate(),
            Err(UpdateProblem::TitleTooLong(Lang::En))
        );
        assert_eq!(
            form("", "", "t", &"x".repeat(BODY_MAX + 1)).validate(),
            Err(UpdateProblem::BodyTooLong(Lang::Km))
        );
        // A Khmer title of TITLE_MAX clusters is allowed, however many code points.
        assert!(form(&"ស្ត្រី".repeat(TITLE_MAX / 2), "b", "", "")
            .validate()
            .is_ok());
        for p in [
            UpdateProblem::Empty,
            UpdateProblem::Half(Lang::Km),
            UpdateProblem::TitleTooLong(Lang::En),
            UpdateProblem::BodyTooLong(Lang::En),
        ] {
            assert!(!p.message().is_empty());
        }
    }

    #[test]
    fn bare_https_addresses_become_links_and_nothing_else_does() {
        use Piece::*;
        assert_eq!(
            pieces("See https://example.org/report.pdf."),
            vec![
                Text("See "),
                Link("https://example.org/report.pdf"),
                Text(".")
            ]
        );
        assert_eq!(
            pieces("(https://example.org/a_(b)) and https://x.org"),
            vec![
                Text("("),
                Link("https://example.org/a_(b)"),
                Text(") and "),
                Link("https://x.org")
            ]
        );
        for text in [
            "javascript:alert(1)",
            "<script>alert(1)</script>",
            "http://example.org",
            "https://",
            "https:// x",
            "xhttps://example.org",
            "<a href=\"https://evil\">",
        ] {
            assert!(
                pieces(text).iter().all(|p| matches!(p, Text(_))),
                "{text:?}: {:?}",
                pieces(text)
            );
        }
        assert_eq!(
            pieces("a\"https://x.org\"b"),
            vec![Text("a\"https://x.org\"b")]
        );
        assert_eq!(
            pieces("https://x.org/\"onmouseover=\"alert(1)"),
            vec![Link("https://x.org/"), Text("\"onmouseover=\"alert(1)")]
        );
        assert_eq!(pieces("ក https://x.org ខ").len(), 3);
        assert_eq!(pieces(""), vec![]);
        // Every byte is kept, in order.
        for text in ["a https://x.org b https://y.org/c?d=e#f.", "https://x.org"] {
            let joined: String = pieces(text)
                .iter()
                .map(|p| match p {
                    Text(s) | Link(s) => *s,
                })
                .collect();
            assert_eq!(joined, text);
        }
    }

    #[test]
    fn actions_by_name() {
        for a in [UpdateAction::Publish, UpdateAction::Unpublish] {
            assert_eq!(UpdateAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(UpdateAction::parse("delete"), None);
        assert_eq!(UpdateAction::Unpublish.status(), UpdateStatus::Draft);
    }
}
