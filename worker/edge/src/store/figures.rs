//! The campaign page's running figures (#29 §1): raised (USD cents, net of refunds and lost
//! disputes), gifts, monthly supporters and each designation's net, kept in `figures` so that
//! the page reads a handful of rows instead of summing every payment on every render.
//!
//! **How they stay exact.** Each payment keeps the share it has added (`fig_net`, `fig_gift`)
//! and each pledge its monthly share (`fig_monthly`). A statement that changes a row's counted
//! share marks it dirty (`fig_dirty = 1`; a new payment is dirty by default); [`fold`], at the
//! end of the same D1 batch, adds each dirty row's share now less the share it had added, to
//! the figures, then records the new share and clears the mark. A delta needs no selector:
//! whatever moved a row (an insert, a settle, a link that made a payment match a refund), the
//! row itself says what it had counted. No SQLite trigger: every statement lives here, in
//! `store/`.
//!
//! **Who marks what.** A payment: inserted (the column's default), settled
//! (`ledger::settle`). A pledge: every status change that can enter or leave `active`
//! (`ledger`: paid, ended; `pledges::stop_monthly`); a payment's pledge is folded with it, so
//! a first counted month makes its donor a monthly supporter. Erasure and retention change
//! names and notes only, never a figure. The page reads the figures **plus** the dirty rows'
//! pending deltas ([`PENDING`]), so even a row written outside these statements (a test, a
//! maintainer's `wrangler d1 execute`) is counted before any fold; a status written outside
//! them is what [`check`], run daily, finds and repairs.
//!
//! **The comment counts** (migration 0017): approved comments and approved threads, the rest
//! of what the page counted by walking an index that grew with every comment. Each comment
//! keeps the share it has added (`fig_approved`); no mark is needed, because its share is
//! pending exactly when its status no longer matches it (`COMMENT_PENDING`, the partial
//! index's own `WHERE`), however the status changed. A deleted comment takes its share with it
//! in the batch that deletes it ([`comment_leaving`]). The few rows that depend on others (a
//! removed root shown for its approved reply, the visitor's own held comments) are still
//! counted live by the page statement.

use super::Db;
use super::Stmt;
use super::{batch, counted, first, stmt};
use crate::error::AppError;
use serde::Deserialize;
use std::sync::OnceLock;

/// A payment's counted net now (unqualified columns: inside `FROM payments`).
fn net_now() -> String {
    format!(
        "(CASE WHEN {} THEN MAX(amount_cents - refunded_cents, 0) ELSE 0 END)",
        counted()
    )
}

/// A payment's counted gift now: 1 or 0.
fn gift_now() -> String {
    format!("(CASE WHEN {} THEN 1 ELSE 0 END)", counted())
}

/// A pledge's monthly share now, for the pledge named `p`: an active monthly gift with a
/// counted payment.
fn monthly_now(p: &str) -> String {
    format!(
        "(CASE WHEN {p}.frequency = 'month' AND {p}.status = 'active' \
              AND EXISTS (SELECT 1 FROM payments WHERE pledge_id = {p}.id AND {}) THEN 1 ELSE 0 END)",
        counted()
    )
}

/// The pledges to fold: marked, or with a marked payment.
const DIRTY_PLEDGES: &str =
    "SELECT id FROM pledges WHERE fig_dirty = 1 UNION SELECT pledge_id FROM payments WHERE fig_dirty = 1";

/// A comment whose share of the comment counts is pending: its status no longer matches the
/// share it added (`fig_approved`). Written exactly as `comments_fig_pending`'s `WHERE`, so
/// that SQLite walks that partial index (a few rows), whoever changed the comment (the
/// threads' `+parent_id`: not by `comments_public`, which would walk every root).
const COMMENT_PENDING: &str = "(status = 'approved') <> fig_approved";

// D1 allows few terms in one compound SELECT (SQLITE_LIMIT_COMPOUND_SELECT; six were refused
// as "too many terms"): the payments' figures and the comments' are two compounds, each in
// its own subquery.

/// The dirty rows' pending deltas as `(k, d)` rows, by figure key.
fn pending() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let (net, gift) = (net_now(), gift_now());
        format!(
            "SELECT k, d FROM (SELECT 'raised' AS k, SUM({net} - fig_net) AS d FROM payments WHERE fig_dirty = 1 \
             UNION ALL SELECT 'gifts', SUM({gift} - fig_gift) FROM payments WHERE fig_dirty = 1 \
             UNION ALL SELECT 'net:' || (SELECT p.designation FROM pledges p WHERE p.id = y.pledge_id), SUM({net} - y.fig_net) \
                       FROM payments y WHERE y.fig_dirty = 1 GROUP BY 1 \
             UNION ALL SELECT 'monthly', SUM({} - p.fig_monthly) FROM pledges p WHERE p.id IN ({DIRTY_PLEDGES})) \
             UNION ALL SELECT k, d FROM ( \
               SELECT 'comments' AS k, SUM((status = 'approved') - fig_approved) AS d FROM comments WHERE {COMMENT_PENDING} \
               UNION ALL SELECT 'threads', SUM((status = 'approved') - fig_approved) FROM comments WHERE {COMMENT_PENDING} AND +parent_id IS NULL)",
            monthly_now("p")
        )
    })
}

/// The figures as the page reads them: a CTE `fig(key, n)` of the kept rows and the pending
/// deltas, to put before a statement's `SELECT`. Read a figure with [`figure`].
pub(super) fn with_fig() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "WITH fig(key, n) AS (SELECT key, n FROM figures UNION ALL SELECT k, d FROM ({}) WHERE d IS NOT NULL AND k IS NOT NULL)",
            pending()
        )
    })
}

/// One figure by its key expression (`'raised'`, `'net:' || t.id`), from [`with_fig`].
pub(super) fn figure(key: &str) -> String {
    format!("(SELECT COALESCE(SUM(n), 0) FROM fig WHERE key = {key})")
}

/// The fold's statements, built once per isolate.
fn fold_sql() -> &'static [String; 4] {
    static SQL: OnceLock<[String; 4]> = OnceLock::new();
    SQL.get_or_init(|| {
        [
            format!(
                "INSERT INTO figures (key, n) SELECT k, d FROM ({}) WHERE d IS NOT NULL AND d <> 0 AND k IS NOT NULL \
                 ON CONFLICT (key) DO UPDATE SET n = n + excluded.n",
                pending()
            ),
            format!(
                "UPDATE pledges SET fig_monthly = {}, fig_dirty = 0 WHERE id IN ({DIRTY_PLEDGES})",
                monthly_now("pledges")
            ),
            format!(
                "UPDATE payments SET fig_net = {}, fig_gift = {}, fig_dirty = 0 WHERE fig_dirty = 1",
                net_now(),
                gift_now()
            ),
            format!(
                "UPDATE comments SET fig_approved = (status = 'approved') WHERE {COMMENT_PENDING}"
            ),
        ]
    })
}

/// The statements that fold every dirty row into the figures, in order; appended to each
/// batch that writes a payment, a pledge's status or a comment's (unguarded: with nothing
/// dirty they do nothing, and folding twice adds nothing the second time).
pub(super) fn fold(db: &Db) -> Result<Vec<Stmt>, AppError> {
    let [add, pledges, payments, comments] = fold_sql();
    Ok(vec![
        stmt(db, add, &[])?,
        stmt(db, pledges, &[])?,
        stmt(db, payments, &[])?,
        stmt(db, comments, &[])?,
    ])
}

/// The statement that takes comment `?1`'s recorded share out of the comment counts, to run
/// just before a statement that deletes it under `condition` (the same condition, on `c`).
pub(super) fn comment_leaving(db: &Db, id: i64, condition: &str) -> Result<Stmt, AppError> {
    stmt(
        db,
        &format!(
            "INSERT INTO figures (key, n) SELECT k, d FROM ( \
               SELECT 'comments' AS k, -1 AS d FROM comments c WHERE c.id = ?1 AND c.fig_approved = 1 AND {condition} \
               UNION ALL SELECT 'threads', -1 FROM comments c WHERE c.id = ?1 AND c.fig_approved = 1 AND c.parent_id IS NULL AND {condition}) \
             WHERE true ON CONFLICT (key) DO UPDATE SET n = n + excluded.n"
        ),
        &[id.into()],
    )
}

/// Every figure computed from the rows alone, as `(k, n)` rows: what the figures must equal.
fn recomputed() -> String {
    let net = net_now();
    format!(
        "SELECT k, n FROM (SELECT 'raised' AS k, COALESCE(SUM({net}), 0) AS n FROM payments \
         UNION ALL SELECT 'gifts', COALESCE(SUM({}), 0) FROM payments \
         UNION ALL SELECT 'net:' || (SELECT p.designation FROM pledges p WHERE p.id = payments.pledge_id), SUM({net}) FROM payments GROUP BY 1 \
         UNION ALL SELECT 'monthly', COUNT(*) FROM pledges p WHERE {} = 1) \
         UNION ALL SELECT k, n FROM ( \
           SELECT 'comments' AS k, COUNT(*) AS n FROM comments WHERE status = 'approved' \
           UNION ALL SELECT 'threads', COUNT(*) FROM comments WHERE status = 'approved' AND parent_id IS NULL)",
        gift_now(),
        monthly_now("p")
    )
}

/// What the daily check found: how many figures differed from their rows' sums (then repaired).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub figures: i64,
    pub differed: i64,
}

/// Recomputes every figure from the rows and compares it with what the page reads (kept plus
/// pending); when any differs, rebuilds them all from the rows in one batch (the migration's
/// fill: every row's share recorded, nothing dirty). Reads every payment: daily, not per request.
pub async fn check(db: &Db) -> Result<Checked, AppError> {
    #[derive(Deserialize)]
    struct Row {
        figures: i64,
        differed: i64,
    }
    let sql = format!(
        "{}, want(k, n) AS ({}), \
           got(k, n) AS (SELECT key, SUM(n) FROM fig GROUP BY key), \
           keys(k) AS (SELECT k FROM want WHERE k IS NOT NULL UNION SELECT k FROM got WHERE k IS NOT NULL) \
         SELECT COUNT(*) AS figures, \
                SUM(COALESCE((SELECT n FROM want WHERE want.k = keys.k), 0) IS NOT COALESCE((SELECT n FROM got WHERE got.k = keys.k), 0)) AS differed \
         FROM keys",
        with_fig(),
        recomputed()
    );
    let found = first::<Row>(stmt(db, &sql, &[])?)
        .await?
        .map(|r| Checked {
            figures: r.figures,
            differed: r.differed,
        })
        .unwrap_or_default();
    if found.differed > 0 {
        rebuild(db).await?;
    }
    Ok(found)
}

/// `PRAGMA optimize`: refreshes the query planner's statistics where the tables grew (D1's
/// advice after creating indexes). Without them SQLite plans the page statement's lookups as
/// scans: 13x its CPU at 100,000 payments in `make bench`'s scale case. Daily, with the check.
pub async fn optimize(db: &Db) -> Result<(), AppError> {
    stmt(db, "PRAGMA optimize", &[])?
        .run()
        .await
        .map_err(AppError::Storage)?;
    Ok(())
}

/// Every figure rebuilt from the rows, in one batch.
async fn rebuild(db: &Db) -> Result<(), AppError> {
    let statements = vec![
        stmt(
            db,
            &format!(
                "UPDATE payments SET fig_net = {}, fig_gift = {}, fig_dirty = 0",
                net_now(),
                gift_now()
            ),
            &[],
        )?,
        stmt(
            db,
            &format!(
                "UPDATE pledges SET fig_monthly = {}, fig_dirty = 0",
                monthly_now("pledges")
            ),
            &[],
        )?,
        stmt(
            db,
            "UPDATE comments SET fig_approved = (status = 'approved')",
            &[],
        )?,
        stmt(db, "DELETE FROM figures", &[])?,
        stmt(
            db,
            "INSERT INTO figures (key, n) \
             SELECT k, n FROM (SELECT 'raised' AS k, COALESCE(SUM(fig_net), 0) AS n FROM payments \
             UNION ALL SELECT 'gifts', COALESCE(SUM(fig_gift), 0) FROM payments \
             UNION ALL SELECT 'monthly', COALESCE(SUM(fig_monthly), 0) FROM pledges \
             UNION ALL SELECT 'net:' || p.designation, SUM(y.fig_net) FROM payments y JOIN pledges p ON p.id = y.pledge_id GROUP BY 1) \
             UNION ALL SELECT k, n FROM ( \
               SELECT 'comments' AS k, COUNT(*) AS n FROM comments WHERE fig_approved = 1 \
               UNION ALL SELECT 'threads', COUNT(*) FROM comments WHERE fig_approved = 1 AND parent_id IS NULL)",
            &[],
        )?,
    ];
    batch(db, statements).await.map(|_| ())
}
