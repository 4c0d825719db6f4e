//! The JSON API: the campaign's live numbers and a pledge's status.

use crate::{error::AppError, site::Site, store};
use worker::Response;

/// `GET /api/campaign`: the same numbers the page shows.
pub async fn campaign(site: &Site) -> Result<Response, AppError> {
    let campaign = store::campaign(site.db()?, site.config.goal).await?;
    let mut resp = Response::from_json(&campaign.api(app::content::EN.anonymous))?;
    resp.headers_mut().set("Cache-Control", "no-cache")?;
    Ok(resp)
}
