//! Every SQL statement of the site, and nothing else.
//!
//! A page is served from one D1 statement or batch where it can be: locally one query costs
//! several times a whole render, and at the edge every round trip is latency. Values are bound,
//! never spliced, and every integer goes through one checked binder ([`Arg::Int`]).
//!
//! Whatever a row holds, a page still renders: rows are decoded one by one ([`rows`]) and a
//! row that does not decode into its type is skipped and logged, never a 500 for every
//! visitor; and every aggregate the pages show counts only [`COUNTED`] rows, so no stored
//! value can overflow a `SUM`.

pub mod admin;
pub mod ledger;
pub mod limits;

use crate::error::AppError;
use app::campaign::{Campaign, Supporter, Tier, TierProgress};
use app::comment::{thread, Comment, CommentPage, THREADS_PER_PAGE};
use app::money::Cents;
use app::webhook::EXACT_LIMIT;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

/// A bound value.
///
/// D1 takes no BigInt and the `worker` crate's integer type is `i32`, so integers cross to
/// JavaScript as `f64`, which is exact only within ±2^53: [`stmt`] refuses any integer beyond
/// that rather than store a rounded one (a rounded amount would be a different amount).
pub enum Arg<'a> {
    Text(&'a str),
    Int(i64),
    Null,
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}
impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}
impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Arg::Null, Arg::Text)
    }
}
impl From<Option<i64>> for Arg<'_> {
    fn from(n: Option<i64>) -> Self {
        n.map_or(Arg::Null, Arg::Int)
    }
}

/// An integer as D1 can take it exactly, or `None` beyond ±2^53.
pub fn exact(n: i64) -> Option<f64> {
    (-EXACT_LIMIT..=EXACT_LIMIT)
        .contains(&n)
        .then_some(n as f64)
}

fn stmt(db: &D1Database, sql: &str, args: &[Arg<'_>]) -> Result<D1PreparedStatement, AppError> {
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(match a {
            Arg::Text(s) => JsValue::from_str(s),
            Arg::Int(n) => JsValue::from_f64(
                exact(*n).ok_or(AppError::Internal("an integer beyond 2^53 was not bound"))?,
            ),
            Arg::Null => JsValue::NULL,
        });
    }
    db.prepare(sql).bind(&values).map_err(AppError::Storage)
}

/// The rows of a result that decode into `T`. A row that does not (a value a column should
/// never hold) is skipped and logged by its position only, so one bad row never takes a page
/// down for everyone.
fn rows<T: DeserializeOwned>(r: &D1Result) -> Result<Vec<T>, AppError> {
    let raw = r
        .results::<serde_json::Value>()
        .map_err(AppError::Storage)?;
    Ok(decode_each(raw, std::any::type_name::<T>()))
}

/// Decodes each value on its own; skips and logs the ones that do not fit.
fn decode_each<T: DeserializeOwned>(raw: Vec<serde_json::Value>, what: &str) -> Vec<T> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, v) in raw.into_iter().enumerate() {
        match serde_json::from_value(v) {
            Ok(t) => out.push(t),
            Err(_) => {
                crate::log::event("row_skipped", &[("type", what), ("index", &i.to_string())])
            }
        }
    }
    out
}

/// The first row that decodes, if any.
async fn first<T: DeserializeOwned>(s: D1PreparedStatement) -> Result<Option<T>, AppError> {
    let r = s.all().await.map_err(AppError::Storage)?;
    Ok(rows::<T>(&r)?.into_iter().next())
}

async fn batch(
    db: &D1Database,
    stmts: Vec<D1PreparedStatement>,
) -> Result<Vec<D1Result>, AppError> {
    db.batch(stmts).await.map_err(AppError::Storage)
}

/// The pledges every public figure counts: paid, in the ledger's currency, with no flag, and an
/// amount and refund that are whole numbers within the largest gift (see
/// `app::ledger::countable`). Nothing outside these bounds can reach a `SUM`.
pub const COUNTED: &str = "(ever_paid = 1 AND flag IS NULL AND currency = 'usd' \
     AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND 10000000 \
     AND typeof(refunded_cents) = 'integer' AND refunded_cents BETWEEN 0 AND 10000000)";

// ---------------------------------------------------------------------------------------------
// The campaign page: one statement
//
// Locally every statement of a batch costs more CPU than rendering the whole page, and at the
// edge every result set is serialized across the D1 boundary. So the page asks one statement
// for everything, shaped as one JSON document by SQLite (`json_object`, `json_group_array`),
// and reads it with serde_json. Order is restored here, not trusted to the aggregates.

/// The campaign's numbers: tiers with the net USD designated to each, totals, the latest
/// supporters (a name only where the donor asked to be shown).
const CAMPAIGN_FIELDS: &str = "\
    'tiers', (SELECT json_group_array(json_object('id', t.id, 'amount_cents', t.amount_cents, 'units', t.units, 'position', t.position, \
        'net', COALESCE((SELECT SUM(MAX(amount_cents - refunded_cents, 0)) FROM pledges p \
                  WHERE p.designation = t.id AND {COUNTED}), 0))) FROM tiers t), \
    'raised', (SELECT COALESCE(SUM(MAX(amount_cents - refunded_cents, 0)), 0) FROM pledges WHERE {COUNTED}), \
    'gifts', (SELECT COUNT(*) FROM pledges WHERE {COUNTED}), \
    'recent', (SELECT json_group_array(json_object('name', name, 'at', at, 'seq', seq)) FROM \
        (SELECT CASE WHEN show_name = 1 THEN name END AS name, paid_at AS at, rowid AS seq \
         FROM pledges WHERE {COUNTED} ORDER BY paid_at DESC, rowid DESC LIMIT 5))";

fn campaign_fields() -> String {
    CAMPAIGN_FIELDS.replace("{COUNTED}", COUNTED)
}

/// Raised (USD, net of refunds) and the number of gifts counted, for the admin overview.
fn totals() -> String {
    format!("SELECT COALESCE(SUM(MAX(amount_cents - refunded_cents, 0)), 0) AS raised, COUNT(*) AS gifts FROM pledges WHERE {COUNTED}")
}

/// A comment is public once approved; a held one is visible to its author only (by id, from
/// their signed cookie, bound as a JSON array to `?1`). `?2`/`?3`: threads per page, offset.
const VISIBLE: &str =
    "(c.status = 'approved' OR (c.status = 'held' AND c.id IN (SELECT value FROM json_each(?1))))";

fn comment_fields() -> String {
    format!(
        "'threads', (SELECT COUNT(*) FROM comments c WHERE c.parent_id IS NULL AND {VISIBLE}), \
         'comments', (SELECT COUNT(*) FROM comments c WHERE {VISIBLE}), \
         'rows', (WITH roots AS (SELECT c.id FROM comments c WHERE c.parent_id IS NULL AND {VISIBLE} \
                                 ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3) \
                  SELECT json_group_array(json_object('id', c.id, 'parent_id', c.parent_id, 'name', c.name, 'website', c.website, \
                                                      'body', c.body, 'is_campaign', c.is_campaign, 'held', c.status = 'held', \
                                                      'created_at', c.created_at)) \
                  FROM comments c WHERE {VISIBLE} AND (c.id IN roots OR c.thread_id IN roots))"
    )
}

/// The JSON document the page statement returns. Lists stay raw JSON until each element is
/// decoded on its own ([`decode_each`]).
#[derive(Deserialize, Default)]
struct PageDoc {
    #[serde(default)]
    tiers: Vec<serde_json::Value>,
    #[serde(default)]
    raised: i64,
    #[serde(default)]
    gifts: i64,
    #[serde(default)]
    recent: Vec<serde_json::Value>,
    #[serde(default)]
    threads: i64,
    #[serde(default)]
    comments: i64,
    #[serde(default)]
    rows: Vec<serde_json::Value>,
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
    held: i64,
    created_at: i64,
}

async fn page_doc(db: &D1Database, fields: &str, args: &[Arg<'_>]) -> Result<PageDoc, AppError> {
    #[derive(Deserialize)]
    struct Row {
        page: String,
    }
    let row = first::<Row>(stmt(
        db,
        &format!("SELECT json_object({fields}) AS page"),
        args,
    )?)
    .await?
    .ok_or(AppError::Internal("the page statement returned no row"))?;
    serde_json::from_str(&row.page)
        .map_err(|_| AppError::Internal("the page statement returned bad JSON"))
}

fn campaign_from(goal: Cents, doc: &mut PageDoc) -> Campaign {
    let mut tiers: Vec<TierDoc> = decode_each(std::mem::take(&mut doc.tiers), "tier");
    tiers.sort_by_key(|t| t.position);
    let mut recent: Vec<RecentDoc> = decode_each(std::mem::take(&mut doc.recent), "supporter");
    recent.sort_by(|a, b| (b.at, b.seq).cmp(&(a.at, a.seq)));
    Campaign {
        goal,
        raised: Cents(doc.raised),
        gifts: doc.gifts,
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

fn comments_from(page: i64, doc: &mut PageDoc) -> CommentPage {
    let (mut roots, replies): (Vec<Comment>, Vec<Comment>) =
        decode_each::<CommentDoc>(std::mem::take(&mut doc.rows), "comment")
            .into_iter()
            .map(|c| Comment {
                id: c.id,
                parent_id: c.parent_id,
                name: c.name,
                website: c.website,
                body: c.body,
                is_campaign: c.is_campaign != 0,
                held: c.held != 0,
                created_at: c.created_at,
            })
            .partition(|c| c.parent_id.is_none());
    roots.sort_by(|a, b| (b.created_at, b.id).cmp(&(a.created_at, a.id)));
    CommentPage {
        threads: thread(roots, replies),
        page,
        total_threads: doc.threads,
        total_comments: doc.comments,
    }
}

/// The campaign's numbers alone (`/api/campaign`).
pub async fn campaign(db: &D1Database, goal: Cents) -> Result<Campaign, AppError> {
    let mut doc = page_doc(db, &campaign_fields(), &[]).await?;
    Ok(campaign_from(goal, &mut doc))
}

/// Everything the campaign page shows, in one statement.
pub async fn home(
    db: &D1Database,
    goal: Cents,
    page: i64,
    own_held: &[i64],
) -> Result<(Campaign, CommentPage), AppError> {
    let held_json = serde_json::to_string(own_held).unwrap_or_else(|_| "[]".into());
    let offset = (page - 1).max(0).saturating_mul(THREADS_PER_PAGE);
    let fields = format!("{}, {}", campaign_fields(), comment_fields());
    let mut doc = page_doc(
        db,
        &fields,
        &[
            held_json.as_str().into(),
            THREADS_PER_PAGE.into(),
            offset.into(),
        ],
    )
    .await?;
    Ok((campaign_from(goal, &mut doc), comments_from(page, &mut doc)))
}

// ---------------------------------------------------------------------------------------------
// Pledges

use app::pledge::{NewPledge, Pledge, PledgeForm, Status};

/// Stores a pending pledge (the visitor's rate was counted before, by `limits::take`).
pub async fn create_pledge(
    db: &D1Database,
    id: &str,
    p: &NewPledge,
    lang: &str,
    ip_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    stmt(
        db,
        "INSERT INTO pledges (id, status, amount_cents, currency, tier, designation, name, email, show_name, note, lang, ip_hash, created_at) \
         VALUES (?1, 'pending', ?2, 'usd', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        &[
            id.into(),
            p.amount.0.into(),
            p.tier.as_deref().into(),
            p.designation.as_str().into(),
            p.name.as_deref().into(),
            p.email.as_deref().into(),
            i64::from(p.show_name).into(),
            p.note.as_deref().into(),
            lang.into(),
            ip_hash.into(),
            now.into(),
        ],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

#[derive(Deserialize)]
struct PledgeRow {
    id: String,
    status: String,
    amount_cents: i64,
    refunded_cents: i64,
    currency: String,
    tier: Option<String>,
    designation: String,
    name: Option<String>,
    email: Option<String>,
    show_name: i64,
    note: Option<String>,
    created_at: i64,
}

const PLEDGE_COLUMNS: &str = "id, status, amount_cents, refunded_cents, currency, tier, designation, name, email, show_name, note, created_at";

async fn pledge_row(db: &D1Database, id: &str) -> Result<Option<PledgeRow>, AppError> {
    first(stmt(
        db,
        &format!("SELECT {PLEDGE_COLUMNS} FROM pledges WHERE id = ?1"),
        &[id.into()],
    )?)
    .await
}

impl PledgeRow {
    /// The pledge, if its status is one the site knows (anything else is logged, not guessed).
    fn pledge(&self) -> Option<Pledge> {
        let Some(status) = Status::parse(&self.status) else {
            crate::log::event("row_skipped", &[("type", "pledge"), ("why", "status")]);
            return None;
        };
        Some(Pledge {
            id: self.id.clone(),
            status,
            amount: Cents(self.amount_cents),
            refunded: Cents(self.refunded_cents),
            currency: self.currency.clone(),
            tier: self.tier.clone(),
            designation: self.designation.clone(),
        })
    }
}

/// A pledge as its own page and the API show it.
pub async fn pledge(db: &D1Database, id: &str) -> Result<Option<Pledge>, AppError> {
    Ok(pledge_row(db, id).await?.and_then(|r| r.pledge()))
}

/// A pending, recent pledge as the form that made it, for "back to the form" from the
/// checkout (`app::pledge::may_resume`); `None` for any other pledge, whose name, email and
/// note are then shown to nobody.
pub async fn resumable_form(
    db: &D1Database,
    id: &str,
    now: i64,
) -> Result<Option<PledgeForm>, AppError> {
    let Some(r) = pledge_row(db, id).await? else {
        return Ok(None);
    };
    let Some(pledge) = r.pledge() else {
        return Ok(None);
    };
    if !app::pledge::may_resume(pledge.status, r.created_at, now) {
        return Ok(None);
    }
    Ok(Some(PledgeForm {
        tier: r
            .tier
            .clone()
            .unwrap_or_else(|| app::pledge::OWN_AMOUNT.to_string()),
        amount: if r.tier.is_none() {
            (r.amount_cents / 100).to_string()
        } else {
            String::new()
        },
        designation: if r.tier.as_deref() == Some(r.designation.as_str()) {
            app::pledge::SAME_AS_TIER.to_string()
        } else {
            r.designation.clone()
        },
        name: r.name.unwrap_or_default(),
        email: r.email.unwrap_or_default(),
        show_name: (r.show_name != 0).then(|| "on".to_string()),
        note: r.note.unwrap_or_default(),
        lang: String::new(),
    }))
}

/// The tiers alone, for validating a pledge.
pub async fn tiers(db: &D1Database) -> Result<Vec<Tier>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        amount_cents: i64,
        units: i64,
    }
    let r = stmt(
        db,
        "SELECT id, amount_cents, units FROM tiers ORDER BY position",
        &[],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    Ok(rows::<Row>(&r)?
        .into_iter()
        .map(|r| Tier {
            id: r.id,
            amount: Cents(r.amount_cents),
            units: r.units,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Visitors' comments and offers of help

use app::comment::NewComment;
use app::volunteer::NewVolunteer;

/// The thread an approved comment belongs to (its root's id), for a reply to it.
pub async fn approved_thread_of(db: &D1Database, id: i64) -> Result<Option<i64>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        thread: i64,
    }
    let s = stmt(db, "SELECT COALESCE(thread_id, id) AS thread FROM comments WHERE id = ?1 AND status = 'approved'", &[id.into()])?;
    Ok(first::<Row>(s).await?.map(|r| r.thread))
}

/// Holds a visitor's comment for moderation (their rate was counted before); returns its id.
pub async fn create_comment(
    db: &D1Database,
    c: &NewComment,
    thread_id: Option<i64>,
    lang: &str,
    ip_hash: &str,
    now: i64,
) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
    }
    let s = stmt(
        db,
        "INSERT INTO comments (parent_id, thread_id, name, email, website, body, lang, status, is_campaign, link_count, flagged, ip_hash, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'held', 0, ?8, ?9, ?10, ?11) RETURNING id",
        &[
            c.parent_id.map_or(Arg::Null, Arg::Int),
            thread_id.map_or(Arg::Null, Arg::Int),
            c.name.as_str().into(),
            c.email.as_deref().into(),
            c.website.as_deref().into(),
            c.body.as_str().into(),
            lang.into(),
            (c.link_count as i64).into(),
            i64::from(c.flagged()).into(),
            ip_hash.into(),
            now.into(),
        ],
    )?;
    first::<Row>(s)
        .await?
        .map(|r| r.id)
        .ok_or(AppError::Internal("insert returned no id"))
}

pub async fn create_volunteer(
    db: &D1Database,
    v: &NewVolunteer,
    lang: &str,
    ip_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    let help = v.help.join(",");
    stmt(
        db,
        "INSERT INTO volunteers (name, email, phone, place, help, message, lang, ip_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &[
            v.name.as_str().into(),
            v.email.as_deref().into(),
            v.phone.as_deref().into(),
            v.place.as_deref().into(),
            help.as_str().into(),
            v.message.as_deref().into(),
            lang.into(),
            ip_hash.into(),
            now.into(),
        ],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}
