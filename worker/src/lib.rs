//! The edge entry point: one router, thin handlers, one place that sets the security headers.
//!
//! Handlers read like the HTTP they serve: parse the request into `app` types, ask the
//! [`store`] (every SQL statement lives there), render with `app::views`, answer. Business
//! rules live in `app`, never here.

/// Wraps a handler that returns `Result<Response, AppError>` into one the router takes; the
/// error becomes a response (in the language of the path) in exactly one place.
macro_rules! h {
    ($handler:path) => {
        |req: worker::Request, ctx: worker::RouteContext<()>| async move {
            let (lang, _) = app::i18n::Lang::split_path(&req.path());
            let origin = $crate::http::origin(&req);
            match $handler(req, ctx).await {
                Ok(resp) => Ok(resp),
                Err(e) => e.into_response(lang, &origin),
            }
        }
    };
}

mod admin;
mod api;
mod cache;
mod checkout;
mod comments;
mod config;
mod error;
mod http;
mod log;
mod pages;
mod platform;
mod pledges;
mod sandbox;
mod store;
mod webhooks;

use app::i18n::Lang;
use error::AppError;
use worker::{
    event, Context, Env, Method, Request, RequestInit, Response, Result, RouteContext, Router,
};

/// Crawlers may read the campaign's pages, not a donor's pledge page or the admin area.
const ROBOTS: &str = "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /pledges/\nDisallow: /km/pledges/\nDisallow: /sandbox/\nDisallow: /km/sandbox/\n";

type Handler<T> = fn(Request, RouteContext<()>) -> T;

/// Registers a GET route at `path` and at its Khmer twin under `/km`.
fn get_both<T>(r: Router<'static, ()>, path: &str, f: Handler<T>) -> Router<'static, ()>
where
    T: std::future::Future<Output = Result<Response>> + 'static,
{
    r.get_async(path, f).get_async(&Lang::Km.href(path), f)
}

/// Registers a POST route at `path` and at its Khmer twin under `/km`.
fn post_both<T>(r: Router<'static, ()>, path: &str, f: Handler<T>) -> Router<'static, ()>
where
    T: std::future::Future<Output = Result<Response>> + 'static,
{
    r.post_async(path, f).post_async(&Lang::Km.href(path), f)
}

fn router() -> Router<'static, ()> {
    let r = Router::new()
        .get("/healthz", |_, _| Response::ok("ok"))
        .get("/robots.txt", |_, _| Response::ok(ROBOTS))
        .get_async("/api/campaign", h!(api::campaign))
        .post_async("/webhooks/stripe", h!(webhooks::stripe))
        .post_async("/webhooks/standard", h!(webhooks::standard));
    let r = r.get_async("/api/pledges/:id", h!(pledges::api));
    let r = get_both(r, "/", h!(pages::home));
    let r = post_both(r, "/pledges", h!(pledges::create));
    let r = get_both(r, "/pledges/:id", h!(pledges::thanks));
    let r = get_both(r, "/sandbox/checkout/:id", h!(sandbox::page));
    let r = post_both(r, "/sandbox/checkout/:id", h!(sandbox::act));
    let r = post_both(r, "/comments", h!(comments::create));
    let r = post_both(r, "/volunteer", h!(comments::volunteer));
    let r = get_both(r, "/volunteer/thanks", h!(comments::volunteer_thanks));
    let r = admin::routes(r);
    // A path under /admin that no admin route matches (`/admin/pledges.csv/` slips past the
    // router's catch-all) is still refused like the rest of the area, never a public answer.
    let r = r.or_else_any_method_async("/admin/*rest", h!(admin::unknown));
    r.get_async("/km", h!(pages::km_root))
        .or_else_any_method_async("/*path", h!(pages::not_found))
}

/// Whether a POST to `path` is a browser form of ours, which must come from our own pages.
/// Providers' webhooks come from servers and prove themselves by signature instead.
fn is_form_post(req: &Request) -> bool {
    req.method() == Method::Post && !req.path().starts_with("/webhooks/")
}

/// `HEAD` is answered as `GET` without the body (monitors, link previews and crawlers use it):
/// the same route, the same status and headers.
fn as_get(req: &Request) -> Result<Request> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get)
        .with_headers(req.headers().clone());
    Request::new_with_init(&req.inner().url(), &init)
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let (lang, _) = Lang::split_path(&req.path());
    let origin = http::origin(&req);
    if is_form_post(&req) && http::is_cross_site(&req) {
        return Ok(http::secure(
            AppError::CrossSite.into_response(lang, &origin)?,
        ));
    }
    let head = req.method() == Method::Head;
    let req = if head { as_get(&req)? } else { req };
    let resp = match router().run(req, env).await {
        Ok(resp) => resp,
        Err(e) => AppError::from(e).into_response(lang, &origin)?,
    };
    let resp = if head {
        Response::empty()?
            .with_status(resp.status_code())
            .with_headers(resp.headers().clone())
    } else {
        resp
    };
    Ok(http::secure(resp))
}
