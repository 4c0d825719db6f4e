//! Every SQL statement of erasure by email (`/admin/erase`): what is stored for an address,
//! erasing it in one batch, and the record of erasures. Apart from the rest of the admin
//! area's statements (`admin.rs`) because it touches every table that holds an address.

use super::{batch, rows, stmt};
use crate::error::AppError;
use app::admin::{Erasure, Stored, StoredCounts, ERASE_LIST_MAX, EXCERPT_CHARS};
use worker::D1Database;

/// Whether the row's `email` column (under the alias given) is the address bound to `?1`: as
/// typed, trimmed and ASCII case folded on both sides.
fn same_email(column: &str) -> String {
    format!("lower(trim({column})) = lower(trim(?1))")
}

/// `kept(id)`: the address's comments that have someone else's comment somewhere under them
/// (a reply, or a reply to one of the address's own replies). Those stay as empty `removed`
/// placeholders, so the thread they hold together survives; the others go. A reply from the
/// address itself keeps nothing, since it goes too.
fn kept_comments() -> String {
    let mine = same_email("email");
    let theirs = same_email("c.email");
    format!(
        "WITH RECURSIVE under(root, id) AS (SELECT id, id FROM comments WHERE {mine} \
                                            UNION SELECT u.root, c.id FROM comments c JOIN under u ON c.parent_id = u.id), \
         kept(id) AS (SELECT DISTINCT u.root FROM under u JOIN comments c ON c.id = u.id \
                      WHERE c.email IS NULL OR NOT ({theirs}))"
    )
}

/// How many rows of each kind hold the address bound to `?1`.
fn stored_counts() -> String {
    format!(
        "SELECT (SELECT COUNT(*) FROM pledges WHERE {p}) AS pledges, \
                (SELECT COUNT(*) FROM comments WHERE {p}) AS comments, \
                (SELECT COUNT(*) FROM volunteers WHERE {p}) AS volunteers",
        p = same_email("email")
    )
}

/// Everything stored for an address, in one batch: the counts, and the first rows of each kind
/// (oldest first), each with only what a maintainer needs to recognise it.
pub async fn stored_for(db: &D1Database, email: &str) -> Result<Stored, AppError> {
    let mine = same_email("email");
    let c_mine = same_email("c.email");
    let results = batch(
        db,
        vec![
            stmt(db, &stored_counts(), &[email.into()])?,
            stmt(
                db,
                &format!(
                    "SELECT id, status, amount_cents, currency, created_at, \
                            COALESCE(name, '') <> '' AS has_name, COALESCE(email, '') <> '' AS has_email, \
                            COALESCE(note, '') <> '' AS has_note \
                     FROM pledges WHERE {mine} ORDER BY created_at, id LIMIT ?2"
                ),
                &[email.into(), ERASE_LIST_MAX.into()],
            )?,
            stmt(
                db,
                &format!(
                    "{} SELECT c.id, c.created_at, c.status, substr(c.body, 1, ?2) AS body, c.id IN (SELECT id FROM kept) AS kept \
                     FROM comments c WHERE {c_mine} ORDER BY c.created_at, c.id LIMIT ?3",
                    kept_comments()
                ),
                &[email.into(), (4 * EXCERPT_CHARS as i64).into(), ERASE_LIST_MAX.into()],
            )?,
            stmt(
                db,
                &format!("SELECT id, created_at FROM volunteers WHERE {mine} ORDER BY created_at, id LIMIT ?2"),
                &[email.into(), ERASE_LIST_MAX.into()],
            )?,
        ],
    )
    .await?;
    let [counts, pledges, comments, volunteers] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    Ok(Stored {
        email: email.to_string(),
        counts: rows::<StoredCounts>(counts)?
            .into_iter()
            .next()
            .unwrap_or_default(),
        pledges: rows(pledges)?,
        comments: rows(comments)?,
        volunteers: rows(volunteers)?,
    })
}

/// Erases every personal field stored for an address, in one batch (one transaction):
///
/// * pledges lose name, email, note and the choice to show the name; amounts, tier,
///   designation, status, dates and the provider's references stay, so the ledger adds up;
/// * comments with someone else's comment under them ([`kept_comments`]) become empty
///   `removed` placeholders; the others are deleted;
/// * offers of help are deleted (every field of one is personal);
/// * the erasure is recorded first, with the counts of what the batch then touches and never
///   the address or any erased text.
///
/// `None`: nothing was stored for the address, and nothing is recorded.
pub async fn erase_email(
    db: &D1Database,
    email: &str,
    now: i64,
) -> Result<Option<Erasure>, AppError> {
    let mine = same_email("email");
    let results = batch(
        db,
        vec![
            stmt(
                db,
                &format!(
                    "INSERT INTO erasures (at, kind, pledges, comments, volunteers) \
                     SELECT ?2, 'email', s.pledges, s.comments, s.volunteers FROM ({}) s \
                     WHERE s.pledges + s.comments + s.volunteers > 0 \
                     RETURNING id, at, kind, pledges, comments, volunteers",
                    stored_counts()
                ),
                &[email.into(), now.into()],
            )?,
            stmt(
                db,
                &format!("UPDATE pledges SET name = NULL, email = NULL, note = NULL, show_name = 0 WHERE {mine}"),
                &[email.into()],
            )?,
            stmt(
                db,
                &format!(
                    "{} UPDATE comments SET status = 'removed', name = '', email = NULL, website = NULL, body = '', \
                                          link_count = 0, flagged = 0 \
                     WHERE id IN (SELECT id FROM kept)",
                    kept_comments()
                ),
                &[email.into()],
            )?,
            // What is left of the address's comments has no one else's comment under it.
            stmt(db, &format!("DELETE FROM comments WHERE {mine}"), &[email.into()])?,
            stmt(db, &format!("DELETE FROM volunteers WHERE {mine}"), &[email.into()])?,
        ],
    )
    .await?;
    let recorded = results
        .first()
        .ok_or(AppError::Internal("unexpected batch shape"))?;
    Ok(rows::<Erasure>(recorded)?.into_iter().next())
}

/// The most erasures the erase page lists.
const ERASURES_LISTED: i64 = 20;

/// The erasure `done` names (the one just made), if it exists, and the latest ones, newest
/// first.
pub async fn erasures(
    db: &D1Database,
    done: Option<i64>,
) -> Result<(Option<Erasure>, Vec<Erasure>), AppError> {
    const COLUMNS: &str = "id, at, kind, pledges, comments, volunteers";
    let results = batch(
        db,
        vec![
            stmt(
                db,
                &format!("SELECT {COLUMNS} FROM erasures WHERE id = ?1"),
                &[done.into()],
            )?,
            stmt(
                db,
                &format!("SELECT {COLUMNS} FROM erasures ORDER BY at DESC, id DESC LIMIT ?1"),
                &[ERASURES_LISTED.into()],
            )?,
        ],
    )
    .await?;
    let [done, recent] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    Ok((rows::<Erasure>(done)?.into_iter().next(), rows(recent)?))
}
