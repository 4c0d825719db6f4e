//! `GET /badge.svg` and `/km/badge.svg`: the progress badge other sites show with an `<img>`.
//!
//! Drawn by `app::views::badge` from the same one statement as `/api/campaign`
//! (`store::campaign`), kept at the edge for a minute and dropped whenever the page changes
//! (`cache::apply`). Its headers are an image's: its own CSP (`security::BADGE_CSP`),
//! which `http::secure` leaves in place of the page's, and `Cross-Origin-Resource-Policy:
//! cross-origin` so that other sites may embed it.

use crate::cache;
use edge::home::Cached;
use edge::{ctx::Ctx, error::AppError, store};
use worker::{Request, Response};

const CONTENT_TYPE: &str = "image/svg+xml; charset=utf-8";

/// The badge in the path's language, from the edge when it has it.
pub async fn badge(req: &Request, cx: &Ctx) -> Result<Response, AppError> {
    let key =
        cache::keeps(cx).then(|| cache::badge_key(&cx.origin, cx.lang, cache::day(cx).as_deref()));
    if let Some(key) = &key {
        if let Some(hit) = cache::lookup_fresh(key, cx.now).await {
            let mut resp = image(&hit)?;
            resp.headers_mut().set("X-Edge-Cache", "hit")?;
            return Ok(cache::for_browser(req, resp)?);
        }
    }
    let campaign = store::campaign(cx.db()?, cx.config.goal).await?;
    let svg = app::views::badge::badge(cx.lang, &campaign, cx.deadline()).svg;
    let drawn = Cached::drawn(app::views::Template::plain(svg));
    if let Some(key) = &key {
        // The badge is served even if the edge cannot keep it.
        if let Err(e) = cache::store_as(key, cx.config.edge_ttl, cx.now, &drawn, CONTENT_TYPE).await
        {
            edge::log::event("edge_cache_put_failed", &[("error", &e.to_string())]);
        }
    }
    Ok(cache::for_browser(req, image(&drawn)?)?)
}

/// The response of a drawn badge, with an image's headers.
fn image(drawn: &Cached) -> Result<Response, AppError> {
    let mut resp = Response::ok(drawn.template.text())?.with_status(drawn.status);
    let h = resp.headers_mut();
    h.set("Content-Type", CONTENT_TYPE)?;
    h.set("ETag", &drawn.etag)?;
    h.set("Content-Security-Policy", app::security::BADGE_CSP)?;
    h.set("Cross-Origin-Resource-Policy", "cross-origin")?;
    Ok(resp)
}
