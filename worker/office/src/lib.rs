//! The office's worker: every write (the visitors' forms, the providers' webhooks, the sandbox
//! checkout), the maintainers' area and the scheduled jobs. It has no address of its own: the
//! site's worker passes it its routes, as they came, through a service binding.
//!
//! A request: `edge::entry::begin` matches it against `app::routes` and refuses a form post
//! from another site; [`desk`] calls the route's handler; what the request changed is named in
//! a header of the answer (`edge::changes::CHANGED`) for the site, which owns the edge cache,
//! with the point of the database its writes reached (`edge::changes::BOOKMARK`);
//! `edge::entry::finish` sends it out through `http::secure`.

mod accounts;
mod admin;
mod checkout;
mod comments;
mod forms;
mod funnel;
mod gate;
mod jobs;
mod pledges;
mod sandbox;
mod shield;
mod telegram;
mod upsell;
mod volunteers;
mod webhooks;

use app::routes::{OfficeRoute, Route};
use edge::changes::{Change, BOOKMARK, CHANGED};
use edge::ctx::Ctx;
use edge::entry::{self, Incoming};
use edge::error::AppError;
use edge::store::Reads;
use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let Incoming {
        req,
        cx,
        route,
        params,
        head,
    } = match entry::begin(req, env, Reads::Primary)? {
        Ok(incoming) => incoming,
        Err(refused) => return Ok(refused),
    };
    let mut resp = match route {
        Route::Office(OfficeRoute::Admin(route)) => admin::handle(route, &params, req, &cx).await?,
        Route::Office(route) => {
            let answer = desk(route, entry::first(&params), req, &cx).await;
            entry::answer(&cx, answer)?
        }
        // The site serves these; nothing reaches the office for them but by mistake.
        Route::Site(_) => entry::answer(&cx, Err(AppError::NotFound))?,
    };
    funnel::flush_later(&cx, &ctx);
    let changes = cx.take_changes();
    if !changes.is_empty() {
        resp.headers_mut().set(CHANGED, &Change::header(&changes))?;
        // The point its writes reached, for the site's redraw to read at least.
        if let Some(bookmark) = cx.bookmark() {
            if cx.loopback {
                // For the tests of the round trip (`tests/it/replicas.rs`); a bookmark names
                // a point of the database, nothing of a person.
                edge::log::event("changes_named", &[("bookmark", &bookmark)]);
            }
            resp.headers_mut().set(BOOKMARK, &bookmark)?;
        }
    }
    entry::finish(head, resp)
}

/// The Cron Trigger (`wrangler.office.toml`): retention, the reconciliation, alerts.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    jobs::run(&env).await;
}

/// The handler of each of the office's routes but the admin area's (`admin::handle`).
async fn desk(
    route: OfficeRoute,
    param: &str,
    req: Request,
    cx: &Ctx,
) -> std::result::Result<Response, AppError> {
    match route {
        OfficeRoute::WebhookStripe => webhooks::stripe(req, cx).await,
        OfficeRoute::WebhookStandard => webhooks::standard(req, cx).await,
        OfficeRoute::PledgeCreate => pledges::create(req, cx).await,
        OfficeRoute::PledgeStop => pledges::stop(req, cx, param).await,
        OfficeRoute::PledgeErase => pledges::erase(req, cx, param).await,
        OfficeRoute::SandboxPage => sandbox::page(cx, param).await,
        OfficeRoute::SandboxAct => sandbox::act(req, cx, param).await,
        OfficeRoute::CommentCreate => comments::create(req, cx).await,
        OfficeRoute::CommentDelete => comments::delete(req, cx, param).await,
        OfficeRoute::VolunteerCreate => volunteers::create(req, cx).await,
        OfficeRoute::Admin(_) => Err(AppError::NotFound),
    }
}
