//! What only the platform can give: the clock, the CSPRNG, the visitor's address.

use wasm_bindgen::prelude::wasm_bindgen;
use worker::Request;

#[wasm_bindgen]
extern "C" {
    /// Web Crypto's CSPRNG, present in every Workers isolate.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

/// 16 bytes from the platform's CSPRNG.
pub fn random16() -> [u8; 16] {
    let mut buf = [0u8; 16];
    get_random_values(&mut buf);
    buf
}

/// Unix seconds.
pub fn now() -> i64 {
    (worker::Date::now().as_millis() / 1000) as i64
}

/// The visitor's address as Cloudflare reports it. Only ever hashed, never stored or logged.
/// Cloudflare always sets it; without it (a local tool that leaves it out) every such request
/// is the one visitor [`app::limits::UNKNOWN_VISITOR`], so leaving it out escapes no limit.
pub fn client_ip(req: &Request) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .filter(|ip| !ip.trim().is_empty())
        .unwrap_or_else(|| app::limits::UNKNOWN_VISITOR.to_string())
}
