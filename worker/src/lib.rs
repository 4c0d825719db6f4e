//! The edge entry point: one route table, thin handlers, one place that sets the security
//! headers.
//!
//! Handlers read like the HTTP they serve: parse the request into `app` types, ask the
//! [`store`] (every SQL statement lives there), render with `app::views`, answer. Business
//! rules live in `app`; the worker decides only what the platform must (which request is
//! which, what the environment says).
//!
//! A request: [`fetch`] matches it against `app::routes` (a table compiled into the binary,
//! nothing built per request), refuses a form post from another site, builds the request's
//! [`site::Site`] (settings parsed once per isolate), and calls the route's handler; an error
//! becomes a response in one place (`AppError::into_response`), and every response leaves
//! through `http::secure`.

// One crate, two workers (`app::routes::Part`): feature `site` builds the visitor's worker,
// `office` the one for every write, the maintainers and the jobs; both (the default) is the
// whole site in one, for native tests and lints. A split build leaves the other half's code
// out, so what it does not serve is unused there rather than dead.
#![cfg_attr(
    not(all(feature = "site", feature = "office")),
    allow(dead_code, unused_imports, unused_variables)
)]

mod accounts;
mod admin;
mod alerts;
mod api;
mod badge;
mod cache;
mod checkout;
mod comments;
mod crypto;
mod error;
mod held;
mod http;
mod jobs;
mod log;
#[cfg(not(feature = "office"))]
mod office;
mod pages;
mod platform;
mod pledges;
mod reconcile;
mod sandbox;
mod site;
mod store;
mod updates;
mod webhooks;

use app::routes::{self, Part, Route};
use error::AppError;
use site::Site;
use worker::{
    event, Context, Env, Method, Request, RequestInit, Response, Result, ScheduleContext,
    ScheduledEvent,
};

/// Crawlers may read the campaign's pages, not a donor's pledge page or the admin area.
const ROBOTS: &str = "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /pledges/\nDisallow: /km/pledges/\nDisallow: /sandbox/\nDisallow: /km/sandbox/\n";

/// Whether a route is a browser form of ours, which must come from our own pages. Providers'
/// webhooks come from servers and prove themselves by signature instead.
fn is_form(route: Route) -> bool {
    !matches!(route, Route::WebhookStripe | Route::WebhookStandard)
}

/// `HEAD` is answered as `GET` without the body (monitors, link previews and crawlers use it):
/// the same route, the same status and headers.
fn as_get(req: &Request) -> Result<Request> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get)
        .with_headers(req.headers().clone());
    Request::new_with_init(&req.inner().url(), &init)
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let head = req.method() == Method::Head;
    let method = match req.method() {
        Method::Get | Method::Head => routes::Method::Get,
        Method::Post => routes::Method::Post,
        Method::Options => routes::Method::Options,
        _ => routes::Method::Other,
    };
    let path = req.path();
    let matched = routes::route(method, &path);
    let params: Vec<String> = matched.params.iter().map(|p| p.to_string()).collect();
    let site = Site::new(&req, env, matched.lang);
    if method == routes::Method::Post && is_form(matched.route) && http::is_cross_site(&req) {
        return Ok(http::secure(
            AppError::CrossSite.into_response(site.lang, site.links())?,
        ));
    }
    let req = if head { as_get(&req)? } else { req };
    let mut resp = dispatch(matched.route, &params, req, &site, &ctx).await?;
    follow_changes(&site, &ctx, &mut resp).await?;
    let resp = if head {
        Response::empty()?
            .with_status(resp.status_code())
            .with_headers(resp.headers().clone())
    } else {
        resp
    };
    Ok(http::secure(resp))
}

/// What this request's writes changed, followed by the edge cache once it is answered. The
/// office leaves that to the site, which owns the cache: it names the changes in a header of
/// its answer (`cache::CHANGED`), which the site reads and drops (`office::forward`).
async fn follow_changes(site: &Site, ctx: &Context, resp: &mut Response) -> Result<()> {
    let changes = site.take_changes();
    if cfg!(feature = "site") {
        for change in changes {
            cache::apply(ctx, site, change).await;
        }
    } else if !changes.is_empty() {
        resp.headers_mut()
            .set(cache::CHANGED, &cache::Change::header(&changes))?;
    }
    Ok(())
}

/// The Cron Trigger: the site's scheduled jobs (retention, reconciliation, alerts). They are
/// the office's; in production its own trigger runs them (`wrangler.office.toml`).
#[cfg(feature = "office")]
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    jobs::run(&env).await;
}

/// The site's worker has no jobs of its own: a scheduled event it gets (locally, `wrangler
/// dev`'s `/__scheduled`) is the office's, passed on through the binding.
#[cfg(not(feature = "office"))]
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    if let Err(e) = office::scheduled(&env, &event.cron()).await {
        log::event("scheduled_forward_failed", &[("error", &e.to_string())]);
    }
}

/// The handler of each route; its error answered in the language of the path. A route of
/// the other worker's is passed on to it (the site's build) or not found (the office's).
async fn dispatch(
    route: Route,
    params: &[String],
    req: Request,
    site: &Site,
    ctx: &Context,
) -> Result<Response> {
    let param = params.first().map(String::as_str).unwrap_or_default();
    let answer = match route.part() {
        #[cfg(feature = "site")]
        Part::Site => match visitor(route, param, req, site, ctx).await {
            Served::Done(resp) => return resp,
            Served::Page(answer) => answer,
        },
        #[cfg(feature = "office")]
        Part::Office => match desk(route, params, param, req, site).await {
            Served::Done(resp) => return resp,
            Served::Page(answer) => answer,
        },
        #[cfg(not(feature = "office"))]
        Part::Office => return office::forward(req, site).await,
        #[allow(unreachable_patterns)]
        _ => Err(AppError::NotFound),
    };
    match answer {
        Ok(resp) => Ok(resp),
        Err(e) => e.into_response(site.lang, site.links()),
    }
}

/// A handler's answer: final as it is, or a page whose error is drawn in the path's language.
enum Served {
    Done(Result<Response>),
    Page(std::result::Result<Response, AppError>),
}

/// What visitors read: the site's worker.
#[cfg(feature = "site")]
async fn visitor(route: Route, param: &str, req: Request, site: &Site, ctx: &Context) -> Served {
    Served::Page(match route {
        Route::Health => return Served::Done(Response::ok("ok")),
        Route::Robots => return Served::Done(Response::ok(ROBOTS)),
        Route::MethodNotAllowed => return Served::Done(Response::error("Method Not Allowed", 405)),
        Route::ApiCampaign => api::campaign(site).await,
        Route::ApiCampaignPreflight => api::campaign_preflight(),
        Route::ApiPledge => pledges::api(site, param).await,
        Route::Home => pages::home(req, site, ctx).await,
        Route::BenchRender => pages::bench_render(site).await,
        Route::BenchD1 => pages::bench_d1(site).await,
        Route::Badge => badge::badge(&req, site).await,
        Route::KmRoot => pages::km_root(),
        Route::PledgeThanks => pledges::thanks(site, param).await,
        Route::PledgeStopPage => pledges::stop_page(site, param).await,
        Route::CommentDeletePage => comments::delete_page(req, site, param).await,
        Route::VolunteerThanks => comments::volunteer_thanks(site),
        Route::Privacy => pages::privacy(site),
        Route::UpdatesList => updates::list(req, site).await,
        Route::UpdatePage => updates::permalink(req, site, param).await,
        Route::UpdatesFeed => updates::feed(req, site).await,
        _ => Err(AppError::NotFound),
    })
}

/// Every write, the maintainers' area and the sandbox: the office's worker.
#[cfg(feature = "office")]
async fn desk(route: Route, params: &[String], param: &str, req: Request, site: &Site) -> Served {
    Served::Page(match route {
        Route::WebhookStripe => webhooks::stripe(req, site).await,
        Route::WebhookStandard => webhooks::standard(req, site).await,
        Route::PledgeCreate => pledges::create(req, site).await,
        Route::PledgeStop => pledges::stop(req, site, param).await,
        Route::SandboxPage => sandbox::page(site, param).await,
        Route::SandboxAct => sandbox::act(req, site, param).await,
        Route::CommentCreate => comments::create(req, site).await,
        Route::CommentDelete => comments::delete(req, site, param).await,
        Route::VolunteerCreate => comments::volunteer(req, site).await,
        Route::AdminIndex
        | Route::AdminLogin
        | Route::AdminLogout
        | Route::AdminComments
        | Route::AdminModerate
        | Route::AdminWaiting
        | Route::AdminPledges
        | Route::AdminPledgesCsv
        | Route::AdminVolunteers
        | Route::AdminVolunteersCsv
        | Route::AdminAlertTest
        | Route::AdminErase
        | Route::AdminEraseFind
        | Route::AdminEraseRun
        | Route::AdminBootstrapPage
        | Route::AdminBootstrap
        | Route::AdminInvitePage
        | Route::AdminInvite
        | Route::AdminAccount
        | Route::AdminSessionsEnd
        | Route::AdminAccounts
        | Route::AdminAccountInvite
        | Route::AdminAccountAction
        | Route::AdminAudit
        | Route::AdminAuditCsv
        | Route::AdminSources
        | Route::AdminUpdates
        | Route::AdminUpdateCreate
        | Route::AdminUpdateEdit
        | Route::AdminUpdateSave
        | Route::AdminUpdateAction
        | Route::AdminUnknown => {
            return Served::Done(admin::handle(route, params, req, site).await)
        }
        _ => Err(AppError::NotFound),
    })
}
