//! The page after an offer of help (the offer itself is the office's).

use edge::ctx::Ctx;
use edge::{error::AppError, http};
use worker::Response;

/// `GET /volunteer/thanks`.
pub fn thanks(cx: &Ctx) -> Result<Response, AppError> {
    Ok(http::html(
        200,
        app::views::volunteer_thanks(cx.lang, cx.links()),
    )?)
}
