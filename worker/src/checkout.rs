//! Stripe's API: one form-encoded POST that creates a Checkout Session for a pending pledge,
//! and the GETs the reconciliation makes (events, sessions), every call with the secret key
//! and one pinned API version.
//!
//! Stripe's API is called directly (`{STRIPE_API_BASE}/v1/...`), not through an SDK: a handful
//! of requests does not earn a dependency in the wasm. The base is `https://api.stripe.com`;
//! `STRIPE_API_BASE` (for the tests' fake Stripe) counts only when it is a loopback address
//! (`site::Config`), so no variable can send the secret key elsewhere.

use crate::site::{Config, Site};
use app::i18n::Lang;
use app::pledge::NewPledge;
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
        }
    }
}

/// What the Checkout Session's metadata says of every pledge made on the site: its donor
/// confirmed being a Cambodian citizen giving their own money.
pub const ELIGIBILITY: &str = "attested-cambodian-citizen-own-money";

/// The session's form fields, in Stripe's bracket notation.
pub fn session_fields(
    origin: &str,
    lang: Lang,
    id: &str,
    pledge: &NewPledge,
    campaign_id: &str,
) -> Vec<(String, String)> {
    let t = lang.text();
    let product = pledge
        .tier
        .as_deref()
        .and_then(|tier| t.tier(tier))
        .map_or(t.site_name, |c| c.name);
    let mut fields: Vec<(String, String)> = vec![
        ("mode".into(), "payment".into()),
        ("line_items[0][quantity]".into(), "1".into()),
        ("line_items[0][price_data][currency]".into(), "usd".into()),
        (
            "line_items[0][price_data][unit_amount]".into(),
            pledge.amount.0.to_string(),
        ),
        (
            "line_items[0][price_data][product_data][name]".into(),
            product.to_string(),
        ),
        ("client_reference_id".into(), id.to_string()),
        ("metadata[pledge_id]".into(), id.to_string()),
        ("metadata[campaign]".into(), campaign_id.to_string()),
        // The donor ticked the eligibility box (a pledge exists only once they did), so the
        // record at Stripe says so as well as ours.
        ("metadata[eligibility]".into(), ELIGIBILITY.into()),
        (
            "payment_intent_data[metadata][pledge_id]".into(),
            id.to_string(),
        ),
        (
            "payment_intent_data[metadata][eligibility]".into(),
            ELIGIBILITY.into(),
        ),
        (
            "success_url".into(),
            format!("{origin}{}", lang.href(&format!("/pledges/{id}"))),
        ),
        (
            "cancel_url".into(),
            format!("{origin}{}?resume={id}#give", lang.href("/")),
        ),
    ];
    if let Some(email) = &pledge.email {
        fields.push(("customer_email".into(), email.clone()));
    }
    fields
}

/// Creates the session and returns the checkout URL to send the visitor to.
pub async fn stripe_session(
    site: &Site,
    lang: Lang,
    id: &str,
    pledge: &NewPledge,
) -> Result<Session, CheckoutError> {
    let body = serde_urlencoded::to_string(session_fields(
        &site.origin,
        lang,
        id,
        pledge,
        &site.config.campaign_id,
    ))
    .map_err(|e| CheckoutError::Unreachable(e.to_string()))?;
    // Stripe treats a retried POST with the same key as the same request.
    let idempotency = format!("pledge-{id}");
    let answer = call(
        site.config,
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

    let (status, body) = crate::platform::fetch(request, TIMEOUT)
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
