//! The webhook ledger's SQL: an event and its effect in one D1 batch (one transaction).
//!
//! The first statement records the event under its (scheme, id) primary key, so a second copy
//! fails the whole batch and counts nothing, even when two copies race. That same statement
//! decides the event's [`Outcome`] against the rows it concerns (one CASE per action, the
//! only place the state-dependent rules live: a second payment for a paid pledge, a refund in
//! another currency or from another scheme, an event that changes nothing) and returns it.
//! Every effect statement after it is guarded by the recorded outcome, so what is stored as
//! having happened is what happened.

use super::Db;
use super::Stmt;
use super::{batch, rows, stmt, Arg};
use crate::error::AppError;
use app::ledger::{Action, Closed, Outcome, Payment};
use app::webhook::WebhookEvent;
use serde::Deserialize;

/// How an event was taken.
pub enum Recorded {
    /// Stored now, with what it did.
    Now(Outcome),
    /// Stored once already: this copy changed nothing.
    Before,
    /// Not stored: the pledge it was taken for is not one of ours (`apply_webhook`'s
    /// `assumed`). Decide again, knowing that, and apply that.
    NoSuchPledge,
}

/// Of these event ids of `scheme`, the ones the ledger has recorded already (delivered by a
/// webhook, or read before): one statement for a whole page.
pub async fn recorded_ids(
    db: &Db,
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

async fn event_recorded(db: &Db, scheme: &str, id: &str) -> Result<bool, AppError> {
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

/// The outcome of money taken back (a refund total, or what a lost dispute took), decided
/// against the payment it names (this scheme's first) or, before that payment is known,
/// against the total already waiting: another scheme's payment or another currency is
/// flagged; a larger total applies. `column` is the refunds column it raises.
fn taken_back_sql(column: &str) -> String {
    format!(
        "COALESCE( \
           (SELECT CASE WHEN y.scheme IS NOT ?1 THEN 'flagged:refund-scheme' \
                        WHEN y.currency <> ?8 THEN 'flagged:refund-currency' \
                        WHEN ?7 > COALESCE((SELECT r.{column} FROM refunds r WHERE r.scheme = ?1 AND r.provider_ref = ?6), 0) THEN 'applied' \
                        ELSE 'no-change' END \
            FROM payments y WHERE y.payment_intent = ?6 ORDER BY y.scheme IS ?1 DESC LIMIT 1), \
           (SELECT CASE WHEN r.currency <> ?8 THEN 'flagged:refund-currency' \
                        WHEN ?7 > r.{column} THEN 'applied' ELSE 'no-change' END \
            FROM refunds r WHERE r.scheme = ?1 AND r.provider_ref = ?6), \
           'applied')"
    )
}

/// The outcome, decided against the ledger's rows. Binds of the recording statement: `?1`
/// scheme, `?5` pledge id, `?6` provider ref (a payment's key), `?7` amount, `?8` currency;
/// `?4` a fixed outcome.
fn outcome_sql(action: &Action) -> String {
    match action {
        // A payment already recorded under its key changes nothing (the first month reported
        // by the session and by its invoice; a redelivery). A one-off pledge paid already
        // with another payment, or a key another pledge holds: a second payment, for a
        // maintainer. Otherwise the money counts (flagged if in another currency).
        Action::Pay { .. } => "COALESCE((SELECT CASE \
                 WHEN EXISTS (SELECT 1 FROM payments y WHERE y.scheme = ?1 AND y.ref = ?6 AND y.pledge_id = p.id) THEN 'no-change' \
                 WHEN EXISTS (SELECT 1 FROM payments y WHERE y.scheme = ?1 AND y.ref = ?6) THEN 'flagged:second-payment' \
                 WHEN p.frequency = 'once' AND EXISTS (SELECT 1 FROM payments y WHERE y.pledge_id = p.id) THEN 'flagged:second-payment' \
                 WHEN ?8 = 'usd' THEN 'applied' ELSE 'flagged:currency' END \
               FROM pledges p WHERE p.id = ?5), 'ignored:not-ours')"
            .into(),
        Action::External { .. } => "CASE WHEN EXISTS (SELECT 1 FROM payments y WHERE y.scheme = ?1 AND y.ref = ?6) THEN 'no-change' \
                  WHEN ?8 = 'usd' THEN 'applied' ELSE 'flagged:currency' END"
            .into(),
        Action::Close { .. } => "COALESCE((SELECT CASE WHEN status = 'pending' THEN 'applied' ELSE 'no-change' END FROM pledges WHERE id = ?5), 'ignored:not-ours')".into(),
        Action::Refund { .. } => taken_back_sql("refunded_cents"),
        Action::DisputeLost { .. } => taken_back_sql("lost_cents"),
        Action::Link { .. } => "CASE WHEN EXISTS (SELECT 1 FROM invoice_payments WHERE invoice = ?6) THEN 'no-change' ELSE 'applied' END".into(),
        // Every failed attempt is counted for the maintainers, once per event.
        Action::RenewalFailed { .. } => "COALESCE((SELECT 'applied' FROM pledges WHERE id = ?5 AND frequency = 'month'), 'ignored:not-ours')".into(),
        Action::End { .. } => "COALESCE((SELECT CASE WHEN status = 'cancelled' THEN 'no-change' ELSE 'applied' END \
               FROM pledges WHERE id = ?5 AND frequency = 'month'), 'ignored:not-ours')"
            .into(),
        Action::Flag { .. } | Action::Ignore { .. } | Action::Record { .. } => "?4".into(),
    }
}

/// Which payments a settling pass looks at: `?1` scheme, `?2` the key or PaymentIntent.
#[derive(Clone, Copy)]
enum Payments {
    Key,
    Intent,
}

/// Brings payments up to date with everything known about them, whatever arrived first: a
/// payment's refunded amount is the larger of what it holds and its refunds plus lost
/// disputes (same scheme, same currency), at most its amount; a one-off pledge whose payment
/// is wholly taken back is refunded. Unguarded, because it only converges.
fn settle(db: &Db, scheme: &str, which: Payments, target: &str) -> Result<Vec<Stmt>, AppError> {
    let selector = match which {
        Payments::Key => "ref = ?2",
        Payments::Intent => "payment_intent = ?2",
    };
    Ok(vec![
        stmt(
            db,
            &format!(
                "UPDATE payments SET refunded_cents = MIN(amount_cents, MAX(refunded_cents, COALESCE( \
                   (SELECT r.refunded_cents + r.lost_cents FROM refunds r WHERE r.scheme = payments.scheme \
                      AND r.provider_ref = payments.payment_intent AND r.currency = payments.currency), 0))), \
                   fig_dirty = 1 \
                 WHERE scheme = ?1 AND {selector}"
            ),
            &[scheme.into(), target.into()],
        )?,
        stmt(
            db,
            &format!(
                // `+`: found by id from the payments, not by walking every paid pledge through
                // `pledges_pending (status, …)`, which SQLite chose without statistics: a cost
                // that grew with every gift (`make bench`'s webhook case, #29 §3).
                "UPDATE pledges SET status = 'refunded', fig_dirty = 1 WHERE +frequency = 'once' AND +status = 'paid' \
                 AND id IN (SELECT pledge_id FROM payments WHERE scheme = ?1 AND {selector} AND refunded_cents >= amount_cents)"
            ),
            &[scheme.into(), target.into()],
        )?,
    ])
}

/// The statement that records a payment, guarded by the recorded outcome. A month's
/// PaymentIntent may already be known from `invoice_payment.paid`.
fn insert_payment(
    db: &Db,
    event: &WebhookEvent,
    pledge_id: &str,
    payment: &Payment,
    now: i64,
) -> Result<Stmt, AppError> {
    stmt(
        db,
        &format!(
            "INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, payment_intent, flag, paid_at) \
             SELECT ?1, ?3, ?4, ?5, ?6, COALESCE(?7, (SELECT i.payment_intent FROM invoice_payments i WHERE i.invoice = ?3 AND ?1 = 'stripe')), \
                    CASE WHEN ?6 = 'usd' THEN NULL ELSE 'currency' END, ?8 \
             WHERE {RECORDED} IN ('applied', 'flagged:currency') \
             ON CONFLICT (scheme, ref) DO NOTHING"
        ),
        &[
            event.scheme.as_str().into(),
            event.id.as_str().into(),
            payment.key.as_str().into(),
            pledge_id.into(),
            payment.amount_cents.into(),
            payment.currency.as_str().into(),
            payment.payment_intent.as_deref().into(),
            now.into(),
        ],
    )
}

/// What the donor was shown and paid in, beside payment `key` (#28 §1): whichever event brings
/// it (a monthly gift's first month may be recorded from `invoice.paid` before the session's
/// completion arrives with it), written once and never counted.
fn present(db: &Db, scheme: &str, payment: &Payment) -> Result<Option<Stmt>, AppError> {
    let Some(p) = &payment.presentment else {
        return Ok(None);
    };
    stmt(
        db,
        "UPDATE payments SET presented_currency = ?3, presented_amount = ?4 \
         WHERE scheme = ?1 AND ref = ?2 AND presented_currency IS NULL",
        &[
            scheme.into(),
            payment.key.as_str().into(),
            p.currency.as_str().into(),
            p.amount.into(),
        ],
    )
    .map(Some)
}

/// The statements that carry out an action, each guarded by the recorded outcome.
fn effects(
    db: &Db,
    event: &WebhookEvent,
    action: &Action,
    now: i64,
) -> Result<Vec<Stmt>, AppError> {
    let (scheme, id) = (event.scheme.as_str(), event.id.as_str());
    Ok(match action {
        Action::Pay { pledge_id, payment, subscription } => {
            let mut v = vec![
                insert_payment(db, event, pledge_id, payment, now)?,
                // The funnel's `paid`: a site pledge's first counted payment, before `paid_at`.
                super::funnel::paid_stmt(db, &format!("{RECORDED} = 'applied'"), scheme, id, pledge_id, now)?,
                // A one-off pledge is paid; a monthly one active from its first payment (a
                // month that arrives after it was stopped still counts, and it stays stopped).
                stmt(
                    db,
                    &format!(
                        "UPDATE pledges SET \
                           status = CASE WHEN frequency = 'once' THEN 'paid' WHEN status = 'cancelled' THEN status ELSE 'active' END, fig_dirty = 1, \
                           paid_at = COALESCE(paid_at, ?5), subscription_id = COALESCE(subscription_id, ?4), \
                           unpaid_invoice = CASE WHEN unpaid_invoice = ?3 THEN NULL ELSE unpaid_invoice END \
                         WHERE id = ?6 AND {RECORDED} IN ('applied', 'flagged:currency')"
                    ),
                    &[scheme.into(), id.into(), payment.key.as_str().into(), subscription.as_deref().into(), now.into(), pledge_id.as_str().into()],
                )?,
            ];
            v.extend(present(db, scheme, payment)?);
            v.extend(settle(db, scheme, Payments::Key, &payment.key)?);
            v
        }
        // A gift made elsewhere: `attested_at` stays NULL, as nobody attested it here.
        Action::External { id: pledge_id, payment, monthly } => {
            let (status, frequency) = if *monthly { ("active", "month") } else { ("paid", "once") };
            let mut v = vec![
                stmt(
                    db,
                    &format!(
                        "INSERT INTO pledges (id, status, frequency, amount_cents, currency, designation, origin, created_at, paid_at) \
                         SELECT ?3, ?4, ?5, ?6, ?7, 'general', 'external', ?8, ?8 \
                         WHERE {RECORDED} IN ('applied', 'flagged:currency') \
                         ON CONFLICT (id) DO NOTHING"
                    ),
                    &[scheme.into(), id.into(), pledge_id.as_str().into(), status.into(), frequency.into(), payment.amount_cents.into(), payment.currency.as_str().into(), now.into()],
                )?,
                insert_payment(db, event, pledge_id, payment, now)?,
            ];
            v.extend(present(db, scheme, payment)?);
            v.extend(settle(db, scheme, Payments::Key, &payment.key)?);
            v
        }
        Action::Close { pledge_id, status } => {
            let status = match status {
                Closed::Failed => app::pledge::Status::Failed,
                Closed::Expired => app::pledge::Status::Expired,
            };
            vec![stmt(
                db,
                &format!("UPDATE pledges SET status = ?3, fig_dirty = 1 WHERE id = ?4 AND status = 'pending' AND {RECORDED} = 'applied'"),
                &[scheme.into(), id.into(), status.as_str().into(), pledge_id.as_str().into()],
            )?]
        }
        Action::Refund { provider_ref, refunded_total_cents, currency } => {
            let mut v = vec![stmt(
                db,
                &format!(
                    "INSERT INTO refunds (scheme, provider_ref, refunded_cents, currency, updated_at) SELECT ?1, ?3, ?4, ?5, ?6 \
                     WHERE {RECORDED} = 'applied' \
                     ON CONFLICT (scheme, provider_ref) DO UPDATE SET refunded_cents = MAX(refunded_cents, excluded.refunded_cents), updated_at = excluded.updated_at"
                ),
                &[scheme.into(), id.into(), provider_ref.as_str().into(), (*refunded_total_cents).into(), currency.as_str().into(), now.into()],
            )?];
            v.extend(settle(db, scheme, Payments::Intent, provider_ref)?);
            v
        }
        Action::DisputeLost { provider_ref, lost_cents, currency } => {
            let mut v = vec![stmt(
                db,
                &format!(
                    "INSERT INTO refunds (scheme, provider_ref, refunded_cents, lost_cents, currency, updated_at) SELECT ?1, ?3, 0, ?4, ?5, ?6 \
                     WHERE {RECORDED} = 'applied' \
                     ON CONFLICT (scheme, provider_ref) DO UPDATE SET lost_cents = MAX(lost_cents, excluded.lost_cents), updated_at = excluded.updated_at"
                ),
                &[scheme.into(), id.into(), provider_ref.as_str().into(), (*lost_cents).into(), currency.as_str().into(), now.into()],
            )?];
            v.extend(settle(db, scheme, Payments::Intent, provider_ref)?);
            v
        }
        Action::Link { invoice, payment_intent } => {
            let mut v = vec![
                stmt(
                    db,
                    &format!(
                        "INSERT INTO invoice_payments (invoice, payment_intent, received_at) SELECT ?3, ?4, ?5 \
                         WHERE {RECORDED} = 'applied' ON CONFLICT (invoice) DO NOTHING"
                    ),
                    &[scheme.into(), id.into(), invoice.as_str().into(), payment_intent.as_str().into(), now.into()],
                )?,
                stmt(
                    db,
                    "UPDATE payments SET payment_intent = ?3 WHERE scheme = ?1 AND ref = ?2 AND payment_intent IS NULL",
                    &[scheme.into(), invoice.as_str().into(), payment_intent.as_str().into()],
                )?,
            ];
            v.extend(settle(db, scheme, Payments::Key, invoice)?);
            v
        }
        // Past due until that invoice is paid (a failure reported after its retry succeeded
        // leaves nothing unpaid).
        Action::RenewalFailed { pledge_id, invoice } => vec![stmt(
            db,
            &format!(
                "UPDATE pledges SET failed_renewals = failed_renewals + 1, \
                   unpaid_invoice = CASE WHEN EXISTS (SELECT 1 FROM payments y WHERE y.scheme = ?1 AND y.ref = ?3) THEN unpaid_invoice ELSE ?3 END \
                 WHERE id = ?4 AND {RECORDED} = 'applied'"
            ),
            &[scheme.into(), id.into(), invoice.as_str().into(), pledge_id.as_str().into()],
        )?],
        Action::End { pledge_id, subscription } => vec![stmt(
            db,
            &format!(
                "UPDATE pledges SET status = 'cancelled', fig_dirty = 1, ended_at = COALESCE(ended_at, ?3), subscription_id = COALESCE(subscription_id, ?4) \
                 WHERE id = ?5 AND {RECORDED} = 'applied'"
            ),
            &[scheme.into(), id.into(), now.into(), subscription.as_str().into(), pledge_id.as_str().into()],
        )?],
        Action::Flag { .. } | Action::Ignore { .. } | Action::Record { .. } => Vec::new(),
    })
}

/// What the event row stores besides its outcome: only what the ledger needs (a pledge, the
/// reference it concerns, an amount and its currency).
fn recorded_fields(action: &Action) -> (Option<&str>, Option<&str>, Option<i64>, Option<&str>) {
    match action {
        Action::Pay {
            pledge_id, payment, ..
        }
        | Action::External {
            id: pledge_id,
            payment,
            ..
        } => (
            Some(pledge_id),
            Some(&payment.key),
            Some(payment.amount_cents),
            Some(&payment.currency),
        ),
        Action::Close { pledge_id, .. } => (Some(pledge_id), None, None, None),
        Action::Refund {
            provider_ref,
            refunded_total_cents: amount,
            currency,
        }
        | Action::DisputeLost {
            provider_ref,
            lost_cents: amount,
            currency,
        } => (None, Some(provider_ref), Some(*amount), Some(currency)),
        Action::Link { invoice, .. } => (None, Some(invoice), None, None),
        Action::RenewalFailed { pledge_id, invoice } => {
            (Some(pledge_id), Some(invoice), None, None)
        }
        Action::End {
            pledge_id,
            subscription,
        } => (Some(pledge_id), Some(subscription), None, None),
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
        Action::Record {
            pledge_id,
            payment_intent,
        } => (pledge_id.as_deref(), Some(payment_intent), None, None),
    }
}

/// Records the event and applies its action in one D1 batch, and says what it did.
///
/// `assumed`: the pledge `action` was decided for as one of ours, without asking D1 first
/// (one round trip less per event: nearly every event names a pledge we have). The event is
/// recorded only if that pledge is in `pledges`; if not, nothing is stored or changed and the
/// answer is [`Recorded::NoSuchPledge`].
pub async fn apply_webhook(
    db: &Db,
    event: &WebhookEvent,
    action: &Action,
    now: i64,
    assumed: Option<&str>,
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
             SELECT ?1, ?2, ?3, {}, ?5, ?6, ?7, ?8, ?9 \
             WHERE ?10 IS NULL OR EXISTS (SELECT 1 FROM pledges WHERE id = ?10) RETURNING outcome",
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
            assumed.into(),
        ],
    )?];
    stmts.extend(effects(db, event, action, now)?);
    // The running figures (`store::figures`): what the effect changed, folded in this batch.
    if matches!(
        action,
        Action::Pay { .. }
            | Action::External { .. }
            | Action::Refund { .. }
            | Action::DisputeLost { .. }
            | Action::Link { .. }
            | Action::End { .. }
    ) {
        stmts.extend(super::figures::fold(db)?);
    }
    match batch(db, stmts).await {
        Ok(results) => {
            let first = results
                .first()
                .ok_or(AppError::Internal("the ledger batch returned nothing"))?;
            let Some(row) = rows::<Row>(first)?.into_iter().next() else {
                return match assumed {
                    Some(_) => Ok(Recorded::NoSuchPledge),
                    None => Err(AppError::Internal("the ledger recorded no event")),
                };
            };
            let outcome = Outcome::parse(&row.outcome).ok_or(AppError::Internal(
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
