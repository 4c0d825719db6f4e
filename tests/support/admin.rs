//! Signing in to the maintainers' area, in one place: every test that needs a session asks
//! [`sign_in`] for one. The way in is a named account with a second factor: this worker's
//! owner, made on first use with the bootstrap secret (`support::accounts`).

pub use super::accounts::AdminSession;
use super::Worker;

/// Signs this worker's owner in from the visitor address `ip` and returns the session.
pub fn sign_in(w: &Worker, ip: &str) -> AdminSession {
    w.sign_in_owner(ip)
}
