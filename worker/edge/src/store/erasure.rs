//! Every SQL statement of erasure (`/admin/erase`, and a donor's own from the pledge's page):
//! what is stored for an email address, a phone number or a pledge, erasing it in one batch,
//! and the record of erasures. Apart from the rest of the admin area's statements (`admin.rs`)
//! because it touches every table that holds personal data.

use super::{batch, rows, stmt};
use crate::error::AppError;
use app::admin::{
    EraseBy, Erasure, ErasureKind, Stored, StoredCounts, ERASE_LIST_MAX, EXCERPT_CHARS,
};
use worker::D1Database;

/// The tables that hold personal data.
#[derive(Clone, Copy)]
enum Table {
    Pledges,
    Comments,
    Volunteers,
}

/// Whether a row of `table` (its columns under the prefix `a`, `""` or `"c."`) is one of what
/// `by` looks for, bound to `?1` ([`bound`]):
///
/// * an email address: the row's `email` as typed, trimmed and ASCII case folded on both sides;
/// * a phone number: an offer of help whose `phone` is one of the forms (a JSON array);
/// * a pledge id: that pledge, while it still holds a name, an email or a note.
///
/// What a kind never holds matches nothing: `?1 IS NULL`, never true (the value bound is never
/// NULL) but naming `?1`, since every statement of the batch is bound the one value and D1
/// refuses a value a statement does not name.
fn holds(by: &EraseBy, table: Table, a: &str) -> String {
    match (by, table) {
        (EraseBy::Email(_), _) => format!("lower(trim({a}email)) = lower(trim(?1))"),
        (EraseBy::Phone(_), Table::Volunteers) => {
            format!("{a}phone IN (SELECT value FROM json_each(?1))")
        }
        (EraseBy::Pledge(_), Table::Pledges) => format!(
            "{a}id = ?1 AND (COALESCE({a}name, '') <> '' OR COALESCE({a}email, '') <> '' OR COALESCE({a}note, '') <> '')"
        ),
        _ => "?1 IS NULL".to_string(),
    }
}

/// The value bound to `?1`: the address, the phone number's forms as a JSON array, the id.
fn bound(by: &EraseBy) -> String {
    match by {
        EraseBy::Email(s) | EraseBy::Pledge(s) => s.clone(),
        EraseBy::Phone(forms) => serde_json::to_string(forms).unwrap_or_else(|_| "[]".into()),
    }
}

/// `kept(id)`: the comments found that have someone else's comment somewhere under them (a
/// reply, or a reply to one of their own replies). Those stay as empty `removed` placeholders,
/// so the thread they hold together survives; the others go. A reply that was found too keeps
/// nothing, since it goes too.
fn kept_comments(by: &EraseBy) -> String {
    let mine = holds(by, Table::Comments, "");
    let theirs = holds(by, Table::Comments, "c.");
    format!(
        "WITH RECURSIVE under(root, id) AS (SELECT id, id FROM comments WHERE {mine} \
                                            UNION SELECT u.root, c.id FROM comments c JOIN under u ON c.parent_id = u.id), \
         kept(id) AS (SELECT DISTINCT u.root FROM under u JOIN comments c ON c.id = u.id \
                      WHERE NOT COALESCE(({theirs}), 0))"
    )
}

/// How many rows of each kind `by` finds (bound to `?1`).
fn stored_counts(by: &EraseBy) -> String {
    format!(
        "SELECT (SELECT COUNT(*) FROM pledges WHERE {}) AS pledges, \
                (SELECT COUNT(*) FROM comments WHERE {}) AS comments, \
                (SELECT COUNT(*) FROM volunteers WHERE {}) AS volunteers",
        holds(by, Table::Pledges, ""),
        holds(by, Table::Comments, ""),
        holds(by, Table::Volunteers, "")
    )
}

/// Everything stored for what `by` names, in one batch: the counts, and the first rows of each
/// kind (oldest first), each with only what a maintainer needs to recognise it.
pub async fn stored_for(db: &D1Database, by: &EraseBy) -> Result<Stored, AppError> {
    let value = bound(by);
    let results = batch(
        db,
        vec![
            stmt(db, &stored_counts(by), &[value.as_str().into()])?,
            stmt(
                db,
                &format!(
                    "SELECT id, status, amount_cents, currency, created_at, \
                            COALESCE(name, '') <> '' AS has_name, COALESCE(email, '') <> '' AS has_email, \
                            COALESCE(note, '') <> '' AS has_note \
                     FROM pledges WHERE {} ORDER BY created_at, id LIMIT ?2",
                    holds(by, Table::Pledges, "")
                ),
                &[value.as_str().into(), ERASE_LIST_MAX.into()],
            )?,
            stmt(
                db,
                &format!(
                    "{} SELECT c.id, c.created_at, c.status, substr(c.body, 1, ?2) AS body, c.id IN (SELECT id FROM kept) AS kept \
                     FROM comments c WHERE {} ORDER BY c.created_at, c.id LIMIT ?3",
                    kept_comments(by),
                    holds(by, Table::Comments, "c.")
                ),
                &[value.as_str().into(), (4 * EXCERPT_CHARS as i64).into(), ERASE_LIST_MAX.into()],
            )?,
            stmt(
                db,
                &format!(
                    "SELECT id, created_at FROM volunteers WHERE {} ORDER BY created_at, id LIMIT ?2",
                    holds(by, Table::Volunteers, "")
                ),
                &[value.as_str().into(), ERASE_LIST_MAX.into()],
            )?,
        ],
    )
    .await?;
    let [counts, pledges, comments, volunteers] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    Ok(Stored {
        by: by.clone(),
        counts: rows::<StoredCounts>(counts)?
            .into_iter()
            .next()
            .unwrap_or_default(),
        pledges: rows(pledges)?,
        comments: rows(comments)?,
        volunteers: rows(volunteers)?,
    })
}

/// Erases every personal field stored for what `by` names, in one batch (one transaction),
/// recorded as `kind`:
///
/// * pledges lose name, email, note and the choice to show the name; amounts, tier,
///   designation, status, dates and the provider's references stay, so the ledger adds up;
/// * comments with someone else's comment under them ([`kept_comments`]) become empty
///   `removed` placeholders; the others are deleted;
/// * offers of help are deleted (every field of one is personal);
/// * the erasure is recorded first, with the counts of what the batch then touches and never
///   what was looked for or any erased text.
///
/// `None`: nothing was stored, and nothing is recorded.
pub async fn erase(
    db: &D1Database,
    by: &EraseBy,
    kind: ErasureKind,
    now: i64,
) -> Result<Option<Erasure>, AppError> {
    let value = bound(by);
    let results = batch(
        db,
        vec![
            stmt(
                db,
                &format!(
                    "INSERT INTO erasures (at, kind, pledges, comments, volunteers) \
                     SELECT ?2, ?3, s.pledges, s.comments, s.volunteers FROM ({}) s \
                     WHERE s.pledges + s.comments + s.volunteers > 0 \
                     RETURNING id, at, kind, pledges, comments, volunteers",
                    stored_counts(by)
                ),
                &[value.as_str().into(), now.into(), kind.as_str().into()],
            )?,
            stmt(
                db,
                &format!(
                    "UPDATE pledges SET name = NULL, email = NULL, note = NULL, show_name = 0 WHERE {}",
                    holds(by, Table::Pledges, "")
                ),
                &[value.as_str().into()],
            )?,
            stmt(
                db,
                &format!(
                    "{} UPDATE comments SET status = 'removed', name = '', email = NULL, website = NULL, body = '', \
                                          link_count = 0, flagged = 0 \
                     WHERE id IN (SELECT id FROM kept)",
                    kept_comments(by)
                ),
                &[value.as_str().into()],
            )?,
            // What is left of the comments found has no one else's comment under it.
            stmt(
                db,
                &format!("DELETE FROM comments WHERE {}", holds(by, Table::Comments, "")),
                &[value.as_str().into()],
            )?,
            stmt(
                db,
                &format!("DELETE FROM volunteers WHERE {}", holds(by, Table::Volunteers, "")),
                &[value.as_str().into()],
            )?,
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
