//! Reach: share links that name where a visitor came from (`?ref=<code>`), and links that
//! prefill the pledge form (`?tier=`, `?amount=`, `?frequency=`, then `#give`).
//!
//! A source code names a post or a chapter, never a person. It travels with the visitor in a
//! hidden field of the pledge form (no cookie) and is stored on the pledge. Neither a code nor
//! a prefill may split the edge cache or leak from one visitor to the next: the campaign page
//! is rendered with *holes* for them (like the form tokens; `views::Template`), and each
//! response fills its own from its own query string ([`Reach::choose`]). Anything that is not
//! a valid value is ignored, never an error.

use crate::form;
use crate::pledge::{Frequency, MAX_DOLLARS, MIN_DOLLARS, OWN_AMOUNT};
use crate::source_code::SourceCode;

/// The query parameter and the pledge form's hidden field that carry a source code.
pub const SOURCE_FIELD: &str = "ref";

/// What a share link asks of the page: a code and the form's prefilled values, each already
/// checked for its shape. A tier is checked against the page's choices when it is served
/// ([`Reach::choose`]), so a tier the page does not offer changes nothing.
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

/// A group of the pledge form's choices a share link may make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// A tier, or the own amount ([`OWN_AMOUNT`]).
    Tier,
    /// Once or every month.
    Frequency,
}

impl Group {
    /// As a kept page's holes name it (`views::Template::holes_table`).
    pub fn name(self) -> &'static str {
        match self {
            Group::Tier => "pick-tier",
            Group::Frequency => "pick-frequency",
        }
    }

    pub fn parse(s: &str) -> Option<Group> {
        [Group::Tier, Group::Frequency]
            .into_iter()
            .find(|g| g.name() == s)
    }
}

/// One choice of the pledge form as a shared page carries it: checked per response, by the
/// share link's values or else by `default`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    pub group: Group,
    /// A tier id, [`OWN_AMOUNT`], or a frequency (`Frequency::as_str`).
    pub value: String,
    pub default: bool,
}

/// What a share link puts into one page: decided by [`Reach::choose`] against the choices that
/// page offers.
#[derive(Debug, PartialEq, Eq)]
pub struct Chosen<'a> {
    source: &'a str,
    tier: Option<&'a str>,
    amount: Option<i64>,
    frequency: Option<&'static str>,
}

impl Reach {
    /// What this link chooses on a page whose choices are `picks`: its tier if the page offers
    /// it, else the own amount if the link names an amount and the page offers one; its
    /// frequency; its code. A tier the page does not offer, or an amount without the
    /// own-amount choice, changes nothing.
    pub fn choose<'a>(&'a self, picks: impl Iterator<Item = &'a Pick> + Clone) -> Chosen<'a> {
        let offers = |value: &str| {
            picks
                .clone()
                .any(|p| p.group == Group::Tier && p.value == value)
        };
        let tier = match (self.tier.as_deref(), self.amount) {
            (Some(t), _) if offers(t) => Some(t),
            (_, Some(_)) if offers(OWN_AMOUNT) => Some(OWN_AMOUNT),
            _ => None,
        };
        Chosen {
            source: self.source.as_deref().unwrap_or(""),
            tier,
            amount: self.amount.filter(|_| tier == Some(OWN_AMOUNT)),
            frequency: self.frequency.map(Frequency::as_str),
        }
    }
}

impl Chosen<'_> {
    /// The hidden field's value: the link's code, or nothing.
    pub fn source(&self) -> &str {
        self.source
    }

    /// The own amount's value: the link's amount when the own amount is chosen, else nothing.
    pub fn amount(&self) -> String {
        self.amount.map(|d| d.to_string()).unwrap_or_default()
    }

    /// Whether `pick` is checked: the link's choice in its group, else the default.
    pub fn checked(&self, pick: &Pick) -> bool {
        let chosen = match pick.group {
            Group::Tier => self.tier,
            Group::Frequency => self.frequency,
        };
        match chosen {
            Some(c) => c == pick.value,
            None => pick.default,
        }
    }
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

    fn picks() -> Vec<Pick> {
        let pick = |group, value: &str, default| Pick {
            group,
            value: value.into(),
            default,
        };
        vec![
            pick(Group::Tier, "a", true),
            pick(Group::Tier, "b", false),
            pick(Group::Tier, OWN_AMOUNT, false),
            pick(Group::Frequency, "once", true),
            pick(Group::Frequency, "month", false),
        ]
    }

    /// The values `r` puts on the page of [`picks`]: the code, the checked values, the amount.
    fn on_page(r: &Reach) -> (String, Vec<String>, String) {
        let picks = picks();
        let chosen = r.choose(picks.iter());
        let checked = picks
            .iter()
            .filter(|p| chosen.checked(p))
            .map(|p| p.value.clone())
            .collect();
        (chosen.source().to_string(), checked, chosen.amount())
    }

    #[test]
    fn a_link_chooses_what_the_page_offers_else_the_defaults_stand() {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            on_page(&Reach::default()),
            (String::new(), strings(&["a", "once"]), String::new())
        );
        let r = query(&[("ref", "fb-1"), ("tier", "b"), ("frequency", "month")]);
        assert_eq!(
            on_page(&r),
            ("fb-1".into(), strings(&["b", "month"]), String::new())
        );
        // An amount picks the own amount; a tier wins over it.
        assert_eq!(
            on_page(&query(&[("amount", "25")])),
            (String::new(), strings(&[OWN_AMOUNT, "once"]), "25".into())
        );
        assert_eq!(
            on_page(&query(&[("tier", "b"), ("amount", "25")])),
            (String::new(), strings(&["b", "once"]), String::new())
        );
        // A tier the page does not offer is ignored: the default stays, an amount still counts.
        assert_eq!(
            on_page(&query(&[("tier", "zzz")])),
            (String::new(), strings(&["a", "once"]), String::new())
        );
        assert_eq!(
            on_page(&query(&[("tier", "zzz"), ("amount", "30")])),
            (String::new(), strings(&[OWN_AMOUNT, "once"]), "30".into())
        );
        // Without the own-amount choice an amount changes nothing.
        let no_own: Vec<Pick> = picks()
            .into_iter()
            .filter(|p| p.value != OWN_AMOUNT)
            .collect();
        let r = query(&[("amount", "25")]);
        let chosen = r.choose(no_own.iter());
        assert!(chosen.checked(&no_own[0]) && chosen.amount().is_empty());
        for g in [Group::Tier, Group::Frequency] {
            assert_eq!(Group::parse(g.name()), Some(g));
        }
        assert_eq!(Group::parse("tier"), None);
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
