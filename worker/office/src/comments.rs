//! `POST /comments` and `POST /comments/{id}/delete`: visitors' words, kept whatever goes wrong.
//!
//! Checks, in order: the honeypot (a bot gets a silent 303 and nothing is stored), the signed
//! form token (3 s to 24 h old, accepted once), the fields, the visitor's rate (by keyed IP
//! hash, counted atomically). Any problem brings the page back with everything typed and a
//! fresh token. Comments are held for
//! moderation; their author sees them at once through a signed cookie naming their own.

use crate::forms::*;
use app::comment::CommentForm;
use app::comment::OWN_COOKIE_MAX;
use app::form::{Problem, Problems};
use app::i18n::Lang;
use app::limits::Bucket;
use app::views::CommentFormState;
use edge::ctx::Ctx;
use edge::held::{deletable, not_yours, Deletable};
use edge::held::{own_comments, own_cookie};
use edge::home::{again, Overrides, Tokens};
use edge::{error::AppError, http, store};
use worker::{Request, Response};

/// What a refused comment puts back on the page.
struct CommentAgain {
    form: CommentForm,
    own: Vec<i64>,
}

impl CommentAgain {
    async fn answer(
        self,
        cx: &Ctx,
        lang: Lang,
        status: u16,
        problems: Problems,
        tokens: Tokens,
    ) -> Result<Response, AppError> {
        let reply_to = self.form.parent_id.parse().ok();
        let ov = Overrides {
            comment: Some(CommentFormState {
                form: self.form,
                problems,
                ..Default::default()
            }),
            own: self.own,
            reply_to,
            ..Default::default()
        };
        again(cx, lang, status, ov, tokens).await
    }
}

/// `POST /comments` and `POST /km/comments`.
pub async fn create(mut req: Request, cx: &Ctx) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form: CommentForm = app::form::decode(&body);
    let lang = http::form_lang(&form.lang, cx.lang);
    let held = own_comments(&req, cx);
    if form.is_bot() {
        return Ok(http::see_other_after_form(&format!(
            "{}#comments",
            lang.href("/")
        ))?);
    }
    if let Err((p, tokens)) = check_token(cx, app::keys::Form::Comment, &form.token).await? {
        return CommentAgain { form, own: held }
            .answer(cx, lang, status_of(&p), one(p), tokens)
            .await;
    }
    let comment = match form.validate() {
        Ok(c) => c,
        Err(problems) => {
            return CommentAgain { form, own: held }
                .answer(cx, lang, 422, problems, Tokens::Aged)
                .await
        }
    };
    let db = cx.db()?;
    let thread_id = match comment.parent_id {
        None => None,
        Some(parent) => match store::approved_thread_of(db, parent).await? {
            Some(t) => Some(t),
            None => {
                let mut problems = Problems::default();
                problems.add("parent_id", Problem::Parent);
                return CommentAgain { form, own: held }
                    .answer(cx, lang, 422, problems, Tokens::Aged)
                    .await;
            }
        },
    };
    match check_rate(cx, &req, Bucket::Comment).await? {
        Ok(()) => {}
        Err((p, tokens)) => {
            return CommentAgain { form, own: held }
                .answer(cx, lang, status_of(&p), one(p), tokens)
                .await
        }
    };
    let id = store::create_comment(db, &comment, thread_id, lang.code(), cx.now).await?;
    let mut ids = vec![id];
    ids.extend(
        held.into_iter()
            .filter(|h| *h != id)
            .take(OWN_COOKIE_MAX - 1),
    );
    let cookie = own_cookie(
        &cx.keys()?.held_cookie,
        &ids,
        cx.origin.starts_with("https://"),
    );
    let mut resp = http::see_other_after_form(&format!("{}#comment-{id}", lang.href("/")))?;
    resp.headers_mut().set("Set-Cookie", &cookie)?;
    Ok(resp)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    lang: String,
}

/// `POST /comments/{id}/delete`: the author deletes it (a placeholder stays if others replied),
/// the erasure is recorded as a count, the cookie forgets it, and every cached page of the
/// campaign page is purged.
pub async fn delete(mut req: Request, cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, 1024)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form: DeleteForm = app::form::decode(&body);
    let lang = http::form_lang(&form.lang, cx.lang);
    let id = match deletable(&req, cx, id).await? {
        (id, Deletable::Yes(_)) => id,
        (_, Deletable::NotYours) => return not_yours(cx, lang),
        (_, Deletable::Gone) => return Err(AppError::NotFound),
    };
    let db = cx.db()?;
    let deleted = store::delete_own(db, id, cx.now).await?;
    if deleted {
        cx.changed(edge::changes::Change::Home);
    }
    edge::log::event(
        "comment_deleted_by_author",
        &[("deleted", if deleted { "1" } else { "0" })],
    );
    let rest: Vec<i64> = own_comments(&req, cx)
        .into_iter()
        .filter(|c| *c != id)
        .collect();
    let cookie = own_cookie(
        &cx.keys()?.held_cookie,
        &rest,
        cx.origin.starts_with("https://"),
    );
    let mut resp = http::private(http::html(
        200,
        app::views::comment_deleted(lang, cx.links(), &cx.config.retention),
    )?)?;
    resp.headers_mut().set("Set-Cookie", &cookie)?;
    Ok(resp)
}
