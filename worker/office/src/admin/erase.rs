//! Erasing what is stored for an email address.
//!
//! **Erasing by email** (`/admin/erase`). An address is personal, so it never travels in a
//! URL, where it would land in the browser's history and in logs: the search is a post
//! (`/admin/erase/find`, with the session's CSRF token like every post) that answers the list
//! of what is stored, and `GET /admin/erase` takes no address (after an erasure it shows the
//! erasure's record by its id, `?done=`). The erasure itself (`POST /admin/erase`) needs the
//! box ticked and the count of rows the maintainer was shown, runs as one D1 batch
//! (`store::erasure::erase_email`), empties the edge cache of the public page, and logs counts
//! only.

use crate::gate::*;
use app::account::audit::Action;
use app::admin::{parse_id, EraseForm, EraseProblem};
use app::routes::Admin;
use app::views::admin::{self as views, ErasePage};
use edge::ctx::Ctx;
use edge::http;
use edge::store::erasure;
use worker::{Request, Response};
/// `GET /admin/erase[?done=id]`: the search form, the erasure just made, the latest ones. An
/// `?email=` is not read: the address is only ever posted.
pub async fn show(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let done = http::query(&req, "done").as_deref().and_then(parse_id);
    page(200, render_erase_page(cx, s, done, "", None).await?)
}

async fn render_erase_page(
    cx: &Ctx,
    s: &Session,
    done: Option<i64>,
    email: &str,
    problem: Option<EraseProblem>,
) -> Result<String, AdminError> {
    let (done, recent) = erasure::erasures(cx.db()?, done).await?;
    Ok(views::erase(
        &s.viewer(),
        ErasePage {
            done,
            recent,
            email: email.to_string(),
            problem,
        },
    ))
}

/// The erase forms' session, form and address; a malformed address is the 422 page instead.
async fn erase_form(
    req: &mut Request,
    cx: &Ctx,
    s: &Session,
) -> Result<Result<(EraseForm, String), Response>, AdminError> {
    let form: EraseForm = form_of(req, s).await?;
    match form.email() {
        Ok(email) => Ok(Ok((form, email))),
        Err(problem) => {
            let html = render_erase_page(cx, s, None, &form.email, Some(problem)).await?;
            Ok(Err(page(422, html)?))
        }
    }
}

/// `POST /admin/erase/find`: everything stored for the posted address.
pub async fn find(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let (_, email) = match erase_form(&mut req, cx, s).await? {
        Ok(posted) => posted,
        Err(refused) => return Ok(refused),
    };
    let stored = erasure::stored_for(cx.db()?, &email).await?;
    page(200, views::erase_found(&s.viewer(), stored, None))
}

/// `POST /admin/erase`: erases the address's personal fields once the box is ticked and the
/// rows shown are still the rows stored; then to the erasure's record.
pub async fn run(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let (form, email) = match erase_form(&mut req, cx, s).await? {
        Ok(posted) => posted,
        Err(refused) => return Ok(refused),
    };
    let db = cx.db()?;
    let stored = erasure::stored_for(db, &email).await?;
    if stored.counts.total() == 0 {
        return page(200, views::erase_found(&s.viewer(), stored, None));
    }
    if let Err(problem) = form.check(stored.counts.total()) {
        return page(422, views::erase_found(&s.viewer(), stored, Some(problem)));
    }
    let Some(done) = erasure::erase_email(db, &email, cx.now).await? else {
        // Erased by someone else in the meantime.
        let stored = erasure::stored_for(db, &email).await?;
        return page(200, views::erase_found(&s.viewer(), stored, None));
    };
    s.audit(
        cx,
        Action::Erased,
        Some(&format!("erasure {}", done.id)),
        Some(&format!(
            "{} pledges, {} comments, {} volunteers",
            done.pledges, done.comments, done.volunteers
        )),
    )
    .await?;
    // The public page may show a donor's name or one of these comments.
    cx.changed(edge::changes::Change::Home);
    edge::log::event(
        "erasure",
        &[
            ("kind", done.kind.as_str()),
            ("id", &done.id.to_string()),
            ("pledges", &done.pledges.to_string()),
            ("comments", &done.comments.to_string()),
            ("volunteers", &done.volunteers.to_string()),
        ],
    );
    see_other(&format!("{}?done={}", Admin::Erase.path(), done.id))
}
