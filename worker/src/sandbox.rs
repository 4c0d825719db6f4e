//! `CHECKOUT=sandbox`: a local stand-in for the provider's checkout, for development and tests.
//!
//! Pay builds a Stripe-format `checkout.session.completed` event, signs it with
//! `STRIPE_WEBHOOK_SECRET` and hands it to the same verify-and-apply code as
//! `POST /webhooks/stripe`, in process. Every sandbox route is a 404 unless `CHECKOUT=sandbox`
//! *and* the request was made to a loopback host (`localhost`, `127.0.0.1`, `[::1]`): if the
//! variable ever reaches a deployed worker, nobody can mark a pledge paid through it.

use crate::site::{Checkout, Site};
use crate::{error::AppError, http, platform, store, webhooks};
use app::keys::hex;
use app::pledge::{is_pledge_id, Pledge, Status};
use app::webhook::{stripe, Scheme};
use worker::{Request, Response};

async fn pending_pledge(site: &Site, id: &str) -> Result<Pledge, AppError> {
    if site.checkout() != Checkout::Sandbox || !is_pledge_id(id) {
        return Err(AppError::NotFound);
    }
    store::pledge(site.db()?, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /sandbox/checkout/{id}`.
pub async fn page(site: &Site, id: &str) -> Result<Response, AppError> {
    let pledge = pending_pledge(site, id).await?;
    Ok(http::private(http::html(
        200,
        app::views::sandbox_checkout(site.lang, &site.origin, pledge),
    )?)?)
}

/// The event Stripe would send for this pledge's completed checkout.
fn completed_event(pledge: &Pledge, campaign_id: &str, now: i64) -> String {
    serde_json::json!({
        "id": format!("evt_sandbox_{}", hex(&platform::random16())),
        "object": "event",
        "type": "checkout.session.completed",
        "livemode": false,
        "created": now,
        "data": {"object": {
            "id": format!("cs_sandbox_{}", pledge.id),
            "object": "checkout.session",
            "payment_status": "paid",
            "amount_total": pledge.amount.0,
            "currency": "usd",
            "client_reference_id": pledge.id,
            "payment_intent": format!("pi_sandbox_{}", pledge.id),
            "metadata": {"pledge_id": pledge.id, "campaign": campaign_id},
        }},
    })
    .to_string()
}

/// `POST /sandbox/checkout/{id}`: Pay or Cancel.
pub async fn act(mut req: Request, site: &Site, id: &str) -> Result<Response, AppError> {
    let pledge = pending_pledge(site, id).await?;
    let body = http::body_within(&mut req, 4 * 1024)
        .await?
        .ok_or(AppError::TooLarge)?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let lang = http::form_lang(field("lang"), site.lang);
    if field("action") != "pay" || pledge.status != Status::Pending {
        return Ok(http::see_other(&format!(
            "{}?resume={}#give",
            lang.href("/"),
            pledge.id
        ))?);
    }
    let now = site.now;
    let event = completed_event(&pledge, &site.config.campaign_id, now);
    let secrets = site
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
    webhooks::verify_and_apply(Scheme::Stripe, site, &headers, event.as_bytes()).await?;
    Ok(http::see_other(
        &lang.href(&format!("/pledges/{}", pledge.id)),
    )?)
}
