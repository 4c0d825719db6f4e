//! Response helpers: every response leaves through [`secure`], so the security headers are set
//! in one place and no handler can forget them.

use app::i18n::Lang;
use worker::{Headers, Request, Response, Result};

/// The request's URL as the platform serialized it (WHATWG: scheme, `://`, host, path, query).
///
/// Read as a string rather than parsed with `url::Url`: parsing would link the IDNA tables
/// (over 100 KB of wasm) to re-derive what the platform already normalized.
fn raw_url(req: &Request) -> String {
    req.inner().url()
}

/// `scheme://host[:port]` of a serialized URL.
fn origin_of(url: &str) -> &str {
    let host_start = url.find("://").map_or(0, |i| i + 3);
    let end = url[host_start..].find(['/', '?', '#']).map_or(url.len(), |i| host_start + i);
    &url[..end]
}

/// The query string of a serialized URL, without `?` and fragment.
fn query_of(url: &str) -> &str {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    q.split('#').next().unwrap_or("")
}

/// `https://host` of the request, for absolute links (hreflang, share links).
pub fn origin(req: &Request) -> String {
    origin_of(&raw_url(req)).to_string()
}

/// The decoded query parameters of the request.
pub fn query_pairs(req: &Request) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query_of(&raw_url(req))).unwrap_or_default()
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
    query_pairs(req).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_without_parsing() {
        assert_eq!(origin_of("https://example.org/km/?page=2#c"), "https://example.org");
        assert_eq!(origin_of("http://127.0.0.1:8787/"), "http://127.0.0.1:8787");
        assert_eq!(origin_of("http://127.0.0.1:8787?x"), "http://127.0.0.1:8787");
        assert_eq!(query_of("https://e.org/?page=2&reply=3#comments"), "page=2&reply=3");
        assert_eq!(query_of("https://e.org/"), "");
    }
}

/// The language a form says it came from (`lang` field), else the path's.
pub fn form_lang(field: &str, path_lang: Lang) -> Lang {
    Lang::from_code(field).unwrap_or(path_lang)
}
