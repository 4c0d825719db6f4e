//! Visitors' comments and offers of help, as they are stored; moderation is `admin.rs`.

use super::Stmt;
use super::{first, rows, stmt, Arg, Db};
use crate::error::AppError;
use serde::Deserialize;

use app::comment::{CommentStatus, NewComment};
use app::volunteer::NewVolunteer;

/// The thread an approved comment belongs to (its root's id), for a reply to it.
pub async fn approved_thread_of(db: &Db, id: i64) -> Result<Option<i64>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        thread: i64,
    }
    let s = stmt(db, "SELECT COALESCE(thread_id, id) AS thread FROM comments WHERE id = ?1 AND status = 'approved'", &[id.into()])?;
    Ok(first::<Row>(s).await?.map(|r| r.thread))
}

/// Holds a visitor's comment for moderation (their rate was counted before); returns its id.
/// No email: the form asks for none since #26, and `0012` dropped the column.
pub async fn create_comment(
    db: &Db,
    c: &NewComment,
    thread_id: Option<i64>,
    lang: &str,
    now: i64,
) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
    }
    let s = stmt(
        db,
        "INSERT INTO comments (parent_id, thread_id, name, website, body, lang, status, is_campaign, link_count, flagged, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'held', 0, ?7, ?8, ?9) RETURNING id",
        &[
            c.parent_id.map_or(Arg::Null, Arg::Int),
            thread_id.map_or(Arg::Null, Arg::Int),
            c.name.as_str().into(),
            c.website.as_deref().into(),
            c.body.as_str().into(),
            lang.into(),
            (c.link_count as i64).into(),
            i64::from(c.flagged()).into(),
            now.into(),
        ],
    )?;
    first::<Row>(s)
        .await?
        .map(|r| r.id)
        .ok_or(AppError::Internal("insert returned no id"))
}

pub async fn create_volunteer(
    db: &Db,
    v: &NewVolunteer,
    lang: &str,
    now: i64,
) -> Result<(), AppError> {
    let help = v.help.join(",");
    stmt(
        db,
        "INSERT INTO volunteers (name, email, phone, place, help, message, lang, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            v.name.as_str().into(),
            v.email.as_deref().into(),
            v.phone.as_deref().into(),
            v.place.as_deref().into(),
            help.as_str().into(),
            v.message.as_deref().into(),
            lang.into(),
            now.into(),
        ],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

/// Any comment under `?1` (a reply to it, or in its thread), whoever wrote it and whatever its
/// state: deleting `?1` would take theirs with it, so it is kept as a placeholder instead.
const HAS_REPLIES: &str =
    "EXISTS (SELECT 1 FROM comments r WHERE (r.parent_id = ?1 OR r.thread_id = ?1) AND r.id <> ?1)";

/// The statements that remove comment `id`, for its author and for a moderator alike: an
/// emptied `removed` placeholder while anything is under it (the others' replies stay in their
/// thread), gone otherwise, its share of the comment counts with it; then the fold
/// (`store::figures`). The first and the third return the id they touched.
pub(super) fn removal(db: &Db, id: i64) -> Result<Vec<Stmt>, AppError> {
    let mut v = vec![
        stmt(
            db,
            &format!(
                "UPDATE comments SET status = 'removed', name = '', website = NULL, body = '', \
                 link_count = 0, flagged = 0 WHERE id = ?1 AND {HAS_REPLIES} RETURNING id"
            ),
            &[id.into()],
        )?,
        super::figures::comment_leaving(db, id, &format!("NOT {HAS_REPLIES}"))?,
        stmt(
            db,
            &format!("DELETE FROM comments WHERE id = ?1 AND NOT {HAS_REPLIES} RETURNING id"),
            &[id.into()],
        )?,
    ];
    v.extend(super::figures::fold(db)?);
    Ok(v)
}

/// A comment as its author sees it on the page asking "delete it?".
pub struct OwnRow {
    pub body: String,
    pub status: CommentStatus,
    pub created_at: i64,
    pub has_replies: bool,
}

/// The comment `id`, for its author's deletion; `None` when there is none (or its row does not
/// decode: nothing to delete that the site can show).
pub async fn own_comment(db: &Db, id: i64) -> Result<Option<OwnRow>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        body: String,
        status: CommentStatus,
        created_at: i64,
        has_replies: i64,
    }
    let s = stmt(
        db,
        &format!("SELECT body, status, created_at, {HAS_REPLIES} AS has_replies FROM comments WHERE id = ?1"),
        &[id.into()],
    )?;
    Ok(first::<Row>(s).await?.map(|r| OwnRow {
        body: r.body,
        status: r.status,
        created_at: r.created_at,
        has_replies: r.has_replies != 0,
    }))
}

/// Its author deletes comment `id`, in one batch: recorded as an erasure (a count, never the
/// words), then either emptied into a placeholder (others replied under it) or deleted.
/// Returns whether there was a comment to delete (not one already removed).
pub async fn delete_own(db: &Db, id: i64, now: i64) -> Result<bool, AppError> {
    let stmts = vec![
        stmt(
            db,
            "INSERT INTO erasures (at, kind, comments) SELECT ?2, 'own-comment', 1 \
             WHERE EXISTS (SELECT 1 FROM comments WHERE id = ?1 AND status <> 'removed') RETURNING id",
            &[id.into(), now.into()],
        )?,
    ];
    let stmts = stmts.into_iter().chain(removal(db, id)?).collect();
    let results = super::batch(db, stmts).await?;
    match results.first() {
        Some(recorded) => Ok(!rows::<serde_json::Value>(recorded)?.is_empty()),
        None => Err(AppError::Internal("unexpected batch shape")),
    }
}
