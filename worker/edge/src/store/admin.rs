//! Every SQL statement of the maintainers' area (`/admin`), and nothing else.
//!
//! Accounts and sessions are `accounts.rs`'s; sign-in failures live in `rate_events` under the
//! `login` bucket. A page is one D1 batch
//! where it can be. Values are bound, never spliced: where a statement varies (the order of a
//! moderation list), it is chosen from constants here.

use super::Rows;
use super::{batch, counted, first, rows, stmt, totals, Db};
use crate::error::AppError;
use app::admin::{
    AdminComment, CommentList, DayTotal, FlaggedEvent, MonthlySummary, PledgeRow, StatusTotal,
    VolunteerRow, WaitingRefund, PAGE_SIZE,
};
use app::admin::{Dashboard, COMMENTS_PER_PAGE};
use app::comment::CommentStatus;
use app::money::Cents;
use serde::Deserialize;

#[derive(Deserialize)]
struct N {
    n: i64,
}

fn count(r: &Rows) -> Result<i64, AppError> {
    Ok(rows::<N>(r)?.first().map_or(0, |r| r.n))
}

fn offset(page: i64, per_page: i64) -> i64 {
    (page - 1).max(0).saturating_mul(per_page)
}

// ---------------------------------------------------------------------------------------------
// Comments

const COMMENT_COLUMNS: &str = "c.id, c.parent_id, c.name, c.website, c.body, c.lang, c.status, c.is_campaign, c.link_count, c.flagged, c.created_at";

/// Approved visitors' comments with no approved reply from the campaign in their thread after
/// them (and whose thread is itself still public).
const WAITING: &str = "c.status = 'approved' AND c.is_campaign = 0 \
     AND (c.thread_id IS NULL OR c.thread_id = c.id \
          OR EXISTS (SELECT 1 FROM comments t WHERE t.id = c.thread_id AND t.status = 'approved')) \
     AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.is_campaign = 1 AND r.status = 'approved' \
          AND COALESCE(r.thread_id, r.id) = COALESCE(c.thread_id, c.id) \
          AND (r.created_at > c.created_at OR (r.created_at = c.created_at AND r.id > c.id)))";

/// The most comments the waiting view lists.
const WAITING_MAX: i64 = 500;

/// One page of a moderation list, and how many the list holds.
pub async fn comment_list(
    db: &Db,
    list: CommentList,
    page: i64,
) -> Result<(i64, Vec<AdminComment>), AppError> {
    // Held: oldest first, link-heavy ones at the bottom; the others newest first.
    let order = match list {
        CommentList::Held => "c.flagged, c.created_at, c.id",
        CommentList::Approved | CommentList::Spam => "c.created_at DESC, c.id DESC",
    };
    let status = list.as_str();
    let results = batch(
        db,
        vec![
            stmt(db, "SELECT COUNT(*) AS n FROM comments c WHERE c.status = ?1", &[status.into()])?,
            stmt(
                db,
                &format!("SELECT {COMMENT_COLUMNS} FROM comments c WHERE c.status = ?1 ORDER BY {order} LIMIT ?2 OFFSET ?3"),
                &[status.into(), COMMENTS_PER_PAGE.into(), offset(page, COMMENTS_PER_PAGE).into()],
            )?,
        ],
    )
    .await?;
    let [total, list] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    Ok((count(total)?, rows(list)?))
}

/// The "awaiting our reply" view: oldest first.
pub async fn waiting(db: &Db) -> Result<Vec<AdminComment>, AppError> {
    let r = stmt(db, &format!("SELECT {COMMENT_COLUMNS} FROM comments c WHERE {WAITING} ORDER BY c.created_at, c.id LIMIT ?1"), &[WAITING_MAX.into()])?
        .all()
        .await
        .map_err(AppError::Storage)?;
    rows(&r)
}

/// A row of `RETURNING id`: that a statement touched a row.
#[derive(Deserialize)]
struct Touched {}

/// Approves a comment or marks it as spam. `false`: there is no such comment.
pub async fn set_comment_status(db: &Db, id: i64, status: CommentStatus) -> Result<bool, AppError> {
    // The comment counts (`store::figures`), folded in the same batch.
    let mut stmts = vec![stmt(
        db,
        "UPDATE comments SET status = ?2 WHERE id = ?1 RETURNING id",
        &[id.into(), status.as_str().into()],
    )?];
    stmts.extend(super::figures::fold(db)?);
    let results = batch(db, stmts).await?;
    super::returned_one(&results, 0)
}

/// Removes a comment as its author's own deletion does (`comments::removal`): a placeholder
/// while replies are under it, so erasing one person's words on request never takes another's
/// reply with it. `false`: there is no such comment.
pub async fn delete_comment(db: &Db, id: i64) -> Result<bool, AppError> {
    let results = batch(db, super::comments::removal(db, id)?).await?;
    for r in &results {
        if !rows::<Touched>(r)?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// What a reply needs of the comment it answers, if that comment is approved: its thread (its
/// root's id) and its language.
pub async fn reply_target(db: &Db, id: i64) -> Result<Option<(i64, String)>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        thread: i64,
        lang: String,
    }
    let s = stmt(db, "SELECT COALESCE(thread_id, id) AS thread, lang FROM comments WHERE id = ?1 AND status = 'approved'", &[id.into()])?;
    Ok(first::<Row>(s).await?.map(|r| (r.thread, r.lang)))
}

/// The campaign's reply, public at once. Returns its id.
pub struct NewReply<'a> {
    pub parent: i64,
    pub thread: i64,
    pub name: &'a str,
    pub body: &'a str,
    pub lang: &'a str,
    pub now: i64,
}

pub async fn create_reply(db: &Db, r: &NewReply<'_>) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
    }
    let links = app::comment::count_links(r.body) as i64;
    let mut stmts = vec![stmt(
        db,
        "INSERT INTO comments (parent_id, thread_id, name, body, lang, status, is_campaign, link_count, flagged, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'approved', 1, ?6, 0, ?7) RETURNING id",
        &[r.parent.into(), r.thread.into(), r.name.into(), r.body.into(), r.lang.into(), links.into(), r.now.into()],
    )?];
    // The comment counts (`store::figures`), folded in the same batch.
    stmts.extend(super::figures::fold(db)?);
    let results = batch(db, stmts).await?;
    let inserted = results
        .first()
        .ok_or(AppError::Internal("insert returned no id"))?;
    rows::<Row>(inserted)?
        .first()
        .map(|r| r.id)
        .ok_or(AppError::Internal("insert returned no id"))
}

// ---------------------------------------------------------------------------------------------
// The overview

/// Payments flagged for a look, flagged events (second payments, disputes...), plus refunds
/// whose payment never arrived.
const FLAGGED_COUNT: &str = "(SELECT COUNT(*) FROM payments WHERE flag IS NOT NULL) \
     + (SELECT COUNT(*) FROM webhook_events WHERE outcome LIKE 'flagged:%' AND outcome <> 'flagged:currency') \
     + (SELECT COUNT(*) FROM refunds r WHERE {WAITING_REFUND})";

/// A refund (or lost dispute) that no payment of its scheme has claimed yet.
const WAITING_REFUND: &str =
    "NOT EXISTS (SELECT 1 FROM payments y WHERE y.payment_intent = r.provider_ref AND y.scheme = r.scheme)";

fn flagged_count() -> String {
    FLAGGED_COUNT.replace("{WAITING_REFUND}", WAITING_REFUND)
}

pub async fn dashboard(db: &Db) -> Result<Dashboard, AppError> {
    #[derive(Deserialize)]
    struct Counts {
        held: i64,
        held_flagged: i64,
        waiting: i64,
        flagged: i64,
        volunteers: i64,
    }
    #[derive(Deserialize)]
    struct Totals {
        raised: i64,
        gifts: i64,
    }
    let counts = format!(
        "SELECT (SELECT COUNT(*) FROM comments WHERE status = 'held') AS held, \
                (SELECT COUNT(*) FROM comments WHERE status = 'held' AND flagged = 1) AS held_flagged, \
                (SELECT COUNT(*) FROM comments c WHERE {WAITING}) AS waiting, \
                {} AS flagged, \
                (SELECT COUNT(*) FROM volunteers) AS volunteers",
        flagged_count()
    );
    let results = batch(db, vec![stmt(db, &counts, &[])?, stmt(db, &totals(), &[])?]).await?;
    let [counts, totals] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    let c = rows::<Counts>(counts)?
        .into_iter()
        .next()
        .ok_or(AppError::Internal("no counts"))?;
    let t = rows::<Totals>(totals)?
        .into_iter()
        .next()
        .unwrap_or(Totals {
            raised: 0,
            gifts: 0,
        });
    Ok(Dashboard {
        held: c.held,
        held_flagged: c.held_flagged,
        waiting: c.waiting,
        raised: Cents(t.raised),
        gifts: t.gifts,
        flagged: c.flagged,
        volunteers: c.volunteers,
    })
}

// ---------------------------------------------------------------------------------------------
// Pledges

/// A pledge's own columns, and what its payments add up to (the first payment's reference,
/// any payment's flag).
const PLEDGE_COLUMNS: &str = "id, status, frequency, amount_cents, currency, tier, designation, name, email, show_name, note, lang, origin, \
     created_at, paid_at, attested_at, failed_renewals, unpaid_invoice, ended_at, source, \
     (SELECT COALESCE(SUM(y.refunded_cents), 0) FROM payments y WHERE y.pledge_id = pledges.id) AS refunded_cents, \
     (SELECT COUNT(*) FROM payments y WHERE y.pledge_id = pledges.id) AS payments, \
     (SELECT COALESCE(y.payment_intent, y.ref) FROM payments y WHERE y.pledge_id = pledges.id ORDER BY y.paid_at, y.ref LIMIT 1) AS provider_ref, \
     (SELECT MAX(y.flag) FROM payments y WHERE y.pledge_id = pledges.id) AS flag, \
     (SELECT y.presented_currency FROM payments y WHERE y.pledge_id = pledges.id AND y.presented_currency IS NOT NULL ORDER BY y.paid_at, y.ref LIMIT 1) AS presented_currency, \
     (SELECT y.presented_amount FROM payments y WHERE y.pledge_id = pledges.id AND y.presented_currency IS NOT NULL ORDER BY y.paid_at, y.ref LIMIT 1) AS presented_amount";
/// `?1` is a status, or `all`.
const FILTER: &str = "(?1 = 'all' OR status = ?1)";

/// What the pledges page shows, loaded in one batch.
pub struct PledgesData {
    pub matching: i64,
    pub rows: Vec<PledgeRow>,
    pub totals: Vec<StatusTotal>,
    pub raised: Cents,
    pub gifts: i64,
    pub flagged: Vec<PledgeRow>,
    pub flagged_events: Vec<FlaggedEvent>,
    pub waiting_refunds: Vec<WaitingRefund>,
    pub days: Vec<DayTotal>,
    pub monthly: MonthlySummary,
    /// The monthly gifts, newest first.
    pub monthly_rows: Vec<PledgeRow>,
}

/// `filter` is a status's name or `all`; `since` the first second the chart covers.
pub async fn pledges_page(
    db: &Db,
    filter: &str,
    page: i64,
    since: i64,
) -> Result<PledgesData, AppError> {
    #[derive(Deserialize)]
    struct Totals {
        raised: i64,
        gifts: i64,
    }
    let stmts = vec![
        stmt(db, &format!("SELECT COUNT(*) AS n FROM pledges WHERE {FILTER}"), &[filter.into()])?,
        stmt(
            db,
            &format!("SELECT {PLEDGE_COLUMNS} FROM pledges WHERE {FILTER} ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3"),
            &[filter.into(), PAGE_SIZE.into(), offset(page, PAGE_SIZE).into()],
        )?,
        stmt(
            db,
            "SELECT status, COUNT(*) AS pledges, \
                    COALESCE(SUM(CASE WHEN currency = 'usd' AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND 10000000 \
                                      THEN amount_cents END), 0) AS cents \
             FROM pledges GROUP BY status \
             ORDER BY CASE status WHEN 'paid' THEN 1 WHEN 'active' THEN 2 WHEN 'pending' THEN 3 WHEN 'refunded' THEN 4 WHEN 'cancelled' THEN 5 WHEN 'failed' THEN 6 ELSE 7 END",
            &[],
        )?,
        stmt(db, &totals(), &[])?,
        stmt(
            db,
            &format!("SELECT {PLEDGE_COLUMNS} FROM pledges WHERE EXISTS (SELECT 1 FROM payments y WHERE y.pledge_id = pledges.id AND y.flag IS NOT NULL) \
                      ORDER BY created_at DESC, id LIMIT 200"),
            &[],
        )?,
        stmt(
            db,
            "SELECT scheme, event_id, outcome, pledge_id, provider_ref, amount_cents, currency, received_at FROM webhook_events \
             WHERE outcome LIKE 'flagged:%' AND outcome <> 'flagged:currency' ORDER BY received_at DESC LIMIT 200",
            &[],
        )?,
        stmt(
            db,
            &format!(
                "SELECT r.provider_ref, r.refunded_cents + r.lost_cents AS refunded_cents, r.currency, r.updated_at FROM refunds r \
                 WHERE {WAITING_REFUND} ORDER BY r.updated_at LIMIT 200"
            ),
            &[],
        )?,
        stmt(
            db,
            &format!(
                "SELECT paid_at / 86400 AS day, SUM(amount_cents) AS cents, COUNT(*) AS gifts FROM payments \
                 WHERE {counted} AND paid_at >= ?1 GROUP BY paid_at / 86400 ORDER BY day",
        counted = counted()
            ),
            &[since.into()],
        )?,
        stmt(
            db,
            "SELECT COUNT(CASE WHEN status = 'active' THEN 1 END) AS active, \
                    COALESCE(SUM(CASE WHEN status = 'active' AND currency = 'usd' AND typeof(amount_cents) = 'integer' \
                                       AND amount_cents BETWEEN 1 AND 10000000 THEN amount_cents END), 0) AS active_cents, \
                    COUNT(CASE WHEN status = 'active' AND unpaid_invoice IS NOT NULL THEN 1 END) AS past_due, \
                    COUNT(CASE WHEN status = 'cancelled' THEN 1 END) AS cancelled, \
                    (SELECT COUNT(*) FROM payments y WHERE y.pledge_id IN (SELECT id FROM pledges WHERE frequency = 'month')) AS months_paid, \
                    COALESCE(SUM(failed_renewals), 0) AS failed_renewals \
             FROM pledges WHERE frequency = 'month'",
            &[],
        )?,
        stmt(
            db,
            &format!("SELECT {PLEDGE_COLUMNS} FROM pledges WHERE frequency = 'month' AND status <> 'pending' ORDER BY created_at DESC, id LIMIT 200"),
            &[],
        )?,
    ];
    let results = batch(db, stmts).await?;
    let [matching, list, totals, money, flagged, flagged_events, refunds, days, monthly, monthly_rows] =
        results.as_slice()
    else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    let money = rows::<Totals>(money)?.into_iter().next().unwrap_or(Totals {
        raised: 0,
        gifts: 0,
    });
    Ok(PledgesData {
        matching: count(matching)?,
        rows: rows(list)?,
        totals: rows(totals)?,
        raised: Cents(money.raised),
        gifts: money.gifts,
        flagged: rows(flagged)?,
        flagged_events: rows(flagged_events)?,
        waiting_refunds: rows(refunds)?,
        days: rows(days)?,
        monthly: rows::<MonthlySummary>(monthly)?
            .into_iter()
            .next()
            .unwrap_or_default(),
        monthly_rows: rows(monthly_rows)?,
    })
}

/// Every pledge matching the filter, oldest first, for the CSV file.
pub async fn all_pledges(db: &Db, filter: &str) -> Result<Vec<PledgeRow>, AppError> {
    let r = stmt(
        db,
        &format!("SELECT {PLEDGE_COLUMNS} FROM pledges WHERE {FILTER} ORDER BY created_at, id"),
        &[filter.into()],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r)
}

// ---------------------------------------------------------------------------------------------
// Volunteers

const VOLUNTEER_COLUMNS: &str = "id, name, email, phone, place, help, message, lang, created_at";

/// One page of offers of help, newest first, and how many there are.
pub async fn volunteers_page(db: &Db, page: i64) -> Result<(i64, Vec<VolunteerRow>), AppError> {
    let results = batch(
        db,
        vec![
            stmt(db, "SELECT COUNT(*) AS n FROM volunteers", &[])?,
            stmt(
                db,
                &format!("SELECT {VOLUNTEER_COLUMNS} FROM volunteers ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2"),
                &[PAGE_SIZE.into(), offset(page, PAGE_SIZE).into()],
            )?,
        ],
    )
    .await?;
    let [total, list] = results.as_slice() else {
        return Err(AppError::Internal("unexpected batch shape"));
    };
    Ok((count(total)?, rows(list)?))
}

/// Every offer of help, oldest first, for the CSV file.
pub async fn all_volunteers(db: &Db) -> Result<Vec<VolunteerRow>, AppError> {
    let r = stmt(
        db,
        &format!("SELECT {VOLUNTEER_COLUMNS} FROM volunteers ORDER BY created_at, id"),
        &[],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r)
}

// ---------------------------------------------------------------------------------------------
// Alerts

/// What the alerts count, in one statement: comments held, comments waiting for a reply,
/// offers of help since `volunteers_since`, flagged payment events, and the reconciliation's
/// last report (its JSON, counts only).
pub struct AlertCounts {
    pub held: i64,
    pub waiting: i64,
    pub new_volunteers: i64,
    pub flagged: i64,
    /// Active monthly gifts whose last renewal failed and is not paid yet.
    pub past_due: i64,
    pub reconcile: Option<String>,
    /// Running figures the last daily check found wrong and rebuilt (`store::figures`).
    pub figures_repaired: i64,
}

pub async fn alert_counts(db: &Db, volunteers_since: i64) -> Result<AlertCounts, AppError> {
    #[derive(Deserialize)]
    struct Row {
        held: i64,
        waiting: i64,
        new_volunteers: i64,
        flagged: i64,
        past_due: i64,
        reconcile: Option<String>,
        figures_repaired: Option<i64>,
    }
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM comments WHERE status = 'held') AS held, \
                (SELECT COUNT(*) FROM comments c WHERE {WAITING}) AS waiting, \
                (SELECT COUNT(*) FROM volunteers WHERE created_at > ?1) AS new_volunteers, \
                {} AS flagged, \
                (SELECT COUNT(*) FROM pledges WHERE frequency = 'month' AND status = 'active' AND unpaid_invoice IS NOT NULL) AS past_due, \
                (SELECT last_counts FROM jobs WHERE name = 'reconcile') AS reconcile, \
                (SELECT json_extract(last_counts, '$.repaired') FROM jobs WHERE name = 'figures') AS figures_repaired",
        flagged_count()
    );
    let r = first::<Row>(stmt(db, &sql, &[volunteers_since.into()])?)
        .await?
        .ok_or(AppError::Internal("no counts"))?;
    Ok(AlertCounts {
        held: r.held,
        waiting: r.waiting,
        new_volunteers: r.new_volunteers,
        flagged: r.flagged,
        past_due: r.past_due,
        reconcile: r.reconcile,
        figures_repaired: r.figures_repaired.unwrap_or(0),
    })
}
