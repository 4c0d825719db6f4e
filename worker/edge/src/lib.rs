//! What the site's two workers share (README, "Two workers"): the request context
//! ([`ctx::Ctx`]), request and response helpers ([`http`]), the one error type ([`error`]),
//! the log ([`log`]), the platform's randomness, clock and crypto ([`platform`], [`crypto`]),
//! the own-comments cookie ([`held`]), the campaign page as both workers draw it ([`home`]),
//! what a write changed ([`changes`]), the shared start and end of every request ([`entry`]),
//! and every SQL statement ([`store`]).
//!
//! Nothing here is a handler: the site's worker (`worker/site`) and the office's
//! (`worker/office`) each have their own entry and dispatcher, and import this crate.

pub mod changes;
pub mod crypto;
pub mod ctx;
pub mod entry;
pub mod error;
pub mod held;
pub mod home;
pub mod http;
pub mod log;
pub mod platform;
pub mod pledge_page;
pub mod store;
