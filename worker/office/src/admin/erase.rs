//! Erasing what is stored for an email address, a phone number or a pledge (`/admin/erase`).
//!
//! What is looked for is personal, so it never travels in a URL, where it would land in the
//! browser's history and in logs: the search is a post (`/admin/erase/find`, with the session's
//! CSRF token like every post) that answers the list of what is stored, and `GET /admin/erase`
//! takes none (after an erasure it shows the erasure's record by its id, `?done=`). The form
//! names one of an email address (pledges, offers of help), a phone number (offers of help;
//! normalised as the volunteer form stores it, a Cambodian one in each of its forms) or a pledge
//! id (for a request made in person), parsed once (`app::admin::EraseForm::target`). Comments
//! hold none of these since #26: one is removed on request through moderation.
//! The erasure itself (`POST /admin/erase`) needs the box ticked and the count of rows the
//! maintainer was shown, runs as one D1 batch (`store::erasure::erase`), drops every kept copy
//! of the public pages that could show what it erased, and logs counts only.

use crate::gate::*;
use app::account::audit::Action;
use app::admin::{parse_id, EraseBy, EraseForm, EraseProblem};
use app::routes::Admin;
use app::views::admin::{self as views, ErasePage};
use edge::ctx::Ctx;
use edge::http;
use edge::store::erasure;
use worker::{Request, Response};
/// `GET /admin/erase[?done=id]`: the search form, the erasure just made, the latest ones. An
/// `?email=` (or any other) is not read: what is looked for is only ever posted.
pub async fn show(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let done = http::query(&req, "done").as_deref().and_then(parse_id);
    page(
        200,
        render_erase_page(cx, s, done, EraseForm::default(), None).await?,
    )
}

async fn render_erase_page(
    cx: &Ctx,
    s: &Session,
    done: Option<i64>,
    typed: EraseForm,
    problem: Option<EraseProblem>,
) -> Result<String, AdminError> {
    let (done, recent) = erasure::erasures(cx.db()?, done).await?;
    Ok(views::erase(
        &s.viewer(),
        ErasePage {
            done,
            recent,
            typed,
            problem,
        },
    ))
}

/// The erase forms' form and what it looks for; one that names nothing, several things or
/// something malformed is the 422 page instead.
async fn erase_form(
    req: &mut Request,
    cx: &Ctx,
    s: &Session,
) -> Result<Result<(EraseForm, EraseBy), Response>, AdminError> {
    let form: EraseForm = form_of(req, s).await?;
    match form.target() {
        Ok(by) => Ok(Ok((form, by))),
        Err(problem) => {
            let html = render_erase_page(cx, s, None, form, Some(problem)).await?;
            Ok(Err(page(422, html)?))
        }
    }
}

/// `POST /admin/erase/find`: everything stored for what the form names.
pub async fn find(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let (_, by) = match erase_form(&mut req, cx, s).await? {
        Ok(posted) => posted,
        Err(refused) => return Ok(refused),
    };
    let stored = erasure::stored_for(cx.db()?, &by).await?;
    page(200, views::erase_found(&s.viewer(), stored, None))
}

/// `POST /admin/erase`: erases the personal fields found once the box is ticked and the rows
/// shown are still the rows stored; then to the erasure's record.
pub async fn run(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let (form, by) = match erase_form(&mut req, cx, s).await? {
        Ok(posted) => posted,
        Err(refused) => return Ok(refused),
    };
    let db = cx.db()?;
    let stored = erasure::stored_for(db, &by).await?;
    if stored.counts.total() == 0 {
        return page(200, views::erase_found(&s.viewer(), stored, None));
    }
    if let Err(problem) = form.check(stored.counts.total()) {
        return page(422, views::erase_found(&s.viewer(), stored, Some(problem)));
    }
    let Some(done) = erasure::erase(db, &by, by.kind(), cx.now).await? else {
        // Erased by someone else in the meantime.
        let stored = erasure::stored_for(db, &by).await?;
        return page(200, views::erase_found(&s.viewer(), stored, None));
    };
    s.audit(
        cx,
        Action::Erased,
        Some(&format!("erasure {}", done.id)),
        Some(&format!(
            "{} pledges, {} volunteers",
            done.pledges, done.volunteers
        )),
    )
    .await?;
    // The public pages may show a donor's name: every kept copy that could is dropped
    // (`cache::apply` in the site).
    cx.changed(edge::changes::Change::Home);
    edge::log::event(
        "erasure",
        &[
            ("kind", done.kind.as_str()),
            ("id", &done.id.to_string()),
            ("pledges", &done.pledges.to_string()),
            ("volunteers", &done.volunteers.to_string()),
        ],
    );
    see_other(&format!("{}?done={}", Admin::Erase.path(), done.id))
}
