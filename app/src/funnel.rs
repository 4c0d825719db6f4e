//! The giving funnel in counts (issue #28 §5): how many gift forms were sent, refused (and
//! why), turned into a checkout, shown the monthly upsell and accepted it, and paid, per day,
//! language and source code. Counts only: no address, no cookie, no id, nothing that names a
//! person, so they are kept for the campaign's life.
//!
//! A day is Phnom Penh's (UTC+7, [`day`]), the campaign's own day, as the deadline counts it.
//! The SQL is `edge::store::funnel`; the cheap refusals (the Rate Limiting binding, the
//! breaker's pause) are counted in the isolate's memory first ([`Pending`]) and added to D1 at
//! most once a [`FLUSH_SECS`], so a burst of them costs no write each.

use crate::form::{Problem, Problems};
use crate::i18n::Lang;
use crate::source_code::SourceCode;
use std::collections::BTreeMap;

/// What was counted. Stored by [`Kind::as_str`], read back strictly by [`Kind::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A gift form posted (every one, refused or not).
    Sent,
    /// Refused: the amount or the tier.
    RefusedAmount,
    /// Refused: the eligibility box was not ticked.
    RefusedEligibility,
    /// Refused: a name or a note too long.
    RefusedLengths,
    /// Refused: another field (an email that is not one, a designation that does not exist).
    RefusedOther,
    /// Refused by a rate limit: the Rate Limiting binding or the D1 limits.
    RefusedRateLimit,
    /// Refused while the card-testing breaker paused giving.
    RefusedBreaker,
    /// A pledge made and the donor sent to the checkout.
    Checkout,
    /// The "would you make it monthly?" step was shown.
    UpsellShown,
    /// The donor chose monthly at that step.
    UpsellAccepted,
    /// A pledge's first payment, counted once by the ledger.
    Paid,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Sent,
        Kind::RefusedAmount,
        Kind::RefusedEligibility,
        Kind::RefusedLengths,
        Kind::RefusedOther,
        Kind::RefusedRateLimit,
        Kind::RefusedBreaker,
        Kind::Checkout,
        Kind::UpsellShown,
        Kind::UpsellAccepted,
        Kind::Paid,
    ];

    /// The stored name (the `funnel.kind` CHECK lists the same), and the CSV's column.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Sent => "sent",
            Kind::RefusedAmount => "refused-amount",
            Kind::RefusedEligibility => "refused-eligibility",
            Kind::RefusedLengths => "refused-lengths",
            Kind::RefusedOther => "refused-other",
            Kind::RefusedRateLimit => "refused-rate-limit",
            Kind::RefusedBreaker => "refused-breaker",
            Kind::Checkout => "checkout",
            Kind::UpsellShown => "upsell-shown",
            Kind::UpsellAccepted => "upsell-accepted",
            Kind::Paid => "paid",
        }
    }

    /// Exactly one of the stored names; anything else is `None`.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The admin table's column heading, one or two words (the table fits a laptop's width).
    pub fn short(self) -> &'static str {
        match self {
            Kind::Sent => "Sent",
            Kind::RefusedAmount => "Amount",
            Kind::RefusedEligibility => "Eligibility",
            Kind::RefusedLengths => "Lengths",
            Kind::RefusedOther => "Other",
            Kind::RefusedRateLimit => "Rate limit",
            Kind::RefusedBreaker => "Breaker",
            Kind::Checkout => "Checkout",
            Kind::UpsellShown => "Asked",
            Kind::UpsellAccepted => "Chose",
            Kind::Paid => "Paid",
        }
    }

    /// What the column counts, in full (a phone's card shows it before each value).
    pub fn heading(self) -> &'static str {
        match self {
            Kind::Sent => "Forms sent",
            Kind::RefusedAmount => "Refused: amount",
            Kind::RefusedEligibility => "Refused: eligibility",
            Kind::RefusedLengths => "Refused: lengths",
            Kind::RefusedOther => "Refused: other field",
            Kind::RefusedRateLimit => "Refused: rate limit",
            Kind::RefusedBreaker => "Refused: breaker",
            Kind::Checkout => "Checkouts started",
            Kind::UpsellShown => "Monthly asked",
            Kind::UpsellAccepted => "Monthly chosen",
            Kind::Paid => "Paid",
        }
    }
}

/// Seconds between two additions of the counts kept in memory.
pub const FLUSH_SECS: i64 = 60;

/// The most (day, kind, language, code) keys kept in memory; past it, a new code counts as
/// [`OTHER_CODES`].
pub const PENDING_MAX: usize = 256;

/// The source under which counts of codes beyond [`PENDING_MAX`] are kept: not a code (a code
/// has no `*`), shown as "other codes".
pub const OTHER_CODES: &str = "*";

/// The Phnom Penh day a Unix time falls on (days since 1970-01-01 there).
pub fn day(secs: i64) -> i64 {
    secs.saturating_add(crate::time::PHNOM_PENH_OFFSET_SECS)
        .div_euclid(86_400)
}

/// The stored source of a form's `ref`: a valid code, or `""` for none.
pub fn source_of(typed: &str) -> String {
    SourceCode::parse(typed).map_or_else(String::new, SourceCode::into_string)
}

/// The one reason a refused form is counted under: the amount first, then eligibility, then
/// lengths, then any other field.
pub fn refusal(problems: &Problems) -> Kind {
    let has = |f: &dyn Fn(&str, &Problem) -> bool| problems.0.iter().any(|(k, p)| f(k, p));
    if has(&|k, p| matches!(p, Problem::Amount) || (k == "tier" && *p == Problem::Choice)) {
        Kind::RefusedAmount
    } else if has(&|_, p| *p == Problem::Eligibility) {
        Kind::RefusedEligibility
    } else if has(&|_, p| matches!(p, Problem::TooLong(_))) {
        Kind::RefusedLengths
    } else if has(&|_, p| *p == Problem::RateLimited) {
        Kind::RefusedRateLimit
    } else {
        Kind::RefusedOther
    }
}

/// One count to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub day: i64,
    pub kind: Kind,
    pub lang: Lang,
    /// A code, `""` for none, or [`OTHER_CODES`].
    pub source: String,
    pub n: i64,
}

impl Tally {
    /// One of `kind` now.
    pub fn one(now: i64, kind: Kind, lang: Lang, source: &str) -> Tally {
        Tally {
            day: day(now),
            kind,
            lang,
            source: source.to_string(),
            n: 1,
        }
    }
}

/// Counts waiting in the isolate's memory: at most [`PENDING_MAX`] keys, taken at most once
/// a [`FLUSH_SECS`] ([`Pending::take_due`]).
#[derive(Debug, Default)]
pub struct Pending {
    counts: BTreeMap<(i64, Kind, Lang, String), i64>,
    /// When the oldest count waiting was noted.
    since: Option<i64>,
}

impl Pending {
    pub fn note(&mut self, now: i64, kind: Kind, lang: Lang, source: &str) {
        let mut key = (day(now), kind, lang, source.to_string());
        if !self.counts.contains_key(&key) && self.counts.len() >= PENDING_MAX {
            key.3 = OTHER_CODES.to_string();
        }
        let n = self.counts.entry(key).or_insert(0);
        *n = n.saturating_add(1);
        self.since.get_or_insert(now);
    }

    /// Everything waiting, if the oldest waited a minute; else nothing (and it keeps waiting).
    pub fn take_due(&mut self, now: i64) -> Vec<Tally> {
        match self.since {
            Some(since) if now.saturating_sub(since) >= FLUSH_SECS => self.take(),
            _ => Vec::new(),
        }
    }

    /// Everything waiting, now.
    pub fn take(&mut self) -> Vec<Tally> {
        self.since = None;
        std::mem::take(&mut self.counts)
            .into_iter()
            .map(|((day, kind, lang, source), n)| Tally {
                day,
                kind,
                lang,
                source,
                n,
            })
            .collect()
    }

    /// Puts back what could not be stored (the next flush tries again).
    pub fn restore(&mut self, tallies: Vec<Tally>, now: i64) {
        for t in tallies {
            let n = self
                .counts
                .entry((t.day, t.kind, t.lang, t.source))
                .or_insert(0);
            *n = n.saturating_add(t.n);
        }
        self.since.get_or_insert(now);
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_nothing_else_parses() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for bad in ["", "Sent", "refused", "paid ", "refused_amount"] {
            assert_eq!(Kind::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_day_is_phnom_penhs() {
        // 16:59:59 UTC is still 28 November in Phnom Penh; 17:00 UTC is the 29th.
        assert_eq!(day(1_795_885_200) - day(1_795_885_199), 1);
        assert_eq!(day(1_795_885_200), day(1_795_885_200 + 86_399));
    }

    #[test]
    fn a_refusal_has_one_reason_in_order() {
        let mut p = Problems::default();
        p.add("note", Problem::TooLong(500));
        assert_eq!(refusal(&p), Kind::RefusedLengths);
        p.add("eligible", Problem::Eligibility);
        assert_eq!(refusal(&p), Kind::RefusedEligibility);
        p.add("amount", Problem::Amount);
        assert_eq!(refusal(&p), Kind::RefusedAmount);
        let mut q = Problems::default();
        q.add("email", Problem::Email);
        assert_eq!(refusal(&q), Kind::RefusedOther);
        let mut t = Problems::default();
        t.add("tier", Problem::Choice);
        assert_eq!(refusal(&t), Kind::RefusedAmount);
        let mut r = Problems::default();
        r.add("", Problem::RateLimited);
        assert_eq!(refusal(&r), Kind::RefusedRateLimit);
    }

    #[test]
    fn memory_waits_a_minute_and_stays_bounded() {
        let mut p = Pending::default();
        p.note(1000, Kind::RefusedRateLimit, Lang::En, "");
        p.note(1010, Kind::RefusedRateLimit, Lang::En, "");
        assert!(p.take_due(1059).is_empty());
        let taken = p.take_due(1060);
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].n, 2);
        assert!(p.is_empty() && p.take_due(5000).is_empty());
        for i in 0..PENDING_MAX + 10 {
            p.note(2000, Kind::Sent, Lang::Km, &format!("c{i}"));
        }
        let taken = p.take();
        assert_eq!(taken.len(), PENDING_MAX + 1);
        let other = taken.iter().find(|t| t.source == OTHER_CODES);
        assert_eq!(other.map(|t| t.n), Some(10));
        assert_eq!(source_of("fb-post-1"), "fb-post-1");
        assert_eq!(source_of("Bad Code"), "");
    }
}
