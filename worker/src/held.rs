//! The held-comments cookie: the ids of a visitor's own comments awaiting moderation, sealed
//! with its own key, so the page can show them to their author (and to nobody else).

use crate::http;
use crate::site::Site;
use app::keys::{self, Key};
use worker::Request;

const HELD_COOKIE: &str = "held";
/// The newest held comments a visitor's cookie remembers.
pub const HELD_MAX: usize = 20;

/// The ids of the visitor's own held comments, from their signed cookie.
pub fn own_held(req: &Request, site: &Site) -> Vec<i64> {
    let Some(raw) = http::cookie(req, HELD_COOKIE) else {
        return Vec::new();
    };
    let Ok(keys) = site.keys() else {
        return Vec::new();
    };
    keys::unseal(&keys.held_cookie, &raw)
        .map(|v| {
            v.split('-')
                .filter_map(|id| id.parse().ok())
                .take(HELD_MAX)
                .collect()
        })
        .unwrap_or_default()
}

pub fn held_cookie(key: &Key, ids: &[i64], secure: bool) -> String {
    let value = ids.iter().map(i64::to_string).collect::<Vec<_>>().join("-");
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{HELD_COOKIE}={}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax{secure}",
        keys::seal(key, &value)
    )
}
