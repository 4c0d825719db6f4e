//! Stripe's API: one form-encoded POST that creates a Checkout Session for a pending pledge
//! (a payment, or for a monthly gift a subscription), the DELETE that stops a monthly gift's
//! subscription, and the GETs the reconciliation and the stop make (events, sessions), every
//! call with the secret key and one pinned API version.
//!
//! Stripe's API is called directly (`{STRIPE_API_BASE}/v1/...`), not through an SDK: a handful
//! of requests does not earn a dependency in the wasm. The base is `https://api.stripe.com`;
//! `STRIPE_API_BASE` (for the tests' fake Stripe) counts only when it is a loopback address
//! (`site::Config`), so no variable can send the secret key elsewhere.

use app::i18n::Lang;
use app::pledge::{Frequency, NewPledge};
use edge::ctx::{Config, Ctx};
use std::fmt;
use std::time::Duration;
use worker::{Headers, Method, Request, RequestInit};

/// The one Stripe API version every call pins (the one the project's `stripe` npm package
/// speaks). The webhook endpoint and the account's default version must be set to it too
/// (README, "Deploy"), since Stripe renders events in the endpoint's version.
pub const STRIPE_VERSION: &str = "2026-10-28.endive";

/// How long the provider gets before the visitor is told to try again.
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub enum CheckoutError {
    NoKey,
    Unreachable(String),
    Status(u16),
    NoUrl,
    /// `STRIPE_API_BASE` points somewhere other than Stripe or this machine: never called.
    RefusedBase,
    /// An id (stored, or in Stripe's answer) that is not one of Stripe's: never put in a URL.
    BadId,
}

impl fmt::Display for CheckoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckoutError::NoKey => f.write_str("STRIPE_SECRET_KEY is not set"),
            CheckoutError::Unreachable(e) => write!(f, "provider unreachable or timed out: {e}"),
            CheckoutError::Status(s) => write!(f, "provider answered {s}"),
            CheckoutError::NoUrl => f.write_str("provider answered without a session url"),
            CheckoutError::RefusedBase => {
                f.write_str("STRIPE_API_BASE is neither Stripe nor a loopback address")
            }
            CheckoutError::BadId => f.write_str("an id that is not Stripe's"),
        }
    }
}

/// What the Checkout Session's metadata says of every pledge made on the site: its donor
/// confirmed being a Cambodian citizen giving their own money.
pub const ELIGIBILITY: &str = "attested-cambodian-citizen-own-money";

/// The session's form fields, in Stripe's bracket notation. A one-off gift is a payment; a
/// monthly one a subscription of the same amount every month, whose own metadata names the
/// pledge (Stripe does not copy a session's metadata to the subscription it makes, and the
/// invoices of later months know only the subscription's). Every session expires after
/// [`app::shield::CHECKOUT_EXPIRES_SECS`], not Stripe's 24 hours, so an abandoned one reports
/// (`checkout.session.expired`, a signal for the card-testing shield) within the hour.
pub fn session_fields(
    origin: &str,
    lang: Lang,
    id: &str,
    pledge: &NewPledge,
    campaign_id: &str,
    choices: &app::giving::CheckoutChoices,
    now: i64,
) -> Vec<(String, String)> {
    let t = lang.text();
    let product = pledge
        .tier
        .as_deref()
        .and_then(|tier| t.tier(tier))
        .map_or(t.site_name, |c| c.name);
    let monthly = pledge.frequency == Frequency::Monthly;
    let field = |k: &str, v: &str| (k.to_string(), v.to_string());
    let mut fields: Vec<(String, String)> = vec![
        field("mode", if monthly { "subscription" } else { "payment" }),
        field("line_items[0][quantity]", "1"),
        field("line_items[0][price_data][currency]", "usd"),
        field(
            "line_items[0][price_data][unit_amount]",
            &pledge.amount.0.to_string(),
        ),
        field("line_items[0][price_data][product_data][name]", product),
        field("client_reference_id", id),
        field("metadata[pledge_id]", id),
        field("metadata[campaign]", campaign_id),
        // The donor ticked the eligibility box (a pledge exists only once they did), so the
        // record at Stripe says so as well as ours.
        field("metadata[eligibility]", ELIGIBILITY),
        field(
            "expires_at",
            &(now + app::shield::CHECKOUT_EXPIRES_SECS).to_string(),
        ),
        // "Donate" on the button, for a one-off gift as for a monthly one.
        field("submit_type", "donate"),
        // The donor's own currency (#28 §1): the ledger still reads US cents (the session's
        // `amount_total` stays in the integration's currency since 2025-03-31.basil).
        field(
            "adaptive_pricing[enabled]",
            if choices.adaptive_pricing {
                "true"
            } else {
                "false"
            },
        ),
    ];
    if let Some(pmc) = &choices.payment_method_configuration {
        fields.push(field("payment_method_configuration", pmc));
    }
    if monthly {
        fields.extend([
            field("line_items[0][price_data][recurring][interval]", "month"),
            field("subscription_data[metadata][pledge_id]", id),
            field("subscription_data[metadata][campaign]", campaign_id),
            field("subscription_data[metadata][eligibility]", ELIGIBILITY),
        ]);
    } else {
        fields.extend([
            field("payment_intent_data[metadata][pledge_id]", id),
            field("payment_intent_data[metadata][eligibility]", ELIGIBILITY),
        ]);
    }
    fields.extend([
        field(
            "success_url",
            &format!("{origin}{}", lang.href(&format!("/pledges/{id}"))),
        ),
        field(
            "cancel_url",
            &format!("{origin}{}?resume={id}#give", lang.href("/")),
        ),
    ]);
    if let Some(email) = &pledge.email {
        fields.push(field("customer_email", email));
    }
    fields
}

/// Creates the session and returns the checkout URL to send the visitor to.
pub async fn stripe_session(
    cx: &Ctx,
    lang: Lang,
    id: &str,
    pledge: &NewPledge,
) -> Result<Session, CheckoutError> {
    let body = serde_urlencoded::to_string(session_fields(
        &cx.origin,
        lang,
        id,
        pledge,
        &cx.config.campaign_id,
        &cx.config.checkout_choices,
        cx.now,
    ))
    .map_err(|e| CheckoutError::Unreachable(e.to_string()))?;
    // Stripe treats a retried POST with the same key as the same request.
    let idempotency = format!("pledge-{id}");
    let answer = call(
        cx.config,
        Method::Post,
        "/v1/checkout/sessions",
        Some((body, &idempotency)),
    )
    .await?;
    let session: serde_json::Value =
        serde_json::from_slice(&answer).map_err(|e| CheckoutError::Unreachable(e.to_string()))?;
    let url = session["url"]
        .as_str()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
        .ok_or(CheckoutError::NoUrl)?;
    // Kept on the pledge, so the provider can still be asked about it if no webhook ever says.
    let id_of_session = session["id"]
        .as_str()
        .filter(|s| !s.is_empty() && s.len() <= app::webhook::MAX_ID_LEN)
        .map(str::to_string);
    Ok(Session {
        url,
        id: id_of_session,
    })
}

/// `GET {base}{path_and_query}` of Stripe's API with the secret key and the pinned version:
/// the body of a 2xx answer (the reconciliation's events and sessions).
pub async fn get(config: &Config, path_and_query: &str) -> Result<Vec<u8>, CheckoutError> {
    call(config, Method::Get, path_and_query, None).await
}

/// Whether `s` looks like one of Stripe's ids of this kind (`sub_…`, `cs_…`): it goes into a
/// URL path, so nothing but the id's own characters may.
fn is_stripe_id(s: &str, prefix: &str) -> bool {
    s.len() > prefix.len()
        && s.len() <= app::webhook::MAX_ID_LEN
        && s.starts_with(prefix)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The Subscription a monthly gift's Checkout Session made, if it made one yet (`None`: the
/// donor never completed the checkout). For a pledge whose subscription no webhook has named.
pub async fn session_subscription(
    config: &Config,
    session_id: &str,
) -> Result<Option<String>, CheckoutError> {
    if !is_stripe_id(session_id, "cs_") {
        return Err(CheckoutError::BadId);
    }
    let body = get(config, &format!("/v1/checkout/sessions/{session_id}")).await?;
    let session: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| CheckoutError::Unreachable(e.to_string()))?;
    // An id, or the object itself when a request expands it.
    let sub = &session["subscription"];
    let id = sub.as_str().or_else(|| sub["id"].as_str());
    match id {
        None => Ok(None),
        Some(id) if is_stripe_id(id, "sub_") => Ok(Some(id.to_string())),
        Some(_) => Err(CheckoutError::BadId),
    }
}

/// Cancels a monthly gift's subscription at once (`DELETE /v1/subscriptions/{id}`): nothing
/// more is charged. Stripe then sends `customer.subscription.deleted`. A subscription Stripe
/// had already ended (after its last failed retry, say, before that webhook arrived) is
/// refused by the DELETE; it is asked for, and counts as stopped when it is.
pub async fn cancel_subscription(config: &Config, subscription: &str) -> Result<(), CheckoutError> {
    if !is_stripe_id(subscription, "sub_") {
        return Err(CheckoutError::BadId);
    }
    let path = format!("/v1/subscriptions/{subscription}");
    match call(config, Method::Delete, &path, None).await {
        Ok(_) => Ok(()),
        Err(CheckoutError::Status(refused)) if (400..500).contains(&refused) => {
            let body = get(config, &path).await?;
            let sub: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| CheckoutError::Unreachable(e.to_string()))?;
            match sub["status"].as_str() {
                Some("canceled" | "incomplete_expired") => Ok(()),
                _ => Err(CheckoutError::Status(refused)),
            }
        }
        Err(e) => Err(e),
    }
}

/// One call to Stripe's API: the secret key, the pinned version, a timeout; the body of a 2xx
/// answer. `form`: a form-encoded body and its idempotency key.
async fn call(
    config: &Config,
    method: Method,
    path_and_query: &str,
    form: Option<(String, &str)>,
) -> Result<Vec<u8>, CheckoutError> {
    let key = config
        .stripe_secret_key
        .as_deref()
        .ok_or(CheckoutError::NoKey)?;
    let base = config
        .stripe_api_base
        .as_deref()
        .ok_or(CheckoutError::RefusedBase)?;
    let headers = Headers::new();
    let set = |k: &str, v: &str| {
        headers
            .set(k, v)
            .map_err(|e| CheckoutError::Unreachable(e.to_string()))
    };
    set("Authorization", &format!("Bearer {key}"))?;
    set("Stripe-Version", STRIPE_VERSION)?;
    let mut init = RequestInit::new();
    init.with_method(method);
    if let Some((body, idempotency)) = form {
        set("Content-Type", "application/x-www-form-urlencoded")?;
        set("Idempotency-Key", idempotency)?;
        init.with_body(Some(body.into()));
    }
    init.with_headers(headers.clone());
    let url = format!("{}{path_and_query}", base.trim_end_matches('/'));
    let request = Request::new_with_init(&url, &init)
        .map_err(|e| CheckoutError::Unreachable(e.to_string()))?;

    let (status, body) = edge::platform::fetch(request, TIMEOUT)
        .await
        .map_err(CheckoutError::Unreachable)?;
    if !(200..300).contains(&status) {
        return Err(CheckoutError::Status(status));
    }
    Ok(body)
}

/// What a created Checkout Session gives back: where to send the visitor, and its id.
pub struct Session {
    pub url: String,
    pub id: Option<String>,
}
