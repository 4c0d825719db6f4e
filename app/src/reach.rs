//! Reach: share links that name where a visitor came from (`?ref=<code>`), and links that
//! prefill the pledge form (`?tier=`, `?amount=`, `?frequency=`, then `#give`).
//!
//! A source code names a post or a chapter, never a person. It travels with the visitor in a
//! hidden field of the pledge form (no cookie) and is stored on the pledge. Neither a code nor
//! a prefill may split the edge cache or leak from one visitor to the next: the campaign page
//! is rendered with *slots* for them (like the form tokens, `keys::token_slot`), and each
//! response fills its own from its own query string ([`fill_reach_slots`]). Anything that is not
//! a valid value is ignored, never an error.

use crate::form;
use crate::pledge::{Frequency, MAX_DOLLARS, MIN_DOLLARS, OWN_AMOUNT};
use crate::source_code::SourceCode;

/// The query parameter and the pledge form's hidden field that carry a source code.
pub const SOURCE_FIELD: &str = "ref";

/// What a share link asks of the page: a code and the form's prefilled values, each already
/// checked for its shape. A tier is checked against the tiers at fill time (they are in the
/// page), so a tier the page does not offer changes nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    pub source: Option<SourceCode>,
    /// A tier id, or [`OWN_AMOUNT`].
    pub tier: Option<String>,
    /// Whole dollars within the form's limits.
    pub amount: Option<i64>,
    pub frequency: Option<Frequency>,
}

impl Reach {
    /// From a request's query pairs; the first value of each name counts, the rest is ignored.
    pub fn from_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Reach {
        let first = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k.as_ref() == name)
                .map(|(_, v)| v.as_ref())
        };
        Reach {
            source: first(SOURCE_FIELD).and_then(SourceCode::parse),
            // A tier id has the shape of a code (`women-radio`).
            tier: first("tier")
                .and_then(SourceCode::parse)
                .map(SourceCode::into_string),
            amount: first("amount").and_then(parse_amount),
            frequency: first("frequency").and_then(Frequency::parse),
        }
    }
}

/// Whole dollars as a link carries them: ASCII or Khmer digits only, within the form's range.
pub fn parse_amount(s: &str) -> Option<i64> {
    let s = form::latin_digits(s);
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>()
        .ok()
        .filter(|d| (MIN_DOLLARS..=MAX_DOLLARS).contains(d))
}

/// The slot where the hidden field's value goes.
pub const SOURCE_SLOT: &str = "@@reach:source@@";
/// The slot where the own amount's value goes.
pub const AMOUNT_SLOT: &str = "@@reach:amount@@";

/// The value of the `data-pick` attribute a choice carries in a template instead of
/// `checked`: its group (`tier`, `frequency`), its value and whether it is the default.
pub fn pick_slot(group: &str, value: &str, default: bool) -> String {
    format!("{group}:{value}:{}", u8::from(default))
}

fn pick_attr(group: &str, value: &str, default: bool) -> String {
    format!(" data-pick=\"{}\"", pick_slot(group, value, default))
}

/// Fills a template's reach slots for one response: the code in the hidden field, the chosen
/// tier and frequency checked (else the defaults), the own amount's value. A tier that is not
/// one of the page's choices, or an amount without the own-amount choice, changes nothing.
///
/// Only the pledge form is touched (from the first `id="pledge-form"` to its `</form>`): the
/// comments after it are visitors' text, which could spell out a slot but never a `</form>`.
pub fn fill_reach_slots(html: &str, reach: &Reach) -> String {
    if !html.contains(SOURCE_SLOT) {
        return html.to_string();
    }
    let start = html.find("id=\"pledge-form\"").unwrap_or(0);
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    format!(
        "{}{}{}",
        &html[..start],
        fill_form(&html[start..end], reach),
        &html[end..]
    )
}

fn fill_form(html: &str, reach: &Reach) -> String {
    let has_choice = |group: &str, value: &str| {
        html.contains(&pick_attr(group, value, true))
            || html.contains(&pick_attr(group, value, false))
    };
    let tier = reach
        .tier
        .as_deref()
        .filter(|t| has_choice("tier", t))
        .map(str::to_string)
        .or_else(|| {
            reach
                .amount
                .filter(|_| has_choice("tier", OWN_AMOUNT))
                .map(|_| OWN_AMOUNT.to_string())
        });
    let amount = match (tier.as_deref(), reach.amount) {
        (Some(OWN_AMOUNT), Some(d)) => d.to_string(),
        _ => String::new(),
    };
    let frequency = reach.frequency.map(Frequency::as_str);
    let mut out = html
        .replace(SOURCE_SLOT, reach.source.as_deref().unwrap_or(""))
        .replace(AMOUNT_SLOT, &amount);
    for (group, chosen) in [("tier", tier.as_deref()), ("frequency", frequency)] {
        out = fill_picks(&out, group, chosen);
    }
    out
}

/// Replaces every `data-pick` of `group` by `checked` (the chosen value, else the default) or
/// by nothing.
fn fill_picks(html: &str, group: &str, chosen: Option<&str>) -> String {
    let open = format!(" data-pick=\"{group}:");
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(&open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        let Some(end) = after.find('"') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let (value, default) = match after[..end].rsplit_once(':') {
            Some((v, d)) => (v, d == "1"),
            None => (&after[..end], false),
        };
        let on = match chosen {
            Some(c) => c == value,
            None => default,
        };
        if on {
            out.push_str(" checked");
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Days the by-source report looks back by default, and at most.
pub const REPORT_DAYS: i64 = 30;
pub const REPORT_DAYS_MAX: i64 = 3650;

/// The report's period as asked (`?days=`): a whole number of days within bounds, else the
/// default.
pub fn report_days(asked: Option<&str>) -> i64 {
    asked
        .and_then(|d| d.trim().parse::<i64>().ok())
        .map_or(REPORT_DAYS, |d| d.clamp(1, REPORT_DAYS_MAX))
}

/// One line of the by-source report: a code (`None`: pledges that came with none), the pledges
/// made in the period, the pledges with a counted payment in it, and those payments' net sum
/// (a monthly gift's renewals count for its pledge's code).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct SourceRow {
    pub source: Option<String>,
    pub pledges: i64,
    pub paid: i64,
    pub net_cents: i64,
}

/// A share link: the site's address, the page in `lang` (`/` or `/km/`), the code and the
/// tier as the link builder was given them (each only if valid), jumping to the form.
pub fn share_link(base: &str, km: bool, source: Option<&str>, tier: Option<&str>) -> String {
    let mut link = format!(
        "{}{}",
        base.trim_end_matches('/'),
        if km { "/km/" } else { "/" }
    );
    let mut sep = '?';
    for (name, value) in [(SOURCE_FIELD, source), ("tier", tier)] {
        if let Some(v) = value.and_then(SourceCode::parse) {
            link.push(sep);
            link.push_str(name);
            link.push('=');
            link.push_str(&v);
            sep = '&';
        }
    }
    link.push_str("#give");
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &[(&str, &str)]) -> Reach {
        Reach::from_query(q)
    }

    #[test]
    fn a_query_gives_only_valid_values() {
        let r = query(&[
            ("ref", "fb-post-12"),
            ("tier", "women-radio"),
            ("amount", "25"),
            ("frequency", "month"),
            ("ref", "second"),
        ]);
        assert_eq!(r.source.as_deref(), Some("fb-post-12"));
        assert_eq!(r.tier.as_deref(), Some("women-radio"));
        assert_eq!(r.amount, Some(25));
        assert_eq!(r.frequency, Some(Frequency::Monthly));
        assert_eq!(query(&[("amount", "២៥")]).amount, Some(25));
        let bad = query(&[
            ("ref", "FB"),
            ("tier", "Women Radio"),
            ("amount", "4"),
            ("frequency", "weekly"),
        ]);
        assert_eq!(bad, Reach::default());
        for a in ["", "-5", "25.50", "1e3", "99999999999", "$25", " 25"] {
            assert_eq!(parse_amount(a), None, "{a:?}");
        }
        assert_eq!(parse_amount(&MAX_DOLLARS.to_string()), Some(MAX_DOLLARS));
        assert_eq!(parse_amount(&(MAX_DOLLARS + 1).to_string()), None);
    }

    fn template() -> String {
        format!(
            "<input name=\"ref\" value=\"{SOURCE_SLOT}\">\
             <input type=\"radio\" value=\"a\"{}><input type=\"radio\" value=\"b\"{}>\
             <input type=\"radio\" value=\"own\"{}><input name=\"amount\" value=\"{AMOUNT_SLOT}\">\
             <input type=\"radio\" value=\"once\"{}><input type=\"radio\" value=\"month\"{}>",
            pick_attr("tier", "a", true),
            pick_attr("tier", "b", false),
            pick_attr("tier", OWN_AMOUNT, false),
            pick_attr("frequency", "once", true),
            pick_attr("frequency", "month", false),
        )
    }

    #[test]
    fn slots_are_filled_with_the_defaults_or_the_link_s_values() {
        let blank = fill_reach_slots(&template(), &Reach::default());
        assert_eq!(
            blank,
            "<input name=\"ref\" value=\"\">\
             <input type=\"radio\" value=\"a\" checked><input type=\"radio\" value=\"b\">\
             <input type=\"radio\" value=\"own\"><input name=\"amount\" value=\"\">\
             <input type=\"radio\" value=\"once\" checked><input type=\"radio\" value=\"month\">"
        );
        let r = query(&[("ref", "fb-1"), ("tier", "b"), ("frequency", "month")]);
        let html = fill_reach_slots(&template(), &r);
        assert!(html.contains("value=\"fb-1\""));
        assert!(html.contains("value=\"b\" checked") && !html.contains("value=\"a\" checked"));
        assert!(
            html.contains("value=\"month\" checked") && !html.contains("value=\"once\" checked")
        );
        assert!(!html.contains("data-pick") && !html.contains("@@reach"));
        // An amount picks the own amount; a tier wins over it.
        let html = fill_reach_slots(&template(), &query(&[("amount", "25")]));
        assert!(html.contains("value=\"own\" checked") && html.contains("value=\"25\""));
        let html = fill_reach_slots(&template(), &query(&[("tier", "b"), ("amount", "25")]));
        assert!(html.contains("value=\"b\" checked") && !html.contains("value=\"25\""));
        // A tier the page does not offer is ignored: the default stays.
        let html = fill_reach_slots(&template(), &query(&[("tier", "zzz")]));
        assert!(html.contains("value=\"a\" checked"));
        // A page without slots is left alone.
        assert_eq!(fill_reach_slots("<p>x</p>", &r), "<p>x</p>");
        // Only the form is filled: what follows it (comments) is left as it is.
        let page = format!(
            "<form id=\"pledge-form\">{}</form><p> data-pick=\"tier:zzz:0\" {SOURCE_SLOT}</p>",
            template()
        );
        let html = fill_reach_slots(&page, &query(&[("tier", "zzz"), ("ref", "fb-1")]));
        assert!(html.contains("value=\"a\" checked"), "{html}");
        assert!(html.ends_with(&format!("<p> data-pick=\"tier:zzz:0\" {SOURCE_SLOT}</p>")));
    }

    #[test]
    fn share_links_carry_only_valid_values() {
        assert_eq!(
            share_link("https://x.org/", false, Some("fb-1"), Some("women-radio")),
            "https://x.org/?ref=fb-1&tier=women-radio#give"
        );
        assert_eq!(
            share_link("https://x.org", true, Some("Bad Code"), Some("women-radio")),
            "https://x.org/km/?tier=women-radio#give"
        );
        assert_eq!(
            share_link("https://x.org", true, None, None),
            "https://x.org/km/#give"
        );
    }
}
