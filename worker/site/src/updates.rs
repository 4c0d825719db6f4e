//! The campaign's updates as visitors read them: `/updates` (paged), each at `/updates/{id}`,
//! the Atom feeds `/updates.atom`, in both languages. (Writing them is the office's:
//! `admin::updates`.)
//!
//! The public answers are kept at the edge (`cache`): visitors share one copy for at most
//! a minute, and publishing, unpublishing or editing a published update drops them and draws
//! the campaign page anew (`cache::Change::Updates`). A draft is a 404 wherever
//! a visitor asks for it. The feeds name the configured `SITE_URL`, never the request's host.

use crate::cache;
use app::admin::parse_id;
use app::paging::Paged;
use edge::ctx::Ctx;
use edge::home::Cached;
use edge::{error::AppError, store::updates as updates_sql};
use worker::{Context, Request, Response};

const ATOM: &str = "application/atom+xml; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// A public answer from the edge under `key`, or rendered by `render` and kept there.
async fn edge(
    req: &Request,
    cx: &Ctx,
    key: Option<String>,
    content_type: &'static str,
    render: impl std::future::Future<Output = Result<String, AppError>>,
) -> Result<Response, AppError> {
    if let Some(key) = &key {
        if let Some(hit) = cache::lookup_fresh(key, cx.now).await {
            let mut resp = answer(&hit, content_type)?;
            resp.headers_mut().set("X-Edge-Cache", "hit")?;
            return Ok(cache::for_browser(req, resp)?);
        }
    }
    let body = render.await?;
    let page = Cached::drawn(app::views::Template::plain(body));
    if let Some(key) = &key {
        if let Err(e) = cache::store_as(key, cx.config.edge_ttl, cx.now, &page, content_type).await
        {
            edge::log::event("edge_cache_put_failed", &[("error", &e.to_string())]);
        }
    }
    Ok(cache::for_browser(req, answer(&page, content_type)?)?)
}

fn answer(page: &Cached, content_type: &str) -> Result<Response, AppError> {
    let mut resp = Response::ok(page.template.text())?.with_status(page.status);
    let h = resp.headers_mut();
    h.set("Content-Type", content_type)?;
    h.set("ETag", &page.etag)?;
    Ok(resp)
}

/// `GET /updates?page=n`. A page past the last is sent to the last one, as the kept page data
/// of the campaign page's page 1 counts the published updates.
pub async fn list(req: Request, cx: &Ctx, ctx: &Context) -> Result<Response, AppError> {
    let cache::Asked { page, key } = cache::asked(&req, cx, false);
    if page > 1 {
        let last = cache::counts(ctx, cx).await?.last_updates_page();
        if let Paged::Last(last) = Paged::of(page, last) {
            return Ok(cache::to_last(cx, "/updates", last)?);
        }
    }
    edge(&req, cx, key, HTML, async {
        let (total, updates) = updates_sql::page(cx.db()?, page).await?;
        Ok(app::views::updates_list(
            cx.lang,
            cx.links(),
            page,
            total,
            &updates,
        ))
    })
    .await
}

/// `GET /updates/{id}`: a published update; a draft or an unknown id is a 404.
pub async fn permalink(req: Request, cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let id = parse_id(id)
        .filter(|_| id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(AppError::NotFound)?;
    let update = updates_sql::published(cx.db()?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    edge(&req, cx, cache::key_of(&req, cx), HTML, async {
        Ok(app::views::update_page(cx.lang, cx.links(), &update))
    })
    .await
}

/// The address the feeds name: `SITE_URL`; on this machine without it, the request's own
/// (development only, like the sandbox).
fn feed_site(cx: &Ctx) -> Result<&str, AppError> {
    match cx.config.site_url.as_str() {
        "" if cx.loopback => Ok(&cx.origin),
        "" => Err(AppError::Config("SITE_URL")),
        configured => Ok(configured),
    }
}

/// `GET /updates.atom`: the latest published updates as Atom 1.0.
pub async fn feed(req: Request, cx: &Ctx) -> Result<Response, AppError> {
    let origin = feed_site(cx)?;
    edge(&req, cx, cache::key_of(&req, cx), ATOM, async {
        let updates = updates_sql::for_feed(cx.db()?).await?;
        Ok(app::feed::atom(cx.lang, origin, &updates))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The admin area
