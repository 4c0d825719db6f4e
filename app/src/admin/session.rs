//! Maintainers' sessions: the cookie, what D1 keeps of it, and why a login came back.
//!
//! The cookie carries a random id only; D1 keeps a SHA-256 of it, so a leaked table opens no
//! session. It travels to `/admin` alone, `HttpOnly; Secure; SameSite=Strict`, and lasts a
//! fixed 12 hours. Sign-in tries are limited per keyed IP hash by the `Login` bucket of
//! [`crate::limits`]; this module only names the outcome ([`LoginProblem`]).

use crate::keys::hex;
use sha2::{Digest, Sha256};

/// The session cookie's name. Not `__Host-`: that prefix demands `Path=/`, and the cookie must
/// only ever travel to `/admin`.
pub const SESSION_COOKIE: &str = "admin_session";
/// A session lasts 12 hours from login, however busy it is.
pub const SESSION_SECS: i64 = 12 * 60 * 60;

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
    format!("{SESSION_COOKIE}={id}; Max-Age={SESSION_SECS}; Path=/admin; HttpOnly; Secure; SameSite=Strict")
}

/// `Set-Cookie` that makes the browser forget the session (the row is deleted as well).
pub fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Max-Age=0; Path=/admin; HttpOnly; Secure; SameSite=Strict")
}

/// Why the login form came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginProblem {
    WrongPassword,
    LockedOut,
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
}
