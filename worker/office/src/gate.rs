//! The admin area's gate: who is asking (a session of an active account), whether their roles
//! include the route, the CSRF token on every post, and the private answers. It imports no
//! handler, so every section and `accounts` can import it without a circle (zero2prod keeps
//! `authentication/middleware.rs` apart from `routes/admin/` the same way).
//!
//! Access, in order, for every request:
//! 1. **A session** of an active account (`accounts.rs` signs in with a password and a second
//!    factor). The cookie carries a random id only (`HttpOnly; Secure; SameSite=Strict;
//!    Path=/admin`, 12 hours); D1 holds its hash, so signing out, expiring or disabling the
//!    account really ends it. A session also carries its account's generation as its sign-in
//!    read it, and works only while that is still the account's: a reset or a disabling
//!    bumps it, so a sign-in that raced one never leaves a session that works again. Without a live session an admin page answers `303` to the
//!    sign-in and anything else (a post, a CSV file) `401` with an empty body: nothing about the
//!    data shows.
//! 2. **The account's roles** include the route (`app::account::roles::may`), or the answer is
//!    a `403` page; links outside one's roles are not drawn.
//! 3. **A CSRF token** on every post, bound to the session (stored with it, compared in
//!    constant time). `SameSite=Strict` alone would do in today's browsers; the token makes it
//!    not depend on that.
//! 4. Every answer, refusals included, is `no-store` and `noindex`; every action is recorded in
//!    the audit trail ([`Session::audit`]), ids and counts only.

use app::account::audit::Action;
use app::account::roles::Roles;
use app::admin::{is_session_id, session_hash, SESSION_COOKIE};
use app::keys;
use app::routes::Admin;
use app::views::admin::Viewer;
use edge::ctx::Ctx;
use edge::{error::AppError, http, store};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{Request, Response};
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
    pub fn into_response(self, cx: &Ctx) -> worker::Result<Response> {
        let resp = match self {
            AdminError::Refused(Refusal::SignIn) => http::see_other(Admin::Index.path())?,
            AdminError::Refused(Refusal::NoSession) => Response::empty()?.with_status(401),
            AdminError::Refused(Refusal::Csrf) => Response::error("This form is stale or was not sent from the admin pages. Reload the page and try again.", 403)?,
            AdminError::App(e) => e.into_response(cx.lang, cx.links())?,
        };
        private(resp)
    }
}

/// No cache may keep an admin answer, and no search engine index it.
pub fn private(resp: Response) -> worker::Result<Response> {
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
        cx: &Ctx,
        action: Action,
        subject: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), AppError> {
        store::accounts::audit(
            cx.db()?,
            cx.now,
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
pub async fn session(req: &Request, cx: &Ctx) -> Result<Option<Session>, AppError> {
    let Some(id) = http::cookie(req, SESSION_COOKIE).filter(|id| is_session_id(id)) else {
        return Ok(None);
    };
    let id_hash = session_hash(&id);
    let db = cx.db()?;
    Ok(store::accounts::session(db, &id_hash, cx.now)
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
    let token: CsrfField = app::form::decode(&body);
    if token.csrf.is_empty() || !keys::constant_time_eq(token.csrf.as_bytes(), s.csrf.as_bytes()) {
        return Err(Refusal::Csrf.into());
    }
    let pairs: Vec<(String, String)> = app::form::decode(&body);
    Ok((app::form::decode(&body), pairs))
}

/// A CSV file to download, named with what it holds and the day.
pub fn csv(cx: &Ctx, name: &str, body: String) -> Result<Response, AdminError> {
    let mut resp = Response::ok(body)?;
    let h = resp.headers_mut();
    h.set("Content-Type", "text/csv; charset=utf-8")?;
    let day = app::time::date(cx.now);
    h.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{name}-{day}.csv\""),
    )?;
    Ok(private(resp)?)
}
