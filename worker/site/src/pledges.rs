//! A pledge as its donor reads it: `GET /pledges/{id}` its thank-you page, `GET
//! /pledges/{id}/stop` "stop your monthly gift?", `GET /pledges/{id}/erase` "erase your name,
//! email and note?", `GET /api/pledges/{id}` its status as JSON. (Giving, stopping and erasing
//! are the office's.)

use app::form::Problems;
use app::pledge::is_pledge_id;
use edge::ctx::{Checkout, Ctx};
use edge::pledge_page::{erase_page_for, find, private_page, stop_page_for};
use edge::{error::AppError, http, store};
use serde::Serialize;
use worker::Response;

/// `GET /pledges/{id}`: the thank-you page. Its id is the only key to it: never cached, never
/// sent on as a referrer.
pub async fn thanks(cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let pledge = find(cx, id).await?;
    // Whether the provider made a subscription: only a pending monthly gift needs to ask.
    let subscription_known = pledge.stop().is_ok()
        && store::stop_refs(cx.primary()?, id)
            .await?
            .is_some_and(|r| r.subscription_id.is_some());
    let page = app::views::PledgePage {
        stop: pledge.offers_stop(subscription_known),
        sandbox: cx.checkout() == Checkout::Sandbox,
        pledge,
    };
    private_page(200, app::views::pledge_thanks(cx.lang, cx.links(), page))
}

/// `GET /pledges/{id}/stop`: "stop your monthly gift?", or why there is nothing to stop (409).
pub async fn stop_page(cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let pledge = find(cx, id).await?;
    match pledge.stop() {
        Ok(()) => stop_page_for(cx, cx.lang, 200, &pledge, Problems::default()),
        Err(why) => private_page(
            409,
            app::views::pledge_nothing_to_stop(cx.lang, cx.links(), &pledge.id, why),
        ),
    }
}

/// `GET /pledges/{id}/erase`: "erase your name, email and note from this gift?", or that none
/// is kept.
pub async fn erase_page(cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let pledge = find(cx, id).await?;
    erase_page_for(cx, cx.lang, 200, &pledge, Problems::default())
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

/// `{"error":"not found"}`: typed, like every other answer, so no `serde_json::Value`
/// serializer is compiled for it.
#[derive(Serialize)]
struct NotFound {
    error: &'static str,
}

/// `GET /api/pledges/{id}`.
pub async fn api(cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let found = if is_pledge_id(id) {
        store::pledge(cx.primary()?, id).await?
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
        None => Response::from_json(&NotFound { error: "not found" })?.with_status(404),
    };
    Ok(http::private(resp)?)
}
