//! The JSON API: the campaign's live numbers and a pledge's status.

use crate::{config, error::AppError, store};
use worker::{Request, Response, RouteContext};

/// `GET /api/campaign`: the same numbers the page shows.
pub async fn campaign(_req: Request, ctx: RouteContext<()>) -> Result<Response, AppError> {
    let db = ctx.env.d1("DB")?;
    let campaign = store::campaign(&db, config::goal(&ctx.env)).await?;
    let mut resp = Response::from_json(&campaign.api(app::content::EN.anonymous))?;
    resp.headers_mut().set("Cache-Control", "no-cache")?;
    Ok(resp)
}
