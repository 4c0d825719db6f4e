//! The site's side of the office: the visitor's worker passes every route of the office's
//! (`app::routes::Part::Office`: the forms, the webhooks, the maintainers' area) on to the
//! office's worker through the service binding `OFFICE`, as it came, and reads back what the
//! office changed so that it can bring its edge cache up to date (`cache::apply`). Only in the
//! site's build: the whole site in one worker serves those routes itself.
//!
//! The office's worker has no public address (`workers_dev = false`, no route): whatever
//! reaches it came through here, after the site's own cross-site check.

use edge::changes::{Change, BOOKMARK, CHANGED};
use edge::ctx::Ctx;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use worker::{js_sys, wasm_bindgen_futures::JsFuture, Env, Request, Response, Result};

/// The binding to the office's worker (`wrangler.toml`, `[[services]]`).
const BINDING: &str = "OFFICE";

/// The office's answer to `req`, without the headers that name what it changed and the point
/// of the database its writes reached (both recorded on `cx` instead, for `cache::apply`).
pub async fn forward(req: Request, cx: &Ctx) -> Result<Response> {
    let resp = cx.env().service(BINDING)?.fetch_request(req).await?;
    // A fetched response's headers cannot be changed: a copy that can.
    let headers = resp.headers().clone();
    if let Some(named) = headers.get(CHANGED)? {
        for change in Change::parse_header(&named) {
            cx.changed(change);
        }
        headers.delete(CHANGED)?;
    }
    if let Some(at) = headers.get(BOOKMARK)? {
        cx.wrote_at(at);
        headers.delete(BOOKMARK)?;
    }
    Ok(resp.with_headers(headers))
}

#[wasm_bindgen]
extern "C" {
    /// The binding as JavaScript sees it: an RPC stub, whose methods must be called on it
    /// directly (a `Function.prototype.call` would be sent to the office as a method "call").
    type OfficeBinding;
    #[wasm_bindgen(method)]
    fn scheduled(this: &OfficeBinding, options: &js_sys::Object) -> JsValue;
}

/// Passes a scheduled event on to the office (`Fetcher.scheduled`), whose jobs they are.
pub async fn scheduled(env: &Env, cron: &str) -> Result<()> {
    let office: OfficeBinding =
        js_sys::Reflect::get(env, &JsValue::from_str(BINDING))?.unchecked_into();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(
        &options,
        &JsValue::from_str("cron"),
        &JsValue::from_str(cron),
    )?;
    js_sys::Reflect::set(
        &options,
        &JsValue::from_str("scheduledTime"),
        &js_sys::Date::new_0(),
    )?;
    // What the binding answers is a thenable (an RPC promise), not a `Promise`: adopted.
    let answer = office.scheduled(&options);
    JsFuture::from(js_sys::Promise::resolve(&answer)).await?;
    Ok(())
}
