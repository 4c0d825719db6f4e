//! The start and the end every request shares, in either worker: the route matched against
//! `app::routes`, the request's [`Ctx`] built, a form post from another site refused, `HEAD`
//! answered as `GET` without the body, and every response sent through [`http::secure`].
//!
//! Each worker's `fetch` is then three lines: [`begin`], its own dispatcher (an exhaustive
//! `match` over its own route enum), [`finish`].

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::http;
use crate::store::Reads;
use app::routes::{self, Route};
use worker::{Env, Method, Request, RequestInit, Response, Result};

/// A request on its way to its handler.
pub struct Incoming {
    pub req: Request,
    pub cx: Ctx,
    pub route: Route,
    /// The path's captured segments, in order.
    pub params: Vec<String>,
    /// Asked with `HEAD`: answered as `GET`, without the body ([`finish`]).
    pub head: bool,
}

/// The first captured segment of a path (an id), or empty.
pub fn first(params: &[String]) -> &str {
    params.first().map(String::as_str).unwrap_or_default()
}

/// What the request is, or the answer already given (a form post from another site). Its
/// reads go where `reads` says (`Ctx::db`): the worker's choice.
pub fn begin(
    req: Request,
    env: Env,
    reads: Reads,
) -> Result<std::result::Result<Incoming, Response>> {
    let head = req.method() == Method::Head;
    let method = match req.method() {
        Method::Get | Method::Head => routes::Method::Get,
        Method::Post => routes::Method::Post,
        Method::Options => routes::Method::Options,
        _ => routes::Method::Other,
    };
    let path = req.path();
    let matched = routes::route(method, &path);
    let route = matched.route;
    let params: Vec<String> = matched.params.iter().map(|p| p.to_string()).collect();
    let cx = Ctx::new(&req, env, matched.lang, reads);
    if method == routes::Method::Post && route.is_form() && http::is_cross_site(&req) {
        let refused = AppError::CrossSite.into_response(cx.lang, cx.links())?;
        return Ok(Err(http::secure(refused)));
    }
    let req = if head { as_get(&req)? } else { req };
    Ok(Ok(Incoming {
        req,
        cx,
        route,
        params,
        head,
    }))
}

/// A handler's answer, its error drawn as a page in the path's language.
pub fn answer(cx: &Ctx, answer: std::result::Result<Response, AppError>) -> Result<Response> {
    match answer {
        Ok(resp) => Ok(resp),
        Err(e) => e.into_response(cx.lang, cx.links()),
    }
}

/// The response as it leaves: without its body for `HEAD`, with the security headers.
pub fn finish(head: bool, resp: Response) -> Result<Response> {
    let resp = if head {
        Response::empty()?
            .with_status(resp.status_code())
            .with_headers(resp.headers().clone())
    } else {
        resp
    };
    Ok(http::secure(resp))
}

/// `HEAD` is answered as `GET` without the body (monitors, link previews and crawlers use it):
/// the same route, the same status and headers.
fn as_get(req: &Request) -> Result<Request> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get)
        .with_headers(req.headers().clone());
    Request::new_with_init(&req.inner().url(), &init)
}
