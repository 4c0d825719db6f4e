//! What only the platform can give: the clock, the CSPRNG, the visitor's address.

use std::time::Duration;
use wasm_bindgen::prelude::wasm_bindgen;
use worker::{AbortController, Delay, Fetch, Request};

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

/// `N` bytes from the platform's CSPRNG (at most 65,536, Web Crypto's limit per call).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    get_random_values(&mut buf);
    buf
}

/// Sends `request` to another service and gives up after `timeout`: a slow provider never holds
/// a visitor (or a cron run) longer. The answer's status and body, or why there is none.
pub async fn fetch(request: Request, timeout: Duration) -> Result<(u16, Vec<u8>), String> {
    let controller = AbortController::default();
    let signal = controller.signal();
    worker::wasm_bindgen_futures::spawn_local(async move {
        Delay::from(timeout).await;
        controller.abort();
    });
    let mut resp = Fetch::Request(request)
        .send_with_signal(&signal)
        .await
        .map_err(|e| e.to_string())?;
    let body = resp.bytes().await.map_err(|e| e.to_string())?;
    Ok((resp.status_code(), body))
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
