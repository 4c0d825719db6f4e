//! Moderation: the comments' lists, the actions on a comment, and the campaign's replies.

use crate::gate::*;
use app::account::audit::Action;
use app::admin::{parse_page, reply_body, ActionForm, CommentList, ListPlace, Moderation};
use app::comment::CommentStatus;
use app::views::admin::{self as views, CommentsPage, ReplyDraft};
use edge::ctx::Ctx;
use edge::{error::AppError, http, store::admin as admin_sql};
use worker::{Request, Response};
/// `GET /admin/comments?status=held|approved|spam&page=n`.
pub async fn comment_list(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let list = CommentList::from_query(&http::query(&req, "status").unwrap_or_default());
    let page_no = parse_page(&http::query(&req, "page").unwrap_or_default());
    page(200, render_list(cx, s, list, page_no, None).await?)
}

async fn render_list(
    cx: &Ctx,
    s: &Session,
    list: CommentList,
    page_no: i64,
    draft: Option<ReplyDraft>,
) -> Result<String, AdminError> {
    let (total, comments) = admin_sql::comment_list(cx.db()?, list, page_no).await?;
    Ok(views::comments(
        &s.viewer(),
        CommentsPage {
            list,
            page: page_no,
            total,
            comments,
            draft,
        },
    ))
}

/// `GET /admin/waiting`: approved comments still waiting for the campaign's reply.
pub async fn waiting(_req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    page(200, render_waiting(cx, s, None).await?)
}

async fn render_waiting(
    cx: &Ctx,
    s: &Session,
    draft: Option<ReplyDraft>,
) -> Result<String, AdminError> {
    let comments = admin_sql::waiting(cx.db()?).await?;
    Ok(views::waiting(&s.viewer(), comments, cx.now, draft))
}

/// `POST /admin/comments/{id}/{approve|spam|delete|reply}`: one click, then back to the same
/// place in the same list.
pub async fn moderate(
    mut req: Request,
    cx: &Ctx,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    let form: ActionForm = form_of(&mut req, s).await?;
    let id = params
        .first()
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)?;
    let action = params
        .get(1)
        .and_then(|a| Moderation::parse(a))
        .ok_or(AppError::NotFound)?;
    let db = cx.db()?;
    let place = form.place();
    let done = match action {
        Moderation::Approve => {
            admin_sql::set_comment_status(db, id, CommentStatus::Approved).await?
        }
        Moderation::Spam => admin_sql::set_comment_status(db, id, CommentStatus::Spam).await?,
        Moderation::Delete => admin_sql::delete_comment(db, id).await?,
        Moderation::Reply => return reply(cx, s, id, &form, place).await,
    };
    if !done {
        return Err(AppError::NotFound.into());
    }
    let what = match action {
        Moderation::Approve => "approve",
        Moderation::Spam => "spam",
        Moderation::Delete => "delete",
        Moderation::Reply => "reply",
    };
    s.audit(
        cx,
        Action::Moderated,
        Some(&format!("comment {id}")),
        Some(what),
    )
    .await?;
    // The public page may show (or have shown) this comment: the edge must not keep it.
    cx.changed(edge::changes::Change::Home);
    see_other(&place.href())
}

/// A reply as the campaign: public at once, threaded under the comment it answers.
async fn reply(
    cx: &Ctx,
    s: &Session,
    parent: i64,
    form: &ActionForm,
    place: ListPlace,
) -> Result<Response, AdminError> {
    let db = cx.db()?;
    let body = match reply_body(&form.text) {
        Ok(body) => body,
        Err(problem) => {
            let draft = Some(ReplyDraft {
                parent,
                text: form.text.clone(),
                problem,
            });
            let html = match place.list {
                Some(list) => render_list(cx, s, list, place.page, draft).await?,
                None => render_waiting(cx, s, draft).await?,
            };
            return page(422, html);
        }
    };
    let (thread, lang) = admin_sql::reply_target(db, parent)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = app::admin::campaign_name(&lang);
    admin_sql::create_reply(
        db,
        &admin_sql::NewReply {
            parent,
            thread,
            name,
            body: &body,
            lang: &lang,
            now: cx.now,
        },
    )
    .await?;
    s.audit(
        cx,
        Action::Replied,
        Some(&format!("comment {parent}")),
        None,
    )
    .await?;
    cx.changed(edge::changes::Change::Home);
    // In a list the comment stays where it was; in the waiting view it has left.
    let place = if place.list.is_some() {
        ListPlace {
            anchor: Some(parent),
            ..place
        }
    } else {
        place
    };
    see_other(&place.href())
}

// ---------------------------------------------------------------------------------------------
// Pledges and volunteers
