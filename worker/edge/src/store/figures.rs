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

/// The dirty rows' pending deltas as `(k, d)` rows, by figure key.
fn pending() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let (net, gift) = (net_now(), gift_now());
        format!(
            "SELECT 'raised' AS k, SUM({net} - fig_net) AS d FROM payments WHERE fig_dirty = 1 \
             UNION ALL SELECT 'gifts', SUM({gift} - fig_gift) FROM payments WHERE fig_dirty = 1 \
             UNION ALL SELECT 'net:' || (SELECT p.designation FROM pledges p WHERE p.id = y.pledge_id), SUM({net} - y.fig_net) \
                       FROM payments y WHERE y.fig_dirty = 1 GROUP BY 1 \
             UNION ALL SELECT 'monthly', SUM({} - p.fig_monthly) FROM pledges p WHERE p.id IN ({DIRTY_PLEDGES})",
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

/// The statements that fold every dirty row into the figures, in order; appended to each
/// batch that writes a payment or a pledge's status (unguarded: with nothing dirty they do
/// nothing, and folding twice adds nothing the second time).
pub(super) fn fold(db: &Db) -> Result<Vec<Stmt>, AppError> {
    static SQL: OnceLock<[String; 3]> = OnceLock::new();
    let [add, pledges, payments] = SQL.get_or_init(|| {
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
        ]
    });
    Ok(vec![
        stmt(db, add, &[])?,
        stmt(db, pledges, &[])?,
        stmt(db, payments, &[])?,
    ])
}

/// Every figure computed from the rows alone, as `(k, n)` rows: what the figures must equal.
fn recomputed() -> String {
    let net = net_now();
    format!(
        "SELECT 'raised' AS k, COALESCE(SUM({net}), 0) AS n FROM payments \
         UNION ALL SELECT 'gifts', COALESCE(SUM({}), 0) FROM payments \
         UNION ALL SELECT 'net:' || (SELECT p.designation FROM pledges p WHERE p.id = payments.pledge_id), SUM({net}) FROM payments GROUP BY 1 \
         UNION ALL SELECT 'monthly', COUNT(*) FROM pledges p WHERE {} = 1",
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
        stmt(db, "DELETE FROM figures", &[])?,
        stmt(
            db,
            "INSERT INTO figures (key, n) \
             SELECT 'raised', COALESCE(SUM(fig_net), 0) FROM payments \
             UNION ALL SELECT 'gifts', COALESCE(SUM(fig_gift), 0) FROM payments \
             UNION ALL SELECT 'monthly', COALESCE(SUM(fig_monthly), 0) FROM pledges \
             UNION ALL SELECT 'net:' || p.designation, SUM(y.fig_net) FROM payments y JOIN pledges p ON p.id = y.pledge_id GROUP BY 1",
            &[],
        )?,
    ];
    batch(db, statements).await.map(|_| ())
}
