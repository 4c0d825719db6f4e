//! The by-source report (`/admin/sources`): pledges and counted money by share-link code.

use super::{counted, rows, stmt, Db};
use crate::error::AppError;
use app::reach::SourceRow;

/// Per code (and for no code) since `since`: the pledges made, the pledges with a counted
/// payment, and those payments' net sum. Money is payments joined to their pledges, so a
/// monthly gift's renewals count for the code of its pledge. Largest amount first.
pub async fn by_source(db: &Db, since: i64) -> Result<Vec<SourceRow>, AppError> {
    let sql = format!(
        "SELECT source, SUM(made) AS pledges, SUM(paid) AS paid, SUM(net) AS net_cents FROM ( \
           SELECT p.source AS source, 1 AS made, 0 AS paid, 0 AS net FROM pledges p WHERE p.created_at >= ?1 \
           UNION ALL \
           SELECT p.source, 0, 1, y.net FROM pledges p JOIN ( \
             SELECT pledge_id, SUM(amount_cents - refunded_cents) AS net FROM payments \
             WHERE {counted} AND paid_at >= ?1 GROUP BY pledge_id \
           ) y ON y.pledge_id = p.id \
         ) GROUP BY source ORDER BY net_cents DESC, pledges DESC, source",
        counted = counted()
    );
    let r = stmt(db, &sql, &[since.into()])?
        .all()
        .await
        .map_err(AppError::Storage)?;
    rows(&r)
}
