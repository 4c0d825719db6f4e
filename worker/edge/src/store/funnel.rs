//! The giving funnel's counts (`app::funnel`): added by one upsert per request or flush, read
//! for `/admin/sources`. Counts only: a day, a kind, a language, a source code, a number.
//!
//! To count one more of a kind from anywhere in the office, one line:
//! `store::funnel::count(db, cx.now, Kind::UpsellShown, lang, &source).await?` (or
//! [`add_stmt`] into a batch of one's own). A payment is counted by the ledger itself
//! ([`paid_stmt`], in the batch of the event that records it), so a duplicate webhook never
//! counts twice.

use super::Stmt;
use super::{rows, stmt, Db};
use crate::error::AppError;
use app::funnel::{Kind, Tally};
use app::i18n::Lang;
use serde::Deserialize;

/// One statement adding every tally (one JSON array bound once, whatever its length); `None`
/// when there is nothing to add.
pub fn add_stmt(db: &Db, tallies: &[Tally]) -> Result<Option<Stmt>, AppError> {
    let list: Vec<serde_json::Value> = tallies
        .iter()
        .filter(|t| t.n > 0 && super::exact(t.day).is_some())
        .map(|t| {
            serde_json::json!({"d": t.day, "k": t.kind.as_str(), "l": t.lang.code(), "s": t.source, "n": t.n})
        })
        .collect();
    if list.is_empty() {
        return Ok(None);
    }
    let json = serde_json::to_string(&list).map_err(|_| AppError::Internal("funnel json"))?;
    Ok(Some(stmt(
        db,
        "INSERT INTO funnel (day, kind, lang, source, n) \
         SELECT json_extract(value, '$.d'), json_extract(value, '$.k'), json_extract(value, '$.l'), \
                json_extract(value, '$.s'), json_extract(value, '$.n') FROM json_each(?1) WHERE true \
         ON CONFLICT (day, kind, lang, source) DO UPDATE SET n = n + excluded.n",
        &[json.as_str().into()],
    )?))
}

/// Adds the tallies.
pub async fn add(db: &Db, tallies: &[Tally]) -> Result<(), AppError> {
    if let Some(s) = add_stmt(db, tallies)? {
        s.run().await.map_err(AppError::Storage)?;
    }
    Ok(())
}

/// Counts one of `kind` today (Phnom Penh's day of `now`) for `lang` and `source` (a code, or
/// `""`; `app::funnel::source_of` makes one from a form's `ref`).
pub async fn count(
    db: &Db,
    now: i64,
    kind: Kind,
    lang: Lang,
    source: &str,
) -> Result<(), AppError> {
    add(db, &[Tally::one(now, kind, lang, source)]).await
}

/// The ledger's statement counting a pledge's first payment (kind `paid`), for the batch that
/// records the event: `guard` is the ledger's recorded-outcome condition over `?1` scheme and
/// `?2` event id. Placed before the statement that sets the pledge's `paid_at`, so only the
/// first payment of a pledge made on the site counts, once.
pub(super) fn paid_stmt(
    db: &Db,
    guard: &str,
    scheme: &str,
    event_id: &str,
    pledge_id: &str,
    now: i64,
) -> Result<Stmt, AppError> {
    stmt(
        db,
        &format!(
            "INSERT INTO funnel (day, kind, lang, source, n) \
             SELECT ?3, 'paid', p.lang, COALESCE(p.source, ''), 1 FROM pledges p \
             WHERE p.id = ?4 AND p.paid_at IS NULL AND p.origin = 'site' AND p.lang IN ('en', 'km') \
               AND {guard} \
             ON CONFLICT (day, kind, lang, source) DO UPDATE SET n = n + 1"
        ),
        &[
            scheme.into(),
            event_id.into(),
            app::funnel::day(now).into(),
            pledge_id.into(),
        ],
    )
}

/// Every count from Phnom Penh day `first` on. A row whose kind or language is not one the
/// site names is skipped and logged, never guessed.
pub async fn since(db: &Db, first: i64) -> Result<Vec<Tally>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        day: i64,
        kind: String,
        lang: String,
        source: String,
        n: i64,
    }
    let r = stmt(
        db,
        "SELECT day, kind, lang, source, n FROM funnel WHERE day >= ?1 ORDER BY day DESC, lang, source",
        &[first.into()],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    let mut out = Vec::new();
    for row in rows::<Row>(&r)? {
        match (Kind::parse(&row.kind), Lang::from_code(&row.lang)) {
            (Some(kind), Some(lang)) => out.push(Tally {
                day: row.day,
                kind,
                lang,
                source: row.source,
                n: row.n,
            }),
            _ => crate::log::event("row_skipped", &[("type", "funnel")]),
        }
    }
    Ok(out)
}
