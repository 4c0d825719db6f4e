//! The pledge's own pages, drawn by both workers: the site shows them, the office draws the
//! stop page again when a stop is refused. A pledge's page is the only key to it (its id is
//! 128 random bits): every page under it is private (never cached, never sent on as a
//! referrer).

use crate::ctx::Ctx;
use crate::{error::AppError, http, platform, store};
use app::form::Problems;
use app::i18n::Lang;
use app::keys;
use app::pledge::{is_pledge_id, Pledge};
use worker::Response;

/// The pledge `id` names, if it is one of ours.
pub async fn find(cx: &Ctx, id: &str) -> Result<Pledge, AppError> {
    if !is_pledge_id(id) {
        return Err(AppError::NotFound);
    }
    store::pledge(cx.db()?, id).await?.ok_or(AppError::NotFound)
}

/// A page of the pledge's own: private.
pub fn private_page(status: u16, html: String) -> Result<Response, AppError> {
    Ok(http::private(http::html(status, html)?)?)
}

/// The stop page: its token written into it (the page is private, so not into a slot of a
/// shared template), dated as a form that only confirms is (`keys::issued_at`): the button
/// takes an immediate press.
pub fn stop_page_for(
    cx: &Ctx,
    lang: Lang,
    status: u16,
    pledge: &Pledge,
    problems: Problems,
) -> Result<Response, AppError> {
    let token = keys::serve_token(
        &cx.keys()?.form_token,
        keys::Form::PledgeStop,
        keys::Tokens::Fresh,
        cx.now,
        platform::random16(),
    );
    private_page(
        status,
        app::views::pledge_stop(lang, cx.links(), pledge, &token, problems),
    )
}
