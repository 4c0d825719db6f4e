//! Giving: `POST /pledges` records a pending pledge and sends the visitor to the checkout;
//! `GET /pledges/{id}` is its thank-you page; `GET /api/pledges/{id}` its status as JSON;
//! `GET` and `POST /pledges/{id}/stop` stop a monthly gift.
//!
//! A pledge's page is the only key to it (its id is 128 random bits): every page under it is
//! private (never cached, never sent on as a referrer), and stopping a monthly gift asks for
//! nothing more than holding that page and pressing its button.

use crate::pages::{again, Overrides, Tokens};
use crate::site::{Checkout, Site};
use crate::{checkout, error::AppError, http, platform, store};
use app::form::{Problem, Problems};
use app::i18n::Lang;
use app::keys;
use app::limits::Bucket;
use app::pledge::{is_pledge_id, pledge_id, Pledge, PledgeForm};
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
                        app::views::checkout_failed(lang, site.links()),
                    )?)
                }
            }
        }
        Checkout::Off => Err(AppError::Config("CHECKOUT")),
    }
}

/// The pledge `id` names, if it is one of ours.
async fn find(site: &Site, id: &str) -> Result<Pledge, AppError> {
    if !is_pledge_id(id) {
        return Err(AppError::NotFound);
    }
    store::pledge(site.db()?, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A page of the pledge's own: private.
fn private_page(status: u16, html: String) -> Result<Response, AppError> {
    Ok(http::private(http::html(status, html)?)?)
}

/// `GET /pledges/{id}`: the thank-you page. Its id is the only key to it: never cached, never
/// sent on as a referrer.
pub async fn thanks(site: &Site, id: &str) -> Result<Response, AppError> {
    let pledge = find(site, id).await?;
    // Whether the provider made a subscription: only a pending monthly gift needs to ask.
    let subscription_known = pledge.stop().is_ok()
        && store::stop_refs(site.db()?, id)
            .await?
            .is_some_and(|r| r.subscription_id.is_some());
    let page = app::views::PledgePage {
        stop: pledge.offers_stop(subscription_known),
        sandbox: site.checkout() == Checkout::Sandbox,
        pledge,
    };
    private_page(
        200,
        app::views::pledge_thanks(site.lang, site.links(), page),
    )
}

/// The form that stops a monthly gift.
const STOP_FORM: &str = "pledge-stop";

/// The stop page: its token issued now (the page is private, so the token is written into it
/// rather than into a slot of a shared template).
fn stop_page_for(
    site: &Site,
    lang: Lang,
    status: u16,
    pledge: &Pledge,
    problems: Problems,
) -> Result<Response, AppError> {
    let token = keys::form_token(
        &site.keys()?.form_token,
        STOP_FORM,
        site.now,
        platform::random16(),
    );
    private_page(
        status,
        app::views::pledge_stop(lang, site.links(), pledge, &token, problems),
    )
}

/// `GET /pledges/{id}/stop`: "stop your monthly gift?", or why there is nothing to stop (409).
pub async fn stop_page(site: &Site, id: &str) -> Result<Response, AppError> {
    let pledge = find(site, id).await?;
    match pledge.stop() {
        Ok(()) => stop_page_for(site, site.lang, 200, &pledge, Problems::default()),
        Err(why) => private_page(
            409,
            app::views::pledge_nothing_to_stop(site.lang, site.links(), &pledge.id, why),
        ),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct StopForm {
    lang: String,
    token: String,
}

/// Where the provider stopping a monthly gift got to.
enum Stopped {
    Yes,
    /// No subscription was ever made (the checkout was not completed): nothing to stop.
    NothingMade,
    /// The provider did not stop it: nothing changed.
    Failed,
}

/// Stops the subscription at Stripe: the one a webhook named, or else the one its Checkout
/// Session made. Whatever `CHECKOUT` says now, a gift made through Stripe stops through Stripe.
async fn stop_at_stripe(site: &Site, id: &str) -> Result<Stopped, AppError> {
    let refs = store::stop_refs(site.db()?, id).await?.unwrap_or_default();
    let subscription = match (refs.subscription_id, refs.checkout_session_id) {
        (Some(sub), _) => Ok(Some(sub)),
        (None, Some(session)) => checkout::session_subscription(site.config, &session).await,
        (None, None) => Ok(None),
    };
    let result = match subscription {
        Ok(None) => return Ok(Stopped::NothingMade),
        Ok(Some(sub)) => checkout::cancel_subscription(site.config, &sub).await,
        Err(e) => Err(e),
    };
    Ok(match result {
        Ok(()) => Stopped::Yes,
        Err(e) => {
            crate::log::event("subscription_cancel_failed", &[("error", &e.to_string())]);
            Stopped::Failed
        }
    })
}

/// `POST /pledges/{id}/stop`: the provider stops the subscription, then the pledge is marked
/// stopped here at once (the provider's own `customer.subscription.deleted` follows and
/// changes nothing more), the campaign page is purged (its count of monthly donors changed),
/// and the visitor goes back to the pledge's page, which says so. The months already paid are
/// payments: they stay counted.
pub async fn stop(mut req: Request, site: &Site, id: &str) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, 1024)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form: StopForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let lang = http::form_lang(&form.lang, site.lang);
    let pledge = find(site, id).await?;
    if let Err(why) = pledge.stop() {
        return private_page(
            409,
            app::views::pledge_nothing_to_stop(lang, site.links(), &pledge.id, why),
        );
    }
    // Signed, old enough, and never presented before: a scraped or replayed press stops
    // nothing, and is asked to press again.
    let good = keys::check_form_token(&site.keys()?.form_token, STOP_FORM, &form.token, site.now);
    let fresh = match good {
        Ok(good) => {
            store::limits::use_nonce(site.db()?, &good.nonce, good.remember_until, site.now).await?
        }
        Err(_) => false,
    };
    if !fresh {
        let mut problems = Problems::default();
        problems.add("", Problem::Token);
        return stop_page_for(site, lang, 422, &pledge, problems);
    }
    let stopped = if site.checkout() == Checkout::Sandbox {
        if pledge.status == app::pledge::Status::Active
            || store::stop_refs(site.db()?, id)
                .await?
                .is_some_and(|r| r.subscription_id.is_some())
        {
            Stopped::Yes
        } else {
            Stopped::NothingMade
        }
    } else {
        stop_at_stripe(site, id).await?
    };
    match stopped {
        Stopped::Yes => {}
        Stopped::NothingMade => {
            return private_page(
                409,
                app::views::pledge_nothing_to_stop(
                    lang,
                    site.links(),
                    &pledge.id,
                    app::pledge::NothingToStop::NotRunning,
                ),
            )
        }
        Stopped::Failed => {
            return private_page(
                502,
                app::views::pledge_stop_failed(lang, site.links(), &pledge.id),
            )
        }
    }
    let db = site.db()?;
    let changed = store::stop_monthly(db, id, site.now).await?;
    if site.checkout() == Checkout::Sandbox {
        // What the provider sends once it cancelled the subscription, as Stripe would.
        crate::sandbox::stop(site, &pledge).await?;
    }
    if changed {
        site.changed(crate::cache::Change::Home);
    }
    crate::log::event(
        "monthly_gift_stopped",
        &[("changed", if changed { "1" } else { "0" })],
    );
    Ok(http::see_other(
        &lang.href(&format!("/pledges/{}", pledge.id)),
    )?)
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
    /// `once` or `month`.
    frequency: &'static str,
    /// Payments received: 1 for a paid one-off gift, the months paid of a monthly one.
    payments: i64,
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
            frequency: p.frequency.as_str(),
            payments: p.payments,
        })?,
        None => Response::from_json(&serde_json::json!({"error": "not found"}))?.with_status(404),
    };
    Ok(http::private(resp)?)
}
