//! Response helpers: every response leaves through [`secure`], so the security headers are set
//! in one place and no handler can forget them.

use app::i18n::Lang;
use futures_util::StreamExt;
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
    let end = url[host_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| host_start + i);
    &url[..end]
}

/// The query string of a serialized URL, without `?` and fragment.
fn query_of(url: &str) -> &str {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    q.split('#').next().unwrap_or("")
}

/// The host of a serialized URL, without port (`[::1]` keeps its brackets).
fn host_of(url: &str) -> &str {
    let authority = &origin_of(url)[url.find("://").map_or(0, |i| i + 3)..];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority.find(']').map_or(authority, |i| &authority[..=i]);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Whether the request was made to this machine itself (`localhost`, `127.0.0.1`, `[::1]`):
/// the sandbox checkout and other development aids exist only there, whatever a variable
/// says, so a deployed worker can never run them.
pub fn is_loopback(req: &Request) -> bool {
    is_loopback_url(&raw_url(req))
}

/// Whether a URL names this machine (`http(s)://localhost`, `127.0.0.1`, `[::1]`, any port).
pub fn is_loopback_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://"))
        && matches!(host_of(url), "localhost" | "127.0.0.1" | "[::1]")
}

/// Whether a form post comes from a page of another site, by the browser's own word.
///
/// `Sec-Fetch-Site` decides when present (`same-origin` and `none` pass). Without it, an
/// `Origin` that is not ours is refused; `Origin: null` counts as absent, since our private
/// pages send `Referrer-Policy: no-referrer` and browsers then post from them with `null`. A
/// post with neither header (an old client) is let through: the rest of the checks still apply.
pub fn is_cross_site(req: &Request) -> bool {
    let header = |name: &str| req.headers().get(name).ok().flatten();
    if let Some(site) = header("Sec-Fetch-Site") {
        return !matches!(
            site.trim().to_ascii_lowercase().as_str(),
            "same-origin" | "none"
        );
    }
    match header("Origin") {
        Some(o) if o.trim() != "null" && !o.trim().is_empty() => o.trim() != origin(req),
        _ => false,
    }
}

/// The request's body, read only while it stays within `max` bytes: a declared
/// `Content-Length` over the limit is refused unread, and reading stops as soon as more
/// arrives than allowed. `None`: too large.
pub async fn body_within(req: &mut Request, max: usize) -> Result<Option<Vec<u8>>> {
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Ok(None);
    }
    if declared.is_some() {
        // The body is exactly its declared length (HTTP's framing): read in one call, not
        // chunk by chunk through a stream reader (a webhook's CPU, `make bench`); checked again.
        let body = req.bytes().await?;
        return Ok((body.len() <= max).then_some(body));
    }
    let mut body = Vec::new();
    let mut stream = match req.stream() {
        Ok(s) => s,
        // No body at all.
        Err(_) => return Ok(Some(body)),
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > max {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// `https://host` of the request, for absolute links (hreflang, share links).
pub fn origin(req: &Request) -> String {
    origin_of(&raw_url(req)).to_string()
}

/// `scheme://host[:port]` of a configured address (`SITE_URL`); empty for an empty one.
pub fn url_origin(url: &str) -> &str {
    origin_of(url)
}

/// The decoded query parameters of the request.
pub fn query_pairs(req: &Request) -> Vec<(String, String)> {
    app::form::decode(query_of(&raw_url(req)).as_bytes())
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

/// A strong ETag of a body: a 64-bit hash, eight bytes at a step.
///
/// An ETag only has to change when the page does; it guards nothing, so it needs no
/// cryptographic hash. SHA-256 of a 20-33 KB page cost more CPU than rendering it in wasm.
pub fn etag(body: &str) -> String {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = body.as_bytes();
    let mut h: u64 = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(29);
    }
    h ^= h >> 32;
    format!("\"{h:016x}\"")
}

/// An HTML page with a status and its ETag.
pub fn html(status: u16, body: String) -> Result<Response> {
    let etag = etag(&body);
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

/// `303 See Other` answering a visitor's form. Those forms post to an action with a fragment
/// (`/pledges#give`, so that an answer with problems opens where its summary is), and browsers
/// carry the action's fragment onto a `Location` that has none of its own (Fetch, "HTTP-redirect
/// fetch"): a location without one gets an empty one (`…#`), which opens the page at its top.
pub fn see_other_after_form(location: &str) -> Result<Response> {
    if location.contains('#') {
        see_other(location)
    } else {
        see_other(&format!("{location}#"))
    }
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
    query_pairs(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The language a form says it came from (`lang` field), else the path's.
pub fn form_lang(field: &str, path_lang: Lang) -> Lang {
    Lang::from_code(field).unwrap_or(path_lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_without_parsing() {
        assert_eq!(
            origin_of("https://example.org/km/?page=2#c"),
            "https://example.org"
        );
        assert_eq!(origin_of("http://127.0.0.1:8787/"), "http://127.0.0.1:8787");
        assert_eq!(
            origin_of("http://127.0.0.1:8787?x"),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            query_of("https://e.org/?page=2&reply=3#comments"),
            "page=2&reply=3"
        );
        assert_eq!(query_of("https://e.org/"), "");
    }

    #[test]
    fn hosts_without_port() {
        assert_eq!(host_of("http://127.0.0.1:8787/x"), "127.0.0.1");
        assert_eq!(host_of("http://localhost/"), "localhost");
        assert_eq!(host_of("http://[::1]:8787/"), "[::1]");
        assert_eq!(host_of("https://example.org/?a=b"), "example.org");
        assert_eq!(
            host_of("https://localhost.example.org/"),
            "localhost.example.org"
        );
        assert_eq!(
            host_of("https://127.0.0.1.nip.io:8787/"),
            "127.0.0.1.nip.io"
        );
    }

    #[test]
    fn only_this_machine_counts_as_a_loopback_url() {
        for yes in [
            "http://127.0.0.1:9999",
            "http://localhost:1/x",
            "https://[::1]:8443/",
        ] {
            assert!(is_loopback_url(yes), "{yes}");
        }
        for no in [
            "https://api.stripe.com",
            "http://127.0.0.1.nip.io:9999",
            "http://localhost@evil.example/",
            "ftp://127.0.0.1/",
            "127.0.0.1:9999",
            "",
        ] {
            assert!(!is_loopback_url(no), "{no}");
        }
    }
}
