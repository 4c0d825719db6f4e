//! The edge cache for the public campaign page, and ETags for browsers.
//!
//! `/` and `/km/` (and their comment pages) are kept in Cloudflare's Cache API, keyed by path
//! and the one query parameter that changes the page (`page`); any other query string is
//! dropped from the key: a share link's `ref`, `tier`, `amount` and `frequency` among them,
//! which every response fills into the kept template (`app::reach`). Browsers get `no-cache`
//! with an `ETag`, so they revalidate every time and get `304` when nothing changed.
//!
//! **No visitor waits for D1 on a kept page.** The Cache API honours `max-age` and nothing
//! else, so an entry is kept for [`STALE_SECS`] (10 minutes) past its freshness, and carries its own
//! fresh-until time ([`FRESH_UNTIL`], `EDGE_CACHE_SECS` after it was drawn). A fresh entry is
//! served as it is; a stale one is served at once and drawn anew in the background
//! ([`refresh_later`], `ctx.wait_until`), at most one refresh per page at a time in an
//! isolate. A write that changes the page (a payment, a moderation, a comment deleted) drops
//! the later pages of comments and the badges at once and, after the answer, draws page 1
//! anew in both languages and puts it ([`apply`]): the next visitors in this data centre get
//! the new page without a miss, and a burst of writes costs one redraw at a time.
//!
//! Beside each page the edge keeps its **page data** (the one statement's JSON document,
//! [`data_key`]): a visitor who holds the own-comments cookie gets the page drawn from it plus
//! one small query for their own held comments ([`page_data`], `pages::home`).
//!
//! What the edge keeps is the page's *template*: per-visitor values (form tokens) stand in it
//! as slots (`app::keys::token_slot`) that every response fills anew, after the ETag was
//! computed, so the ETag names the shared page and no visitor's token is ever shared.
//!
//! The Cache API works only on a custom domain, not on `*.workers.dev`; locally workerd
//! emulates it. Puts and deletes reach the data centre that made them; elsewhere a page
//! changes when its own copy goes stale.

use app::i18n::Lang;
use edge::changes::Change;
use edge::ctx::Ctx;
use edge::error::AppError;
use edge::home::{template_from, Cached};
use edge::store;
use std::cell::RefCell;
use std::collections::HashSet;
use worker::{Cache, Context, Headers, Request, Response, Result};

pub use edge::http::etag;

/// The cache key for a request, or `None` when it must not be served from or stored in the
/// cache. Cookies do not decide it: the page reads only its own cookie (`pages::home`).
pub fn key(req: &Request, ttl: u32) -> Option<String> {
    if ttl == 0 {
        return None;
    }
    let mut page = None;
    for (k, v) in edge::http::query_pairs(req) {
        match k.as_str() {
            // As the page reads it (Khmer digits too), so `?page=២` and `?page=2` share a copy.
            "page" => page = app::form::parse_count(&v).filter(|p| *p > 1),
            // These change the page for one visitor: never shared.
            "reply" | "resume" => return None,
            _ => {}
        }
    }
    let base = format!("{}{}", edge::http::origin(req), req.path());
    Some(match page {
        Some(p) => format!("{base}?page={p}"),
        None => base,
    })
}

/// How long past its fresh-until time a kept entry may still be served (once per data centre,
/// while it is drawn anew): after that the Cache API drops it and the next visitor waits.
/// Ten minutes keeps a data centre's copy warm between visits, and bounds how long a comment
/// deleted or removed elsewhere can still be shown once by a data centre nobody asked since:
/// `EDGE_CACHE_SECS` + this, 11 minutes at most.
pub const STALE_SECS: u32 = 600;

/// The header a kept entry carries its fresh-until time in (Unix seconds).
pub const FRESH_UNTIL: &str = "X-Fresh-Until";

/// A kept entry and whether it is still fresh at the time asked.
pub struct Hit {
    pub page: Cached,
    pub fresh: bool,
}

/// How long an isolate trusts its own copy of a kept entry before it asks the Cache API
/// again: another isolate's write reaches it at most this much later than the Cache API.
pub const MEMO_SECS: i64 = 10;

/// At most this many entries are remembered per isolate (the campaign page in two
/// languages, its page data, the badges...): past it the memory starts afresh, so no run of
/// `?page=` can grow it.
const MEMO_MAX: usize = 16;

/// A kept entry as this isolate remembers it.
struct Memo {
    page: Cached,
    fresh_until: i64,
    /// Until when it is used without asking the Cache API.
    trusted_until: i64,
}

thread_local! {
    /// This isolate's copies of what it last read from or put into the Cache API: most
    /// requests to a busy page are answered without crossing into it at all.
    static MEMO: RefCell<std::collections::HashMap<String, Memo>> =
        RefCell::new(std::collections::HashMap::new());
}

fn remember(key: &str, page: &Cached, fresh_until: i64, now: i64) {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_MAX && !m.contains_key(key) {
            m.clear();
        }
        m.insert(
            key.to_string(),
            Memo {
                page: page.clone(),
                fresh_until,
                trusted_until: now + MEMO_SECS,
            },
        );
    });
}

fn recall(key: &str, now: i64) -> Option<Hit> {
    MEMO.with(|m| {
        let m = m.borrow();
        let memo = m.get(key).filter(|memo| now < memo.trusted_until)?;
        Some(Hit {
            page: memo.page.clone(),
            fresh: now < memo.fresh_until,
        })
    })
}

/// Drops a kept entry, from the Cache API and from this isolate's memory.
async fn forget(key: String) {
    MEMO.with(|m| m.borrow_mut().remove(&key));
    let _ = Cache::default().delete(key, false).await;
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
    let status = hit.status_code();
    let template = hit.text().await.ok()?;
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
/// to the next. `content_type` is the page's (HTML, the badge's SVG, a feed, the page data).
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
    let copy = Response::ok(page.template.clone())?
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
    keep(cx, &page_key(&cx.origin, lang, page), &drawn, HTML).await;
    Ok(drawn)
}

const HTML: &str = "text/html; charset=utf-8";

async fn keep_data(cx: &Ctx, page: i64, doc: &str) {
    let data = Cached {
        status: 200,
        etag: String::new(),
        template: doc.to_string(),
    };
    keep(cx, &data_key(&cx.origin, page), &data, "application/json").await;
}

thread_local! {
    /// The pages this isolate is drawing anew in the background, by cache key.
    static REFRESHING: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Draws page `page` in `lang` anew after this response (`ctx.wait_until`), unless this
/// isolate is already doing so.
pub fn refresh_later(ctx: &Context, cx: &Ctx, lang: Lang, page: i64) {
    let key = page_key(&cx.origin, lang, page);
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
    REFRESHING.with(|r| r.borrow_mut().insert(key.to_string()))
}

fn end_refresh(key: &str) {
    REFRESHING.with(|r| r.borrow_mut().remove(key));
}

/// The page data of page `page`: kept at the edge (a stale copy is used and drawn anew in the
/// background), else read from D1 and kept.
pub async fn page_data(
    ctx: &Context,
    cx: &Ctx,
    page: i64,
) -> std::result::Result<String, AppError> {
    if cx.config.edge_ttl > 0 {
        if let Some(hit) = lookup(&data_key(&cx.origin, page), cx.now).await {
            if !hit.fresh {
                refresh_later(ctx, cx, cx.lang, page);
            }
            return Ok(hit.page.template);
        }
    }
    let doc = store::home_doc(cx.db()?, page).await?;
    if cx.config.edge_ttl > 0 {
        keep_data(cx, page, &doc).await;
    }
    Ok(doc)
}

/// Brings the edge up to date after a write, right after the answer (`ctx.wait_until`), so
/// that neither the writer (a provider's webhook) nor any visitor waits for it: every later
/// page of comments and both badges dropped (a change on one page shifts the threads of all
/// the later ones; they are drawn on their next visit), for an update every page that lists
/// it, and page 1 drawn anew in both languages and put. Writes that come while this runs are
/// followed once more after it, at most every [`REDRAW_GAP`]: a burst of webhooks costs one
/// redraw a second, and the last one always starts after the last write. Should a step fail,
/// what it would have replaced goes, and the rest expires on its own.
pub async fn apply(ctx: &Context, cx: &Ctx, change: Change) {
    if cx.config.edge_ttl == 0 {
        return;
    }
    if !redraw_wanted(&cx.origin, change) {
        return;
    }
    let cx = cx.detached();
    ctx.wait_until(async move {
        let mut changes = vec![change];
        loop {
            follow(&cx, &changes).await;
            match redraw_again(&cx.origin) {
                Some(more) => {
                    changes = more;
                    worker::Delay::from(REDRAW_GAP).await;
                }
                None => break,
            }
        }
    });
}

/// The least time between two redraws of the campaign page in an isolate.
pub const REDRAW_GAP: std::time::Duration = std::time::Duration::from_secs(1);

async fn follow(cx: &Ctx, changes: &[Change]) {
    drop_later_pages(cx).await;
    for change in changes {
        if let Change::Updates(id) = change {
            purge_updates(cx, *id).await;
        }
    }
    redraw_first(cx).await;
}

thread_local! {
    /// Per origin, while a redraw runs: the changes that came since it began (to follow once
    /// more after it).
    static REDRAWING: RefCell<std::collections::HashMap<String, Vec<Change>>> =
        RefCell::new(std::collections::HashMap::new());
}

/// Whether `change` should start a redraw now (`true`), or the one under way will be followed
/// by another that sees it (`false`).
fn redraw_wanted(origin: &str, change: Change) -> bool {
    REDRAWING.with(|r| {
        let mut r = r.borrow_mut();
        match r.get_mut(origin) {
            None => {
                r.insert(origin.to_string(), Vec::new());
                true
            }
            Some(pending) => {
                if !pending.contains(&change) {
                    pending.push(change);
                }
                false
            }
        }
    })
}

/// After a redraw: the changes to follow once more (some came meanwhile), else none, done.
fn redraw_again(origin: &str) -> Option<Vec<Change>> {
    REDRAWING.with(|r| {
        let mut r = r.borrow_mut();
        match r.get_mut(origin) {
            Some(pending) if !pending.is_empty() => Some(std::mem::take(pending)),
            _ => {
                r.remove(origin);
                None
            }
        }
    })
}

async fn redraw_first(cx: &Ctx) {
    let first = match cx.db() {
        Ok(db) => store::home_doc(db, 1).await.ok(),
        Err(_) => None,
    };
    let Some(doc) = first else {
        edge::log::event("edge_cache_refresh_failed", &[]);
        forget(data_key(&cx.origin, 1)).await;
        for lang in Lang::ALL {
            forget(page_key(&cx.origin, lang, 1)).await;
        }
        return;
    };
    keep_data(cx, 1, &doc).await;
    for lang in Lang::ALL {
        match template_from(cx, lang, &doc, 1).await {
            Ok(drawn) => keep(cx, &page_key(&cx.origin, lang, 1), &drawn, HTML).await,
            Err(_) => {
                forget(page_key(&cx.origin, lang, 1)).await;
            }
        }
    }
}

/// Drops pages 2 and on of the campaign page (and their page data) and both badges.
async fn drop_later_pages(cx: &Ctx) {
    let threads = match cx.db() {
        Ok(db) => store::public_threads(db).await.unwrap_or_else(|_| {
            edge::log::event("purge_count_failed", &[]);
            0
        }),
        Err(_) => 0,
    };
    for page in 2..=pages_to_purge(threads) {
        forget(data_key(&cx.origin, page)).await;
        for lang in Lang::ALL {
            forget(page_key(&cx.origin, lang, page)).await;
        }
    }
    for lang in Lang::ALL {
        forget(badge_key(&cx.origin, lang)).await;
    }
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

/// The cache key of the progress badge in `lang`: one copy per language, whatever the query
/// string or cookies (it carries nothing of a visitor).
pub fn badge_key(origin: &str, lang: Lang) -> String {
    format!("{origin}{}", lang.href("/badge.svg"))
}

/// Drops what lists the campaign's updates after one was published, unpublished or edited:
/// every page of `/updates` and one more, the feeds, and the update's own permalink, in both
/// languages.
async fn purge_updates(cx: &Ctx, id: i64) {
    let published = match cx.db() {
        Ok(db) => store::updates::published_count(db)
            .await
            .unwrap_or_else(|_| {
                edge::log::event("purge_count_failed", &[]);
                0
            }),
        Err(_) => 0,
    };
    let per = app::update::PER_PAGE;
    let pages = (published.max(0) + per - 1) / per + 1;
    for lang in Lang::ALL {
        let mut keys = vec![
            format!("{}{}", cx.origin, lang.href("/updates.atom")),
            format!("{}{}", cx.origin, lang.href(&format!("/updates/{id}"))),
        ];
        for page in 1..=pages {
            keys.push(match page {
                1 => format!("{}{}", cx.origin, lang.href("/updates")),
                p => format!("{}{}?page={p}", cx.origin, lang.href("/updates")),
            });
        }
        for key in keys {
            forget(key).await;
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
    use super::{
        badge_key, begin_refresh, data_key, end_refresh, etag, page_key, pages_to_purge,
        redraw_again, redraw_wanted,
    };
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
    fn a_burst_of_writes_costs_one_redraw_at_a_time_and_the_last_sees_the_last_write() {
        use super::Change;
        let o = "https://burst";
        assert!(redraw_wanted(o, Change::Home), "the first write starts one");
        assert!(
            !redraw_wanted(o, Change::Home),
            "a second while it runs waits"
        );
        assert!(!redraw_wanted(o, Change::Updates(3)), "so does a third");
        assert!(
            !redraw_wanted(o, Change::Home),
            "and a fourth: one more, not three"
        );
        assert_eq!(
            redraw_again(o),
            Some(vec![Change::Home, Change::Updates(3)]),
            "one more, after the first, with what came meanwhile"
        );
        assert_eq!(redraw_again(o), None, "then done: nothing came meanwhile");
        assert!(
            redraw_wanted(o, Change::Home),
            "and the next write starts one again"
        );
        assert!(
            redraw_wanted("https://other", Change::Home),
            "another origin is its own"
        );
    }

    #[test]
    fn an_isolate_trusts_its_own_copy_for_a_while_and_never_holds_many() {
        use super::{recall, remember, Cached, MEMO_MAX, MEMO_SECS};
        let page = |t: &str| Cached {
            status: 200,
            etag: "e".into(),
            template: t.into(),
        };
        remember("https://m/", &page("one"), 1_005, 1_000);
        let hit = recall("https://m/", 1_001).expect("remembered");
        assert!(hit.fresh && hit.page.template == "one");
        assert!(
            !recall("https://m/", 1_006).expect("still trusted").fresh,
            "stale past its time"
        );
        assert!(
            recall("https://m/", 1_000 + MEMO_SECS).is_none(),
            "then the Cache API is asked"
        );
        for i in 0..MEMO_MAX + 1 {
            remember(&format!("https://m/?page={i}"), &page("p"), 2_000, 1_000);
        }
        let kept = (0..MEMO_MAX + 1)
            .filter(|i| recall(&format!("https://m/?page={i}"), 1_001).is_some())
            .count();
        assert!(kept < MEMO_MAX, "a run of pages cannot grow it: {kept}");
    }

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
        assert_ne!(data_key("https://x", 1), page_key("https://x", Lang::En, 1));
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
