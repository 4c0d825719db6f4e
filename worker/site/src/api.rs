//! The JSON API: the campaign's live numbers and a pledge's status.
//!
//! `/api/campaign` is public and read by other sites' scripts too: any origin may read it
//! (`Access-Control-Allow-Origin: *`, no credentials), with `GET` or `HEAD` only.

use edge::{ctx::Ctx, error::AppError, store};
use worker::Response;

/// `GET /api/campaign`: the same numbers the page shows.
pub async fn campaign(cx: &Ctx) -> Result<Response, AppError> {
    let campaign = store::campaign(cx.db()?, cx.config.goal).await?;
    let mut resp = Response::from_json(&campaign.api(app::content::EN.anonymous))?;
    let h = resp.headers_mut();
    h.set("Cache-Control", "no-cache")?;
    h.set("Access-Control-Allow-Origin", "*")?;
    Ok(resp)
}

/// `OPTIONS /api/campaign`: the CORS preflight. `GET` only (a `HEAD` needs none); no
/// credentials and no request headers are allowed, and the browser may keep the answer a day.
pub fn campaign_preflight() -> Result<Response, AppError> {
    let mut resp = Response::empty()?.with_status(204);
    let h = resp.headers_mut();
    h.set("Access-Control-Allow-Origin", "*")?;
    h.set("Access-Control-Allow-Methods", "GET")?;
    h.set("Access-Control-Max-Age", "86400")?;
    Ok(resp)
}
