//! The visitor pages the site serves itself: the campaign page in both languages (from the
//! edge cache when it has it), the privacy page, `/km`, and the bench's two probes.

use crate::cache;
use app::paging::Paged;
use app::pledge::is_pledge_id;
use app::reach::Reach;
use edge::ctx::Ctx;
use edge::home::{
    render_from, render_home, serve, serve_reach, template_from, Cached, Overrides, Tokens,
};
use edge::{error::AppError, http, store};
use worker::{Context, Request, Response};

/// `GET /` and `GET /km/`: from the edge cache when it has the page (a stale copy at once,
/// drawn anew in the background); for a visitor whose cookie names their own comments, drawn
/// from the kept page data and their held comments. A page of comments past the last is sent
/// to the last one, as the kept page data of page 1 counts them.
pub async fn home(req: Request, cx: &Ctx, ctx: &Context) -> Result<Response, AppError> {
    let cache::Asked { page, key } = cache::asked(&req, cx, true);
    if let Paged::Last(last) = Paged::of(page, last_comments_page(ctx, cx, page).await?) {
        return Ok(cache::to_last(cx, "/", last)?);
    }
    let reach = Reach::from_query(&http::query_pairs(&req));
    let own = edge::held::own_comments(&req, cx);
    if let Some(key) = &key {
        if own.is_empty() {
            // The campaign page always has holes (its forms' tokens): a kept copy without
            // any was kept by a build before them (its slots are searched-for text) and is
            // drawn anew, not served.
            let kept = cache::lookup(key, cx.now)
                .await
                .filter(|hit| hit.page.template.holes().next().is_some());
            let (drawn, edge) = match kept {
                Some(hit) if hit.fresh => (hit.page, Some("hit")),
                Some(hit) => {
                    cache::refresh_later(ctx, cx, cx.lang, page);
                    (hit.page, Some("stale"))
                }
                None => (cache::refresh(cx, cx.lang, page).await?, None),
            };
            let mut resp = serve_reach(cx, &drawn, Tokens::Fresh, &reach)?;
            // The page is rebuilt from the kept template, so the Cache API's own
            // `cf-cache-status` does not reach the browser: say where it came from.
            if let Some(edge) = edge {
                resp.headers_mut().set("X-Edge-Cache", edge)?;
            }
            return Ok(cache::for_browser(&req, resp)?);
        }
        // A commenter: the shared page data, and their own held comments.
        let doc = cache::page_data(ctx, cx, page).await?;
        let ov = Overrides {
            page,
            own,
            ..Default::default()
        };
        let drawn = Cached::drawn(render_from(cx, cx.lang, &doc, ov).await?);
        let mut resp = serve_reach(cx, &drawn, Tokens::Fresh, &reach)?;
        resp.headers_mut().set("X-Edge-Cache", "data")?;
        return Ok(cache::for_browser(&req, resp)?);
    }
    let reply_to = http::query(&req, "reply").and_then(|p| p.parse::<i64>().ok());
    let mut ov = Overrides {
        page,
        reply_to,
        own,
        ..Default::default()
    };
    // Back from the checkout without paying: the form as the visitor left it, while the
    // pledge is pending and recent. The pledge id is the only key to those values, so this
    // page is private.
    let resume = http::query(&req, "resume").filter(|id| is_pledge_id(id));
    if let Some(id) = &resume {
        if let Some(form) = store::resumable_form(cx.primary()?, id, cx.now).await? {
            ov.pledge = Some(form);
        }
    }
    let page = Cached::drawn(render_home(cx, cx.lang, ov).await?);
    if resume.is_some() {
        return Ok(http::private(serve(cx, &page, Tokens::Fresh)?)?);
    }
    Ok(cache::for_browser(
        &req,
        serve_reach(cx, &page, Tokens::Fresh, &reach)?,
    )?)
}

/// The campaign page's last page of threads, for a request of page `page`: page 1 needs no
/// count (it always exists); any other page reads it from the kept page data of page 1.
async fn last_comments_page(ctx: &Context, cx: &Ctx, page: i64) -> Result<i64, AppError> {
    if page <= 1 {
        return Ok(1);
    }
    Ok(cache::counts(ctx, cx).await?.last_comments_page())
}

thread_local! {
    /// The page data `__bench/render` draws from: read from D1 once per isolate.
    static BENCH_DOC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// `GET /__bench/render` (and `/km/…`), on a loopback host only (`make bench`): the campaign
/// page as `/` draws it, from page data read from D1 once per isolate, so that each request
/// measures the render alone. Anywhere else a 404.
pub async fn bench_render(cx: &Ctx) -> Result<Response, AppError> {
    if !cx.loopback {
        return Err(AppError::NotFound);
    }
    let doc = match BENCH_DOC.with(|d| d.borrow().clone()) {
        Some(doc) => doc,
        None => {
            let doc = store::home_doc(cx.db()?, 1).await?;
            BENCH_DOC.with(|d| *d.borrow_mut() = Some(doc.clone()));
            doc
        }
    };
    let drawn = template_from(cx, cx.lang, &doc, 1).await?;
    serve(cx, &drawn, Tokens::Fresh)
}

/// `GET /__bench/d1` (`?page=N`: that page of comments), on a loopback host only (`make
/// bench`): the page statement read and decoded as a render would, answered with the number of
/// comments, so that each request measures the D1 read alone (beside the peer's `/_bench/d1`).
/// Anywhere else a 404.
pub async fn bench_d1(req: &Request, cx: &Ctx) -> Result<Response, AppError> {
    if !cx.loopback {
        return Err(AppError::NotFound);
    }
    let page = cache::asked(req, cx, false).page;
    let doc = store::home_doc(cx.db()?, page).await?;
    let (_, comments, _) = store::home_from(&doc, "[]", cx.config.goal, page, &[], 0)?;
    Ok(Response::ok(comments.total_comments.to_string())?)
}

/// `/km` without its slash: the Khmer home page lives at `/km/`.
pub fn km_root() -> Result<Response, AppError> {
    Ok(http::see_other("/km/")?)
}

/// `GET /manage`: "Manage my monthly gift" (#28 §3), linking to Stripe's customer portal when
/// `STRIPE_PORTAL_URL` is set.
pub fn manage(cx: &Ctx) -> Result<Response, AppError> {
    let portal = cx.config.stripe_portal_url.as_deref();
    Ok(http::html(
        200,
        app::views::manage(cx.lang, cx.links(), portal),
    )?)
}

/// `GET /privacy`: what the site keeps and for how long, with the periods in force.
pub fn privacy(cx: &Ctx) -> Result<Response, AppError> {
    Ok(http::html(
        200,
        app::views::privacy(cx.lang, cx.links(), &cx.config.retention),
    )?)
}
