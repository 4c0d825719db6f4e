//! Every SQL statement of erasure (`/admin/erase`, and a donor's own from the pledge's page):
//! what is stored for an email address, a phone number or a pledge, erasing it in one batch,
//! and the record of erasures. Apart from the rest of the admin area's statements (`admin.rs`)
//! because it touches every table that holds personal data tied to one of those. Comments are
//! not among them: since #26 a commenter gives no email (`0012` dropped the column), so a
//! comment is removed on request through moderation, by its id.

use super::Db;
use super::{batch, rows, stmt};
use crate::error::AppError;
use app::admin::{EraseBy, Erasure, ErasureKind, Stored, StoredCounts, ERASE_LIST_MAX};

/// The tables an erasure looks in.
#[derive(Clone, Copy)]
enum Table {
    Pledges,
    Volunteers,
}

/// Whether a row of `table` is one of what `by` looks for, bound to `?1` ([`bound`]):
///
/// * an email address: the row's `email` as typed, trimmed and ASCII case folded on both sides;
/// * a phone number: an offer of help whose `phone` is one of the forms (a JSON array);
/// * a pledge id: that pledge, while it still holds a name, an email or a note.
///
/// What a kind never holds matches nothing: `?1 IS NULL`, never true (the value bound is never
/// NULL) but naming `?1`, since every statement of the batch is bound the one value and D1
/// refuses a value a statement does not name.
fn holds(by: &EraseBy, table: Table) -> &'static str {
    match (by, table) {
        (EraseBy::Email(_), _) => "lower(trim(email)) = lower(trim(?1))",
        (EraseBy::Phone(_), Table::Volunteers) => "phone IN (SELECT value FROM json_each(?1))",
        (EraseBy::Pledge(_), Table::Pledges) => {
            "id = ?1 AND (COALESCE(name, '') <> '' OR COALESCE(email, '') <> '' OR COALESCE(note, '') <> '')"
        }
        _ => "?1 IS NULL",
    }
}

/// The value bound to `?1`: the address, the phone number's forms as a JSON array, the id.
fn bound(by: &EraseBy) -> String {
    match by {
        EraseBy::Email(s) | EraseBy::Pledge(s) => s.clone(),
        EraseBy::Phone(forms) => serde_json::to_string(forms).unwrap_or_else(|_| "[]".into()),
    }
}

/// How many rows of each kind `by` finds (bound to `?1`).
fn stored_counts(by: &EraseBy) -> String {
    format!(
        "SELECT (SELECT COUNT(*) FROM pledges WHERE {}) AS pledges, \
                (SELECT COUNT(*) FROM volunteers WHERE {}) AS volunteers",
        holds(by, Table::Pledges),
        holds(by, Table::Volunteers)
    )
}

/// Everything stored for what `by` names, in one batch: the counts, and the first rows of each
/// kind (oldest first), each with only what a maintainer needs to recognise it.
pub async fn stored_for(db: &Db, by: &EraseBy) -> Result<Stored, AppError> {
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
                    holds(by, Table::Pledges)
                ),
                &[value.as_str().into(), ERASE_LIST_MAX.into()],
            )?,
            stmt(
                db,
                &format!(
                    "SELECT id, created_at FROM volunteers WHERE {} ORDER BY created_at, id LIMIT ?2",
                    holds(by, Table::Volunteers)
                ),
                &[value.as_str().into(), ERASE_LIST_MAX.into()],
            )?,
        ],
    )
    .await?;
    let [counts, pledges, volunteers] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    Ok(Stored {
        by: by.clone(),
        counts: rows::<StoredCounts>(counts)?
            .into_iter()
            .next()
            .unwrap_or_default(),
        pledges: rows(pledges)?,
        volunteers: rows(volunteers)?,
    })
}

/// Erases every personal field stored for what `by` names, in one batch (one transaction),
/// recorded as `kind`:
///
/// * pledges lose name, email, note and the choice to show the name; amounts, tier,
///   designation, status, dates and the provider's references stay, so the ledger adds up;
/// * offers of help are deleted (every field of one is personal);
/// * the erasure is recorded first, with the counts of what the batch then touches and never
///   what was looked for or any erased text.
///
/// `None`: nothing was stored, and nothing is recorded.
pub async fn erase(
    db: &Db,
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
                    "INSERT INTO erasures (at, kind, pledges, volunteers) \
                     SELECT ?2, ?3, s.pledges, s.volunteers FROM ({}) s \
                     WHERE s.pledges + s.volunteers > 0 \
                     RETURNING id, at, kind, pledges, comments, volunteers",
                    stored_counts(by)
                ),
                &[value.as_str().into(), now.into(), kind.as_str().into()],
            )?,
            stmt(
                db,
                &format!(
                    "UPDATE pledges SET name = NULL, email = NULL, note = NULL, show_name = 0 WHERE {}",
                    holds(by, Table::Pledges)
                ),
                &[value.as_str().into()],
            )?,
            stmt(
                db,
                &format!("DELETE FROM volunteers WHERE {}", holds(by, Table::Volunteers)),
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
    db: &Db,
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
