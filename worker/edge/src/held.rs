//! The own-comments cookie: the ids of the comments a visitor wrote from this browser, sealed
//! with its own key. With it the page shows them their held comments (and nobody else), and
//! lets them delete any of their comments (the office's `comments::delete`) for
//! [`app::comment::OWN_COOKIE_DAYS`] after writing it. It names the newest [`OWN_COOKIE_MAX`] only.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::{http, store};
use app::comment::OWN_COOKIE_MAX;
use app::cookies::OWN_COMMENTS;
use app::i18n::Lang;
use app::keys::{self, Key};
use worker::{Request, Response};

/// The ids of the visitor's own comments, from their sealed cookie (none when it is missing,
/// forged or sealed with another key).
pub fn own_comments(req: &Request, cx: &Ctx) -> Vec<i64> {
    let Some(raw) = http::cookie(req, OWN_COMMENTS.name) else {
        return Vec::new();
    };
    let Ok(keys) = cx.keys() else {
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

/// The cookie naming `ids` (newest first); an empty list clears it. `https`: the request
/// came over HTTPS (the cookie is then `Secure`). Built from its declaration,
/// [`app::cookies::OWN_COMMENTS`].
pub fn own_cookie(key: &Key, ids: &[i64], https: bool) -> String {
    if ids.is_empty() {
        return OWN_COMMENTS.clear(https);
    }
    let value = ids
        .iter()
        .take(OWN_COOKIE_MAX)
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join("-");
    OWN_COMMENTS.set(&keys::seal(key, &value), https)
}

/// Whether this visitor may delete comment `id`: it is theirs (their sealed cookie names it),
/// written within [`app::comment::OWN_COOKIE_DAYS`], and still there to delete.
pub enum Deletable {
    Yes(store::OwnRow),
    /// Not theirs, or too old: they are told how deletion works.
    NotYours,
    /// Theirs, but already gone (deleted, removed or moderated away).
    Gone,
}

pub async fn deletable(req: &Request, cx: &Ctx, id: &str) -> Result<(i64, Deletable), AppError> {
    let id: i64 = id
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)?;
    if !own_comments(req, cx).contains(&id) {
        return Ok((id, Deletable::NotYours));
    }
    let answer = match store::own_comment(cx.primary()?, id).await? {
        None => Deletable::Gone,
        Some(c) if c.status == app::comment::CommentStatus::Removed => Deletable::Gone,
        Some(c) if c.created_at < app::comment::own_since(cx.now) => Deletable::NotYours,
        Some(c) => Deletable::Yes(c),
    };
    Ok((id, answer))
}

pub fn not_yours(cx: &Ctx, lang: Lang) -> Result<Response, AppError> {
    Ok(http::private(http::html(
        403,
        app::views::comment_not_yours(lang, cx.links()),
    )?)?)
}
