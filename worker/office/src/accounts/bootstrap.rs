//! The first owner, made with `BOOTSTRAP_SECRET` (`/admin/bootstrap`).

use super::*;
use crate::gate::{page, see_other, AdminError};
use app::account::audit::Action;
use app::account::INVITE_SECS;
use app::admin::sign_in_name;
use app::keys::{self};
use app::limits::Bucket;
use app::routes::Admin;
use app::views::accounts::{self as views};
use edge::ctx::Ctx;
use edge::store::accounts as accounts_sql;
use edge::store::team as team_sql;
use edge::{error::AppError, store};
use serde::Deserialize;
use worker::{Request, Response};

/// `GET /admin/bootstrap`: a 404 unless a bootstrap secret is set, no owner is active and no
/// invitation the bootstrap made can still be taken.
pub async fn show(cx: &Ctx) -> Result<Response, AdminError> {
    if cx.config.bootstrap_secret.is_none() || !team_sql::bootstrap_open(cx.db()?, cx.now).await? {
        return Err(AppError::NotFound.into());
    }
    page(200, views::bootstrap(None, ""))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct BootstrapForm {
    secret: String,
    name: String,
}

/// `POST /admin/bootstrap`: the secret, compared in constant time after the try took a place
/// in the sign-in bucket; then the owner's invitation, taken at once. Whether the bootstrap is
/// open is decided again by the statement that makes the invitation, so of two posts arriving
/// together one makes it and the other is a 404.
pub async fn create(mut req: Request, cx: &Ctx) -> Result<Response, AdminError> {
    let db = cx.db()?;
    let Some(secret) = cx.config.bootstrap_secret.as_deref() else {
        return Err(AppError::NotFound.into());
    };
    if !team_sql::bootstrap_open(db, cx.now).await? {
        return Err(AppError::NotFound.into());
    }
    let visitor = cx.visitor(&req)?;
    let Some(place) = store::limits::take(db, Bucket::Login, &visitor, cx.now).await? else {
        return page(
            429,
            views::bootstrap(Some("Too many tries from here. Wait 15 minutes."), ""),
        );
    };
    let form: BootstrapForm = body_form(&mut req).await?;
    if !keys::constant_time_eq(form.secret.as_bytes(), secret.as_bytes()) {
        accounts_sql::audit(
            db,
            cx.now,
            None,
            Action::SignInFailed,
            Some("bootstrap"),
            None,
        )
        .await?;
        return page(
            403,
            views::bootstrap(Some("That is not the bootstrap secret."), &form.name),
        );
    }
    // The right secret gives its place back, as a right password does.
    store::limits::give_back(db, place).await?;
    let Some(name) = sign_in_name(&form.name) else {
        return page(422, views::bootstrap(Some(views::NAME_HINT), &form.name));
    };
    let (token, hash) = new_token(cx)?;
    let Some(id) =
        team_sql::bootstrap_invite(db, &name, &hash, cx.now, cx.now + INVITE_SECS).await?
    else {
        if !team_sql::bootstrap_open(db, cx.now).await? {
            return Err(AppError::NotFound.into());
        }
        return page(
            422,
            views::bootstrap(Some("That name is taken."), &form.name),
        );
    };
    accounts_sql::audit(
        db,
        cx.now,
        None,
        Action::Invited,
        Some(&format!("account {id}")),
        Some("owner, by the bootstrap secret"),
    )
    .await?;
    see_other(&Admin::Invite.href(&[&token]))
}
