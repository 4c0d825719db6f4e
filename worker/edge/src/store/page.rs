//! The campaign page: one statement.
//!
//! Locally every statement of a batch costs more CPU than rendering the whole page, and at the
//! edge every result set is serialized across the D1 boundary. So the page asks one statement
//! for everything, shaped as one JSON document by SQLite (`json_object`, `json_group_array`),
//! and reads it with serde_json, each list element decoded on its own. Order is restored here,
//! not trusted to the aggregates.

use super::figures::{figure, with_fig};
use super::Db;
use super::{counted, decode_each, stmt, Arg};
use crate::error::AppError;
use app::campaign::{Campaign, Supporter, Tier, TierProgress};
use app::comment::{thread, Comment, CommentPage, CommentStatus, THREADS_PER_PAGE};
use app::money::Cents;
use app::order::{
    sort_by_key,
    Direction::{Ascending, Descending},
};
use app::update::Update;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::OnceLock;

/// The campaign's numbers: tiers with the net USD designated to each, totals (every paid month
/// of a monthly gift is a gift, and counts toward its tier again), the active monthly gifts,
/// the latest supporters (a name only where the donor asked to be shown; a monthly donor once,
/// at the first payment). The totals are the running figures (`store::figures`, read through
/// its `fig` CTE, which every statement here begins with): a few rows, whatever the campaign
/// raised; the supporters walk `pledges_paid` from the newest.
fn campaign_fields() -> String {
    format!(
        "'tiers', (SELECT json_group_array(json_object('id', t.id, 'amount_cents', t.amount_cents, 'units', t.units, 'position', t.position, \
            'net', {})) FROM tiers t), \
         'raised', {}, 'gifts', {}, 'monthly', {}, \
         'recent', (SELECT json_group_array(json_object('name', name, 'at', at, 'seq', seq)) FROM \
            (SELECT CASE WHEN p.show_name = 1 THEN p.name END AS name, p.paid_at AS at, p.rowid AS seq \
             FROM pledges p WHERE p.paid_at IS NOT NULL AND EXISTS (SELECT 1 FROM payments WHERE pledge_id = p.id AND {}) \
             ORDER BY p.paid_at DESC, p.rowid DESC LIMIT 5))",
        figure("'net:' || t.id"),
        figure("'raised'"),
        figure("'gifts'"),
        figure("'monthly'"),
        counted()
    )
}

/// The campaign's numbers alone, as one statement, built once per isolate.
fn campaign_statement() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "{} SELECT json_object({}) AS page",
            with_fig(),
            campaign_fields()
        )
    })
}

/// Everything the page shows, as one statement, built once per isolate: every render asks it.
fn home_statement() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "{} SELECT json_object({}, {}, {}) AS page",
            with_fig(),
            campaign_fields(),
            comment_fields(),
            update_fields()
        )
    })
}

/// Raised (USD, net of refunds) and the number of gifts counted, for the admin overview.
pub(super) fn totals() -> String {
    format!("SELECT COALESCE(SUM(MAX(amount_cents - refunded_cents, 0)), 0) AS raised, COUNT(*) AS gifts FROM payments WHERE {}", counted())
}

/// A comment is public once approved; a held one is visible to its author only (by id, from
/// their sealed cookie, bound as a JSON array to `?1`); a removed one shows as a placeholder
/// while approved replies hang under it. `?2`/`?3`: threads per page, offset.
const VISIBLE: &str = "(c.status = 'approved' \
     OR (c.status = 'held' AND c.id IN (SELECT value FROM json_each(?1))) \
     OR (c.status = 'removed' AND (EXISTS (SELECT 1 FROM comments r WHERE r.status = 'approved' AND r.parent_id = c.id) \
                                   OR EXISTS (SELECT 1 FROM comments r WHERE r.status = 'approved' AND r.thread_id = c.id AND r.id <> c.id))))";

/// The counts and one page of threads. The approved comments and threads are running figures
/// (`store::figures`, migration 0017); the few held or removed roots are checked against
/// [`VISIBLE`] and counted here. A page of threads walks `comments_public` (status, parent,
/// time) by range: the newest `offset + limit` approved roots, not all. The page's comments are looked up by id from its threads (`CROSS JOIN`: in
/// that order), so that SQLite never answers [`VISIBLE`]'s `OR` by walking every approved
/// comment (5x the statement's comment part at the scale case, in SQLite 3.40). Same rows as `VISIBLE` over the whole table, at a cost that follows the page
/// asked, not the campaign's size (`make bench`'s scale case).
fn comment_fields() -> String {
    format!(
        "'threads', ({} \
                   + (SELECT COUNT(*) FROM comments c WHERE c.status IN ('held', 'removed') AND c.parent_id IS NULL AND {VISIBLE})), \
         'comments', ({} \
                    + (SELECT COUNT(*) FROM comments c WHERE c.status = 'held' AND c.id IN (SELECT value FROM json_each(?1)))), \
         'rows', (WITH roots AS (SELECT id FROM ( \
                                   SELECT * FROM (SELECT c.id, c.created_at FROM comments c WHERE c.status = 'approved' AND c.parent_id IS NULL \
                                                  ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 + ?3) \
                                   UNION ALL \
                                   SELECT c.id, c.created_at FROM comments c WHERE c.status IN ('held', 'removed') AND c.parent_id IS NULL AND {VISIBLE}) \
                                 ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3) \
                  SELECT json_group_array(json_object('id', c.id, 'parent_id', c.parent_id, 'name', c.name, 'website', c.website, \
                                                      'body', c.body, 'is_campaign', c.is_campaign, 'status', c.status, \
                                                      'created_at', c.created_at)) \
                  FROM (SELECT id FROM roots UNION SELECT r.id FROM comments r WHERE r.thread_id IN (SELECT id FROM roots)) AS ids \
                  CROSS JOIN comments c ON c.id = ids.id WHERE {VISIBLE})",
        figure("'threads'"),
        figure("'comments'"),
    )
}

/// The latest published updates ("What your gifts did"), newest first, and how many are
/// published (where `/updates` ends, [`PageCounts`]).
fn update_fields() -> String {
    format!(
        "'published', (SELECT COUNT(*) FROM updates WHERE status = 'published'), \
         'updates', (SELECT json_group_array(json_object('id', id, 'title_en', title_en, 'body_en', body_en, \
                                                     'title_km', title_km, 'body_km', body_km, 'status', status, \
                                                     'published_at', published_at, 'created_at', created_at, \
                                                     'updated_at', updated_at)) \
                     FROM (SELECT * FROM updates WHERE status = 'published' \
                           ORDER BY published_at DESC, id DESC LIMIT {}))",
        app::update::ON_HOME
    )
}

/// The JSON document the page statement returns. Lists stay raw JSON text, borrowed from the
/// document, until each element is decoded on its own ([`decode_each`]).
#[derive(Deserialize, Default)]
struct PageDoc<'a> {
    #[serde(default, borrow)]
    tiers: Vec<&'a RawValue>,
    #[serde(default)]
    raised: i64,
    #[serde(default)]
    gifts: i64,
    #[serde(default)]
    monthly: i64,
    #[serde(default, borrow)]
    recent: Vec<&'a RawValue>,
    #[serde(default)]
    threads: i64,
    #[serde(default)]
    published: i64,
    #[serde(default)]
    comments: i64,
    #[serde(default, borrow)]
    rows: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    updates: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct TierDoc {
    id: String,
    amount_cents: i64,
    units: i64,
    position: i64,
    net: i64,
}

#[derive(Deserialize)]
struct RecentDoc {
    name: Option<String>,
    at: Option<i64>,
    seq: i64,
}

#[derive(Deserialize)]
struct CommentDoc {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    website: Option<String>,
    body: String,
    is_campaign: i64,
    status: CommentStatus,
    created_at: i64,
}

/// What the page data counts that says where the public paged lists end: the threads of
/// comments everyone sees (the campaign page's pages) and the published updates (`/updates`'
/// pages). Read from the page data of page 1 as the edge keeps it, so that a page past the
/// last is answered without asking D1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub threads: i64,
    pub published: i64,
}

impl PageCounts {
    /// The counts in a page data document ([`home_doc`]), read by the page's own decoder (a
    /// decoder of its own for two numbers would cost the visitor's wasm more than it saves).
    pub fn of(doc: &str) -> Result<PageCounts, AppError> {
        let doc = parse_doc(doc)?;
        Ok(PageCounts {
            threads: doc.threads,
            published: doc.published,
        })
    }

    /// The campaign page's last page of threads.
    pub fn last_comments_page(self) -> i64 {
        app::paging::last_page(self.threads, THREADS_PER_PAGE)
    }

    /// `/updates`' last page.
    pub fn last_updates_page(self) -> i64 {
        app::paging::last_page(self.published, app::update::PER_PAGE)
    }
}

/// Runs one of the page statements and returns its JSON document as SQLite wrote it.
async fn raw_doc(db: &Db, sql: &str, args: &[Arg<'_>]) -> Result<String, AppError> {
    stmt(db, sql, args)?
        .first_text("page")
        .await
        .map_err(AppError::Storage)?
        .ok_or(AppError::Internal("the page statement returned no row"))
}

fn parse_doc(raw: &str) -> Result<PageDoc<'_>, AppError> {
    serde_json::from_str(raw)
        .map_err(|_| AppError::Internal("the page statement returned bad JSON"))
}

fn campaign_from(goal: Cents, doc: &PageDoc) -> Campaign {
    let mut tiers: Vec<TierDoc> = decode_each(&doc.tiers, "tier");
    sort_by_key(&mut tiers, Ascending, |t| (Some(t.position), 0));
    let mut recent: Vec<RecentDoc> = decode_each(&doc.recent, "supporter");
    sort_by_key(&mut recent, Descending, |r| (r.at, r.seq));
    Campaign {
        goal,
        raised: Cents(doc.raised),
        gifts: doc.gifts,
        monthly: doc.monthly,
        tiers: tiers
            .into_iter()
            .map(|t| TierProgress {
                tier: Tier {
                    id: t.id,
                    amount: Cents(t.amount_cents),
                    units: t.units,
                },
                net: Cents(t.net),
            })
            .collect(),
        recent: recent
            .into_iter()
            .map(|r| Supporter {
                name: r.name.filter(|n| !n.trim().is_empty()),
                at: r.at.unwrap_or(0),
            })
            .collect(),
    }
}

/// The page's comments, threaded. `own` names the visitor's comments they may still delete
/// (from their cookie, written since `own_since`).
fn comments_from(
    page: i64,
    doc: &PageDoc,
    held: Vec<CommentDoc>,
    own: &[i64],
    own_since: i64,
) -> CommentPage {
    let (mut roots, replies): (Vec<Comment>, Vec<Comment>) =
        decode_each::<CommentDoc>(&doc.rows, "comment")
            .into_iter()
            .chain(held)
            .map(|c| Comment {
                id: c.id,
                parent_id: c.parent_id,
                name: c.name,
                website: c.website,
                body: c.body,
                is_campaign: c.is_campaign != 0,
                own: c.status != CommentStatus::Removed
                    && c.created_at >= own_since
                    && own.contains(&c.id),
                status: c.status,
                created_at: c.created_at,
            })
            .partition(|c| c.parent_id.is_none());
    sort_by_key(&mut roots, Descending, |c| (Some(c.created_at), c.id));
    CommentPage {
        threads: thread(roots, replies),
        page,
        total_threads: doc.threads,
        total_comments: doc.comments,
    }
}

/// The campaign's numbers alone (`/api/campaign`).
pub async fn campaign(db: &Db, goal: Cents) -> Result<Campaign, AppError> {
    let raw = raw_doc(db, campaign_statement(), &[]).await?;
    Ok(campaign_from(goal, &parse_doc(&raw)?))
}

/// The page data of page `page` of the campaign page as everyone sees it (no visitor's held
/// comments): the one statement's JSON document, kept as it is so the edge can keep it too
/// ([`crate::cache`]) and a commenter's page be drawn from it ([`home_from`]).
pub async fn home_doc(db: &Db, page: i64) -> Result<String, AppError> {
    let offset = (page - 1).max(0).saturating_mul(THREADS_PER_PAGE);
    raw_doc(
        db,
        home_statement(),
        &["[]".into(), THREADS_PER_PAGE.into(), offset.into()],
    )
    .await
}

/// The visitor's own held comments (ids from their sealed cookie): the one small query a
/// commenter's page adds to the shared page data.
pub async fn held_comments(db: &Db, own: &[i64]) -> Result<String, AppError> {
    if own.is_empty() {
        return Ok("[]".into());
    }
    const SQL: &str = "SELECT json_group_array(json_object('id', c.id, 'parent_id', c.parent_id, 'name', c.name, \
        'website', c.website, 'body', c.body, 'is_campaign', c.is_campaign, 'status', c.status, 'created_at', c.created_at)) AS page \
        FROM comments c WHERE c.status = 'held' AND c.id IN (SELECT value FROM json_each(?1))";
    let ids = serde_json::to_string(own).unwrap_or_else(|_| "[]".into());
    raw_doc(db, SQL, &[ids.as_str().into()]).await
}

/// Everything the campaign page shows, from the page data ([`home_doc`]) and the visitor's
/// own held comments ([`held_comments`]). `own` are the ids of the visitor's comments
/// (their cookie's), deletable when written since `own_since`.
///
/// A held comment that starts a thread is shown on the first page, newest first among the
/// others (so that page may hold one thread more than the rest); a held reply under its
/// thread wherever that thread is shown.
pub fn home_from(
    doc: &str,
    held: &str,
    goal: Cents,
    page: i64,
    own: &[i64],
    own_since: i64,
) -> Result<(Campaign, CommentPage, Vec<Update>), AppError> {
    let mut doc = parse_doc(doc)?;
    let held: Vec<&RawValue> = serde_json::from_str(held)
        .map_err(|_| AppError::Internal("the held comments query returned bad JSON"))?;
    let mut held: Vec<CommentDoc> = decode_each(&held, "comment");
    doc.threads += held.iter().filter(|c| c.parent_id.is_none()).count() as i64;
    doc.comments += held.len() as i64;
    held.retain(|c| page <= 1 || c.parent_id.is_some());
    let mut updates: Vec<Update> = decode_each(&doc.updates, "update");
    updates.retain(Update::is_public);
    sort_by_key(&mut updates, Descending, |u| (u.published_at, u.id));
    Ok((
        campaign_from(goal, &doc),
        comments_from(page, &doc, held, own, own_since),
        updates,
    ))
}
