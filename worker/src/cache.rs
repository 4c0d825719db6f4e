//! The edge cache for the public campaign page, and ETags for browsers.
//!
//! `/` and `/km/` (and their comment pages) are kept in Cloudflare's Cache API for at most
//! 60 s, keyed by path and the one query parameter that changes the page (`page`); any other
//! query string is dropped from the key: a share link's `ref`, `tier`, `amount` and `frequency`
//! among them, which every response fills into the kept template (`app::reach`). A visitor carrying any cookie (their own held
//! comments) bypasses it, and so does a page that sets one. Browsers get `no-cache` with an
//! `ETag`, so they revalidate every time and get `304` when nothing changed; that way a visitor
//! never sees a stale copy of a page they just changed. Writes that move the page (a payment,
//! a moderation) purge it at once.
//!
//! What the edge keeps is the page's *template*: per-visitor values (form tokens) stand in it
//! as slots (`app::keys::token_slot`) that every response fills anew, after the ETag was
//! computed, so the ETag names the shared page and no visitor's token is ever shared.
//!
//! The Cache API works only on a custom domain, not on `*.workers.dev`; locally workerd
//! emulates it.

use crate::site::Site;
use crate::store;
use app::i18n::Lang;
use worker::{Cache, Headers, Request, Response, Result};

pub use crate::http::etag;

/// The cache key for a request, or `None` when it must not be served from or stored in the cache.
pub fn key(req: &Request, ttl: u32) -> Option<String> {
    if ttl == 0 {
        return None;
    }
    if req
        .headers()
        .get("Cookie")
        .ok()
        .flatten()
        .is_some_and(|c| !c.trim().is_empty())
    {
        return None;
    }
    let mut page = None;
    for (k, v) in crate::http::query_pairs(req) {
        match k.as_str() {
            // As the page reads it (Khmer digits too), so `?page=២` and `?page=2` share a copy.
            "page" => page = app::form::parse_count(&v).filter(|p| *p > 1),
            // These change the page for one visitor: never shared.
            "reply" | "resume" => return None,
            _ => {}
        }
    }
    let base = format!("{}{}", crate::http::origin(req), req.path());
    Some(match page {
        Some(p) => format!("{base}?page={p}"),
        None => base,
    })
}

/// A page as the edge keeps it: the rendered template (token slots unfilled) and its ETag.
pub struct Cached {
    pub status: u16,
    pub etag: String,
    pub template: String,
}

/// The cached page, if the edge has one.
pub async fn lookup(key: &str) -> Option<Cached> {
    let mut hit = Cache::default().get(key, false).await.ok().flatten()?;
    let etag = hit.headers().get("ETag").ok().flatten().unwrap_or_default();
    let status = hit.status_code();
    let template = hit.text().await.ok()?;
    Some(Cached {
        status,
        etag,
        template,
    })
}

/// Keeps a page at the edge for `ttl` seconds, as its template: each response fills in its
/// own per-visitor values, so a cached copy never carries one visitor's to the next.
pub async fn store(key: &str, ttl: u32, page: &Cached) -> Result<()> {
    store_as(key, ttl, page, "text/html; charset=utf-8").await
}

/// [`store`] for a body of another type (the progress badge's SVG, the updates' Atom feeds).
pub async fn store_as(key: &str, ttl: u32, page: &Cached, content_type: &str) -> Result<()> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("ETag", &page.etag)?;
    headers.set("Cache-Control", &format!("public, max-age={ttl}"))?;
    let copy = Response::ok(page.template.clone())?
        .with_status(page.status)
        .with_headers(headers);
    Cache::default().put(key, copy).await
}

/// What the browser gets: `304` when its copy is current, else the page, to revalidate each time.
pub fn for_browser(req: &Request, mut resp: Response) -> Result<Response> {
    let etag = resp.headers().get("ETag")?.unwrap_or_default();
    let theirs = req.headers().get("If-None-Match")?.unwrap_or_default();
    resp.headers_mut().set("Cache-Control", "no-cache")?;
    if !etag.is_empty()
        && theirs
            .split(',')
            .any(|t| t.trim().trim_start_matches("W/") == etag)
    {
        let headers = resp.headers().clone();
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    Ok(resp)
}

/// Drops every page of the campaign page from the edge, both languages and every page of
/// comments (a change on one shifts the threads of all the later ones), and both progress
/// badges (the same totals), after a write that changes it. Should the count fail, the first pages go and the rest expire with their TTL.
pub async fn purge_home(site: &Site) {
    let threads = match site.db() {
        Ok(db) => store::public_threads(db).await.unwrap_or_else(|_| {
            crate::log::event("purge_count_failed", &[]);
            0
        }),
        Err(_) => 0,
    };
    let cache = Cache::default();
    for page in 1..=pages_to_purge(threads) {
        for lang in Lang::ALL {
            let key = page_key(&site.origin, lang, page);
            let _ = cache.delete(key, false).await;
        }
    }
    for lang in Lang::ALL {
        let _ = cache.delete(badge_key(&site.origin, lang), false).await;
    }
}

/// The cache key of the progress badge in `lang`: one copy per language, whatever the query
/// string or cookies (it carries nothing of a visitor).
pub fn badge_key(origin: &str, lang: Lang) -> String {
    format!("{origin}{}", lang.href("/badge.svg"))
}

/// Drops what shows the campaign's updates after one was published, unpublished or edited:
/// the campaign page (its latest three), every page of `/updates` and one more, the feeds, and
/// the update's own permalink, in both languages.
pub async fn purge_updates(site: &Site, id: i64) {
    purge_home(site).await;
    let published = match site.db() {
        Ok(db) => store::updates::published_count(db)
            .await
            .unwrap_or_else(|_| {
                crate::log::event("purge_count_failed", &[]);
                0
            }),
        Err(_) => 0,
    };
    let per = app::update::PER_PAGE;
    let pages = (published.max(0) + per - 1) / per + 1;
    let cache = Cache::default();
    for lang in Lang::ALL {
        let mut keys = vec![
            format!("{}{}", site.origin, lang.href("/updates.atom")),
            format!("{}{}", site.origin, lang.href(&format!("/updates/{id}"))),
        ];
        for page in 1..=pages {
            keys.push(match page {
                1 => format!("{}{}", site.origin, lang.href("/updates")),
                p => format!("{}{}?page={p}", site.origin, lang.href("/updates")),
            });
        }
        for key in keys {
            let _ = cache.delete(key, false).await;
        }
    }
}

/// Pages of comments there are for `threads`, and one more: the page that a removal has just
/// emptied.
fn pages_to_purge(threads: i64) -> i64 {
    let per = app::comment::THREADS_PER_PAGE;
    (threads.max(0) + per - 1) / per + 1
}

/// The cache key of page `page` of the campaign page in `lang`, as [`key`] builds it.
fn page_key(origin: &str, lang: Lang, page: i64) -> String {
    match page {
        1 => format!("{origin}{}", lang.href("/")),
        p => format!("{origin}{}?page={p}", lang.href("/")),
    }
}

#[cfg(test)]
mod tests {
    use super::{badge_key, etag, page_key, pages_to_purge};
    use app::i18n::Lang;

    #[test]
    fn every_page_of_comments_is_purged_and_one_more() {
        assert_eq!(pages_to_purge(0), 1);
        assert_eq!(pages_to_purge(1), 2);
        assert_eq!(pages_to_purge(10), 2);
        assert_eq!(pages_to_purge(11), 3);
        assert_eq!(pages_to_purge(-4), 1);
        // The keys are the ones `key` stores pages under.
        assert_eq!(page_key("https://x", Lang::En, 1), "https://x/");
        assert_eq!(page_key("https://x", Lang::Km, 3), "https://x/km/?page=3");
        assert_eq!(badge_key("https://x", Lang::En), "https://x/badge.svg");
        assert_eq!(badge_key("https://x", Lang::Km), "https://x/km/badge.svg");
    }

    #[test]
    fn etags_follow_the_body() {
        assert_eq!(etag("<p>a</p>"), etag("<p>a</p>"));
        assert_ne!(etag("<p>a</p>"), etag("<p>b</p>"));
        assert_ne!(etag("12345678x"), etag("12345678y"));
        assert_ne!(etag(""), etag(" "));
        assert_eq!(etag("x").len(), 18);
    }
}
