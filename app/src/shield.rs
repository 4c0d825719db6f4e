//! The shield against card testing: the rules, without I/O (issue #27, §3).
//!
//! Stolen-card testers post the pledge form many times and try many cards on each Checkout
//! page. Stripe tells the site of both: a declined card is `payment_intent.payment_failed` (a
//! declined try does not end the session, and sends no `checkout.session.*` event), and a
//! session nobody paid reports `checkout.session.expired` after its 30 minutes. When those
//! **signals** pass a threshold within [`WINDOW_SECS`], the shield **trips**: it tightens (lower
//! per-address limits, more of the Rate Limiting binding's permits per pledge) for
//! [`TIGHT_SECS`]; only above a second, higher threshold does it also **pause** new pledges, for
//! at most [`PAUSE_SECS`], and at most once per trip, so nobody can keep giving stopped by
//! declining cards on purpose. A maintainer can close a trip by hand. What trips it is counted
//! since the window began or since the last trip ended (closed by hand, or its pause over),
//! whichever is later, so old signals never trip it again.

use crate::limits::Window;

/// The event types that are signals.
pub const SIGNAL_TYPES: [&str; 2] = ["payment_intent.payment_failed", "checkout.session.expired"];

/// Signals are counted over this window.
pub const WINDOW_SECS: i64 = 60 * 60;
/// Declined cards in the window that tighten the shield, and that pause new pledges.
pub const TIGHTEN_FAILED: i64 = 10;
pub const PAUSE_FAILED: i64 = 40;
/// Checkout sessions expired unpaid in the window that tighten it, and that pause.
pub const TIGHTEN_EXPIRED: i64 = 30;
pub const PAUSE_EXPIRED: i64 = 120;
/// How long a trip keeps the shield tight (after its pause, if it paused).
pub const TIGHT_SECS: i64 = 3 * 60 * 60;
/// How long new pledges are paused, at most, and once per trip.
pub const PAUSE_SECS: i64 = 30 * 60;

/// How long a Checkout Session lives (`expires_at`): Stripe's minimum is 30 minutes after the
/// session's creation, as Stripe's clock has it; a minute more, so a session made a moment
/// after this worker read its clock (the call's own latency, a clock a little behind) is never
/// refused for expiring too soon. Within the hour, an abandoned session reports.
pub const CHECKOUT_EXPIRES_SECS: i64 = 31 * 60;

/// The binding's permits one pledge takes (`[[ratelimits]]` `PLEDGE_LIMITER` in
/// wrangler.office.toml: 10 a minute per address): 1, or 3 while tight (3 pledges a minute).
pub const PERMITS: i64 = 1;
pub const TIGHT_PERMITS: i64 = 3;

/// The per-address limits of a pledge (`limits::Bucket::Pledge`'s own while open), while tight.
pub const TIGHT_PLEDGE_WINDOWS: &[Window] = &[
    Window {
        secs: 10 * 60,
        max: 2,
    },
    Window {
        secs: 60 * 60,
        max: 4,
    },
];

/// Where the shield stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Open,
    Tight,
    Paused,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Open => "open",
            Level::Tight => "tight",
            Level::Paused => "paused",
        }
    }

    /// The per-address windows of a pledge at this level.
    pub fn pledge_windows(self) -> &'static [Window] {
        match self {
            Level::Open => crate::limits::Bucket::Pledge.windows(),
            Level::Tight | Level::Paused => TIGHT_PLEDGE_WINDOWS,
        }
    }

    /// The binding's permits a pledge takes at this level.
    pub fn permits(self) -> i64 {
        match self {
            Level::Open => PERMITS,
            Level::Tight | Level::Paused => TIGHT_PERMITS,
        }
    }
}

/// The signals counted in the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Signals {
    /// `payment_intent.payment_failed`: declined cards.
    pub failed: i64,
    /// `checkout.session.expired`: sessions nobody paid.
    pub expired: i64,
}

/// The level these signals ask for.
pub fn assess(s: Signals) -> Level {
    if s.failed >= PAUSE_FAILED || s.expired >= PAUSE_EXPIRED {
        Level::Paused
    } else if s.failed >= TIGHTEN_FAILED || s.expired >= TIGHTEN_EXPIRED {
        Level::Tight
    } else {
        Level::Open
    }
}

/// A trip, as stored (`shield_trips`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct Trip {
    pub id: i64,
    pub opened_at: i64,
    pub tight_until: i64,
    /// `None`: it never paused.
    pub paused_until: Option<i64>,
    /// The signals that opened it, or that paused it.
    pub failed: i64,
    pub expired: i64,
    /// Closed by a maintainer.
    pub closed_at: Option<i64>,
}

impl Trip {
    /// Its level at `now`.
    pub fn level(&self, now: i64) -> Level {
        if self.closed_at.is_some() {
            Level::Open
        } else if self.paused_until.is_some_and(|p| now < p) {
            Level::Paused
        } else if now < self.tight_until {
            Level::Tight
        } else {
            Level::Open
        }
    }

    /// Seconds until the pause ends (0 when not paused).
    pub fn pause_left(&self, now: i64) -> i64 {
        match (self.level(now), self.paused_until) {
            (Level::Paused, Some(p)) => p - now,
            _ => 0,
        }
    }
}

/// The level at `now`, given the latest trip.
pub fn level(latest: Option<&Trip>, now: i64) -> Level {
    latest.map_or(Level::Open, |t| t.level(now))
}

/// Signals received after this count: the window's start, or the end of the latest trip's
/// pause or of the trip itself when a maintainer closed it, whichever is later.
pub fn counting_since(latest: Option<&Trip>, now: i64) -> i64 {
    let reset = latest.and_then(|t| t.closed_at.or_else(|| t.paused_until.filter(|p| *p <= now)));
    reset.map_or(now - WINDOW_SECS, |r| r.max(now - WINDOW_SECS))
}

/// What a new signal changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Nothing,
    /// A new trip (none is running).
    Open {
        tight_until: i64,
        paused_until: Option<i64>,
    },
    /// The running trip `id`, tight and never paused, pauses.
    Pause {
        id: i64,
        tight_until: i64,
        paused_until: i64,
    },
}

impl Step {
    /// The level the step sets, for its alert.
    pub fn level(self) -> Level {
        match self {
            Step::Nothing => Level::Open,
            Step::Open {
                paused_until: None, ..
            } => Level::Tight,
            Step::Open { .. } | Step::Pause { .. } => Level::Paused,
        }
    }
}

/// Decides what the signals counted since [`counting_since`] do to the latest trip.
pub fn step(latest: Option<&Trip>, signals: Signals, now: i64) -> Step {
    let running = latest.filter(|t| t.level(now) != Level::Open);
    let paused = |from: i64| (from + PAUSE_SECS, from + PAUSE_SECS + TIGHT_SECS);
    match (running, assess(signals)) {
        (_, Level::Open) => Step::Nothing,
        (None, Level::Tight) => Step::Open {
            tight_until: now + TIGHT_SECS,
            paused_until: None,
        },
        (None, Level::Paused) => {
            let (p, t) = paused(now);
            Step::Open {
                tight_until: t,
                paused_until: Some(p),
            }
        }
        (Some(trip), Level::Paused) if trip.paused_until.is_none() => {
            let (p, t) = paused(now);
            Step::Pause {
                id: trip.id,
                tight_until: t.max(trip.tight_until),
                paused_until: p,
            }
        }
        (Some(_), _) => Step::Nothing,
    }
}

/// The team's message when a trip opens or pauses: counts only.
pub fn message(level: Level, s: Signals, origin: &str) -> String {
    let what = match level {
        Level::Paused => format!(
            "paused new gifts for {} minutes, and tightened the limits",
            PAUSE_SECS / 60
        ),
        _ => "tightened the limits on new gifts".to_string(),
    };
    let link = format!("{}{}#shield", origin, crate::routes::Admin::Index.path());
    let count = crate::i18n::Lang::english_count;
    format!(
        "Card-testing shield: {} and {} in the last hour; it {what}. Stripe Radar and the overview: {link}",
        count(s.failed, "declined card", "declined cards"),
        count(s.expired, "unpaid checkout expired", "unpaid checkouts expired"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn trip(tight_until: i64, paused_until: Option<i64>, closed_at: Option<i64>) -> Trip {
        Trip {
            id: 7,
            opened_at: NOW - 100,
            tight_until,
            paused_until,
            failed: 10,
            expired: 0,
            closed_at,
        }
    }

    fn sig(failed: i64, expired: i64) -> Signals {
        Signals { failed, expired }
    }

    #[test]
    fn thresholds_decide_the_level() {
        assert_eq!(assess(sig(0, 0)), Level::Open);
        assert_eq!(
            assess(sig(TIGHTEN_FAILED - 1, TIGHTEN_EXPIRED - 1)),
            Level::Open
        );
        assert_eq!(assess(sig(TIGHTEN_FAILED, 0)), Level::Tight);
        assert_eq!(assess(sig(0, TIGHTEN_EXPIRED)), Level::Tight);
        assert_eq!(
            assess(sig(PAUSE_FAILED - 1, PAUSE_EXPIRED - 1)),
            Level::Tight
        );
        assert_eq!(assess(sig(PAUSE_FAILED, 0)), Level::Paused);
        assert_eq!(assess(sig(0, PAUSE_EXPIRED)), Level::Paused);
        const { assert!(TIGHTEN_FAILED < PAUSE_FAILED && TIGHTEN_EXPIRED < PAUSE_EXPIRED) };
    }

    #[test]
    fn tight_is_tighter_than_open_in_both_limits() {
        let open = Level::Open.pledge_windows();
        let tight = Level::Tight.pledge_windows();
        let allowed = |ws: &[Window], secs: i64| {
            ws.iter()
                .filter(|w| w.secs <= secs)
                .map(|w| w.max)
                .min()
                .unwrap_or(i64::MAX)
        };
        for secs in [600, 3600] {
            assert!(allowed(tight, secs) < allowed(open, secs).min(secs / 600 * 5));
        }
        assert!(Level::Tight.permits() > Level::Open.permits());
        for w in tight {
            assert!(w.secs <= crate::limits::KEEP_SECS);
        }
    }

    #[test]
    fn a_trip_is_paused_then_tight_then_over_and_closing_ends_it() {
        let t = trip(NOW + 1000, Some(NOW + 100), None);
        assert_eq!(t.level(NOW), Level::Paused);
        assert_eq!(t.pause_left(NOW), 100);
        assert_eq!(t.level(NOW + 100), Level::Tight);
        assert_eq!(t.pause_left(NOW + 100), 0);
        assert_eq!(t.level(NOW + 1000), Level::Open);
        assert_eq!(
            trip(NOW + 1000, Some(NOW + 100), Some(NOW)).level(NOW),
            Level::Open
        );
        assert_eq!(level(None, NOW), Level::Open);
    }

    #[test]
    fn signals_count_from_the_window_or_the_last_reset() {
        assert_eq!(counting_since(None, NOW), NOW - WINDOW_SECS);
        // A running pause does not reset; one that is over does.
        let t = trip(NOW + 9000, Some(NOW + 100), None);
        assert_eq!(counting_since(Some(&t), NOW), NOW - WINDOW_SECS);
        assert_eq!(counting_since(Some(&t), NOW + 200), NOW + 100);
        // Closed by hand: from then on.
        let c = trip(NOW + 9000, None, Some(NOW - 60));
        assert_eq!(counting_since(Some(&c), NOW), NOW - 60);
        // Long ago: the window.
        let old = trip(NOW - 9000, None, Some(NOW - 2 * WINDOW_SECS));
        assert_eq!(counting_since(Some(&old), NOW), NOW - WINDOW_SECS);
    }

    #[test]
    fn a_trip_opens_pauses_once_and_never_twice() {
        assert_eq!(step(None, sig(1, 1), NOW), Step::Nothing);
        assert_eq!(
            step(None, sig(TIGHTEN_FAILED, 0), NOW),
            Step::Open {
                tight_until: NOW + TIGHT_SECS,
                paused_until: None
            }
        );
        assert_eq!(
            step(None, sig(PAUSE_FAILED, 0), NOW),
            Step::Open {
                tight_until: NOW + PAUSE_SECS + TIGHT_SECS,
                paused_until: Some(NOW + PAUSE_SECS)
            }
        );
        let tight = trip(NOW + 500, None, None);
        assert_eq!(
            step(Some(&tight), sig(TIGHTEN_FAILED + 5, 0), NOW),
            Step::Nothing
        );
        assert_eq!(
            step(Some(&tight), sig(PAUSE_FAILED, 0), NOW),
            Step::Pause {
                id: 7,
                tight_until: NOW + PAUSE_SECS + TIGHT_SECS,
                paused_until: NOW + PAUSE_SECS
            }
        );
        // Paused once: never again in the same trip, however many signals.
        let was_paused = trip(NOW + 5000, Some(NOW - 10), None);
        assert_eq!(step(Some(&was_paused), sig(1000, 1000), NOW), Step::Nothing);
        // A trip over (or closed) lets a new one open.
        let over = trip(NOW - 1, None, None);
        assert!(matches!(
            step(Some(&over), sig(TIGHTEN_FAILED, 0), NOW),
            Step::Open { .. }
        ));
        let closed = trip(NOW + 5000, None, Some(NOW - 1));
        assert!(matches!(
            step(Some(&closed), sig(PAUSE_FAILED, 0), NOW),
            Step::Open { .. }
        ));
        assert_eq!(step(None, sig(PAUSE_FAILED, 0), NOW).level(), Level::Paused);
        assert_eq!(
            step(None, sig(TIGHTEN_FAILED, 0), NOW).level(),
            Level::Tight
        );
    }

    #[test]
    fn the_message_has_counts_and_a_link_only() {
        let m = message(Level::Paused, sig(41, 3), "https://c.example");
        assert!(m.contains("41 declined cards and 3 unpaid"), "{m}");
        assert!(m.contains("paused new gifts for 30 minutes"), "{m}");
        assert!(m.ends_with("https://c.example/admin#shield"), "{m}");
        let t = message(Level::Tight, sig(1234, 0), "");
        assert!(
            t.contains("1,234 declined cards") && t.contains("tightened"),
            "{t}"
        );
    }
}
