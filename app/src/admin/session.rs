//! Maintainers' sessions: the cookie, what D1 keeps of it, and why a login came back.
//!
//! The cookie carries a random id only; D1 keeps a SHA-256 of it, so a leaked table opens no
//! session. It travels to `/admin` alone, `HttpOnly; Secure; SameSite=Strict`, and lasts a
//! fixed 12 hours. Sign-in tries are limited per keyed IP hash by the `Login` bucket of
//! [`crate::limits`] (strictly); per account, and per device that signed in before, failures
//! only slow sign-in down ([`SlowDown`]).

use crate::keys::hex;
use sha2::{Digest, Sha256};

use crate::cookies::ADMIN_SESSION;

/// The session cookie's name ([`ADMIN_SESSION`], declared with the site's other cookies).
pub const SESSION_COOKIE: &str = ADMIN_SESSION.name;
/// A session lasts 12 hours from login, however busy it is: the cookie's lifetime.
pub const SESSION_SECS: i64 = ADMIN_SESSION.max_age;

/// A session id as the cookie carries it: 16 random bytes, lowercase hex.
pub fn session_id(random: [u8; 16]) -> String {
    hex(&random)
}

/// Whether a cookie value is shaped like a session id at all (anything else is not looked up).
pub fn is_session_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What D1 keeps of a session id. The id carries 128 random bits, so a plain hash is enough to
/// make the stored value useless as a cookie.
pub fn session_hash(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

/// `Set-Cookie` for a new session. `Secure` always: browsers accept it on `http://localhost`.
pub fn session_cookie(id: &str) -> String {
    ADMIN_SESSION.set(id, true)
}

/// `Set-Cookie` that makes the browser forget the session (the row is deleted as well).
pub fn cleared_session_cookie() -> String {
    ADMIN_SESSION.clear(true)
}

/// A sign-in name as typed, if it is one: trimmed, lowercased, 2 to 40 of `a-z 0-9 . - _`.
/// Names are how maintainers know each other in the audit trail, not secrets.
pub fn sign_in_name(typed: &str) -> Option<String> {
    let name = typed.trim().to_ascii_lowercase();
    let ok = (2..=40).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
    ok.then_some(name)
}

/// Failed sign-ins an account (or a device) may have before each next try must wait.
pub const FREE_FAILURES: i64 = 5;
/// The longest a next try waits: failures slow sign-in down, they never lock an account (a
/// lock-out would let anyone lock the owner out by typing their name).
pub const MAX_WAIT_SECS: i64 = 300;

/// How long the try after `failed` failures must wait: none after the first four (as many as
/// one address may try in a quarter of an hour, with the fifth), then 10 s, 20 s, 40 s… up to
/// [`MAX_WAIT_SECS`].
pub fn wait_after(failed: i64) -> i64 {
    if failed < FREE_FAILURES {
        return 0;
    }
    let doublings = (failed - FREE_FAILURES).min(10) as u32;
    (10i64 << doublings).min(MAX_WAIT_SECS)
}

/// A sign-in slow-down as D1 keeps it, for an account (any browser without its device
/// cookie) or for one device ([`crate::admin::device`]): the failures counted, and when the
/// next try may start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlowDown {
    pub failed: i64,
    pub next_try_at: i64,
}

impl SlowDown {
    /// The state once a try at `now` has taken its turn, counted as a failure before its
    /// password is hashed (a success gives it back); `None` while an earlier try's wait runs.
    /// The store writes it only over the state it was computed from (`failed` unchanged and
    /// the wait over, one statement), so of tries arriving together one takes the turn.
    pub fn reserve(self, now: i64) -> Option<SlowDown> {
        if self.next_try_at > now {
            return None;
        }
        let failed = self.failed.saturating_add(1);
        // Without a wait, the next try is due as it was: already.
        let next_try_at = match wait_after(failed) {
            0 => self.next_try_at,
            wait => now + wait,
        };
        Some(SlowDown {
            failed,
            next_try_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_cookies_and_hashes() {
        let id = session_id([0xab; 16]);
        assert!(is_session_id(&id));
        assert!(!is_session_id(&id.to_uppercase()));
        assert!(!is_session_id("abc"));
        assert!(!is_session_id(&format!("{}g", &id[..31])));
        let h = session_hash(&id);
        assert_eq!(h.len(), 64);
        assert!(!h.contains(&id));
        assert_ne!(h, session_hash(&session_id([0xac; 16])));
        let c = session_cookie(&id);
        for part in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/admin",
            "Max-Age=43200",
        ] {
            assert!(c.split("; ").any(|p| p == part), "{c} lacks {part}");
        }
        assert!(cleared_session_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn names_are_plain_lowercase_and_bounded() {
        assert_eq!(sign_in_name(" Sokha.K ").as_deref(), Some("sokha.k"));
        for bad in ["", "a", "has space", "ស្រី", "x<y", &"a".repeat(41)] {
            assert_eq!(sign_in_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn failures_slow_an_account_down_and_never_lock_it() {
        let mut s = SlowDown::default();
        // Five tries in a row, then a wait before each: 10 s, 20 s, 40 s… never more than 300.
        for _ in 0..4 {
            s = s.reserve(100).expect("free");
            assert_eq!(s.next_try_at, 0);
        }
        s = s.reserve(100).expect("the fifth");
        assert_eq!(
            s,
            SlowDown {
                failed: 5,
                next_try_at: 110
            }
        );
        assert_eq!(s.reserve(109), None);
        s = s.reserve(110).expect("after the wait");
        assert_eq!(
            s,
            SlowDown {
                failed: 6,
                next_try_at: 130
            }
        );
        let long = SlowDown {
            failed: 50,
            next_try_at: 100,
        };
        assert_eq!(
            long.reserve(100).map(|s| s.next_try_at),
            Some(100 + MAX_WAIT_SECS)
        );
        assert_eq!(wait_after(i64::MAX), MAX_WAIT_SECS);
        assert_eq!(
            SlowDown {
                failed: i64::MAX,
                next_try_at: 0
            }
            .reserve(0)
            .map(|s| s.failed),
            Some(i64::MAX)
        );
    }

    /// The README's numbers ("Maintainers", signing in): the tries an attacker who knows a
    /// password gets, each one guess at the second factor, trying at the earliest second the
    /// address's bucket and the account's slow-down both allow (a refused try would only
    /// spend a place of the address's), from one address or from many.
    #[test]
    fn the_readme_numbers_follow_from_the_rules() {
        use crate::limits::{Bucket, LOGIN_TRIES, LOGIN_WINDOW_SECS};
        assert_eq!(
            Bucket::Login.windows(),
            &[crate::limits::Window {
                secs: LOGIN_WINDOW_SECS,
                max: LOGIN_TRIES
            }]
        );
        let tries = |one_address: bool, hours: i64| {
            let (mut at, mut s, mut now) = (Vec::<i64>::new(), SlowDown::default(), 0);
            while now < hours * 3600 {
                let recent = at.iter().filter(|t| **t > now - LOGIN_WINDOW_SECS).count();
                match s.reserve(now) {
                    Some(next) if !one_address || (recent as i64) < LOGIN_TRIES => {
                        s = next;
                        at.push(now);
                    }
                    _ => now += 1,
                }
            }
            at
        };
        let per_hour = |at: &[i64], hour: i64| {
            at.iter()
                .filter(|t| (hour * 3600..(hour + 1) * 3600).contains(*t))
                .count()
        };
        let many = tries(false, 24);
        let one = tries(true, 24);
        assert_eq!((per_hour(&many, 0), per_hour(&one, 0)), (20, 16));
        for hour in 1..24 {
            assert_eq!((per_hour(&many, hour), per_hour(&one, hour)), (12, 12));
        }
        // Each guess: at most 3 codes of 10^6 (a step either side, later than the last taken),
        // or one of 8 recovery codes of 2^80. Guesses to an even chance, then the time at 12
        // an hour: about 231,000 guesses, 2.2 years.
        let p = 3.0 / 1e6 + 8.0 / 2f64.powi(80);
        let guesses = (0.5f64).ln() / (1.0 - p).ln();
        assert!((231_000.0..231_100.0).contains(&guesses), "{guesses}");
        let years = (guesses - 20.0) / 12.0 / 24.0 / 365.0;
        assert!((2.19..2.21).contains(&years), "{years}");
    }
}
