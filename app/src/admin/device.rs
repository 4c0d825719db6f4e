//! Device cookies (OWASP's "device cookies" against lock-out by name): a browser that signed
//! in to an account carries [`ADMIN_DEVICE`], and its sign-ins to that account are slowed by
//! that device's own failures only, never by those of other browsers. Any other browser gets
//! the account's shared slow-down ([`super::SlowDown`]), so someone who knows a name can slow
//! its strangers down but not its owner on a browser they used before.
//!
//! The cookie holds a random id (16 bytes, hex) and a tag over the account's id and that id,
//! made with the `AdminDevice` key: it is good for the account it was made for only, and one
//! made up is turned down without a read. D1 keeps the device's slow-down in `signin_devices`
//! under a SHA-256 of the id, with the account and the cookie's end; each sign-in from the
//! device replaces its row and its cookie with new ones.

use super::session::{is_session_id, session_hash};
use crate::cookies::ADMIN_DEVICE;
use crate::keys::{hex, seal, unseal, Key};

/// The cookie's name ([`ADMIN_DEVICE`], declared with the site's other cookies).
pub const DEVICE_COOKIE: &str = ADMIN_DEVICE.name;
/// How long a device is known: the cookie's lifetime and its row's.
pub const DEVICE_SECS: i64 = ADMIN_DEVICE.max_age;

/// What the tag signs: the account and the device's id, so a cookie opens no other budget.
fn signed(account_id: i64, id: &str) -> String {
    format!("{account_id}:{id}")
}

/// A new device for `account_id`: the cookie's value and what D1 keeps of it.
pub fn new_device(key: &Key, account_id: i64, random: [u8; 16]) -> (String, String) {
    let id = hex(&random);
    let sealed = seal(key, &signed(account_id, &id));
    let tag = sealed.rsplit_once('.').map_or("", |(_, t)| t);
    (format!("{id}.{tag}"), session_hash(&id))
}

/// What D1 keeps of the device a cookie names, if the cookie was made for `account_id`.
pub fn device_of(key: &Key, account_id: i64, cookie: &str) -> Option<String> {
    let (id, _) = cookie.split_once('.')?;
    if !is_session_id(id) {
        return None;
    }
    unseal(key, &signed(account_id, cookie))?;
    Some(session_hash(id))
}

/// `Set-Cookie` for a device (`Secure` always, as the session's).
pub fn device_cookie(value: &str) -> String {
    ADMIN_DEVICE.set(value, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Purpose;

    #[test]
    fn a_device_cookie_is_good_for_its_account_only() {
        let key = Key::derive("s", Purpose::AdminDevice);
        let (cookie, hash) = new_device(&key, 7, [0xab; 16]);
        assert_eq!(device_of(&key, 7, &cookie), Some(hash.clone()));
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&cookie[..32]));
        assert_eq!(device_of(&key, 8, &cookie), None, "another account");
        let other = Key::derive("t", Purpose::AdminDevice);
        assert_eq!(device_of(&other, 7, &cookie), None, "another secret");
        let (id, tag) = cookie.split_once('.').expect("id.tag");
        let forged = format!("{}.{tag}", hex(&[0xac; 16]));
        assert_eq!(device_of(&key, 7, &forged), None);
        for bad in ["", ".", id, "7:abc.def", &format!("{id}.{tag}x")] {
            assert_eq!(device_of(&key, 7, bad), None, "{bad:?}");
        }
        let header = device_cookie(&cookie);
        for part in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/admin",
            "Max-Age=15552000",
        ] {
            assert!(
                header.split("; ").any(|p| p == part),
                "{header} lacks {part}"
            );
        }
    }
}
