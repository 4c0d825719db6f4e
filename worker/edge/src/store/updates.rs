//! The campaign's updates: every SQL statement of them. The campaign page's latest three come
//! with the page statement (`page.rs`), not from here.

use super::{batch, first, rows, stmt, Db};
use crate::error::AppError;
use app::update::{Update, UpdateStatus, UpdateText, IN_FEED, PER_PAGE};
use serde::Deserialize;

/// The columns an [`Update`] decodes from.
pub(super) const COLUMNS: &str =
    "id, title_en, body_en, title_km, body_km, status, published_at, created_at, updated_at";

fn parts(t: &UpdateText) -> [Option<&str>; 4] {
    let en = t.en.as_ref();
    let km = t.km.as_ref();
    [
        en.map(|(t, _)| t.as_str()),
        en.map(|(_, b)| b.as_str()),
        km.map(|(t, _)| t.as_str()),
        km.map(|(_, b)| b.as_str()),
    ]
}

#[derive(Deserialize)]
struct Id {
    id: i64,
}

/// A new update, as a draft; its id.
pub async fn create(db: &Db, text: &UpdateText, now: i64) -> Result<i64, AppError> {
    let [te, be, tk, bk] = parts(text);
    first::<Id>(stmt(
        db,
        "INSERT INTO updates (title_en, body_en, title_km, body_km, status, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?5) RETURNING id",
        &[te.into(), be.into(), tk.into(), bk.into(), now.into()],
    )?)
    .await?
    .map(|r| r.id)
    .ok_or(AppError::Internal("the insert returned no id"))
}

/// Saves an edit; `false`: there is no such update.
pub async fn edit(db: &Db, id: i64, text: &UpdateText, now: i64) -> Result<bool, AppError> {
    let [te, be, tk, bk] = parts(text);
    Ok(first::<Id>(stmt(
        db,
        "UPDATE updates SET title_en = ?2, body_en = ?3, title_km = ?4, body_km = ?5, updated_at = ?6 \
         WHERE id = ?1 RETURNING id",
        &[id.into(), te.into(), be.into(), tk.into(), bk.into(), now.into()],
    )?)
    .await?
    .is_some())
}

/// Publishes or unpublishes; the first publication's date is kept. `false`: no such update.
pub async fn set_status(
    db: &Db,
    id: i64,
    status: UpdateStatus,
    now: i64,
) -> Result<bool, AppError> {
    Ok(first::<Id>(stmt(
        db,
        "UPDATE updates SET status = ?2, updated_at = ?3, \
             published_at = CASE WHEN ?2 = 'published' THEN COALESCE(published_at, ?3) ELSE published_at END \
         WHERE id = ?1 RETURNING id",
        &[id.into(), status.as_str().into(), now.into()],
    )?)
    .await?
    .is_some())
}

/// One update, whatever its status (the admin area).
pub async fn any(db: &Db, id: i64) -> Result<Option<Update>, AppError> {
    first(stmt(
        db,
        &format!("SELECT {COLUMNS} FROM updates WHERE id = ?1"),
        &[id.into()],
    )?)
    .await
}

/// One published update (its permalink); a draft is `None`.
pub async fn published(db: &Db, id: i64) -> Result<Option<Update>, AppError> {
    first(stmt(
        db,
        &format!("SELECT {COLUMNS} FROM updates WHERE id = ?1 AND status = 'published'"),
        &[id.into()],
    )?)
    .await
}

/// Every update, newest first (the admin list; a campaign writes a few a month).
pub async fn all(db: &Db) -> Result<Vec<Update>, AppError> {
    let r = stmt(
        db,
        &format!("SELECT {COLUMNS} FROM updates ORDER BY created_at DESC, id DESC LIMIT 500"),
        &[],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r)
}

/// The published order: newest publication first.
const NEWEST: &str = "ORDER BY published_at DESC, id DESC";

/// Page `page` of the published updates, and how many there are.
pub async fn page(db: &Db, page: i64) -> Result<(i64, Vec<Update>), AppError> {
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let offset = (page - 1).max(0).saturating_mul(PER_PAGE);
    let results = batch(
        db,
        vec![
            stmt(
                db,
                "SELECT COUNT(*) AS n FROM updates WHERE status = 'published'",
                &[],
            )?,
            stmt(
                db,
                &format!("SELECT {COLUMNS} FROM updates WHERE status = 'published' {NEWEST} LIMIT ?1 OFFSET ?2"),
                &[PER_PAGE.into(), offset.into()],
            )?,
        ],
    )
    .await?;
    let [total, list] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    let total = rows::<N>(total)?.first().map_or(0, |r| r.n);
    Ok((total, rows(list)?))
}

/// The latest published updates, for a feed.
pub async fn for_feed(db: &Db) -> Result<Vec<Update>, AppError> {
    let r = stmt(
        db,
        &format!("SELECT {COLUMNS} FROM updates WHERE status = 'published' {NEWEST} LIMIT ?1"),
        &[IN_FEED.into()],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r)
}
