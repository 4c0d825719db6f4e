//! The own-comments cookie: the ids of the comments a visitor wrote from this browser, sealed
//! with its own key. With it the page shows them their held comments (and nobody else), and
//! lets them delete any of their comments ([`crate::comments::delete`]) for
//! [`OWN_COOKIE_DAYS`] after writing it. It names the newest [`OWN_COOKIE_MAX`] only.

use crate::http;
use crate::site::Site;
use app::comment::{OWN_COOKIE_DAYS, OWN_COOKIE_MAX};
use app::keys::{self, Key};
use worker::Request;

const OWN_COOKIE: &str = "held";

/// The ids of the visitor's own comments, from their sealed cookie (none when it is missing,
/// forged or sealed with another key).
pub fn own_comments(req: &Request, site: &Site) -> Vec<i64> {
    let Some(raw) = http::cookie(req, OWN_COOKIE) else {
        return Vec::new();
    };
    let Ok(keys) = site.keys() else {
        return Vec::new();
    };
    keys::unseal(&keys.held_cookie, &raw)
        .map(|v| {
            v.split('-')
                .filter_map(|id| id.parse().ok())
                .take(OWN_COOKIE_MAX)
                .collect()
        })
        .unwrap_or_default()
}

/// The cookie naming `ids` (newest first); an empty list clears it.
pub fn own_cookie(key: &Key, ids: &[i64], secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    if ids.is_empty() {
        return format!("{OWN_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}");
    }
    let value = ids
        .iter()
        .take(OWN_COOKIE_MAX)
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join("-");
    format!(
        "{OWN_COOKIE}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        keys::seal(key, &value),
        OWN_COOKIE_DAYS * 86_400
    )
}
