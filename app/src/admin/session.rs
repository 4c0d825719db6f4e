//! Maintainers' sessions: the cookie, what D1 keeps of it, and why a login came back.
//!
//! The cookie carries a random id only; D1 keeps a SHA-256 of it, so a leaked table opens no
//! session. It travels to `/admin` alone, `HttpOnly; Secure; SameSite=Strict`, and lasts a
//! fixed 12 hours. Sign-in tries are limited per keyed IP hash by the `Login` bucket of
//! [`crate::limits`] (strictly); per account, failures only slow sign-in down ([`signin_wait`]).

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

/// Failed sign-ins an account may have before each next try must wait.
pub const FREE_FAILURES: i64 = 5;
/// The longest an account's next try waits: failures slow sign-in down, they never lock an
/// account (a lock-out would let anyone lock the owner out by typing their name).
pub const MAX_WAIT_SECS: i64 = 300;

/// How many seconds an account's next sign-in must still wait after `failed` failures, the
/// last at `last_failed_at`: none for the first five (as many as one address may try in a
/// quarter of an hour), then 10 s, 20 s, 40 s… up to
/// [`MAX_WAIT_SECS`].
pub fn signin_wait(failed: i64, last_failed_at: Option<i64>, now: i64) -> i64 {
    let Some(last) = last_failed_at else {
        return 0;
    };
    if failed < FREE_FAILURES {
        return 0;
    }
    let doublings = (failed - FREE_FAILURES).min(10) as u32;
    let wait = (10i64 << doublings).min(MAX_WAIT_SECS);
    (last + wait - now).max(0)
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
        assert_eq!(signin_wait(4, Some(100), 100), 0);
        assert_eq!(signin_wait(5, Some(100), 100), 10);
        assert_eq!(signin_wait(5, Some(100), 110), 0);
        assert_eq!(signin_wait(6, Some(100), 105), 15);
        assert_eq!(signin_wait(50, Some(100), 100), MAX_WAIT_SECS);
        assert_eq!(signin_wait(50, Some(100), 100 + MAX_WAIT_SECS), 0);
        assert_eq!(signin_wait(9, None, 100), 0);
    }
}
