//! Giving: `POST /pledges` records a pending pledge and sends the visitor to the checkout;
//! `GET /pledges/{id}` is its thank-you page; `GET /api/pledges/{id}` its status as JSON.

use crate::pages::{again, Overrides, Tokens};
use crate::site::{Checkout, Site};
use crate::{checkout, error::AppError, http, platform, store};
use app::form::{Problem, Problems};
use app::i18n::Lang;
use app::limits::Bucket;
use app::pledge::{is_pledge_id, pledge_id, PledgeForm};
use serde::Serialize;
use worker::{Request, Response};

/// Forms are small; anything bigger is not our form. A note of 500 heavy Khmer clusters
/// (`app::form::length`) and a name of 80 are 32 KB percent-encoded.
pub const MAX_FORM: usize = 48 * 1024;

/// The page again, with the form as the visitor sent it and what is wrong with it.
async fn form_again(
    site: &Site,
    lang: Lang,
    status: u16,
    form: PledgeForm,
    problems: Problems,
) -> Result<Response, AppError> {
    let ov = Overrides {
        pledge: Some(form),
        pledge_problems: problems,
        ..Default::default()
    };
    again(site, lang, status, ov, Tokens::Fresh).await
}

/// `POST /pledges` and `POST /km/pledges`.
pub async fn create(mut req: Request, site: &Site) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    // A body that is not a form at all reads as an empty form: every problem gets named.
    let form: PledgeForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let lang = http::form_lang(&form.lang, site.lang);
    let mode = site.checkout();
    if mode == Checkout::Off {
        return form_again(site, lang, 503, form, Problems::default()).await;
    }
    let db = site.db()?;
    let tiers = store::tiers(db).await?;
    let pledge = match form.validate(&tiers) {
        Ok(p) => p,
        Err(problems) => return form_again(site, lang, 422, form, problems).await,
    };
    let ip_hash = site.visitor(&req)?;
    if store::limits::take(db, Bucket::Pledge, &ip_hash, site.now)
        .await?
        .is_none()
    {
        let mut problems = Problems::default();
        problems.add("", Problem::RateLimited);
        return form_again(site, lang, 429, form, problems).await;
    }
    let id = pledge_id(platform::random16());
    store::create_pledge(db, &id, &pledge, lang.code(), site.now).await?;
    match mode {
        Checkout::Sandbox => {
            store::set_checkout_session(db, &id, &format!("cs_sandbox_{id}")).await?;
            Ok(http::see_other(
                &lang.href(&format!("/sandbox/checkout/{id}")),
            )?)
        }
        Checkout::Stripe => {
            match checkout::stripe_session(site, lang, &id, &pledge).await {
                Ok(session) => {
                    if let Some(session_id) = &session.id {
                        store::set_checkout_session(db, &id, session_id).await?;
                    }
                    Ok(http::see_other(&session.url)?)
                }
                // The pledge stays pending and nothing else changes; the visitor can try again.
                Err(e) => {
                    crate::log::event("checkout_session_failed", &[("error", &e.to_string())]);
                    Ok(http::html(
                        502,
                        app::views::checkout_failed(lang, &site.origin),
                    )?)
                }
            }
        }
        Checkout::Off => Err(AppError::Config("CHECKOUT")),
    }
}

/// `GET /pledges/{id}`: the thank-you page. Its id is the only key to it: never cached, never
/// sent on as a referrer.
pub async fn thanks(site: &Site, id: &str) -> Result<Response, AppError> {
    if !is_pledge_id(id) {
        return Err(AppError::NotFound);
    }
    let pledge = store::pledge(site.db()?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(http::private(http::html(
        200,
        app::views::pledge_thanks(site.lang, &site.origin, pledge),
    )?)?)
}

#[derive(Serialize)]
struct PledgeApi<'a> {
    id: &'a str,
    status: &'static str,
    amount_cents: i64,
    refunded_cents: i64,
    currency: &'a str,
    tier: Option<&'a str>,
    designation: &'a str,
}

/// `GET /api/pledges/{id}`.
pub async fn api(site: &Site, id: &str) -> Result<Response, AppError> {
    let found = if is_pledge_id(id) {
        store::pledge(site.db()?, id).await?
    } else {
        None
    };
    let resp = match &found {
        Some(p) => Response::from_json(&PledgeApi {
            id: &p.id,
            status: p.status.as_str(),
            amount_cents: p.amount.0,
            refunded_cents: p.refunded.0,
            currency: &p.currency,
            tier: p.tier.as_deref(),
            designation: &p.designation,
        })?,
        None => Response::from_json(&serde_json::json!({"error": "not found"}))?.with_status(404),
    };
    Ok(http::private(resp)?)
}
