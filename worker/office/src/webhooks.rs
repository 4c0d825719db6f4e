//! `POST /webhooks/stripe` and `POST /webhooks/standard`: verify the raw bytes, then record the
//! event and its effect in one transaction, and only then answer 2xx.
//!
//! Statuses, so that providers retry exactly when they should: 400 for anything wrong with the
//! request (signature, timestamp, body behind a valid signature), 413 for a body over 256 KiB,
//! 500 when a secret is missing or storage fails (the provider retries; nothing was written).

use app::ledger::{self, Outcome, Settings};
use app::webhook::{self, Rejection, Scheme, WebhookEvent};
use edge::ctx::{Config, Ctx};
use edge::{error::AppError, store};
use worker::{Request, Response};

pub const MAX_BODY: usize = 256 * 1024;

pub async fn stripe(req: Request, cx: &Ctx) -> Result<Response, AppError> {
    receive(Scheme::Stripe, req, cx).await
}

pub async fn standard(req: Request, cx: &Ctx) -> Result<Response, AppError> {
    receive(Scheme::Standard, req, cx).await
}

async fn receive(scheme: Scheme, mut req: Request, cx: &Ctx) -> Result<Response, AppError> {
    let body = edge::http::body_within(&mut req, MAX_BODY)
        .await?
        .ok_or(AppError::TooLarge)?;
    let headers = req.headers().clone();
    let lookup = move |name: &str| headers.get(name).ok().flatten();
    let outcome = verify_and_apply(scheme, cx, &lookup, &body).await?;
    Ok(Response::ok(outcome)?)
}

/// Applies an authenticated event through the ledger, exactly once per (scheme, id): the
/// outcome it was recorded with now, or `None` when it was on record already. Deliveries and
/// the reconciliation with Stripe's own record (`reconcile.rs`) both come through here.
pub async fn apply(
    db: &edge::store::Db,
    config: &Config,
    event: &WebhookEvent,
    now: i64,
) -> Result<Option<Outcome>, AppError> {
    let settings = Settings {
        livemode: config.livemode,
        campaign_id: config.campaign_id.clone(),
    };
    // Decided first as if the pledge it names were ours (nearly always so), in one batch that
    // records nothing if it is not; then, only in that case, decided again knowing it is not.
    let named = ledger::named_pledge(event);
    let action = ledger::decide(event, &settings, named.is_some());
    let mut recorded = store::ledger::apply_webhook(db, event, &action, now, named).await?;
    if let store::ledger::Recorded::NoSuchPledge = recorded {
        let action = ledger::decide(event, &settings, false);
        recorded = store::ledger::apply_webhook(db, event, &action, now, None).await?;
    }
    Ok(match recorded {
        store::ledger::Recorded::Now(outcome) => Some(outcome),
        store::ledger::Recorded::Before | store::ledger::Recorded::NoSuchPledge => None,
    })
}

/// Verifies a delivery and applies it. The sandbox checkout calls this too, in process, with
/// an event it signed itself, so both take exactly the same path.
pub async fn verify_and_apply(
    scheme: Scheme,
    cx: &Ctx,
    headers: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<&'static str, AppError> {
    let secrets = match scheme {
        Scheme::Stripe => cx.config.stripe_webhook_secret.as_deref(),
        Scheme::Standard => cx.config.standard_webhook_secret.as_deref(),
    };
    let now = cx.now;
    let event = match webhook::authenticate(scheme, secrets.unwrap_or_default(), headers, body, now)
    {
        Ok(event) => event,
        Err(r @ (Rejection::NoSecretConfigured | Rejection::BadSecret)) => {
            return Err(AppError::Config(r.as_str()))
        }
        Err(r) => {
            edge::log::event(
                "webhook_rejected",
                &[("scheme", scheme.as_str()), ("why", r.as_str())],
            );
            return Err(AppError::Rejected(r.as_str()));
        }
    };
    let outcome = apply(cx.db()?, cx.config, &event, now).await?;
    if outcome == Some(Outcome::Applied) {
        cx.changed(edge::changes::Change::Home);
    }
    // A new signal for the card-testing shield (the reconciliation's go in once per run).
    if outcome.is_some() && app::shield::SIGNAL_TYPES.contains(&event.kind.as_str()) {
        crate::shield::after_signal(cx.config, cx.db()?, now).await;
    }
    let outcome = outcome.map_or("duplicate", Outcome::as_str);
    // Ids and outcomes only: no names, emails or amounts tied to a person in the log.
    edge::log::event(
        "webhook",
        &[
            ("scheme", scheme.as_str()),
            ("type", &event.kind),
            ("id", &event.id),
            ("outcome", outcome),
        ],
    );
    Ok(outcome)
}
