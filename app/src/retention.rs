//! How long the site keeps what it keeps: the retention rules, one named period each.
//!
//! What the site never kept cannot be seized or leaked. The scheduled retention job applies
//! exactly these periods, and the privacy page states them from the same values, so the page
//! cannot say one thing while the job does another. Where a campaign may reasonably choose
//! otherwise (how long to keep volunteers), a `[vars]` entry overrides the default within
//! bounds ([`Periods::from_vars`]).

pub const DAY: i64 = 24 * 60 * 60;

/// Comments marked as spam: long enough for a maintainer to notice a mistake.
pub const SPAM_DAYS: i64 = 30;
/// Comments held and never approved: a quarter, then they are not coming.
pub const HELD_DAYS: i64 = 90;
/// A donor's name, email and note, after the pledge is settled (paid, refunded, failed or
/// expired): time enough for receipts, refunds and disputes, whose card-network window is
/// the longest of them. A name the donor chose to show stays (it is public already); amounts,
/// tier, designation, status and dates stay, or the ledger would not add up.
pub const DONOR_DAYS: i64 = 90;
/// Offers of help, after sign-up, unless `VOLUNTEER_RETENTION_DAYS` says otherwise.
pub const VOLUNTEER_DAYS: i64 = 365;
/// The shortest and longest a campaign may set for volunteers.
pub const VOLUNTEER_DAYS_RANGE: (i64, i64) = (30, 3 * 365);
/// The maintainers' audit trail (who signed in, moderated, exported, erased...: ids and counts,
/// never content): two years, long enough to answer for a campaign's cycle.
pub const AUDIT_DAYS: i64 = 2 * 365;
/// Which PaymentIntent paid an invoice, when no payment of ours is that invoice: the invoice
/// would have arrived long before (and the reconciliation reads 30 days back).
pub const INVOICE_LINK_DAYS: i64 = 90;
/// A pending pledge older than this is closed as expired by the site (Stripe's Checkout
/// Sessions expire after 24 hours; this leaves a day for a late webhook).
pub const PENDING_HOURS: i64 = 48;

/// D1's Time Travel: the database can be restored, as a whole and only as a whole, to any
/// minute of the last 30 days (Cloudflare's figure on Workers Paid, the plan the README asks
/// for; README, "Changing the schema, releasing, backing up"). So whatever the site deletes, by
/// these periods or on request, can still come back through such a restore for this long, and
/// the privacy page and the erasure pages say so; then it is gone. The site makes no other
/// copy. If Cloudflare's figure changes, change it here.
pub const RESTORE_DAYS: i64 = 30;

/// Copies kept for speed: the edge cache (`worker/site/src/cache/`) keeps pages at each of
/// Cloudflare's data centres. How long a kept page is fresh, unless `EDGE_CACHE_SECS` says less
/// (0 to 60).
pub const EDGE_TTL_SECS: u32 = 60;
/// How long past its freshness a kept page is still served (once, while it is drawn anew):
/// the Cache API honours `max-age` only, so an entry lives `EDGE_CACHE_SECS` + this.
pub const STALE_SECS: u32 = 600;
/// How long an isolate trusts its own copy of a kept entry before it asks the Cache API
/// again: another isolate's write reaches it at most this much later than the Cache API.
pub const MEMO_SECS: i64 = 10;

/// The periods in force, in days (hours for pending pledges, seconds for kept copies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Periods {
    pub spam_days: i64,
    pub held_days: i64,
    pub donor_days: i64,
    pub volunteer_days: i64,
    pub pending_hours: i64,
    /// `EDGE_CACHE_SECS` as the site reads it (0 to [`EDGE_TTL_SECS`]).
    pub edge_ttl: u32,
}

impl Default for Periods {
    fn default() -> Periods {
        Periods {
            spam_days: SPAM_DAYS,
            held_days: HELD_DAYS,
            donor_days: DONOR_DAYS,
            volunteer_days: VOLUNTEER_DAYS,
            pending_hours: PENDING_HOURS,
            edge_ttl: EDGE_TTL_SECS,
        }
    }
}

impl Periods {
    /// The defaults, with `VOLUNTEER_RETENTION_DAYS` (whole days, within
    /// [`VOLUNTEER_DAYS_RANGE`]) if it is set and valid; anything else keeps the default.
    pub fn from_vars(volunteer_days: Option<&str>) -> Periods {
        let (lo, hi) = VOLUNTEER_DAYS_RANGE;
        let volunteer_days = volunteer_days
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|d| (lo..=hi).contains(d))
            .unwrap_or(VOLUNTEER_DAYS);
        Periods {
            volunteer_days,
            ..Periods::default()
        }
    }

    /// What an erasure, a removal, an author's deletion or an unpublished update still leaves
    /// showing, and for how long: the data centre that handled it drops every kept copy that
    /// can show it at once, its other isolates stop within [`MEMO_SECS`], every other data
    /// centre once its copy has expired (freshness, staleness, and the memory of an isolate
    /// that read it last), in whole minutes rounded up; and D1 keeps it restorable for
    /// [`RESTORE_DAYS`]. The numbers the privacy page and the deletion pages state.
    pub fn erasure(&self) -> Erasure {
        let elsewhere = i64::from(self.edge_ttl) + i64::from(STALE_SECS) + MEMO_SECS;
        Erasure {
            here_secs: MEMO_SECS,
            elsewhere_minutes: (elsewhere + 59) / 60,
            restore_days: RESTORE_DAYS,
        }
    }

    /// The moments before which each kind of record is forgotten, at `now`.
    pub fn cutoffs(&self, now: i64) -> Cutoffs {
        Cutoffs {
            spam_before: now - self.spam_days * DAY,
            held_before: now - self.held_days * DAY,
            donor_settled_before: now - self.donor_days * DAY,
            volunteer_before: now - self.volunteer_days * DAY,
            pending_before: now - self.pending_hours * 60 * 60,
        }
    }
}

/// How long what was erased can still be seen or restored ([`Periods::erasure`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Erasure {
    /// Near the reader: the other isolates of the data centre that handled it.
    pub here_secs: i64,
    /// Everywhere else.
    pub elsewhere_minutes: i64,
    /// In D1's restore history.
    pub restore_days: i64,
}

/// Unix seconds: records older than these go (or, for pending pledges, are closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cutoffs {
    pub spam_before: i64,
    pub held_before: i64,
    pub donor_settled_before: i64,
    pub volunteer_before: i64,
    pub pending_before: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_one_override() {
        let p = Periods::default();
        assert_eq!(
            (
                p.spam_days,
                p.held_days,
                p.donor_days,
                p.volunteer_days,
                p.pending_hours
            ),
            (30, 90, 90, 365, 48)
        );
        assert_eq!(Periods::from_vars(Some("180")).volunteer_days, 180);
        for bad in ["", "x", "-5", "29", "1096", "1e3"] {
            assert_eq!(Periods::from_vars(Some(bad)).volunteer_days, 365, "{bad:?}");
        }
        assert_eq!(Periods::from_vars(None), Periods::default());
    }

    #[test]
    fn what_an_erasure_leaves_and_for_how_long() {
        let e = Periods::default().erasure();
        // 60 s fresh, 600 s stale, 10 s in an isolate's memory: 670 s, 12 minutes at most.
        assert_eq!(
            (e.here_secs, e.elsewhere_minutes, e.restore_days),
            (10, 12, 30)
        );
        let off = Periods {
            edge_ttl: 0,
            ..Periods::default()
        };
        assert_eq!(off.erasure().elsewhere_minutes, 11);
        // Every number a page fills into running text is a plural count in English.
        assert!(e.here_secs > 1 && e.elsewhere_minutes > 1 && e.restore_days > 1);
    }

    #[test]
    fn cutoffs_count_back_from_now() {
        let c = Periods::default().cutoffs(1_000 * DAY);
        assert_eq!(c.spam_before, 970 * DAY);
        assert_eq!(c.held_before, 910 * DAY);
        assert_eq!(c.donor_settled_before, 910 * DAY);
        assert_eq!(c.volunteer_before, 635 * DAY);
        assert_eq!(c.pending_before, 1_000 * DAY - 48 * 3600);
    }
}
