//! The pledge's own pages, drawn by both workers: the site shows them, the office draws the
//! stop and erase pages again when a press is refused. A pledge's page is the only key to it (its id is
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
    store::pledge(cx.primary()?, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A page of the pledge's own: private.
pub fn private_page(status: u16, html: String) -> Result<Response, AppError> {
    Ok(http::private(http::html(status, html)?)?)
}

/// A token for one of a pledge's one-button forms, written into its page (the page is private,
/// so not into a hole of a shared template) and dated by the one rule (`keys::issued_at`): both
/// only confirm, so the button takes an immediate press.
fn token(cx: &Ctx, form: keys::Form) -> Result<String, AppError> {
    Ok(keys::serve_token(
        &cx.keys()?.form_token,
        form,
        keys::Tokens::Fresh,
        cx.now,
        platform::random16(),
    ))
}

/// The stop page, with its token.
pub fn stop_page_for(
    cx: &Ctx,
    lang: Lang,
    status: u16,
    pledge: &Pledge,
    problems: Problems,
) -> Result<Response, AppError> {
    let token = token(cx, keys::Form::PledgeStop)?;
    private_page(
        status,
        app::views::pledge_stop(lang, cx.links(), pledge, &token, problems),
    )
}

/// The erase page ("erase your name, email and note?"), or that nothing is kept, with `status`.
///
/// Its form only confirms: there is nothing to type, so it is served with aged tokens and a
/// press at once is taken. What the minimum age guards against (a bot posting a form the
/// instant it is served) gains nothing here: the page is reached only through the pledge's
/// secret address, and the token is still signed, single use, and refused from another site.
pub fn erase_page_for(
    cx: &Ctx,
    lang: Lang,
    status: u16,
    pledge: &Pledge,
    problems: Problems,
) -> Result<Response, AppError> {
    if !pledge.details {
        return private_page(
            status,
            app::views::pledge_nothing_to_erase(lang, cx.links(), &pledge.id),
        );
    }
    let token = token(cx, keys::Form::PledgeErase)?;
    let page = app::views::PledgeErase {
        pledge,
        token: &token,
        problems,
        copies_minutes: (cx.config.edge_ttl > 0)
            .then(|| cx.config.retention.erasure().elsewhere_minutes),
    };
    private_page(status, app::views::pledge_erase(lang, cx.links(), page))
}
