//! The webhook ledger's SQL: an event and its effect in one D1 batch (one transaction).
//!
//! The first statement records the event under its (scheme, id) primary key, so a second copy
//! fails the whole batch and counts nothing, even when two copies race. That same statement
//! decides the event's [`Outcome`] against the rows it concerns (one CASE per action, the
//! only place the state-dependent rules live: a second payment for a paid pledge, a refund in
//! another currency or from another scheme, an event that changes nothing) and returns it.
//! Every effect statement after it is guarded by the recorded outcome, so what is stored as
//! having happened is what happened.

use super::{batch, rows, stmt, Arg};
use crate::error::AppError;
use app::ledger::{Action, Closed, Outcome};
use app::webhook::WebhookEvent;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

/// How an event was taken.
pub enum Recorded {
    /// Stored now, with what it did.
    Now(Outcome),
    /// Stored once already: this copy changed nothing.
    Before,
}

pub async fn pledge_exists(db: &D1Database, id: &str) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    Ok(super::first::<One>(stmt(
        db,
        "SELECT 1 AS one FROM pledges WHERE id = ?1",
        &[id.into()],
    )?)
    .await?
    .is_some())
}

/// Of these event ids of `scheme`, the ones the ledger has recorded already (delivered by a
/// webhook, or read before): one statement for a whole page.
pub async fn recorded_ids(
    db: &D1Database,
    scheme: &str,
    ids: &[&str],
) -> Result<std::collections::HashSet<String>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        event_id: String,
    }
    let list = serde_json::to_string(ids).map_err(|_| AppError::Internal("ids"))?;
    let r = stmt(
        db,
        "SELECT event_id FROM webhook_events WHERE scheme = ?1 AND event_id IN (SELECT value FROM json_each(?2))",
        &[scheme.into(), list.as_str().into()],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    Ok(rows::<Row>(&r)?.into_iter().map(|r| r.event_id).collect())
}

async fn event_recorded(db: &D1Database, scheme: &str, id: &str) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    let s = stmt(
        db,
        "SELECT 1 AS one FROM webhook_events WHERE scheme = ?1 AND event_id = ?2",
        &[scheme.into(), id.into()],
    )?;
    Ok(super::first::<One>(s).await?.is_some())
}

/// The outcome this event was recorded with, for the effect statements' guards: `?1` scheme,
/// `?2` event id of each effect statement.
const RECORDED: &str = "(SELECT outcome FROM webhook_events WHERE scheme = ?1 AND event_id = ?2)";

/// The refund total already known for a payment of this scheme and currency (a refund may
/// overtake its payment): `?1` scheme, `?3` provider ref, `?5` currency.
const KNOWN_REFUND: &str = "COALESCE((SELECT r.refunded_cents FROM refunds r WHERE r.scheme = ?1 AND r.provider_ref = ?3 AND r.currency = ?5), 0)";

/// The outcome, decided against the ledger's rows. Binds of the recording statement: `?1`
/// scheme, `?5` pledge id, `?6` provider ref, `?7` amount, `?8` currency; `?4` a fixed outcome.
fn outcome_sql(action: &Action) -> &'static str {
    match action {
        // Open: paid now (flagged if in another currency). Paid already with the same payment:
        // nothing changes. Paid already with another: a second payment, for a maintainer.
        Action::Pay { .. } => {
            "COALESCE((SELECT CASE \
                 WHEN p.status IN ('pending', 'failed', 'expired') THEN CASE WHEN ?8 = 'usd' THEN 'applied' ELSE 'flagged:currency' END \
                 WHEN p.provider_ref IS ?6 AND p.scheme IS ?1 THEN 'no-change' \
                 ELSE 'flagged:second-payment' END \
               FROM pledges p WHERE p.id = ?5), 'ignored:not-ours')"
        }
        Action::External { .. } => {
            "CASE WHEN EXISTS (SELECT 1 FROM pledges WHERE id = ?5) THEN 'no-change' \
                  WHEN ?8 = 'usd' THEN 'applied' ELSE 'flagged:currency' END"
        }
        Action::Close { .. } => {
            "COALESCE((SELECT CASE WHEN status = 'pending' THEN 'applied' ELSE 'no-change' END FROM pledges WHERE id = ?5), 'ignored:not-ours')"
        }
        // The payment it names (this scheme's first): another scheme's or another currency's
        // is flagged; a larger total applies. No payment yet: it waits, unless a waiting
        // total as large is known already.
        Action::Refund { .. } => {
            "COALESCE( \
               (SELECT CASE WHEN p.scheme IS NOT ?1 THEN 'flagged:refund-scheme' \
                            WHEN p.currency <> ?8 THEN 'flagged:refund-currency' \
                            WHEN ?7 > p.refunded_cents THEN 'applied' ELSE 'no-change' END \
                FROM pledges p WHERE p.provider_ref = ?6 AND p.ever_paid = 1 ORDER BY p.scheme IS ?1 DESC LIMIT 1), \
               (SELECT CASE WHEN r.currency <> ?8 THEN 'flagged:refund-currency' \
                            WHEN ?7 > r.refunded_cents THEN 'applied' ELSE 'no-change' END \
                FROM refunds r WHERE r.scheme = ?1 AND r.provider_ref = ?6), \
               'applied')"
        }
        Action::Flag { .. } | Action::Ignore { .. } => "?4",
    }
}

/// The statements that carry out an action, each guarded by the recorded outcome.
fn effects(
    db: &D1Database,
    event: &WebhookEvent,
    action: &Action,
    now: i64,
) -> Result<Vec<D1PreparedStatement>, AppError> {
    let (scheme, id) = (event.scheme.as_str(), event.id.as_str());
    Ok(match action {
        Action::Pay { pledge_id, amount_cents, currency, provider_ref } => vec![stmt(
            db,
            &format!(
                "UPDATE pledges SET \
                   status = CASE WHEN MAX(refunded_cents, {KNOWN_REFUND}) >= ?4 THEN 'refunded' ELSE 'paid' END, \
                   refunded_cents = MAX(refunded_cents, {KNOWN_REFUND}), \
                   amount_cents = ?4, currency = ?5, provider_ref = ?3, scheme = ?1, ever_paid = 1, paid_at = ?6, \
                   flag = CASE WHEN ?5 = 'usd' THEN flag ELSE 'currency' END \
                 WHERE id = ?7 AND {RECORDED} IN ('applied', 'flagged:currency')"
            ),
            &[scheme.into(), id.into(), provider_ref.as_deref().into(), (*amount_cents).into(), currency.as_str().into(), now.into(), pledge_id.as_str().into()],
        )?],
        // A gift made elsewhere: `attested_at` stays NULL, as nobody attested it here.
        Action::External { id: pledge_id, amount_cents, currency, provider_ref } => vec![stmt(
            db,
            &format!(
                "INSERT INTO pledges (id, status, amount_cents, currency, refunded_cents, ever_paid, designation, origin, provider_ref, scheme, flag, created_at, paid_at) \
                 SELECT ?7, CASE WHEN {KNOWN_REFUND} >= ?4 THEN 'refunded' ELSE 'paid' END, ?4, ?5, {KNOWN_REFUND}, 1, 'general', 'external', ?3, ?1, \
                        CASE WHEN ?5 = 'usd' THEN NULL ELSE 'currency' END, ?6, ?6 \
                 WHERE {RECORDED} IN ('applied', 'flagged:currency') \
                 ON CONFLICT (id) DO NOTHING"
            ),
            &[scheme.into(), id.into(), provider_ref.as_deref().into(), (*amount_cents).into(), currency.as_str().into(), now.into(), pledge_id.as_str().into()],
        )?],
        Action::Close { pledge_id, status } => {
            let status = match status {
                Closed::Failed => app::pledge::Status::Failed,
                Closed::Expired => app::pledge::Status::Expired,
            };
            vec![stmt(
                db,
                &format!("UPDATE pledges SET status = ?3 WHERE id = ?4 AND status = 'pending' AND {RECORDED} = 'applied'"),
                &[scheme.into(), id.into(), status.as_str().into(), pledge_id.as_str().into()],
            )?]
        }
        Action::Refund { provider_ref, refunded_total_cents, currency } => vec![
            stmt(
                db,
                &format!(
                    "INSERT INTO refunds (scheme, provider_ref, refunded_cents, currency, updated_at) SELECT ?1, ?3, ?4, ?5, ?6 \
                     WHERE {RECORDED} = 'applied' \
                     ON CONFLICT (scheme, provider_ref) DO UPDATE SET refunded_cents = MAX(refunded_cents, excluded.refunded_cents), updated_at = excluded.updated_at"
                ),
                &[scheme.into(), id.into(), provider_ref.as_str().into(), (*refunded_total_cents).into(), currency.as_str().into(), now.into()],
            )?,
            stmt(
                db,
                &format!(
                    "UPDATE pledges SET \
                       status = CASE WHEN MAX(refunded_cents, ?4) >= amount_cents THEN 'refunded' ELSE status END, \
                       refunded_cents = MAX(refunded_cents, ?4) \
                     WHERE provider_ref = ?3 AND ever_paid = 1 AND scheme = ?1 AND currency = ?5 AND {RECORDED} = 'applied'"
                ),
                &[scheme.into(), id.into(), provider_ref.as_str().into(), (*refunded_total_cents).into(), currency.as_str().into()],
            )?,
        ],
        Action::Flag { .. } | Action::Ignore { .. } => Vec::new(),
    })
}

/// What the event row stores besides its outcome: only what the ledger needs.
fn recorded_fields(action: &Action) -> (Option<&str>, Option<&str>, Option<i64>, Option<&str>) {
    match action {
        Action::Pay {
            pledge_id,
            amount_cents,
            currency,
            provider_ref,
        } => (
            Some(pledge_id),
            provider_ref.as_deref(),
            Some(*amount_cents),
            Some(currency),
        ),
        Action::External {
            id,
            amount_cents,
            currency,
            provider_ref,
        } => (
            Some(id),
            provider_ref.as_deref(),
            Some(*amount_cents),
            Some(currency),
        ),
        Action::Close { pledge_id, .. } => (Some(pledge_id), None, None, None),
        Action::Refund {
            provider_ref,
            refunded_total_cents,
            currency,
        } => (
            None,
            Some(provider_ref),
            Some(*refunded_total_cents),
            Some(currency),
        ),
        Action::Flag {
            pledge_id,
            provider_ref,
            amount,
            currency,
            ..
        } => (
            pledge_id.as_deref(),
            provider_ref.as_deref(),
            *amount,
            Some(currency),
        ),
        Action::Ignore { .. } => (None, None, None, None),
    }
}

/// Records the event and applies its action in one D1 batch, and says what it did.
pub async fn apply_webhook(
    db: &D1Database,
    event: &WebhookEvent,
    action: &Action,
    now: i64,
) -> Result<Recorded, AppError> {
    #[derive(Deserialize)]
    struct Row {
        outcome: String,
    }
    let (pledge_id, provider_ref, amount, currency) = recorded_fields(action);
    // An amount that does not fit exactly is stored as NULL (the flag says why).
    let amount = amount.filter(|n| super::exact(*n).is_some());
    let kind = app::log::clean(&event.kind, app::log::MAX_PROVIDER_STR);
    let fixed = action.fixed_outcome().map(Outcome::as_str);
    let mut stmts = vec![stmt(
        db,
        &format!(
            "INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents, currency, received_at) \
             SELECT ?1, ?2, ?3, {}, ?5, ?6, ?7, ?8, ?9 RETURNING outcome",
            outcome_sql(action)
        ),
        &[
            event.scheme.as_str().into(),
            event.id.as_str().into(),
            kind.as_ref().into(),
            fixed.into(),
            pledge_id.into(),
            provider_ref.into(),
            Arg::from(amount),
            currency.into(),
            now.into(),
        ],
    )?];
    stmts.extend(effects(db, event, action, now)?);
    match batch(db, stmts).await {
        Ok(results) => {
            let first = results
                .first()
                .ok_or(AppError::Internal("the ledger batch returned nothing"))?;
            let outcome = rows::<Row>(first)?
                .into_iter()
                .next()
                .and_then(|r| Outcome::parse(&r.outcome))
                .ok_or(AppError::Internal(
                    "the ledger recorded an outcome it cannot name",
                ))?;
            Ok(Recorded::Now(outcome))
        }
        // The batch is all or nothing: if the event is on record now, this copy was a
        // duplicate (perhaps racing the first); if not, storage failed and nothing counted.
        Err(e) => match event_recorded(db, event.scheme.as_str(), &event.id).await {
            Ok(true) => Ok(Recorded::Before),
            _ => Err(e),
        },
    }
}
