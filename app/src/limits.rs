//! How often one visitor may act: the rate-limit policy, one bucket per kind of action.
//!
//! Counting is the store's job and is atomic: one statement records an action only while the
//! visitor is under every window of its bucket, and whether it recorded decides (so parallel
//! requests cannot all slip through a check-then-insert). The visitor is the keyed hash of
//! `CF-Connecting-IP`; a request without that header (never in production, where Cloudflare
//! always sets it) counts as the one visitor `unknown`, so leaving it out buys nothing.
//!
//! The platform's Rate Limiting binding counts per location over 10 or 60 s, and cannot say
//! "5 in 10 minutes" or "10 an hour", so it is not the rule: for pledges it is a cheap
//! pre-filter in front of it (`app::shield`, `PLEDGE_LIMITER` in wrangler.office.toml), and
//! these windows still decide.

/// A kind of counted action, as stored in `rate_events.bucket`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// Pledges: blunts stolen-card testing.
    Pledge,
    /// Comments and offers of help share one policy, in buckets of their own.
    Comment,
    Volunteer,
    /// Admin sign-in tries. Every try reserves a place first and a successful one gives it
    /// back, so at most [`LOGIN_TRIES`] passwords are ever checked per window.
    Login,
}

/// At most `max` actions within `secs` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub secs: i64,
    pub max: i64,
}

/// Sign-in tries per visitor per window, and the window: after that many wrong passwords,
/// every try is refused unread until the oldest of them is this old.
pub const LOGIN_TRIES: i64 = 5;
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;

/// Counted actions older than this are pruned as new ones arrive: longer than every window.
pub const KEEP_SECS: i64 = 24 * 60 * 60;

impl Bucket {
    pub const ALL: [Bucket; 4] = [
        Bucket::Pledge,
        Bucket::Comment,
        Bucket::Volunteer,
        Bucket::Login,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Pledge => "pledge",
            Bucket::Comment => "comment",
            Bucket::Volunteer => "volunteer",
            Bucket::Login => "login",
        }
    }

    /// Every window an action must be under; one statement checks them all.
    pub fn windows(self) -> &'static [Window] {
        match self {
            Bucket::Pledge => &[Window {
                secs: 10 * 60,
                max: 5,
            }],
            Bucket::Comment | Bucket::Volunteer => &[
                Window { secs: 60, max: 2 },
                Window {
                    secs: 60 * 60,
                    max: 10,
                },
            ],
            Bucket::Login => &[Window {
                secs: LOGIN_WINDOW_SECS,
                max: LOGIN_TRIES,
            }],
        }
    }
}

/// The address rate limits key on when the platform gave none.
pub const UNKNOWN_VISITOR: &str = "unknown";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_have_distinct_names_and_windows_within_what_is_kept() {
        let mut names: Vec<_> = Bucket::ALL.iter().map(|b| b.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Bucket::ALL.len());
        for b in Bucket::ALL {
            assert!(!b.windows().is_empty());
            for w in b.windows() {
                assert!(w.secs > 0 && w.secs <= KEEP_SECS && w.max > 0, "{b:?}");
            }
        }
        assert_eq!(Bucket::Pledge.windows(), &[Window { secs: 600, max: 5 }]);
        assert_eq!(Bucket::Comment.windows(), Bucket::Volunteer.windows());
    }
}
