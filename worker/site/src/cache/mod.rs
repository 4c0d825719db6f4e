//! The edge cache for the public pages, and ETags for browsers.
//!
//! `/` and `/km/` (and their comment pages) are kept in Cloudflare's Cache API, keyed by path
//! and the one query parameter that changes the page (`page`, read once by [`asked`]); any
//! other query string is dropped from the key: a share link's `ref`, `tier`, `amount` and
//! `frequency` among them, which every response fills into the kept template (`app::reach`).
//! Browsers get `no-cache` with an `ETag`, so they revalidate every time and get `304` when
//! nothing changed.
//!
//! **The kept copies are a known set**, so a write can drop every one that may show what it
//! changed ([`apply`]): under one origin ([`keeps`]), both languages of
//! * the campaign page, pages 1 to the last of its threads of comments, and their page data;
//! * `/updates`, pages 1 to the last, each update's permalink, and the Atom feeds;
//! * the progress badges.
//!
//! A page past the last of its list is never drawn nor kept: it is sent to the last page
//! ([`to_last`]), decided from the page data of page 1 as the edge keeps it ([`counts`]), not
//! by a D1 read per request.
//!
//! **No visitor waits for D1 on a kept page.** The Cache API honours `max-age` and nothing
//! else, so an entry is kept for [`STALE_SECS`] (10 minutes) past its freshness, and carries its
//! own fresh-until time ([`FRESH_UNTIL`], `EDGE_CACHE_SECS` after it was drawn). A fresh entry
//! is served as it is; a stale one is served at once and drawn anew in the background
//! ([`refresh_later`], `ctx.wait_until`), at most one refresh per page at a time in an
//! isolate. A write that changes the page (a payment, a moderation, a comment deleted, an
//! erasure) drops the later pages of comments and the badges at once and, after the answer,
//! draws page 1 anew in both languages and puts it ([`apply`]): the next visitors in this
//! data centre get the new page without a miss, and a burst of writes costs one redraw at a
//! time.
//!
//! Beside each page the edge keeps its **page data** (the one statement's JSON document,
//! [`data_key`]): a visitor who holds the own-comments cookie gets the page drawn from it plus
//! one small query for their own held comments ([`page_data`], `pages::home`).
//!
//! What the edge keeps is the page's *template* (`app::views::Template`): its literal parts and
//! the holes the renderer left where per-visitor values go (form tokens, a share link's
//! values), which every response fills anew, after the ETag was computed, so the ETag names the
//! shared page and no visitor's token is ever shared. The holes are kept beside the text, as
//! the renderer placed them ([`HOLES_LENGTH`]); nothing is searched for in the page.
//!
//! The Cache API works only on a custom domain, not on `*.workers.dev`; locally workerd
//! emulates it. Puts and deletes reach the data centre that made them (other isolates there
//! trust their own copy for at most `memo::MEMO_SECS`); elsewhere a page changes when its own
//! copy goes stale: within `EDGE_CACHE_SECS` + [`STALE_SECS`] + an isolate's memory
//! (`app::retention::Periods::erasure`).

use app::i18n::Lang;
use app::views::Template;
use edge::ctx::Ctx;
use edge::error::AppError;
use edge::home::{template_from, Cached};
use edge::store::{self, PageCounts};
mod follow;
mod memo;

pub use follow::apply;
use memo::{recall, remember};
use std::cell::RefCell;
use worker::{Cache, Context, Headers, Request, Response, Result};

/// Whether this request's answers may be kept at the edge: the cache is on, and the request
/// names the origin copies are kept under, `SITE_URL`'s (on this machine, or without
/// `SITE_URL`, the request's own). Kept under no other origin, so that the copies a write must
/// drop are a known set ([`follow`]): an answer on another host (a `*.workers.dev` address, a
/// second domain) is drawn each time and kept nowhere.
pub fn keeps(cx: &Ctx) -> bool {
    cx.config.edge_ttl > 0
        && (cx.loopback
            || cx.config.site_url.is_empty()
            || edge::http::url_origin(&cx.config.site_url) == cx.origin)
}

/// The origins a write drops kept copies under: its own, and `SITE_URL`'s.
fn origins(cx: &Ctx) -> Vec<String> {
    let mut origins = vec![cx.origin.clone()];
    let site = edge::http::url_origin(&cx.config.site_url);
    if !site.is_empty() && site != cx.origin {
        origins.push(site.to_string());
    }
    origins
}

/// What a request asks of a paged list the edge keeps (the campaign page, `/updates`): which
/// page (`?page=`, read here once, by `app::paging::page_asked`, for the page and its key
/// alike), and the key it is kept under, or `None` when it is not shared (a reply's form or a
/// resumed checkout changes the page for one visitor) or not kept ([`keeps`]). Any other
/// query string is left out of the key: a share link's `ref`, `tier`, `amount` and
/// `frequency` among them, which every response fills into the kept template (`app::reach`).
/// Cookies do not decide it: the page reads only its own cookie (`pages::home`).
pub struct Asked {
    pub page: i64,
    pub key: Option<String>,
}

pub fn asked(req: &Request, cx: &Ctx, shows_deadline: bool) -> Asked {
    let mut page = 1;
    let mut shared = keeps(cx);
    for (k, v) in edge::http::query_pairs(req) {
        match k.as_str() {
            "page" => page = app::paging::page_asked(&v),
            "reply" | "resume" => shared = false,
            _ => {}
        }
    }
    let day = if shows_deadline { day(cx) } else { None };
    Asked {
        page,
        key: shared.then(|| kept_key(&cx.origin, &req.path(), page, day.as_deref())),
    }
}

/// The key of an answer the edge keeps whatever its query string (a feed, an update's
/// permalink): its path alone, so no `?page=` or other variant makes a copy of its own.
pub fn key_of(req: &Request, cx: &Ctx) -> Option<String> {
    keeps(cx).then(|| kept_key(&cx.origin, &req.path(), 1, None))
}

/// The key page `page` of the list at `path` is kept under; for a page that shows the
/// deadline, with the Phnom Penh `day` it was drawn on ([`day`]).
fn kept_key(origin: &str, path: &str, page: i64, day: Option<&str>) -> String {
    let query = app::paging::page_query(page);
    match day {
        None => format!("{origin}{path}{query}"),
        Some(day) => {
            let sep = if query.is_empty() { '?' } else { '&' };
            format!("{origin}{path}{query}{sep}day={day}")
        }
    }
}

/// The day in Phnom Penh that the pages and badges showing the deadline are kept under, when
/// the campaign has one (`CAMPAIGN_DEADLINE`): its days left change at midnight there, and a
/// new day starts a new key. `None` without a deadline (the keys carry no day).
pub fn day(cx: &Ctx) -> Option<String> {
    cx.config
        .deadline
        .map(|_| app::time::phnom_penh_day_key(cx.now))
}

/// Every day a copy may be kept under now ([`day`]): yesterday's (a copy lives
/// `EDGE_CACHE_SECS` + [`STALE_SECS`] past midnight), today's, and tomorrow's (a clock a
/// moment ahead in another isolate); only `None` without a deadline. What a write drops.
fn days_kept(cx: &Ctx) -> Vec<Option<String>> {
    match cx.config.deadline {
        None => vec![None],
        Some(_) => [-86_400, 0, 86_400]
            .into_iter()
            .map(|d| Some(app::time::phnom_penh_day_key(cx.now + d)))
            .collect(),
    }
}

/// What the page data of page 1, as the edge keeps it, counts of the public paged lists: where
/// each ends. A page past the last is decided from it, never by a D1 read per request.
pub async fn counts(ctx: &Context, cx: &Ctx) -> std::result::Result<PageCounts, AppError> {
    PageCounts::of(&page_data(ctx, cx, 1).await?)
}

/// A page past the last of its list (`path`, in the request's language): sent to the last
/// page, which is the canonical copy (`303`, drawn by nobody, kept under no key of its own).
pub fn to_last(cx: &Ctx, path: &str, last: i64) -> Result<Response> {
    edge::http::see_other(&format!(
        "{}{}",
        cx.lang.href(path),
        app::paging::page_query(last)
    ))
}

pub use edge::changes::STALE_SECS;

/// The header a kept entry carries its fresh-until time in (Unix seconds).
pub const FRESH_UNTIL: &str = "X-Fresh-Until";

/// The header of a kept page with holes: the length in bytes of its holes' table
/// (`Template::holes_table`), which its body starts with, the page's text after it.
pub const HOLES_LENGTH: &str = "X-Holes-Length";

/// A kept entry and whether it is still fresh at the time asked.
pub struct Hit {
    pub page: Cached,
    pub fresh: bool,
}

/// The kept entry, if the edge has one, fresh or stale: this isolate's own copy while it
/// trusts it ([`MEMO_SECS`]), else the Cache API's.
pub async fn lookup(key: &str, now: i64) -> Option<Hit> {
    if let Some(hit) = recall(key, now) {
        return Some(hit);
    }
    let mut hit = Cache::default().get(key, false).await.ok().flatten()?;
    let etag = hit.headers().get("ETag").ok().flatten().unwrap_or_default();
    let fresh_until = hit
        .headers()
        .get(FRESH_UNTIL)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let holes = hit
        .headers()
        .get(HOLES_LENGTH)
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    let status = hit.status_code();
    let mut body = hit.text().await.ok()?;
    let template = match holes {
        None => Template::plain(body),
        Some(at) if body.is_char_boundary(at) => {
            let text = body.split_off(at);
            Template::from_kept(&body, text)?
        }
        Some(_) => return None,
    };
    let page = Cached {
        status,
        etag,
        template,
    };
    remember(key, &page, fresh_until, now);
    Some(Hit {
        page,
        fresh: now < fresh_until,
    })
}

/// The kept entry only while it is fresh: for what is cheap to draw again (the badge, the
/// updates' pages and feeds).
pub async fn lookup_fresh(key: &str, now: i64) -> Option<Cached> {
    lookup(key, now).await.filter(|h| h.fresh).map(|h| h.page)
}

/// Keeps a page at the edge, fresh for `ttl` seconds from `now`, as its template: each
/// response fills in its own per-visitor values, so a cached copy never carries one visitor's
/// to the next. `content_type` is the page's (HTML, the badge's SVG, a feed, the page data). A
/// page with holes is kept as its holes' table, then its text ([`HOLES_LENGTH`]).
pub async fn store_as(
    key: &str,
    ttl: u32,
    now: i64,
    page: &Cached,
    content_type: &str,
) -> Result<()> {
    let headers = Headers::new();
    headers.set("Content-Type", content_type)?;
    headers.set("ETag", &page.etag)?;
    headers.set(
        "Cache-Control",
        &format!("public, max-age={}", ttl.saturating_add(STALE_SECS)),
    )?;
    let fresh_until = now + i64::from(ttl);
    headers.set(FRESH_UNTIL, &fresh_until.to_string())?;
    let body = if page.template.holes().next().is_none() {
        page.template.text().to_string()
    } else {
        let table = page.template.holes_table();
        headers.set(HOLES_LENGTH, &table.len().to_string())?;
        table + page.template.text()
    };
    let copy = Response::ok(body)?
        .with_status(page.status)
        .with_headers(headers);
    Cache::default().put(key, copy).await?;
    remember(key, page, fresh_until, now);
    Ok(())
}

/// Keeps `page` under `key` for this request's site; a failure is logged, never the
/// visitor's problem.
async fn keep(cx: &Ctx, key: &str, page: &Cached, content_type: &str) {
    if let Err(e) = store_as(key, cx.config.edge_ttl, cx.now, page, content_type).await {
        edge::log::event("edge_cache_put_failed", &[("error", &e.to_string())]);
    }
}

/// The internal cache key of the page data of page `page` (both languages draw from it). No
/// route answers this path: only this module reads and writes it.
pub fn data_key(origin: &str, page: i64) -> String {
    format!("{origin}/__page-data?page={page}")
}

/// Page `page` of the campaign page in `lang` drawn from D1, kept at the edge with its page
/// data: what a miss and a background refresh do.
pub async fn refresh(cx: &Ctx, lang: Lang, page: i64) -> std::result::Result<Cached, AppError> {
    let doc = store::home_doc(cx.db()?, page).await?;
    keep_data(cx, page, &doc).await;
    let drawn = template_from(cx, lang, &doc, page).await?;
    keep(
        cx,
        &page_key(&cx.origin, lang, page, day(cx).as_deref()),
        &drawn,
        HTML,
    )
    .await;
    Ok(drawn)
}

const HTML: &str = "text/html; charset=utf-8";

async fn keep_data(cx: &Ctx, page: i64, doc: &str) {
    let data = Cached {
        status: 200,
        etag: String::new(),
        template: Template::plain(doc.to_string()),
    };
    keep(cx, &data_key(&cx.origin, page), &data, "application/json").await;
}

thread_local! {
    /// The pages this isolate is drawing anew in the background, by cache key: a few at a
    /// time, a list searched in order (a `HashSet` brings its hasher and tables into the
    /// visitor's wasm).
    static REFRESHING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Draws page `page` in `lang` anew after this response (`ctx.wait_until`), unless this
/// isolate is already doing so.
pub fn refresh_later(ctx: &Context, cx: &Ctx, lang: Lang, page: i64) {
    let key = page_key(&cx.origin, lang, page, day(cx).as_deref());
    if !begin_refresh(&key) {
        return;
    }
    let cx = cx.detached();
    ctx.wait_until(async move {
        if refresh(&cx, lang, page).await.is_err() {
            edge::log::event("edge_cache_refresh_failed", &[]);
        }
        end_refresh(&key);
    });
}

/// Whether this isolate may start drawing `key` anew: not while it already is.
fn begin_refresh(key: &str) -> bool {
    REFRESHING.with(|r| {
        let mut r = r.borrow_mut();
        let idle = !r.iter().any(|k| k == key);
        if idle {
            r.push(key.to_string());
        }
        idle
    })
}

fn end_refresh(key: &str) {
    REFRESHING.with(|r| r.borrow_mut().retain(|k| k != key));
}

/// The page data of page `page`: kept at the edge (a stale copy is used and drawn anew in the
/// background), else read from D1 and kept.
pub async fn page_data(
    ctx: &Context,
    cx: &Ctx,
    page: i64,
) -> std::result::Result<String, AppError> {
    if keeps(cx) {
        if let Some(hit) = lookup(&data_key(&cx.origin, page), cx.now).await {
            if !hit.fresh {
                refresh_later(ctx, cx, cx.lang, page);
            }
            return Ok(hit.page.template.into_text());
        }
    }
    let doc = store::home_doc(cx.db()?, page).await?;
    if keeps(cx) {
        keep_data(cx, page, &doc).await;
    }
    Ok(doc)
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

/// The cache key of the progress badge in `lang`: one copy per language (and per [`day`] when
/// it shows the deadline), whatever the query string or cookies (it carries nothing of a
/// visitor).
pub fn badge_key(origin: &str, lang: Lang, day: Option<&str>) -> String {
    kept_key(origin, &lang.href("/badge.svg"), 1, day)
}

/// The cache key of page `page` of the campaign page in `lang` drawn on `day`, as [`asked`]
/// builds it.
fn page_key(origin: &str, lang: Lang, page: i64, day: Option<&str>) -> String {
    kept_key(origin, &lang.href("/"), page, day)
}

/// The cache key of page `page` of `/updates` in `lang`, as [`asked`] builds it.
fn updates_key(origin: &str, lang: Lang, page: i64) -> String {
    kept_key(origin, &lang.href("/updates"), page, None)
}

#[cfg(test)]
mod tests {
    use super::{begin_refresh, data_key, end_refresh, page_key};
    use app::i18n::Lang;
    use edge::http::etag;

    #[test]
    fn one_refresh_of_a_page_at_a_time_in_an_isolate() {
        assert!(begin_refresh("https://x/"));
        assert!(
            !begin_refresh("https://x/"),
            "a second while the first runs"
        );
        assert!(begin_refresh("https://x/km/"), "another page is its own");
        end_refresh("https://x/");
        assert!(begin_refresh("https://x/"), "again once it is done");
        // The page data has a key of its own, beside the pages' keys.
        assert_eq!(data_key("https://x", 2), "https://x/__page-data?page=2");
        assert_ne!(
            data_key("https://x", 1),
            page_key("https://x", Lang::En, 1, None)
        );
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
