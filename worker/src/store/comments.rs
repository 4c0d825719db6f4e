//! Visitors' comments and offers of help, as they are stored; moderation is `admin.rs`.

use super::{first, stmt, Arg};
use crate::error::AppError;
use serde::Deserialize;
use worker::D1Database;

use app::comment::NewComment;
use app::volunteer::NewVolunteer;

/// The thread an approved comment belongs to (its root's id), for a reply to it.
pub async fn approved_thread_of(db: &D1Database, id: i64) -> Result<Option<i64>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        thread: i64,
    }
    let s = stmt(db, "SELECT COALESCE(thread_id, id) AS thread FROM comments WHERE id = ?1 AND status = 'approved'", &[id.into()])?;
    Ok(first::<Row>(s).await?.map(|r| r.thread))
}

/// Holds a visitor's comment for moderation (their rate was counted before); returns its id.
pub async fn create_comment(
    db: &D1Database,
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
        "INSERT INTO comments (parent_id, thread_id, name, email, website, body, lang, status, is_campaign, link_count, flagged, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'held', 0, ?8, ?9, ?10) RETURNING id",
        &[
            c.parent_id.map_or(Arg::Null, Arg::Int),
            thread_id.map_or(Arg::Null, Arg::Int),
            c.name.as_str().into(),
            c.email.as_deref().into(),
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
    db: &D1Database,
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
