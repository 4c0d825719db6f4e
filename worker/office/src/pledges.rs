//! Giving: `POST /pledges` records a pending pledge and sends the visitor to the checkout;
//! `POST /pledges/{id}/stop` stops a monthly gift; `POST /pledges/{id}/erase` erases the gift's
//! name, email and note.
//!
//! A pledge's page is the only key to it (its id is 128 random bits): every page under it is
//! private (never cached, never sent on as a referrer), and stopping a monthly gift or erasing
//! the gift's details asks for nothing more than holding that page and pressing its button.

use crate::checkout;
use crate::forms;
use crate::funnel;
use crate::shield;
use crate::upsell::{self, Answered, First};
use app::admin::{EraseBy, ErasureKind};
use app::form::{Problem, Problems};
use app::funnel::Kind;
use app::i18n::Lang;
use app::keys;
use app::limits::Bucket;
use app::pledge::{pledge_id, PledgeForm};
use app::shield::{Level, PERMITS};
use app::upsell::StepFields;
use edge::ctx::{Checkout, Ctx};
use edge::home::{again, Overrides, Tokens};
use edge::pledge_page::{erase_page_for, find, private_page, stop_page_for};
use edge::{error::AppError, http, platform, store};
use worker::{Request, Response};

/// Forms are small; anything bigger is not our form. A note of 500 heavy Khmer clusters
/// (`app::form::length`) and a name of 80 are 32 KB percent-encoded.
pub const MAX_FORM: usize = 48 * 1024;

/// The page again, with the form as the visitor sent it and what is wrong with it.
async fn form_again(
    cx: &Ctx,
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
    again(cx, lang, status, ov, Tokens::Fresh).await
}

/// The binding refused: a small page that costs no D1 read, nothing recorded.
fn too_fast(cx: &Ctx, lang: Lang) -> Result<Response, AppError> {
    let mut resp = http::html(429, app::views::pledge_too_fast(lang, cx.links()))?;
    resp.headers_mut().set("Retry-After", "60")?;
    Ok(resp)
}

/// A cheap refusal: the form and its refusal counted in memory (`crate::funnel`).
fn refused_in_memory(cx: &Ctx, sent: &[Kind], why: Kind, lang: Lang, source: &str) {
    for kind in sent.iter().chain([&why]) {
        funnel::note(cx, *kind, lang, source);
    }
}

/// `kinds` after the form's `Sent`, unless that was counted already (`sent` is empty).
fn after(sent: &[Kind], kinds: &[Kind]) -> Vec<Kind> {
    sent.iter().chain(kinds).copied().collect()
}

/// `POST /pledges` and `POST /km/pledges`.
pub async fn create(mut req: Request, cx: &Ctx) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    // A body that is not a form at all reads as an empty form: every problem gets named.
    let form: PledgeForm = app::form::decode(&body);
    let lang = http::form_lang(&form.lang, cx.lang);
    let mode = cx.checkout();
    if mode == Checkout::Off {
        return form_again(cx, lang, 503, form, Problems::default()).await;
    }
    // After the deadline of a campaign whose form closes: refused before anything is
    // recorded or counted (#28 §4).
    if cx.deadline().is_some_and(app::deadline::Standing::closed) {
        return Ok(http::html(
            410,
            app::views::giving_closed(lang, cx.links()),
        )?);
    }
    let db = cx.db()?;
    // "Would you make it monthly?" (`crate::upsell`): a valid one-off gift's first post is
    // asked and nothing is taken; its answer goes on below, attested at the first post's time.
    let step: StepFields = app::form::decode(&body);
    let (form, attested_at, tiers) = match step.answer() {
        Some(answer) => match upsell::answer(cx, lang, &form, &step, answer).await? {
            Answered::Go(form, at) => (*form, at, None),
            Answered::Again(page) => return Ok(page),
            Answered::Refused(problem) => {
                return form_again(cx, lang, 422, form, forms::one(problem)).await
            }
        },
        None => match upsell::first(cx, lang, &form).await? {
            First::Asked(page) => return Ok(page),
            First::Go(tiers) => (form, cx.now, tiers),
        },
    };
    // The funnel's counts (`crate::funnel`): the cheap refusals in memory, the rest in D1. A
    // form that was asked to give monthly was counted as sent when it was asked.
    let source = app::funnel::source_of(&form.source);
    let sent: &[Kind] = if step.answer().is_some() {
        &[]
    } else {
        &[Kind::Sent]
    };
    // The card-testing shield (`crate::shield`): the cheap refusals first, the binding's
    // permit before anything touches D1, then the level (more permits while tight; a pause).
    let ip_hash = cx.visitor(&req)?;
    if !shield::binding_allows(cx, &ip_hash, PERMITS).await {
        refused_in_memory(cx, sent, Kind::RefusedRateLimit, lang, &source);
        return too_fast(cx, lang);
    }
    let latest = store::shield::latest(db).await?;
    let level = app::shield::level(latest.as_ref(), cx.now);
    if let (Level::Paused, Some(trip)) = (level, &latest) {
        refused_in_memory(cx, sent, Kind::RefusedBreaker, lang, &source);
        let mut resp = http::html(
            503,
            app::views::giving_paused(lang, cx.links(), trip.pause_left(cx.now)),
        )?;
        resp.headers_mut()
            .set("Retry-After", &trip.pause_left(cx.now).to_string())?;
        return Ok(resp);
    }
    if level.permits() > PERMITS
        && !shield::binding_allows(cx, &ip_hash, level.permits() - PERMITS).await
    {
        refused_in_memory(cx, sent, Kind::RefusedRateLimit, lang, &source);
        return too_fast(cx, lang);
    }
    let tiers = match tiers {
        Some(tiers) => tiers,
        None => store::tiers(db).await?,
    };
    let pledge = match form.validate(&tiers) {
        Ok(p) => p,
        Err(problems) => {
            let why = app::funnel::refusal(&problems);
            funnel::count(cx, &after(sent, &[why]), lang, &source).await;
            return form_again(cx, lang, 422, form, problems).await;
        }
    };
    if store::limits::take_within(db, Bucket::Pledge, level.pledge_windows(), &ip_hash, cx.now)
        .await?
        .is_none()
    {
        let mut problems = Problems::default();
        problems.add("", Problem::RateLimited);
        funnel::count(cx, &after(sent, &[Kind::RefusedRateLimit]), lang, &source).await;
        return form_again(cx, lang, 429, form, problems).await;
    }
    let id = pledge_id(platform::random16());
    store::create_pledge(db, &id, &pledge, lang.code(), (cx.now, attested_at)).await?;
    match mode {
        Checkout::Sandbox => {
            store::set_checkout_session(db, &id, &format!("cs_sandbox_{id}")).await?;
            funnel::count(cx, &after(sent, &[Kind::Checkout]), lang, &source).await;
            // The sandbox's page keeps the `#give` it inherits: it has no such id (and exists
            // on a loopback host only), so the donor lands at its top.
            Ok(http::see_other(
                &lang.href(&format!("/sandbox/checkout/{id}")),
            )?)
        }
        Checkout::Stripe => {
            match checkout::stripe_session(cx, lang, &id, &pledge).await {
                Ok(session) => {
                    if let Some(session_id) = &session.id {
                        store::set_checkout_session(db, &id, session_id).await?;
                    }
                    funnel::count(cx, &after(sent, &[Kind::Checkout]), lang, &source).await;
                    // Stripe's page keeps its own fragment; one without would inherit `#give`.
                    Ok(http::see_other_after_form(&session.url)?)
                }
                // The pledge stays pending and nothing else changes; the visitor can try again.
                Err(e) => {
                    edge::log::event("checkout_session_failed", &[("error", &e.to_string())]);
                    funnel::count(cx, sent, lang, &source).await;
                    Ok(http::html(
                        502,
                        app::views::checkout_failed(lang, cx.links()),
                    )?)
                }
            }
        }
        Checkout::Off => Err(AppError::Config("CHECKOUT")),
    }
}

/// The one-button forms of a pledge's page (stop, erase): the language and the token.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PressForm {
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
async fn stop_at_stripe(cx: &Ctx, id: &str) -> Result<Stopped, AppError> {
    let refs = store::stop_refs(cx.db()?, id).await?.unwrap_or_default();
    let subscription = match (refs.subscription_id, refs.checkout_session_id) {
        (Some(sub), _) => Ok(Some(sub)),
        (None, Some(session)) => checkout::session_subscription(cx.config, &session).await,
        (None, None) => Ok(None),
    };
    let result = match subscription {
        Ok(None) => return Ok(Stopped::NothingMade),
        Ok(Some(sub)) => checkout::cancel_subscription(cx.config, &sub).await,
        Err(e) => Err(e),
    };
    Ok(match result {
        Ok(()) => Stopped::Yes,
        Err(e) => {
            edge::log::event("subscription_cancel_failed", &[("error", &e.to_string())]);
            Stopped::Failed
        }
    })
}

/// `POST /pledges/{id}/stop`: the provider stops the subscription, then the pledge is marked
/// stopped here at once (the provider's own `customer.subscription.deleted` follows and
/// changes nothing more), the campaign page is purged (its count of monthly donors changed),
/// and the visitor goes back to the pledge's page, which says so. The months already paid are
/// payments: they stay counted.
pub async fn stop(mut req: Request, cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, 1024)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form: PressForm = app::form::decode(&body);
    let lang = http::form_lang(&form.lang, cx.lang);
    let pledge = find(cx, id).await?;
    if let Err(why) = pledge.stop() {
        return private_page(
            409,
            app::views::pledge_nothing_to_stop(lang, cx.links(), &pledge.id, why),
        );
    }
    // Signed, old enough, and never presented before: a scraped or replayed press stops
    // nothing, and is asked to press again.
    let good = keys::check_form_token(
        &cx.keys()?.form_token,
        keys::Form::PledgeStop,
        &form.token,
        cx.now,
    );
    let fresh = match good {
        Ok(good) => {
            store::limits::use_nonce(cx.db()?, &good.nonce, good.remember_until, cx.now).await?
        }
        Err(_) => false,
    };
    if !fresh {
        let mut problems = Problems::default();
        problems.add("", Problem::Token);
        return stop_page_for(cx, lang, 422, &pledge, problems);
    }
    let stopped = if cx.checkout() == Checkout::Sandbox {
        if pledge.status == app::pledge::Status::Active
            || store::stop_refs(cx.db()?, id)
                .await?
                .is_some_and(|r| r.subscription_id.is_some())
        {
            Stopped::Yes
        } else {
            Stopped::NothingMade
        }
    } else {
        stop_at_stripe(cx, id).await?
    };
    match stopped {
        Stopped::Yes => {}
        Stopped::NothingMade => {
            return private_page(
                409,
                app::views::pledge_nothing_to_stop(
                    lang,
                    cx.links(),
                    &pledge.id,
                    app::pledge::NothingToStop::NotRunning,
                ),
            )
        }
        Stopped::Failed => {
            return private_page(
                502,
                app::views::pledge_stop_failed(lang, cx.links(), &pledge.id),
            )
        }
    }
    let db = cx.db()?;
    let changed = store::stop_monthly(db, id, cx.now).await?;
    if cx.checkout() == Checkout::Sandbox {
        // What the provider sends once it cancelled the subscription, as Stripe would.
        crate::sandbox::stop(cx, &pledge).await?;
    }
    if changed {
        cx.changed(edge::changes::Change::Home);
    }
    edge::log::event(
        "monthly_gift_stopped",
        &[("changed", if changed { "1" } else { "0" })],
    );
    Ok(http::see_other(
        &lang.href(&format!("/pledges/{}", pledge.id)),
    )?)
}

/// `POST /pledges/{id}/erase`: the donor erases the gift's name, email and note (and with the
/// name, its place among the supporters), in one batch recorded as an erasure
/// (`store::erasure::erase`, kind `own-pledge`), then back to the pledge's page, which says that
/// none is kept. The amount, tier, purpose and dates stay: the ledger's. The edge drops every
/// kept copy of the campaign page that could show the name (`Change::Home`).
///
/// A confirm-only form: its page is served with aged tokens (`pledge_page::erase_page_for`), so
/// a press at once is taken; the token is still signed, single use, and a post from another
/// site is refused before it gets here (`entry::begin`).
pub async fn erase(mut req: Request, cx: &Ctx, id: &str) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, 1024)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form: PressForm = app::form::decode(&body);
    let lang = http::form_lang(&form.lang, cx.lang);
    let pledge = find(cx, id).await?;
    if !pledge.details {
        return erase_page_for(cx, lang, 409, &pledge, Problems::default());
    }
    if let Err((problem, _)) =
        forms::check_token(cx, app::keys::Form::PledgeErase, &form.token).await?
    {
        return erase_page_for(cx, lang, 422, &pledge, forms::one(problem));
    }
    let by = EraseBy::Pledge(pledge.id.clone());
    let done = edge::store::erasure::erase(cx.db()?, &by, ErasureKind::OwnPledge, cx.now).await?;
    if let Some(done) = done {
        cx.changed(edge::changes::Change::Home);
        edge::log::event(
            "erasure",
            &[
                ("kind", done.kind.as_str()),
                ("id", &done.id.to_string()),
                ("pledges", &done.pledges.to_string()),
            ],
        );
    }
    Ok(http::see_other(
        &lang.href(&format!("/pledges/{}", pledge.id)),
    )?)
}
