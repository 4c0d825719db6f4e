//! The maintainers' area under `/admin`: moderation, the campaign's replies, pledges,
//! volunteers, and erasing what is stored for an email address. Routes are registered by
//! [`routes`], so the entry point stays one line per area.
//!
//! Access, in order, for every request:
//! 1. **A session** of an active account (`accounts.rs` signs in with a password and a second
//!    factor). The cookie carries a random id only (`HttpOnly; Secure; SameSite=Strict;
//!    Path=/admin`, 12 hours); D1 holds its hash, so signing out, expiring or disabling the
//!    account really ends it. Without a live session an admin page answers `303` to the
//!    sign-in and anything else (a post, a CSV file) `401` with an empty body: nothing about the
//!    data shows.
//! 2. **The account's roles** include the route (`app::account::roles::may`), or the answer is
//!    a `403` page; links outside one's roles are not drawn.
//! 3. **A CSRF token** on every post, bound to the session (stored with it, compared in
//!    constant time). `SameSite=Strict` alone would do in today's browsers; the token makes it
//!    not depend on that.
//! 4. Every answer, refusals included, is `no-store` and `noindex`; every action is recorded in
//!    the audit trail ([`Session::audit`]), ids and counts only.
//!
//! **Erasing by email** (`/admin/erase`). An address is personal, so it never travels in a
//! URL, where it would land in the browser's history and in logs: the search is a post
//! (`/admin/erase/find`, with the session's CSRF token like every post) that answers the list
//! of what is stored, and `GET /admin/erase` takes no address (after an erasure it shows the
//! erasure's record by its id, `?done=`). The erasure itself (`POST /admin/erase`) needs the
//! box ticked and the count of rows the maintainer was shown, runs as one D1 batch
//! (`store::admin::erase_email`), empties the edge cache of the public page, and logs counts
//! only.

use crate::site::Site;
use crate::{accounts, error::AppError, http, store, store::admin as db};
use app::account::audit::Action;
use app::account::roles::{may, sees_emails, Roles};
use app::admin::{
    cleared_session_cookie, day_of, is_session_id, paid_per_day_svg, parse_id, parse_page,
    reply_body, session_hash, ActionForm, CommentList, EraseForm, EraseProblem, ListPlace,
    Moderation, CHART_DAYS, SESSION_COOKIE,
};
use app::comment::CommentStatus;
use app::keys;
use app::pledge::Status;
use app::routes::Route;
use app::views::accounts as accounts_views;
use app::views::admin::Viewer;
use app::views::admin::{self as views, CommentsPage, ErasePage, PledgesPage, ReplyDraft};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{Request, Response};

/// Answers a request for a route of the admin area; every answer, refusals included, private.
pub async fn handle(
    route: Route,
    params: &[String],
    req: Request,
    site: &Site,
) -> worker::Result<Response> {
    match dispatch(route, params, req, site).await {
        Ok(resp) => Ok(resp),
        Err(e) => e.into_response(site),
    }
}

/// The pages before a session (signing in, the first owner, an invitation), then, for
/// everything else, a live session whose roles include the route.
async fn dispatch(
    route: Route,
    params: &[String],
    req: Request,
    site: &Site,
) -> Result<Response, AdminError> {
    let token = || params.first().map(String::as_str).unwrap_or_default();
    match route {
        Route::AdminLogin => return accounts::sign_in(req, site).await,
        Route::AdminBootstrapPage => return accounts::bootstrap_page(site).await,
        Route::AdminBootstrap => return accounts::bootstrap(req, site).await,
        Route::AdminInvitePage => return accounts::invite_page(site, token()).await,
        Route::AdminInvite => return accounts::invite(req, site, token()).await,
        _ => {}
    }
    let Some(s) = session(&req, site).await? else {
        if route == Route::AdminIndex {
            return page(200, accounts_views::sign_in(None, ""));
        }
        // A page without a session goes to the sign-in; anything else (a post, a CSV file)
        // is refused empty, and nothing about the data shows.
        let csv = matches!(
            route,
            Route::AdminPledgesCsv | Route::AdminVolunteersCsv | Route::AdminAuditCsv
        );
        let refusal = if req.method() == worker::Method::Get && !csv {
            Refusal::SignIn
        } else {
            Refusal::NoSession
        };
        return Err(refusal.into());
    };
    if route == Route::AdminUnknown {
        return Err(AppError::NotFound.into());
    }
    if !may(s.roles, route) {
        return page(403, accounts_views::forbidden(&s.viewer()));
    }
    match route {
        Route::AdminIndex => index(req, site, &s).await,
        Route::AdminLogout => logout(req, site, &s).await,
        Route::AdminComments => comment_list(req, site, &s).await,
        Route::AdminModerate => moderate(req, site, &s, params).await,
        Route::AdminWaiting => waiting(req, site, &s).await,
        Route::AdminPledges => pledges(req, site, &s).await,
        Route::AdminPledgesCsv => pledges_csv(req, site, &s).await,
        Route::AdminVolunteers => volunteers(req, site, &s).await,
        Route::AdminVolunteersCsv => volunteers_csv(req, site, &s).await,
        Route::AdminAlertTest => alert_test(req, site, &s).await,
        Route::AdminErase => erase_page(req, site, &s).await,
        Route::AdminEraseFind => erase_find(req, site, &s).await,
        Route::AdminEraseRun => erase(req, site, &s).await,
        Route::AdminAccount => accounts::account(site, &s).await,
        Route::AdminSessionsEnd => accounts::sessions_end(req, site, &s).await,
        Route::AdminAccounts => accounts::team(site, &s).await,
        Route::AdminAccountInvite => accounts::invite_new(req, site, &s).await,
        Route::AdminAccountAction => accounts::account_action(req, site, &s, params).await,
        Route::AdminAudit => accounts::audit(req, site, &s).await,
        Route::AdminAuditCsv => accounts::audit_csv(req, site, &s).await,
        Route::AdminSources => sources(req, site, &s).await,
        Route::AdminUpdates => crate::updates::admin_list(site, &s).await,
        Route::AdminUpdateCreate => crate::updates::admin_create(req, site, &s).await,
        Route::AdminUpdateEdit => crate::updates::admin_edit(site, &s, params).await,
        Route::AdminUpdateSave => crate::updates::admin_save(req, site, &s, params).await,
        Route::AdminUpdateAction => crate::updates::admin_action(req, site, &s, params).await,
        _ => Err(AppError::NotFound.into()),
    }
}

/// The most a form post to `/admin` may carry (a reply is at most 4,000 characters).
const MAX_FORM: usize = 256 * 1024;

/// Why an admin request is refused before anything is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A page without a session: `303` to the login.
    SignIn,
    /// Anything else without a session: `401`, empty.
    NoSession,
    /// A post whose CSRF token is missing or not its session's: `403`.
    Csrf,
}

/// The admin area's error: a refusal, or any error of the site (answered as the site answers
/// it, then made private).
#[derive(Debug)]
pub enum AdminError {
    Refused(Refusal),
    App(AppError),
}

impl From<AppError> for AdminError {
    fn from(e: AppError) -> Self {
        AdminError::App(e)
    }
}

impl From<worker::Error> for AdminError {
    fn from(e: worker::Error) -> Self {
        AdminError::App(AppError::from(e))
    }
}

impl From<Refusal> for AdminError {
    fn from(r: Refusal) -> Self {
        AdminError::Refused(r)
    }
}

impl AdminError {
    /// Like [`AppError::into_response`], and private.
    pub fn into_response(self, site: &Site) -> worker::Result<Response> {
        let resp = match self {
            AdminError::Refused(Refusal::SignIn) => http::see_other("/admin")?,
            AdminError::Refused(Refusal::NoSession) => Response::empty()?.with_status(401),
            AdminError::Refused(Refusal::Csrf) => Response::error("This form is stale or was not sent from the admin pages. Reload the page and try again.", 403)?,
            AdminError::App(e) => e.into_response(site.lang, site.links())?,
        };
        private(resp)
    }
}

/// No cache may keep an admin answer, and no search engine index it.
fn private(resp: Response) -> worker::Result<Response> {
    let mut resp = http::private(resp)?;
    resp.headers_mut()
        .set("X-Robots-Tag", "noindex, nofollow")?;
    Ok(resp)
}

/// An admin page: private and not indexed (the account and updates pages answer through it too).
pub fn page(status: u16, html: String) -> Result<Response, AdminError> {
    Ok(private(http::html(status, html)?)?)
}

/// A `303` within the admin area, private like its pages.
pub fn see_other(location: &str) -> Result<Response, AdminError> {
    Ok(private(http::see_other(location)?)?)
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// A live session and whose it is.
pub struct Session {
    pub id_hash: String,
    pub csrf: String,
    pub account_id: i64,
    pub name: String,
    pub roles: Roles,
}

impl Session {
    /// What the views need of it.
    pub fn viewer(&self) -> Viewer<'_> {
        Viewer {
            name: &self.name,
            roles: self.roles,
            csrf: &self.csrf,
        }
    }

    /// Records what this maintainer did.
    pub async fn audit(
        &self,
        site: &Site,
        action: Action,
        subject: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), AppError> {
        store::accounts::audit(
            site.db()?,
            site.now,
            Some(self.account_id),
            action,
            subject,
            detail,
        )
        .await
    }
}

/// The session the request's cookie names, if it is live and its account active. A cookie not
/// shaped like an id is not looked up.
pub async fn session(req: &Request, site: &Site) -> Result<Option<Session>, AppError> {
    let Some(id) = http::cookie(req, SESSION_COOKIE).filter(|id| is_session_id(id)) else {
        return Ok(None);
    };
    let id_hash = session_hash(&id);
    let db = site.db()?;
    Ok(store::accounts::session(db, &id_hash, site.now)
        .await?
        .map(|r| Session {
            roles: Roles::from_list(&r.roles).unwrap_or_default(),
            id_hash,
            csrf: r.csrf,
            account_id: r.account_id,
            name: r.name,
        }))
}

/// A form with nothing but its CSRF token.
#[derive(Default, Deserialize)]
pub struct Empty {}

/// The one field every admin post carries.
#[derive(Default, Deserialize)]
#[serde(default)]
struct CsrfField {
    csrf: String,
}

/// A post's form, once its CSRF token is the session's. A body that does not parse as the form
/// is an empty form (and so has no token).
pub async fn form_of<F: DeserializeOwned + Default>(
    req: &mut Request,
    s: &Session,
) -> Result<F, AdminError> {
    Ok(form_fields(req, s).await?.0)
}

/// [`form_of`], with the body's raw pairs too (repeated fields, such as a list of roles).
pub async fn form_fields<F: DeserializeOwned + Default>(
    req: &mut Request,
    s: &Session,
) -> Result<(F, Vec<(String, String)>), AdminError> {
    let body = http::body_within(req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    let token: CsrfField = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if token.csrf.is_empty() || !keys::constant_time_eq(token.csrf.as_bytes(), s.csrf.as_bytes()) {
        return Err(Refusal::Csrf.into());
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    Ok((
        serde_urlencoded::from_bytes(&body).unwrap_or_default(),
        pairs,
    ))
}

/// `POST /admin/alerts/test`: a test message to the team's chat; back to the overview, which
/// says whether it went.
async fn alert_test(mut req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    form_of::<ActionForm>(&mut req, s).await?;
    let sent = crate::alerts::send(site.config, app::alerts::TEST_MESSAGE).await;
    s.audit(
        site,
        Action::AlertTested,
        None,
        Some(if sent.is_ok() { "sent" } else { "failed" }),
    )
    .await?;
    if let Err(e) = &sent {
        crate::log::event("alert_not_sent", &[("why", &e.to_string())]);
    }
    see_other(if sent.is_ok() {
        "/admin?test=sent#alerts"
    } else {
        "/admin?test=failed#alerts"
    })
}

/// `GET /admin`: the overview, or the login form.
async fn index(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let d = db::dashboard(site.db()?).await?;
    let reconcile = store::jobs::last_run(site.db()?, "reconcile")
        .await?
        .map(|r| {
            app::reconcile::Standing::from_row(
                r.last_run_at,
                r.checkpoint.as_deref(),
                r.last_counts.as_deref(),
                site.now,
            )
        });
    let configured = site.config.stripe_secret_key.is_some();
    let alerts = views::AlertsStanding {
        configured: site.config.telegram.is_some(),
        last_sent_at: store::jobs::last_run(site.db()?, "alerts")
            .await?
            .and_then(|r| app::alerts::State::parse(r.checkpoint.as_deref()).last_sent_at),
        test: http::query(&req, "test").and_then(|t| match t.as_str() {
            "sent" => Some(true),
            "failed" => Some(false),
            _ => None,
        }),
    };
    page(
        200,
        views::dashboard(&s.viewer(), d, configured, reconcile, alerts),
    )
}

/// `POST /admin/logout`: the session ends in D1, and the browser forgets the cookie.
async fn logout(mut req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    form_of::<ActionForm>(&mut req, s).await?;
    store::accounts::end_session(site.db()?, &s.id_hash).await?;
    s.audit(site, Action::SignOut, None, None).await?;
    let mut resp = http::see_other("/admin")?;
    resp.headers_mut()
        .set("Set-Cookie", &cleared_session_cookie())?;
    Ok(private(resp)?)
}

// ---------------------------------------------------------------------------------------------
// Moderation and replies

/// `GET /admin/comments?status=held|approved|spam&page=n`.
async fn comment_list(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let list = CommentList::from_query(&http::query(&req, "status").unwrap_or_default());
    let page_no = parse_page(&http::query(&req, "page").unwrap_or_default());
    page(200, render_list(site, s, list, page_no, None).await?)
}

async fn render_list(
    site: &Site,
    s: &Session,
    list: CommentList,
    page_no: i64,
    draft: Option<ReplyDraft>,
) -> Result<String, AdminError> {
    let (total, mut comments) = db::comment_list(site.db()?, list, page_no).await?;
    hide_emails(s, &mut comments);
    Ok(views::comments(
        &s.viewer(),
        CommentsPage {
            list,
            page: page_no,
            total,
            comments,
            draft,
        },
    ))
}

/// A commenter's email is for the roles that need it (never a moderator's).
fn hide_emails(s: &Session, comments: &mut [app::admin::AdminComment]) {
    if !sees_emails(s.roles) {
        for c in comments {
            c.email = None;
        }
    }
}

/// `GET /admin/waiting`: approved comments still waiting for the campaign's reply.
async fn waiting(_req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    page(200, render_waiting(site, s, None).await?)
}

async fn render_waiting(
    site: &Site,
    s: &Session,
    draft: Option<ReplyDraft>,
) -> Result<String, AdminError> {
    let mut comments = db::waiting(site.db()?).await?;
    hide_emails(s, &mut comments);
    Ok(views::waiting(&s.viewer(), comments, site.now, draft))
}

/// `POST /admin/comments/{id}/{approve|spam|delete|reply}`: one click, then back to the same
/// place in the same list.
async fn moderate(
    mut req: Request,
    site: &Site,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    let form: ActionForm = form_of(&mut req, s).await?;
    let id = params
        .first()
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)?;
    let action = params
        .get(1)
        .and_then(|a| Moderation::parse(a))
        .ok_or(AppError::NotFound)?;
    let db = site.db()?;
    let place = form.place();
    let done = match action {
        Moderation::Approve => db::set_comment_status(db, id, CommentStatus::Approved).await?,
        Moderation::Spam => db::set_comment_status(db, id, CommentStatus::Spam).await?,
        Moderation::Delete => db::delete_comment(db, id).await?,
        Moderation::Reply => return reply(site, s, id, &form, place).await,
    };
    if !done {
        return Err(AppError::NotFound.into());
    }
    let what = match action {
        Moderation::Approve => "approve",
        Moderation::Spam => "spam",
        Moderation::Delete => "delete",
        Moderation::Reply => "reply",
    };
    s.audit(
        site,
        Action::Moderated,
        Some(&format!("comment {id}")),
        Some(what),
    )
    .await?;
    // The public page may show (or have shown) this comment: the edge must not keep it.
    site.changed(crate::cache::Change::Home);
    see_other(&place.href())
}

/// A reply as the campaign: public at once, threaded under the comment it answers.
async fn reply(
    site: &Site,
    s: &Session,
    parent: i64,
    form: &ActionForm,
    place: ListPlace,
) -> Result<Response, AdminError> {
    let db = site.db()?;
    let body = match reply_body(&form.text) {
        Ok(body) => body,
        Err(problem) => {
            let draft = Some(ReplyDraft {
                parent,
                text: form.text.clone(),
                problem,
            });
            let html = match place.list {
                Some(list) => render_list(site, s, list, place.page, draft).await?,
                None => render_waiting(site, s, draft).await?,
            };
            return page(422, html);
        }
    };
    let (thread, lang) = db::reply_target(db, parent)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = app::admin::campaign_name(&lang);
    db::create_reply(
        db,
        &db::NewReply {
            parent,
            thread,
            name,
            body: &body,
            lang: &lang,
            now: site.now,
        },
    )
    .await?;
    s.audit(
        site,
        Action::Replied,
        Some(&format!("comment {parent}")),
        None,
    )
    .await?;
    site.changed(crate::cache::Change::Home);
    // In a list the comment stays where it was; in the waiting view it has left.
    let place = if place.list.is_some() {
        ListPlace {
            anchor: Some(parent),
            ..place
        }
    } else {
        place
    };
    see_other(&place.href())
}

// ---------------------------------------------------------------------------------------------
// Pledges and volunteers

/// The status filter of the pledge pages: a status's name, or `all`.
fn pledge_filter(req: &Request) -> &'static str {
    http::query(req, "status")
        .as_deref()
        .and_then(Status::parse)
        .map_or("all", Status::as_str)
}

/// `GET /admin/pledges?status=…&page=n`.
async fn pledges(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let filter = pledge_filter(&req);
    let page_no = parse_page(&http::query(&req, "page").unwrap_or_default());
    let today = day_of(site.now);
    let since = (today - (CHART_DAYS - 1)) * 86_400;
    let d = db::pledges_page(site.db()?, filter, page_no, since).await?;
    let chart_svg = paid_per_day_svg(&d.days, today);
    let html = views::pledges(
        &s.viewer(),
        PledgesPage {
            filter: Status::parse(filter),
            page: page_no,
            matching: d.matching,
            rows: d.rows,
            totals: d.totals,
            raised: d.raised,
            gifts: d.gifts,
            flagged: d.flagged,
            flagged_events: d.flagged_events,
            waiting_refunds: d.waiting_refunds,
            chart_svg,
            monthly: d.monthly,
            monthly_rows: d.monthly_rows,
        },
    );
    page(200, html)
}

/// `GET /admin/sources?days=&code=&tier=&lang=`: the by-source report and the link builder.
async fn sources(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let days = app::reach::report_days(http::query(&req, "days").as_deref());
    let db = site.db()?;
    let rows = store::reach::by_source(db, site.now - days * 86_400).await?;
    let tiers = store::tiers(db).await?.into_iter().map(|t| t.id).collect();
    let base = match site.config.site_url.as_str() {
        "" => site.origin.clone(),
        configured => configured.to_string(),
    };
    let builder = app::views::sources::LinkBuilder {
        code: http::query(&req, "code").unwrap_or_default(),
        tier: http::query(&req, "tier").unwrap_or_default(),
        km: http::query(&req, "lang").as_deref() == Some("km"),
    };
    let html = app::views::sources::sources(
        &s.viewer(),
        app::views::sources::SourcesPage {
            days,
            rows,
            tiers,
            builder,
            base,
        },
    );
    page(200, html)
}

/// A CSV file to download, named with what it holds and the day.
pub fn csv(site: &Site, name: &str, body: String) -> Result<Response, AdminError> {
    let mut resp = Response::ok(body)?;
    let h = resp.headers_mut();
    h.set("Content-Type", "text/csv; charset=utf-8")?;
    let day = app::time::date(site.now);
    h.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{name}-{day}.csv\""),
    )?;
    Ok(private(resp)?)
}

/// `GET /admin/pledges.csv?status=…`: every pledge the filter matches.
async fn pledges_csv(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let filter = pledge_filter(&req);
    let rows = db::all_pledges(site.db()?, filter).await?;
    s.audit(
        site,
        Action::Exported,
        Some(&format!("pledges.csv?status={filter}")),
        Some(&format!("{} rows", rows.len())),
    )
    .await?;
    csv(
        site,
        &format!("pledges-{filter}"),
        app::admin::pledges_csv(&rows),
    )
}

/// `GET /admin/volunteers?page=n`.
async fn volunteers(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let page_no = parse_page(&http::query(&req, "page").unwrap_or_default());
    let (total, rows) = db::volunteers_page(site.db()?, page_no).await?;
    page(200, views::volunteers(&s.viewer(), page_no, total, rows))
}

/// `GET /admin/volunteers.csv`.
async fn volunteers_csv(_req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let rows = db::all_volunteers(site.db()?).await?;
    s.audit(
        site,
        Action::Exported,
        Some("volunteers.csv"),
        Some(&format!("{} rows", rows.len())),
    )
    .await?;
    csv(site, "volunteers", app::admin::volunteers_csv(&rows))
}

// ---------------------------------------------------------------------------------------------
// Erasure by email

/// `GET /admin/erase[?done=id]`: the search form, the erasure just made, the latest ones. An
/// `?email=` is not read: the address is only ever posted.
async fn erase_page(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let done = http::query(&req, "done").as_deref().and_then(parse_id);
    page(200, render_erase_page(site, s, done, "", None).await?)
}

async fn render_erase_page(
    site: &Site,
    s: &Session,
    done: Option<i64>,
    email: &str,
    problem: Option<EraseProblem>,
) -> Result<String, AdminError> {
    let (done, recent) = db::erasures(site.db()?, done).await?;
    Ok(views::erase(
        &s.viewer(),
        ErasePage {
            done,
            recent,
            email: email.to_string(),
            problem,
        },
    ))
}

/// The erase forms' session, form and address; a malformed address is the 422 page instead.
async fn erase_form(
    req: &mut Request,
    site: &Site,
    s: &Session,
) -> Result<Result<(EraseForm, String), Response>, AdminError> {
    let form: EraseForm = form_of(req, s).await?;
    match form.email() {
        Ok(email) => Ok(Ok((form, email))),
        Err(problem) => {
            let html = render_erase_page(site, s, None, &form.email, Some(problem)).await?;
            Ok(Err(page(422, html)?))
        }
    }
}

/// `POST /admin/erase/find`: everything stored for the posted address.
async fn erase_find(mut req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let (_, email) = match erase_form(&mut req, site, s).await? {
        Ok(posted) => posted,
        Err(refused) => return Ok(refused),
    };
    let stored = db::stored_for(site.db()?, &email).await?;
    page(200, views::erase_found(&s.viewer(), stored, None))
}

/// `POST /admin/erase`: erases the address's personal fields once the box is ticked and the
/// rows shown are still the rows stored; then to the erasure's record.
async fn erase(mut req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let (form, email) = match erase_form(&mut req, site, s).await? {
        Ok(posted) => posted,
        Err(refused) => return Ok(refused),
    };
    let db = site.db()?;
    let stored = db::stored_for(db, &email).await?;
    if stored.counts.total() == 0 {
        return page(200, views::erase_found(&s.viewer(), stored, None));
    }
    if let Err(problem) = form.check(stored.counts.total()) {
        return page(422, views::erase_found(&s.viewer(), stored, Some(problem)));
    }
    let Some(done) = db::erase_email(db, &email, site.now).await? else {
        // Erased by someone else in the meantime.
        let stored = db::stored_for(db, &email).await?;
        return page(200, views::erase_found(&s.viewer(), stored, None));
    };
    s.audit(
        site,
        Action::Erased,
        Some(&format!("erasure {}", done.id)),
        Some(&format!(
            "{} pledges, {} comments, {} volunteers",
            done.pledges, done.comments, done.volunteers
        )),
    )
    .await?;
    // The public page may show a donor's name or one of these comments.
    site.changed(crate::cache::Change::Home);
    crate::log::event(
        "erasure",
        &[
            ("kind", done.kind.as_str()),
            ("id", &done.id.to_string()),
            ("pledges", &done.pledges.to_string()),
            ("comments", &done.comments.to_string()),
            ("volunteers", &done.volunteers.to_string()),
        ],
    );
    see_other(&format!("/admin/erase?done={}", done.id))
}
