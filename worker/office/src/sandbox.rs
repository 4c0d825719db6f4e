//! `CHECKOUT=sandbox`: a local stand-in for the provider's checkout, for development and tests.
//!
//! Pay builds the Stripe-format events the real provider sends, signs them with
//! `STRIPE_WEBHOOK_SECRET` and hands each to the same verify-and-apply code as
//! `POST /webhooks/stripe`, in process: for a one-off gift `checkout.session.completed`; for a
//! monthly one `checkout.session.completed` (subscription mode), `invoice.paid` for the first
//! month and `invoice_payment.paid`, in that order. A monthly gift's page then offers what the
//! provider does in the months that follow (a renewal, a failed renewal), and its stop sends
//! `customer.subscription.deleted`. The events are built in one place ([`events`]).
//!
//! Every sandbox route is a 404 unless `CHECKOUT=sandbox` *and* the request was made to a
//! loopback host (`localhost`, `127.0.0.1`, `[::1]`): if the variable ever reaches a deployed
//! worker, nobody can mark a pledge paid through it.

use crate::webhooks;
use app::pledge::{is_pledge_id, Frequency, Pledge, Status};
use app::webhook::{stripe, Scheme};
use edge::ctx::{Checkout, Ctx};
use edge::{error::AppError, http, store};
use worker::{Request, Response};

/// The events Stripe would send, one builder per type, each in the same envelope. `{pid}` is
/// the pledge, `n` the month (1 for the first invoice).
mod events {
    use app::keys::hex;
    use app::pledge::Pledge;
    use edge::platform;
    use serde_json::{json, Value};

    /// A Stripe event around `object`: a random id, created now, never live.
    fn envelope(kind: &str, object: Value, now: i64) -> String {
        json!({
            "id": format!("evt_sandbox_{}", hex(&platform::random16())),
            "object": "event",
            "type": kind,
            "livemode": false,
            "created": now,
            "data": {"object": object},
        })
        .to_string()
    }

    fn metadata(p: &Pledge, campaign: &str) -> Value {
        json!({"pledge_id": p.id, "campaign": campaign})
    }

    fn subscription(p: &Pledge) -> String {
        format!("sub_sandbox_{}", p.id)
    }

    fn invoice(p: &Pledge, n: i64) -> String {
        format!("in_sandbox_{}_{n}", p.id)
    }

    /// An invoice's `parent`: the subscription it bills, with the subscription's metadata.
    fn parent(p: &Pledge, campaign: &str) -> Value {
        json!({
            "type": "subscription_details",
            "subscription_details": {"subscription": subscription(p), "metadata": metadata(p, campaign)},
        })
    }

    /// A one-off gift's checkout, paid.
    pub fn payment_completed(p: &Pledge, campaign: &str, now: i64) -> String {
        envelope(
            "checkout.session.completed",
            json!({
                "id": format!("cs_sandbox_{}", p.id),
                "object": "checkout.session",
                "payment_status": "paid",
                "amount_total": p.amount.0,
                "currency": "usd",
                "client_reference_id": p.id,
                "payment_intent": format!("pi_sandbox_{}", p.id),
                "metadata": metadata(p, campaign),
            }),
            now,
        )
    }

    /// A monthly gift's checkout, completed: the subscription exists, its first invoice paid.
    pub fn subscription_completed(p: &Pledge, campaign: &str, now: i64) -> String {
        envelope(
            "checkout.session.completed",
            json!({
                "id": format!("cs_sandbox_{}", p.id),
                "object": "checkout.session",
                "mode": "subscription",
                "payment_status": "paid",
                "amount_total": p.amount.0,
                "currency": "usd",
                "client_reference_id": p.id,
                "payment_intent": null,
                "invoice": invoice(p, 1),
                "subscription": subscription(p),
                "metadata": metadata(p, campaign),
            }),
            now,
        )
    }

    /// Month `n`'s invoice, paid (the first one by the checkout, the others by a renewal).
    pub fn invoice_paid(p: &Pledge, campaign: &str, n: i64, now: i64) -> String {
        envelope(
            "invoice.paid",
            json!({
                "id": invoice(p, n),
                "object": "invoice",
                "status": "paid",
                "amount_paid": p.amount.0,
                "currency": "usd",
                "billing_reason": if n == 1 { "subscription_create" } else { "subscription_cycle" },
                "parent": parent(p, campaign),
            }),
            now,
        )
    }

    /// Which PaymentIntent paid month `n`'s invoice.
    pub fn invoice_payment_paid(p: &Pledge, n: i64, now: i64) -> String {
        envelope(
            "invoice_payment.paid",
            json!({
                "id": format!("inpay_sandbox_{}_{n}", p.id),
                "object": "invoice_payment",
                "invoice": invoice(p, n),
                "amount_paid": p.amount.0,
                "currency": "usd",
                "status": "paid",
                "payment": {"type": "payment_intent", "payment_intent": format!("pi_sandbox_{}_{n}", p.id)},
            }),
            now,
        )
    }

    /// Month `n`'s renewal could not be charged (Stripe retries, then the account's settings
    /// decide).
    pub fn invoice_payment_failed(p: &Pledge, campaign: &str, n: i64, now: i64) -> String {
        envelope(
            "invoice.payment_failed",
            json!({
                "id": invoice(p, n),
                "object": "invoice",
                "status": "open",
                "amount_due": p.amount.0,
                "amount_paid": 0,
                "currency": "usd",
                "attempt_count": 1,
                "billing_reason": "subscription_cycle",
                "parent": parent(p, campaign),
            }),
            now,
        )
    }

    /// The subscription is cancelled: nothing more is charged.
    pub fn subscription_deleted(p: &Pledge, campaign: &str, now: i64) -> String {
        envelope(
            "customer.subscription.deleted",
            json!({
                "id": subscription(p),
                "object": "subscription",
                "status": "canceled",
                "metadata": metadata(p, campaign),
            }),
            now,
        )
    }
}

/// A pledge of the sandbox: the route exists only with `CHECKOUT=sandbox` on a loopback host.
async fn sandbox_pledge(cx: &Ctx, id: &str) -> Result<Pledge, AppError> {
    if cx.checkout() != Checkout::Sandbox || !is_pledge_id(id) {
        return Err(AppError::NotFound);
    }
    store::pledge(cx.db()?, id).await?.ok_or(AppError::NotFound)
}

/// `GET /sandbox/checkout/{id}`.
pub async fn page(cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let pledge = sandbox_pledge(cx, id).await?;
    Ok(http::private(http::html(
        200,
        app::views::sandbox_checkout(cx.lang, cx.links(), pledge),
    )?)?)
}

/// Signs `event` as Stripe would and applies it through the webhooks' own path.
async fn deliver(cx: &Ctx, event: &str) -> Result<(), AppError> {
    let now = cx.now;
    let secrets = cx
        .config
        .stripe_webhook_secret
        .as_deref()
        .ok_or(AppError::Config("STRIPE_WEBHOOK_SECRET"))?;
    let secret = secrets
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let signature = stripe::sign_header(secret, now, event.as_bytes());
    let headers = move |name: &str| {
        name.eq_ignore_ascii_case(stripe::SIGNATURE_HEADER)
            .then(|| signature.clone())
    };
    webhooks::verify_and_apply(Scheme::Stripe, cx, &headers, event.as_bytes()).await?;
    Ok(())
}

/// Delivers `events` one after the other, in order, as the provider sends them.
async fn deliver_all(cx: &Ctx, events: &[String]) -> Result<(), AppError> {
    for event in events {
        deliver(cx, event).await?;
    }
    Ok(())
}

/// What the sandbox's provider says when a monthly gift is stopped.
pub async fn stop(cx: &Ctx, pledge: &Pledge) -> Result<(), AppError> {
    let event = events::subscription_deleted(pledge, &cx.config.campaign_id, cx.now);
    deliver(cx, &event).await
}

/// `POST /sandbox/checkout/{id}`: Pay or Cancel at the checkout; on a monthly gift's page, a
/// renewal or a failed renewal of the next month.
pub async fn act(mut req: Request, cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let pledge = sandbox_pledge(cx, id).await?;
    let body = http::body_within(&mut req, 4 * 1024)
        .await?
        .ok_or(AppError::TooLarge)?;
    let fields: Vec<(String, String)> = app::form::decode(&body);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let lang = http::form_lang(field("lang"), cx.lang);
    let (camp, now) = (cx.config.campaign_id.as_str(), cx.now);
    let monthly = pledge.frequency == Frequency::Monthly;
    // The month a renewal pays (or fails to): the one after those paid.
    let next = pledge.payments.saturating_add(1);
    let events = match (field("action"), pledge.status) {
        ("pay", Status::Pending) if monthly => vec![
            events::subscription_completed(&pledge, camp, now),
            events::invoice_paid(&pledge, camp, 1, now),
            events::invoice_payment_paid(&pledge, 1, now),
        ],
        ("pay", Status::Pending) => vec![events::payment_completed(&pledge, camp, now)],
        ("renew", Status::Active) if monthly => vec![
            events::invoice_paid(&pledge, camp, next, now),
            events::invoice_payment_paid(&pledge, next, now),
        ],
        ("fail", Status::Active) if monthly => {
            vec![events::invoice_payment_failed(&pledge, camp, next, now)]
        }
        // A renewal of a gift that is not running: its page says where it stands.
        ("renew" | "fail", _) => vec![],
        // Cancel, or Pay again: back to the form, as the provider's "back" link does.
        _ => {
            return Ok(http::see_other(&format!(
                "{}?resume={}#give",
                lang.href("/"),
                pledge.id
            ))?)
        }
    };
    deliver_all(cx, &events).await?;
    Ok(http::see_other(
        &lang.href(&format!("/pledges/{}", pledge.id)),
    )?)
}
