//! Response helpers: every response leaves through [`secure`], so the security headers are set
//! in one place and no handler can forget them.

use app::i18n::Lang;
use worker::{Headers, Request, Response, Result};

/// `https://host` of the request, for absolute links (hreflang, share links).
pub fn origin(req: &Request) -> String {
    req.url().map(|u| u.origin().ascii_serialization()).unwrap_or_default()
}

/// Adds the headers every response carries.
pub fn secure(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    for (name, value) in app::security::headers() {
        // A handler's own choice wins (a pledge's page sets `Referrer-Policy: no-referrer`).
        // A header only fails to set on an immutable response (one fetched from elsewhere);
        // the router never hands us one of those.
        if !h.has(name).unwrap_or(false) {
            let _ = h.set(name, value);
        }
    }
    resp
}

/// An HTML page with a status and its ETag.
pub fn html(status: u16, body: String) -> Result<Response> {
    let etag = crate::cache::etag(&body);
    let mut resp = Response::from_html(body)?.with_status(status);
    resp.headers_mut().set("ETag", &etag)?;
    Ok(resp)
}

/// A page that must never be stored by a cache or leak its URL to another site
/// (a pledge's own page: its id is the only key to it).
pub fn private(mut resp: Response) -> Result<Response> {
    let h = resp.headers_mut();
    h.set("Cache-Control", "no-store")?;
    h.set("Referrer-Policy", "no-referrer")?;
    Ok(resp)
}

/// `303 See Other` to a path on this site.
pub fn see_other(location: &str) -> Result<Response> {
    let headers = Headers::new();
    headers.set("Location", location)?;
    Ok(Response::empty()?.with_status(303).with_headers(headers))
}

/// `303` to an absolute URL elsewhere (the payment provider's checkout).
pub fn see_other_url(url: &str) -> Result<Response> {
    see_other(url)
}

/// The value of one cookie from the request's `Cookie` header.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("Cookie").ok().flatten()?;
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The query parameter `name`, if present.
pub fn query(req: &Request, name: &str) -> Option<String> {
    let url = req.url().ok()?;
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The language a form says it came from (`lang` field), else the path's.
pub fn form_lang(field: &str, path_lang: Lang) -> Lang {
    Lang::from_code(field).unwrap_or(path_lang)
}
