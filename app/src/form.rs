//! What every visitor form shares: text normalised the same way, problems named the same way.
//!
//! A form with a mistake comes back with every value kept and each problem next to its field,
//! in the visitor's language, so the types here carry the field and a problem the views can
//! word, never a pre-rendered English string.

use crate::content::{fill, Text};
use crate::i18n::Lang;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;

/// One thing wrong with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    TooLong(usize),
    Amount,
    Choice,
    Email,
    Url,
    Contact,
    /// A phone number that is not one (letters, too few or too many digits).
    Phone,
    Token,
    RateLimited,
    Parent,
    /// The pledge's eligibility box was not ticked.
    Eligibility,
}

impl Problem {
    pub fn message(&self, t: &Text) -> String {
        match self {
            Problem::Required => t.error_required.to_string(),
            Problem::TooLong(n) => fill(t.error_too_long, &[("n", &Lang::of(t).number(*n as i64))]),
            Problem::Amount => t.error_amount.to_string(),
            Problem::Choice => t.error_choice.to_string(),
            Problem::Email => t.error_email.to_string(),
            Problem::Url => t.error_url.to_string(),
            Problem::Contact => t.error_contact.to_string(),
            Problem::Phone => t.error_phone.to_string(),
            Problem::Token => t.error_token.to_string(),
            Problem::RateLimited => t.error_rate_limited.to_string(),
            Problem::Parent => t.error_parent.to_string(),
            Problem::Eligibility => t.error_eligible.to_string(),
        }
    }
}

/// Problems keyed by the form field's name (`"amount"`, `"email"`, `""` for the whole form).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<(&'static str, Problem)>);

impl Problems {
    pub fn add(&mut self, field: &'static str, problem: Problem) {
        self.0.push((field, problem));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn for_field(&self, field: &str) -> Option<&Problem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| p)
    }
}

/// CRLF and lone CR become LF (browsers send CRLF from a textarea), then the C0 controls other
/// than tab and LF (NUL, BEL, ESC...) and DEL go, then outer white space goes. Nobody types a
/// control character on purpose; kept, a NUL or an ESC would travel on into D1, the CSV
/// exports and the logs. Everything else, in any script, is kept byte for byte.
pub fn normalize(text: &str) -> String {
    if !needs_cleaning(text) {
        return text.trim().to_string();
    }
    let mut out = clean_text(text);
    let end = out.trim_end().len();
    out.truncate(end);
    let start = out.len() - out.trim_start().len();
    out.drain(..start);
    out
}

/// [`normalize`] without the trimming, for a text kept exactly as typed (a comment's body):
/// line ends unified, control characters gone, every space kept.
pub fn clean_text(text: &str) -> String {
    if !needs_cleaning(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            c if is_stripped_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn needs_cleaning(text: &str) -> bool {
    text.contains(|c: char| c == '\r' || is_stripped_control(c))
}

/// What [`normalize`] removes once CR is gone: U+0000..U+001F except tab and LF, and U+007F.
fn is_stripped_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{B}'..='\u{1F}' | '\u{7F}')
}

/// Khmer digits (០–៩, what a Khmer keyboard types) as ASCII digits, everything else as it is:
/// every numeric input (amounts, phones, page numbers) is read through this.
pub fn latin_digits(s: &str) -> Cow<'_, str> {
    if !s.contains(|c: char| ('០'..='៩').contains(&c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '០'..='៩' => char::from(b'0' + (c as u32 - '០' as u32) as u8),
                c => c,
            })
            .collect(),
    )
}

/// A whole number typed in ASCII or Khmer digits, and nothing else (a page number).
pub fn parse_count(s: &str) -> Option<i64> {
    let s = latin_digits(s.trim());
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A text's length as its reader counts characters: extended grapheme clusters, so a Khmer
/// consonant with its subscript and vowel signs (ស្ត្រី: 2 clusters, 6 code points) or an
/// emoji with its modifiers is one each.
pub fn length(s: &str) -> usize {
    s.graphemes(true).count()
}

/// The bytes a text of `max` characters may take: generous (ស្ត្រី, a heavy Khmer cluster, is
/// 18 bytes; most are 3 to 9), so only a text nobody types meets it, and checked first, so that
/// counting clusters never walks an absurd input.
pub fn byte_ceiling(max: usize) -> usize {
    max.saturating_mul(24)
}

/// More than `max` characters ([`length`]), or beyond the [`byte_ceiling`].
pub fn too_long(s: &str, max: usize) -> bool {
    s.len() > byte_ceiling(max) || (s.len() > max && length(s) > max)
}

/// A required text of at most `max` characters (as readers count them: [`length`]).
pub fn required(problems: &mut Problems, field: &'static str, value: &str, max: usize) -> String {
    let v = normalize(value);
    if v.is_empty() {
        problems.add(field, Problem::Required);
    } else if too_long(&v, max) {
        problems.add(field, Problem::TooLong(max));
    }
    v
}

/// An optional text of at most `max` characters; `None` when blank.
pub fn optional(
    problems: &mut Problems,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    let v = normalize(value);
    if too_long(&v, max) {
        problems.add(field, Problem::TooLong(max));
    }
    (!v.is_empty()).then_some(v)
}

/// An optional email address: plausible shape only (the provider or a reply proves the rest).
pub fn optional_email(problems: &mut Problems, field: &'static str, value: &str) -> Option<String> {
    let v = optional(problems, field, value, 254)?;
    if !plausible_email(&v) {
        problems.add(field, Problem::Email);
    }
    Some(v)
}

/// Whether `v` has the shape of an email address: something, `@`, a domain with a dot inside,
/// no white space.
pub fn plausible_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !v.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// `CONTACT_EMAIL` as the pages show it (a `mailto:` link): trimmed, a plausible address of
/// at most 254 bytes, and nothing that would change the link (`?`, `&`, `#`, `/`, `%`, `:`),
/// quote it or hide in it (control characters). Anything else is no address: the pages then
/// say how else to reach the campaign.
pub fn contact_email(raw: &str) -> Option<String> {
    let v = raw.trim();
    let safe = !v.chars().any(|c| {
        c.is_control()
            || matches!(
                c,
                '?' | '&' | '#' | '/' | '\\' | '%' | ':' | '<' | '>' | '"' | '\''
            )
    });
    (v.len() <= 254 && safe && plausible_email(v)).then(|| v.to_string())
}

/// `STRIPE_PORTAL_URL` (#28 §3), the login link of Stripe's customer portal, as the "Manage
/// my monthly gift" page links to it: trimmed, strictly `https://` with a host, at most 500
/// bytes, and nothing that could leave the attribute or hide in it (spaces, control
/// characters, quotes, `<`, `>`, a backslash). The host is letters, digits, dots and hyphens
/// only (no user, no port). Anything else is no link: the page then says how to
/// reach the campaign.
pub fn portal_url(raw: &str) -> Option<String> {
    let v = raw.trim();
    let rest = v.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let bad = |c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (v.len() <= 500 && host_ok && !v.chars().any(bad)).then(|| v.to_string())
}

/// An optional website: only `http://` or `https://` with a host, so it can never become a
/// `javascript:` link.
pub fn optional_url(problems: &mut Problems, field: &'static str, value: &str) -> Option<String> {
    let v = optional(problems, field, value, 300)?;
    if !is_web_url(&v) {
        problems.add(field, Problem::Url);
    }
    Some(v)
}

pub fn is_web_url(v: &str) -> bool {
    let lower = v.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        &v[8..]
    } else if lower.starts_with("http://") {
        &v[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// A checkbox: browsers send it only when ticked.
pub fn ticked(value: Option<&str>) -> bool {
    matches!(value, Some(v) if !v.is_empty())
}

/// A form body or a query string (`application/x-www-form-urlencoded`, a query without its
/// `?`) as `T`: the one way the worker reads either, so the property tests
/// (`app/tests/never_panics.rs`) attack the very code it runs. Input that does not decode into
/// `T` (bytes that are not UTF-8 once percent-decoded, a value of the wrong shape) is
/// `T::default()`: the empty form, which then fails its own rules like a form sent empty.
/// Never a panic, never an error to handle: what a visitor sends is never trusted to be a form.
pub fn decode<T: DeserializeOwned + Default>(input: &[u8]) -> T {
    serde_urlencoded::from_bytes(input).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{EN, KM};

    #[test]
    fn only_a_plain_https_link_is_a_portal_url() {
        let good = "https://billing.stripe.com/p/login/test_28abcDEF";
        assert_eq!(portal_url(&format!("  {good} ")).as_deref(), Some(good));
        for bad in [
            "",
            "http://billing.stripe.com/p/login/x",
            "javascript:alert(1)",
            "https://",
            "https:///p/login",
            "https://user@billing.stripe.com/p",
            "https://billing.stripe.com:8443/p",
            "https://billing.stripe.com/p/login/x\"><script>",
            "https://billing.stripe.com/p/ login",
            "https://billing.stripe.com/p/\u{0}",
            "HTTPS://billing.stripe.com/p",
        ] {
            assert_eq!(portal_url(bad), None, "{bad:?}");
        }
        assert_eq!(portal_url(&format!("{good}{}", "a".repeat(500))), None);
    }

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    #[serde(default)]
    struct Form {
        name: String,
        count: i64,
        ticked: Option<String>,
    }

    #[test]
    fn forms_and_queries_decode_or_are_empty() {
        let f: Form = decode(b"name=%E1%9E%9F%E1%9E%BB%E1%9E%81%E1%9E%B6+ch&count=3&other=x");
        assert_eq!((f.name.as_str(), f.count, f.ticked), ("សុខា ch", 3, None));
        // A value of the wrong shape: the empty form. Bytes that are not UTF-8: U+FFFD.
        assert_eq!(decode::<Form>(b"name=a&count=many"), Form::default());
        assert_eq!(decode::<Form>(b""), Form::default());
        assert_eq!(decode::<Form>(b"name=%FF%E1%9E").name, "\u{FFFD}\u{FFFD}");
        // Repeated fields (a list of roles) and a query string, as pairs in order.
        let pairs: Vec<(String, String)> = decode("role=owner&role=moderator&ref=fb-1".as_bytes());
        assert_eq!(
            pairs,
            [("role", "owner"), ("role", "moderator"), ("ref", "fb-1")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );
    }

    #[test]
    fn normalize_keeps_khmer_and_unifies_line_ends() {
        let khmer = "សូមអរគុណ\r\nលោកជំទាវ";
        assert_eq!(normalize(khmer), "សូមអរគុណ\nលោកជំទាវ");
        assert_eq!(normalize("  a\rb  "), "a\nb");
    }

    #[test]
    fn normalize_strips_controls_but_keeps_tab_newline_and_khmer() {
        let khmer = "សូមអរគុណ\0លោកជំទាវ";
        let v = normalize(khmer);
        assert_eq!(v, "សូមអរគុណលោកជំទាវ");
        assert_eq!(v.as_bytes(), "សូមអរគុណលោកជំទាវ".as_bytes());
        assert_eq!(normalize("a\tb\nc"), "a\tb\nc");
        assert_eq!(normalize("ding\u{7}dong"), "dingdong");
        assert_eq!(normalize("\u{1B}[31mred\u{7F}"), "[31mred");
        assert_eq!(normalize("a\u{B}\u{C}\u{1F}b"), "ab");
        // CR first (a CR before a NUL is still a line end), then controls, then the trim, so
        // no white space hides behind a control at either end.
        assert_eq!(normalize("a\r\0\nb"), "a\n\nb");
        assert_eq!(normalize("\0  x \r\n\0"), "x");
        assert_eq!(normalize("\0\u{7}"), "");
        // C1 controls and other format characters are not this function's business.
        assert_eq!(normalize("a\u{85}\u{200B}b"), "a\u{85}\u{200B}b");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut p = Problems::default();
        let khmer = "ក".repeat(80); // 240 bytes, 80 characters
        required(&mut p, "name", &khmer, 80);
        assert!(p.is_empty());
        required(&mut p, "name", &"ក".repeat(81), 80);
        assert_eq!(p.for_field("name"), Some(&Problem::TooLong(80)));
        required(&mut p, "text", "   ", 10);
        assert_eq!(p.for_field("text"), Some(&Problem::Required));
    }

    #[test]
    fn lengths_are_what_a_reader_counts() {
        // ស្ត្រី: ស + ្ + ត + ្ + រ + ី, six code points, two clusters (ស្ត្រ and ី joins it: one).
        assert_eq!("ស្ត្រី".chars().count(), 6);
        assert_eq!(length("ស្ត្រី"), 1);
        assert_eq!(length("ខ្មែរ"), 2);
        assert_eq!(length("កម្ពុជា"), 3);
        // Emoji with a skin tone, a family joined by ZWJ, a flag: one each.
        assert_eq!(length("👍🏽👨‍👩‍👧🇰🇭"), 3);
        // Combining marks stay with their letter; CRLF is one.
        assert_eq!(length("e\u{301}a\u{308}\r\n"), 3);
        assert_eq!(length(""), 0);
        // The limit counts clusters: 80 Khmer words of 6 code points fit a limit of 80.
        let mut p = Problems::default();
        let name = "ស្ត្រី".repeat(80);
        assert_eq!(required(&mut p, "name", &name, 80), name);
        assert!(p.is_empty(), "{p:?}");
        required(&mut p, "name", &"ស្ត្រី".repeat(81), 80);
        assert_eq!(p.for_field("name"), Some(&Problem::TooLong(80)));
        // The byte ceiling: one letter with a hundred combining marks is one character, but
        // no reader's text.
        let heavy = format!("a{}", "\u{301}".repeat(100));
        assert_eq!(length(&heavy), 1);
        assert!(!too_long("ស្ត្រី", 1) && too_long(&heavy, 1));
        assert!(too_long(&"a".repeat(11), 10) && !too_long(&"a".repeat(10), 10));
    }

    #[test]
    fn khmer_digits_read_as_ascii_digits() {
        assert_eq!(latin_digits("០១២៣៤៥៦៧៨៩"), "0123456789");
        assert_eq!(latin_digits("+៨៥៥ 12"), "+855 12");
        assert!(matches!(latin_digits("50"), Cow::Borrowed("50")));
        assert_eq!(parse_count("៣"), Some(3));
        assert_eq!(parse_count(" 12 "), Some(12));
        for bad in ["", "-1", "1.5", "៣x", "1234567890", "٣"] {
            assert_eq!(parse_count(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_contact_address_is_an_address_and_nothing_more() {
        assert_eq!(
            contact_email("  team@campaign.example ").as_deref(),
            Some("team@campaign.example")
        );
        for bad in [
            "",
            "team",
            "team@campaign",
            "team@campaign.example?subject=x",
            "a&b@campaign.example",
            "a@campaign.example/x",
            "javascript:a@b.org",
            "a\"@b.org",
            "a\u{7}@b.org",
            "a b@campaign.example",
        ] {
            assert_eq!(contact_email(bad), None, "{bad:?}");
        }
        assert_eq!(contact_email(&format!("{}@b.org", "a".repeat(250))), None);
    }

    #[test]
    fn emails_and_urls() {
        let mut p = Problems::default();
        assert_eq!(optional_email(&mut p, "email", ""), None);
        optional_email(&mut p, "email", "a@b.org");
        assert!(p.is_empty());
        for bad in ["a@b", "@b.org", "a b@c.org", "a@.org", "plain"] {
            let mut p = Problems::default();
            optional_email(&mut p, "email", bad);
            assert_eq!(p.for_field("email"), Some(&Problem::Email), "{bad}");
        }
        assert!(is_web_url("https://example.org/x"));
        assert!(is_web_url("HTTP://example.org"));
        for bad in [
            "javascript:alert(1)",
            "https://",
            "ftp://x.org",
            "//x.org",
            "https://x.org/\"onmouseover",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }

    #[test]
    fn problems_are_worded_in_both_languages() {
        for (t, n) in [(&EN, "500"), (&KM, "៥០០")] {
            assert!(Problem::TooLong(500).message(t).contains(n));
            assert!(!Problem::Amount.message(t).is_empty());
        }
    }
}
