//! Every SQL statement of the site, and nothing else.
//!
//! A page is served from one D1 batch where it can be: locally one query costs several times a
//! whole render, and at the edge every round trip is latency. Values are bound, never spliced.

pub mod admin;

use crate::error::AppError;
use app::campaign::{Campaign, Supporter, Tier, TierProgress};
use app::comment::{thread, Comment, CommentPage, THREADS_PER_PAGE};
use app::money::Cents;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

/// A bound value. Numbers go to JS as f64, exact up to 2^53 (D1's i32 integer type is not
/// enough for times or sums).
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

fn stmt(db: &D1Database, sql: &str, args: &[Arg<'_>]) -> Result<D1PreparedStatement, AppError> {
    let values: Vec<JsValue> = args
        .iter()
        .map(|a| match a {
            Arg::Text(s) => JsValue::from_str(s),
            Arg::Int(n) => JsValue::from_f64(*n as f64),
            Arg::Null => JsValue::NULL,
        })
        .collect();
    db.prepare(sql).bind(&values).map_err(AppError::Storage)
}

fn rows<T: for<'de> Deserialize<'de>>(r: &D1Result) -> Result<Vec<T>, AppError> {
    r.results::<T>().map_err(AppError::Storage)
}

async fn batch(db: &D1Database, stmts: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>, AppError> {
    db.batch(stmts).await.map_err(AppError::Storage)
}

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
    'tiers', (SELECT json_group_array(json_array(t.id, t.amount_cents, t.units, t.position, \
        COALESCE((SELECT SUM(MAX(p.amount_cents - p.refunded_cents, 0)) FROM pledges p \
                  WHERE p.designation = t.id AND p.ever_paid = 1 AND p.currency = 'usd'), 0))) FROM tiers t), \
    'raised', (SELECT COALESCE(SUM(CASE WHEN currency = 'usd' THEN MAX(amount_cents - refunded_cents, 0) END), 0) \
               FROM pledges WHERE ever_paid = 1), \
    'gifts', (SELECT COUNT(*) FROM pledges WHERE ever_paid = 1), \
    'recent', (SELECT json_group_array(json_array(name, at, seq)) FROM \
        (SELECT CASE WHEN show_name = 1 THEN name END AS name, paid_at AS at, rowid AS seq \
         FROM pledges WHERE ever_paid = 1 ORDER BY paid_at DESC, rowid DESC LIMIT 5))";

/// Raised (USD, net of refunds) and the number of gifts ever paid, for the admin overview.
const TOTALS: &str = "SELECT \
     COALESCE(SUM(CASE WHEN currency = 'usd' THEN MAX(amount_cents - refunded_cents, 0) END), 0) AS raised, \
     COUNT(*) AS gifts FROM pledges WHERE ever_paid = 1";

/// A comment is public once approved; a held one is visible to its author only (by id, from
/// their signed cookie, bound as a JSON array to `?1`). `?2`/`?3`: threads per page, offset.
const VISIBLE: &str = "(c.status = 'approved' OR (c.status = 'held' AND c.id IN (SELECT value FROM json_each(?1))))";

fn comment_fields() -> String {
    format!(
        "'threads', (SELECT COUNT(*) FROM comments c WHERE c.parent_id IS NULL AND {VISIBLE}), \
         'comments', (SELECT COUNT(*) FROM comments c WHERE {VISIBLE}), \
         'rows', (WITH roots AS (SELECT c.id FROM comments c WHERE c.parent_id IS NULL AND {VISIBLE} \
                                 ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3) \
                  SELECT json_group_array(json_array(c.id, c.parent_id, c.name, c.website, c.body, c.is_campaign, \
                                                     c.status = 'held', c.created_at)) \
                  FROM comments c WHERE {VISIBLE} AND (c.id IN roots OR c.thread_id IN roots))"
    )
}

/// The JSON document the page statement returns.
#[derive(Deserialize, Default)]
struct PageDoc {
    #[serde(default)]
    tiers: Vec<(String, i64, i64, i64, i64)>,
    #[serde(default)]
    raised: i64,
    #[serde(default)]
    gifts: i64,
    #[serde(default)]
    recent: Vec<(Option<String>, Option<i64>, i64)>,
    #[serde(default)]
    threads: i64,
    #[serde(default)]
    comments: i64,
    #[serde(default)]
    rows: Vec<(i64, Option<i64>, String, Option<String>, String, i64, i64, i64)>,
}

async fn page_doc(db: &D1Database, fields: &str, args: &[Arg<'_>]) -> Result<PageDoc, AppError> {
    #[derive(Deserialize)]
    struct Row {
        page: String,
    }
    let row = stmt(db, &format!("SELECT json_object({fields}) AS page"), args)?
        .first::<Row>(None)
        .await
        .map_err(AppError::Storage)?
        .ok_or(AppError::Internal("the page statement returned no row"))?;
    serde_json::from_str(&row.page).map_err(|_| AppError::Internal("the page statement returned bad JSON"))
}

fn campaign_from(goal: Cents, doc: &mut PageDoc) -> Campaign {
    doc.tiers.sort_by_key(|t| t.3);
    doc.recent.sort_by(|a, b| (b.1, b.2).cmp(&(a.1, a.2)));
    let tiers = std::mem::take(&mut doc.tiers)
        .into_iter()
        .map(|(id, amount, units, _, net)| TierProgress { tier: Tier { id, amount: Cents(amount), units }, net: Cents(net) })
        .collect();
    let recent = std::mem::take(&mut doc.recent)
        .into_iter()
        .map(|(name, at, _)| Supporter { name: name.filter(|n| !n.trim().is_empty()), at: at.unwrap_or(0) })
        .collect();
    Campaign { goal, raised: Cents(doc.raised), gifts: doc.gifts, tiers, recent }
}

fn comments_from(page: i64, doc: &mut PageDoc) -> CommentPage {
    let (mut roots, replies): (Vec<Comment>, Vec<Comment>) = std::mem::take(&mut doc.rows)
        .into_iter()
        .map(|(id, parent_id, name, website, body, is_campaign, held, created_at)| Comment {
            id,
            parent_id,
            name,
            website,
            body,
            is_campaign: is_campaign != 0,
            held: held != 0,
            created_at,
        })
        .partition(|c| c.parent_id.is_none());
    roots.sort_by(|a, b| (b.created_at, b.id).cmp(&(a.created_at, a.id)));
    CommentPage { threads: thread(roots, replies), page, total_threads: doc.threads, total_comments: doc.comments }
}

/// The campaign's numbers alone (`/api/campaign`).
pub async fn campaign(db: &D1Database, goal: Cents) -> Result<Campaign, AppError> {
    let mut doc = page_doc(db, CAMPAIGN_FIELDS, &[]).await?;
    Ok(campaign_from(goal, &mut doc))
}

/// Everything the campaign page shows, in one statement.
pub async fn home(db: &D1Database, goal: Cents, page: i64, own_held: &[i64]) -> Result<(Campaign, CommentPage), AppError> {
    let held_json = serde_json::to_string(own_held).unwrap_or_else(|_| "[]".into());
    let offset = (page - 1).max(0).saturating_mul(THREADS_PER_PAGE);
    let fields = format!("{CAMPAIGN_FIELDS}, {}", comment_fields());
    let mut doc = page_doc(db, &fields, &[held_json.as_str().into(), THREADS_PER_PAGE.into(), offset.into()]).await?;
    Ok((campaign_from(goal, &mut doc), comments_from(page, &mut doc)))
}

// ---------------------------------------------------------------------------------------------
// The webhook ledger

use app::ledger::Action;
use app::webhook::WebhookEvent;

/// Whether an event was stored once already.
pub enum Recorded {
    Now,
    Before,
}

pub async fn pledge_exists(db: &D1Database, id: &str) -> Result<bool, AppError> {
    let r = stmt(db, "SELECT 1 AS one FROM pledges WHERE id = ?1", &[id.into()])?.first::<serde_json::Value>(None).await.map_err(AppError::Storage)?;
    Ok(r.is_some())
}

async fn event_recorded(db: &D1Database, scheme: &str, id: &str) -> Result<bool, AppError> {
    let r = stmt(db, "SELECT 1 AS one FROM webhook_events WHERE scheme = ?1 AND event_id = ?2", &[scheme.into(), id.into()])?
        .first::<serde_json::Value>(None)
        .await
        .map_err(AppError::Storage)?;
    Ok(r.is_some())
}

/// The refund total already known for a payment reference (a refund may overtake its payment).
const KNOWN_REFUND: &str = "COALESCE((SELECT r.refunded_cents FROM refunds r WHERE r.provider_ref = ?3), 0)";

/// Records the event and applies its action in one D1 batch (one transaction). The event's
/// primary key makes a second copy fail the whole batch, so a gift is counted once even when
/// two copies race; that copy is then answered as a duplicate.
pub async fn apply_webhook(db: &D1Database, event: &WebhookEvent, action: &Action, now: i64) -> Result<Recorded, AppError> {
    let (pledge_id, provider_ref, amount, currency): (Option<&str>, Option<&str>, Option<i64>, Option<&str>) = match action {
        Action::Pay { pledge_id, amount_cents, currency, provider_ref, .. } => (Some(pledge_id), provider_ref.as_deref(), Some(*amount_cents), Some(currency)),
        Action::External { id, amount_cents, currency, provider_ref, .. } => (Some(id), provider_ref.as_deref(), Some(*amount_cents), Some(currency)),
        Action::Close { pledge_id, .. } => (Some(pledge_id), None, None, None),
        Action::Refund { provider_ref, refunded_total_cents, currency } => (None, Some(provider_ref), Some(*refunded_total_cents), Some(currency)),
        Action::Ignore { .. } => (None, None, None, None),
    };
    let mut stmts = vec![stmt(
        db,
        "INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents, currency, received_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &[
            event.scheme.as_str().into(),
            event.id.as_str().into(),
            event.kind.as_str().into(),
            action.outcome().into(),
            pledge_id.into(),
            provider_ref.into(),
            amount.map_or(Arg::Null, Arg::Int),
            currency.into(),
            now.into(),
        ],
    )?];
    match action {
        Action::Pay { pledge_id, amount_cents, currency, provider_ref, flag } => stmts.push(stmt(
            db,
            &format!(
                "UPDATE pledges SET \
                   status = CASE WHEN MAX(refunded_cents, {KNOWN_REFUND}) >= ?1 THEN 'refunded' ELSE 'paid' END, \
                   refunded_cents = MAX(refunded_cents, {KNOWN_REFUND}), \
                   amount_cents = ?1, currency = ?2, provider_ref = ?3, ever_paid = 1, paid_at = ?4, flag = ?5 \
                 WHERE id = ?6 AND status IN ('pending', 'failed', 'expired')"
            ),
            &[(*amount_cents).into(), currency.as_str().into(), provider_ref.as_deref().into(), now.into(), (*flag).into(), pledge_id.as_str().into()],
        )?),
        Action::External { id, amount_cents, currency, provider_ref, flag } => stmts.push(stmt(
            db,
            &format!(
                "INSERT INTO pledges (id, status, amount_cents, currency, refunded_cents, ever_paid, designation, origin, provider_ref, flag, created_at, paid_at) \
                 VALUES (?6, CASE WHEN {KNOWN_REFUND} >= ?1 THEN 'refunded' ELSE 'paid' END, ?1, ?2, {KNOWN_REFUND}, 1, 'general', 'external', ?3, ?5, ?4, ?4) \
                 ON CONFLICT (id) DO NOTHING"
            ),
            &[(*amount_cents).into(), currency.as_str().into(), provider_ref.as_deref().into(), now.into(), (*flag).into(), id.as_str().into()],
        )?),
        Action::Close { pledge_id, status } => stmts.push(stmt(
            db,
            "UPDATE pledges SET status = ?1 WHERE id = ?2 AND status = 'pending'",
            &[(*status).into(), pledge_id.as_str().into()],
        )?),
        Action::Refund { provider_ref, refunded_total_cents, currency } => {
            stmts.push(stmt(
                db,
                "INSERT INTO refunds (provider_ref, refunded_cents, currency, updated_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (provider_ref) DO UPDATE SET refunded_cents = MAX(refunded_cents, excluded.refunded_cents), updated_at = excluded.updated_at",
                &[provider_ref.as_str().into(), (*refunded_total_cents).into(), currency.as_str().into(), now.into()],
            )?);
            stmts.push(stmt(
                db,
                "UPDATE pledges SET \
                   status = CASE WHEN MAX(refunded_cents, ?2) >= amount_cents THEN 'refunded' ELSE status END, \
                   refunded_cents = MAX(refunded_cents, ?2) \
                 WHERE provider_ref = ?1 AND ever_paid = 1",
                &[provider_ref.as_str().into(), (*refunded_total_cents).into()],
            )?);
        }
        Action::Ignore { .. } => {}
    }
    match db.batch(stmts).await {
        Ok(_) => Ok(Recorded::Now),
        // The batch is all or nothing: if the event is on record now, this copy was a
        // duplicate (perhaps racing the first); if not, storage failed and nothing counted.
        Err(e) => match event_recorded(db, event.scheme.as_str(), &event.id).await {
            Ok(true) => Ok(Recorded::Before),
            _ => Err(AppError::Storage(e)),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Pledges and rate limits

use app::pledge::{NewPledge, Pledge, PledgeForm, Status};

/// How many counted actions of `bucket` this visitor made since `since`.
pub async fn recent_actions(db: &D1Database, bucket: &str, key_hash: &str, since: i64) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let r = stmt(db, "SELECT COUNT(*) AS n FROM rate_events WHERE bucket = ?1 AND key_hash = ?2 AND at > ?3", &[bucket.into(), key_hash.into(), since.into()])?
        .first::<N>(None)
        .await
        .map_err(AppError::Storage)?;
    Ok(r.map_or(0, |r| r.n))
}

/// Counts one action, and forgets counts older than a day.
fn count_action(db: &D1Database, bucket: &str, key_hash: &str, now: i64) -> Result<Vec<D1PreparedStatement>, AppError> {
    Ok(vec![
        stmt(db, "DELETE FROM rate_events WHERE at < ?1", &[(now - 86_400).into()])?,
        stmt(db, "INSERT INTO rate_events (bucket, key_hash, at) VALUES (?1, ?2, ?3)", &[bucket.into(), key_hash.into(), now.into()])?,
    ])
}

/// Stores a pending pledge and counts it against the visitor's limit, in one transaction.
pub async fn create_pledge(db: &D1Database, id: &str, p: &NewPledge, lang: &str, ip_hash: &str, now: i64) -> Result<(), AppError> {
    let mut stmts = vec![stmt(
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
    )?];
    stmts.extend(count_action(db, "pledge", ip_hash, now)?);
    batch(db, stmts).await.map(|_| ())
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
}

const PLEDGE_COLUMNS: &str = "id, status, amount_cents, refunded_cents, currency, tier, designation, name, email, show_name, note";

async fn pledge_row(db: &D1Database, id: &str) -> Result<Option<PledgeRow>, AppError> {
    stmt(db, &format!("SELECT {PLEDGE_COLUMNS} FROM pledges WHERE id = ?1"), &[id.into()])?
        .first::<PledgeRow>(None)
        .await
        .map_err(AppError::Storage)
}

impl PledgeRow {
    fn pledge(&self) -> Pledge {
        Pledge {
            id: self.id.clone(),
            status: Status::parse(&self.status).unwrap_or(Status::Pending),
            amount: Cents(self.amount_cents),
            refunded: Cents(self.refunded_cents),
            currency: self.currency.clone(),
            tier: self.tier.clone(),
            designation: self.designation.clone(),
        }
    }
}

/// A pledge as its own page and the API show it.
pub async fn pledge(db: &D1Database, id: &str) -> Result<Option<Pledge>, AppError> {
    Ok(pledge_row(db, id).await?.map(|r| r.pledge()))
}

/// A pending pledge as the form that made it, for "back to the form" from the checkout, plus
/// the email (only the holder of the pledge's id gets here).
pub async fn pledge_form(db: &D1Database, id: &str) -> Result<Option<(PledgeForm, Pledge)>, AppError> {
    let Some(r) = pledge_row(db, id).await? else { return Ok(None) };
    let pledge = r.pledge();
    let form = PledgeForm {
        tier: r.tier.clone().unwrap_or_else(|| app::pledge::OWN_AMOUNT.to_string()),
        amount: if r.tier.is_none() { (r.amount_cents / 100).to_string() } else { String::new() },
        designation: if r.tier.as_deref() == Some(r.designation.as_str()) { app::pledge::SAME_AS_TIER.to_string() } else { r.designation.clone() },
        name: r.name.unwrap_or_default(),
        email: r.email.unwrap_or_default(),
        show_name: (r.show_name != 0).then(|| "on".to_string()),
        note: r.note.unwrap_or_default(),
        lang: String::new(),
    };
    Ok(Some((form, pledge)))
}

/// The tiers alone, for validating a pledge.
pub async fn tiers(db: &D1Database) -> Result<Vec<Tier>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        amount_cents: i64,
        units: i64,
    }
    let r = stmt(db, "SELECT id, amount_cents, units FROM tiers ORDER BY position", &[])?.all().await.map_err(AppError::Storage)?;
    Ok(rows::<Row>(&r)?.into_iter().map(|r| Tier { id: r.id, amount: Cents(r.amount_cents), units: r.units }).collect())
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
    let r = stmt(db, "SELECT COALESCE(thread_id, id) AS thread FROM comments WHERE id = ?1 AND status = 'approved'", &[id.into()])?
        .first::<Row>(None)
        .await
        .map_err(AppError::Storage)?;
    Ok(r.map(|r| r.thread))
}

/// Holds a visitor's comment for moderation and counts it against their rate; returns its id.
pub async fn create_comment(db: &D1Database, c: &NewComment, thread_id: Option<i64>, lang: &str, ip_hash: &str, now: i64) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: i64,
    }
    let mut stmts = vec![stmt(
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
    )?];
    stmts.extend(count_action(db, "comment", ip_hash, now)?);
    let results = batch(db, stmts).await?;
    let first = results.first().ok_or(AppError::Internal("unexpected batch shape"))?;
    rows::<Row>(first)?.first().map(|r| r.id).ok_or(AppError::Internal("insert returned no id"))
}

pub async fn create_volunteer(db: &D1Database, v: &NewVolunteer, lang: &str, ip_hash: &str, now: i64) -> Result<(), AppError> {
    let help = v.help.join(",");
    let mut stmts = vec![stmt(
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
    )?];
    stmts.extend(count_action(db, "volunteer", ip_hash, now)?);
    batch(db, stmts).await.map(|_| ())
}
