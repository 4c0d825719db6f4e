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

/// The periods in force, in days (hours for pending pledges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Periods {
    pub spam_days: i64,
    pub held_days: i64,
    pub donor_days: i64,
    pub volunteer_days: i64,
    pub pending_hours: i64,
}

impl Default for Periods {
    fn default() -> Periods {
        Periods {
            spam_days: SPAM_DAYS,
            held_days: HELD_DAYS,
            donor_days: DONOR_DAYS,
            volunteer_days: VOLUNTEER_DAYS,
            pending_hours: PENDING_HOURS,
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
    fn cutoffs_count_back_from_now() {
        let c = Periods::default().cutoffs(1_000 * DAY);
        assert_eq!(c.spam_before, 970 * DAY);
        assert_eq!(c.held_before, 910 * DAY);
        assert_eq!(c.donor_settled_before, 910 * DAY);
        assert_eq!(c.volunteer_before, 635 * DAY);
        assert_eq!(c.pending_before, 1_000 * DAY - 48 * 3600);
    }
}
