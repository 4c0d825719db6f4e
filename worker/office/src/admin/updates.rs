//! The campaign's updates in the admin area: writing, editing and publishing them
//! (`/admin/updates`, moderators and owners). Publishing, unpublishing or editing a published
//! update is named as a change (`Change::Updates`), which the site follows in its cache.

use crate::gate::{form_of, page, see_other, AdminError, Empty, Session};
use app::account::audit::Action;
use app::admin::parse_id;
use app::routes::Admin;
use app::update::{UpdateAction, UpdateForm, UpdateStatus};
use app::views::admin_updates as admin_views;
use edge::changes::Change;
use edge::ctx::Ctx;
use edge::{error::AppError, store::updates as updates_sql};
use worker::{Request, Response};

fn id_of(params: &[String]) -> Result<i64, AdminError> {
    Ok(params
        .first()
        .and_then(|id| parse_id(id))
        .ok_or(AppError::NotFound)?)
}

/// `GET /admin/updates`: every update and the form for a new one.
pub async fn list(cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let rows = updates_sql::all(cx.db()?).await?;
    page(
        200,
        admin_views::updates(&s.viewer(), rows, UpdateForm::default(), None),
    )
}

/// `POST /admin/updates`: a new update, as a draft; then its edit page.
pub async fn create(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let form: UpdateForm = form_of(&mut req, s).await?;
    let text = match form.validate() {
        Ok(text) => text,
        Err(problem) => {
            let rows = updates_sql::all(cx.db()?).await?;
            return page(
                422,
                admin_views::updates(&s.viewer(), rows, form, Some(problem)),
            );
        }
    };
    let id = updates_sql::create(cx.db()?, &text, cx.now).await?;
    s.audit(
        cx,
        Action::UpdateCreated,
        Some(&format!("update {id}")),
        None,
    )
    .await?;
    see_other(&Admin::UpdateEdit.href(&[&id.to_string()]))
}

/// `GET /admin/updates/{id}`.
pub async fn edit(cx: &Ctx, s: &Session, params: &[String]) -> Result<Response, AdminError> {
    let id = id_of(params)?;
    let u = updates_sql::any(cx.db()?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    page(
        200,
        admin_views::edit(&s.viewer(), &u, UpdateForm::of(&u), None),
    )
}

/// `POST /admin/updates/{id}`: saves an edit; a published update changes on the site at once.
pub async fn save(
    mut req: Request,
    cx: &Ctx,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    let id = id_of(params)?;
    let form: UpdateForm = form_of(&mut req, s).await?;
    let dbh = cx.db()?;
    let u = updates_sql::any(dbh, id).await?.ok_or(AppError::NotFound)?;
    let text = match form.validate() {
        Ok(text) => text,
        Err(problem) => {
            return page(422, admin_views::edit(&s.viewer(), &u, form, Some(problem)));
        }
    };
    if !updates_sql::edit(dbh, id, &text, cx.now).await? {
        return Err(AppError::NotFound.into());
    }
    s.audit(
        cx,
        Action::UpdateEdited,
        Some(&format!("update {id}")),
        None,
    )
    .await?;
    if u.status == UpdateStatus::Published {
        cx.changed(Change::Updates(id));
    }
    see_other(&Admin::UpdateEdit.href(&[&id.to_string()]))
}

/// `POST /admin/updates/{id}/{publish|unpublish}`: then back to the list.
pub async fn action(
    mut req: Request,
    cx: &Ctx,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    form_of::<Empty>(&mut req, s).await?;
    let id = id_of(params)?;
    let action = params
        .get(1)
        .and_then(|a| UpdateAction::parse(a))
        .ok_or(AppError::NotFound)?;
    if !updates_sql::set_status(cx.db()?, id, action.status(), cx.now).await? {
        return Err(AppError::NotFound.into());
    }
    let what = match action {
        UpdateAction::Publish => Action::UpdatePublished,
        UpdateAction::Unpublish => Action::UpdateUnpublished,
    };
    s.audit(cx, what, Some(&format!("update {id}")), None)
        .await?;
    cx.changed(Change::Updates(id));
    see_other(Admin::Updates.path())
}
