//! The site's worker: what visitors read (every page in both languages, the feeds, the badge,
//! the public API) and the edge cache. Every other route (a form post, a webhook, the
//! maintainers' area) is the office's, passed on as it came through the service binding
//! ([`office_client`]).
//!
//! A request: `edge::entry::begin` matches it against `app::routes` (a table compiled into the
//! binary), refuses a form post from another site and builds the request's `Ctx`; [`visitor`]
//! calls the route's handler; the writes a request made (here or in the office) are followed
//! in the edge cache once it is answered ([`cache::apply`]); `edge::entry::finish` sends it
//! out through `http::secure`.

mod api;
mod badge;
mod cache;
mod comments;
mod office_client;
mod pages;
mod pledges;
mod updates;
mod volunteers;

use app::routes::{Route, SiteRoute};
use edge::ctx::Ctx;
use edge::entry::{self, Incoming};
use edge::error::AppError;
use edge::store::Reads;
use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

/// Crawlers may read the campaign's pages, not a donor's pledge page or the admin area.
const ROBOTS: &str = "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /pledges/\nDisallow: /km/pledges/\nDisallow: /sandbox/\nDisallow: /km/sandbox/\n";

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let Incoming {
        req,
        cx,
        route,
        params,
        head,
    } = match entry::begin(req, env, Reads::AnyReplica)? {
        Ok(incoming) => incoming,
        Err(refused) => return Ok(refused),
    };
    let resp = match route {
        Route::Site(route) => {
            let answer = visitor(route, entry::first(&params), req, &cx, &ctx).await;
            entry::answer(&cx, answer)?
        }
        Route::Office(_) => office_client::forward(req, &cx).await?,
    };
    // What this request's writes changed (the office names them in its answer), followed in
    // the edge cache once the request is answered.
    for change in cx.take_changes() {
        cache::apply(&ctx, &cx, change).await;
    }
    entry::finish(head, resp)
}

/// The site's worker has no jobs of its own: a scheduled event it gets (locally, `wrangler
/// dev`'s `/__scheduled`) is the office's, passed on through the binding.
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = office_client::scheduled(&env, &event.cron()).await {
        edge::log::event("scheduled_forward_failed", &[("error", &e.to_string())]);
    }
}

/// The handler of each of the site's routes.
async fn visitor(
    route: SiteRoute,
    param: &str,
    req: Request,
    cx: &Ctx,
    ctx: &Context,
) -> std::result::Result<Response, AppError> {
    match route {
        SiteRoute::Health => Ok(Response::ok("ok")?),
        SiteRoute::Robots => Ok(Response::ok(ROBOTS)?),
        SiteRoute::MethodNotAllowed => Ok(Response::error("Method Not Allowed", 405)?),
        SiteRoute::NotFound => Err(AppError::NotFound),
        SiteRoute::ApiCampaign => api::campaign(cx).await,
        SiteRoute::ApiCampaignPreflight => api::campaign_preflight(),
        SiteRoute::ApiPledge => pledges::api(cx, param).await,
        SiteRoute::Home => pages::home(req, cx, ctx).await,
        SiteRoute::BenchRender => pages::bench_render(cx).await,
        SiteRoute::BenchD1 => pages::bench_d1(&req, cx).await,
        SiteRoute::Badge => badge::badge(&req, cx).await,
        SiteRoute::KmRoot => pages::km_root(),
        SiteRoute::PledgeThanks => pledges::thanks(cx, param).await,
        SiteRoute::PledgeStopPage => pledges::stop_page(cx, param).await,
        SiteRoute::PledgeErasePage => pledges::erase_page(cx, param).await,
        SiteRoute::CommentDeletePage => comments::delete_page(req, cx, param).await,
        SiteRoute::VolunteerThanks => volunteers::thanks(cx),
        SiteRoute::Privacy => pages::privacy(cx),
        SiteRoute::Manage => pages::manage(cx),
        SiteRoute::UpdatesList => updates::list(req, cx, ctx).await,
        SiteRoute::UpdatePage => updates::permalink(req, cx, param).await,
        SiteRoute::UpdatesFeed => updates::feed(req, cx).await,
    }
}
