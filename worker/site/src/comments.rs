//! `GET /comments/{id}/delete`: "delete your comment?", for its author (deleting is the
//! office's).

use edge::ctx::Ctx;
use edge::held::{deletable, not_yours, Deletable};
use edge::{error::AppError, http};
use worker::{Request, Response};

/// `GET /comments/{id}/delete`: "delete your comment?", with the comment and what deleting
/// does. Private: it shows a held comment's words to its author only.
pub async fn delete_page(req: Request, cx: &Ctx, id: &str) -> Result<Response, AppError> {
    match deletable(&req, cx, id).await? {
        (id, Deletable::Yes(c)) => Ok(http::private(http::html(
            200,
            app::views::comment_delete(
                cx.lang,
                cx.links(),
                app::views::OwnComment {
                    id,
                    body: c.body,
                    has_replies: c.has_replies,
                },
            ),
        )?)?),
        (_, Deletable::NotYours) => not_yours(cx, cx.lang),
        (_, Deletable::Gone) => Err(AppError::NotFound),
    }
}
