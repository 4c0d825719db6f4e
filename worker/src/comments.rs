//! `POST /comments` and `POST /volunteer`: visitors' words, kept whatever goes wrong.
//!
//! Checks, in order: the honeypot (a bot gets a silent 303 and nothing is stored), the signed
//! form token (3 s to 24 h old), the fields, the visitor's rate (by keyed IP hash). Any problem
//! brings the page back with everything typed and a fresh token. Comments are held for
//! moderation; their author sees them at once through a signed cookie naming their own.

use crate::pages::{render_home, Overrides};
use crate::{config, error::AppError, http, platform, store};
use app::comment::CommentForm;
use app::form::{Problem, Problems};
use app::i18n::Lang;
use app::keys::{self, Key, Purpose, TokenProblem};
use app::views::{CommentFormState, VolunteerFormState};
use app::volunteer::VolunteerForm;
use worker::{Env, Request, Response, RouteContext};

/// Per visitor: at most 2 a minute and 10 an hour (comments and volunteer offers alike).
const LIMITS: [(i64, i64); 2] = [(60, 2), (3600, 10)];
const HELD_COOKIE: &str = "held";
/// The newest held comments a visitor's cookie remembers.
const HELD_MAX: usize = 20;
/// 4,000 Khmer characters are 12 KB of UTF-8 and 36 KB percent-encoded.
const MAX_FORM: usize = 64 * 1024;

/// The ids of the visitor's own held comments, from their signed cookie.
pub fn own_held(req: &Request, env: &Env) -> Vec<i64> {
    let Some(raw) = http::cookie(req, HELD_COOKIE) else { return Vec::new() };
    let Ok(key) = config::key(env, Purpose::HeldCookie) else { return Vec::new() };
    keys::unseal(&key, &raw).map(|v| v.split('-').filter_map(|id| id.parse().ok()).take(HELD_MAX).collect()).unwrap_or_default()
}

fn held_cookie(key: &Key, ids: &[i64], secure: bool) -> String {
    let value = ids.iter().map(i64::to_string).collect::<Vec<_>>().join("-");
    let secure = if secure { "; Secure" } else { "" };
    format!("{HELD_COOKIE}={}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax{secure}", keys::seal(key, &value))
}

/// The checks every visitor form shares. `Err` carries the problem to show.
async fn screen(env: &Env, req: &Request, form: &str, token: &str, bucket: &str) -> Result<Result<String, Problem>, AppError> {
    let now = platform::now();
    match keys::check_form_token(&config::key(env, Purpose::FormToken)?, form, token, now) {
        Ok(()) => {}
        Err(TokenProblem::Forged | TokenProblem::TooFresh | TokenProblem::Expired) => return Ok(Err(Problem::Token)),
    }
    let ip_hash = keys::ip_hash(&config::key(env, Purpose::IpHash)?, &platform::client_ip(req));
    let db = env.d1("DB")?;
    for (window, limit) in LIMITS {
        if store::recent_actions(&db, bucket, &ip_hash, now - window).await? >= limit {
            return Ok(Err(Problem::RateLimited));
        }
    }
    Ok(Ok(ip_hash))
}

fn status_of(p: &Problem) -> u16 {
    if *p == Problem::RateLimited { 429 } else { 422 }
}

async fn body(req: &mut Request) -> Result<Vec<u8>, AppError> {
    let body = req.bytes().await?;
    if body.len() > MAX_FORM {
        return Err(AppError::TooLarge);
    }
    Ok(body)
}

async fn comment_again(env: &Env, origin: &str, lang: Lang, status: u16, form: CommentForm, problems: Problems, own_held: Vec<i64>) -> Result<Response, AppError> {
    let reply_to = form.parent_id.parse().ok();
    let ov = Overrides { comment: Some(CommentFormState { form, problems, ..Default::default() }), own_held, reply_to, after_post: true, ..Default::default() };
    Ok(http::private(http::html(status, render_home(env, origin, lang, ov).await?)?)?)
}

/// `POST /comments` and `POST /km/comments`.
pub async fn create(mut req: Request, ctx: RouteContext<()>) -> Result<Response, AppError> {
    let (path_lang, _) = Lang::split_path(&req.path());
    let origin = http::origin(&req);
    let body = body(&mut req).await?;
    let form: CommentForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let lang = http::form_lang(&form.lang, path_lang);
    let held = own_held(&req, &ctx.env);
    if form.is_bot() {
        return Ok(http::see_other(&format!("{}#comments", lang.href("/")))?);
    }
    let ip_hash = match screen(&ctx.env, &req, "comment", &form.token, "comment").await? {
        Ok(h) => h,
        Err(p) => {
            let status = status_of(&p);
            let mut problems = Problems::default();
            problems.add("", p);
            return comment_again(&ctx.env, &origin, lang, status, form, problems, held).await;
        }
    };
    let comment = match form.validate() {
        Ok(c) => c,
        Err(problems) => return comment_again(&ctx.env, &origin, lang, 422, form, problems, held).await,
    };
    let db = ctx.env.d1("DB")?;
    let thread_id = match comment.parent_id {
        None => None,
        Some(parent) => match store::approved_thread_of(&db, parent).await? {
            Some(t) => Some(t),
            None => {
                let mut problems = Problems::default();
                problems.add("parent_id", Problem::Parent);
                return comment_again(&ctx.env, &origin, lang, 422, form, problems, held).await;
            }
        },
    };
    let id = store::create_comment(&db, &comment, thread_id, lang.code(), &ip_hash, platform::now()).await?;
    let mut ids = vec![id];
    ids.extend(held.into_iter().filter(|h| *h != id).take(HELD_MAX - 1));
    let cookie = held_cookie(&config::key(&ctx.env, Purpose::HeldCookie)?, &ids, origin.starts_with("https://"));
    let mut resp = http::see_other(&format!("{}#comment-{id}", lang.href("/")))?;
    resp.headers_mut().set("Set-Cookie", &cookie)?;
    Ok(resp)
}

async fn volunteer_again(env: &Env, origin: &str, lang: Lang, status: u16, form: VolunteerForm, problems: Problems) -> Result<Response, AppError> {
    let ov = Overrides { volunteer: Some(VolunteerFormState { form, problems, ..Default::default() }), after_post: true, ..Default::default() };
    Ok(http::private(http::html(status, render_home(env, origin, lang, ov).await?)?)?)
}

/// `POST /volunteer` and `POST /km/volunteer`.
pub async fn volunteer(mut req: Request, ctx: RouteContext<()>) -> Result<Response, AppError> {
    let (path_lang, _) = Lang::split_path(&req.path());
    let origin = http::origin(&req);
    let body = body(&mut req).await?;
    let form = VolunteerForm::from_pairs(serde_urlencoded::from_bytes(&body).unwrap_or_default());
    let lang = http::form_lang(&form.lang, path_lang);
    if form.is_bot() {
        return Ok(http::see_other(&lang.href("/volunteer/thanks"))?);
    }
    let ip_hash = match screen(&ctx.env, &req, "volunteer", &form.token, "volunteer").await? {
        Ok(h) => h,
        Err(p) => {
            let status = status_of(&p);
            let mut problems = Problems::default();
            problems.add("", p);
            return volunteer_again(&ctx.env, &origin, lang, status, form, problems).await;
        }
    };
    let offer = match form.validate() {
        Ok(v) => v,
        Err(problems) => return volunteer_again(&ctx.env, &origin, lang, 422, form, problems).await,
    };
    let db = ctx.env.d1("DB")?;
    store::create_volunteer(&db, &offer, lang.code(), &ip_hash, platform::now()).await?;
    Ok(http::see_other(&lang.href("/volunteer/thanks"))?)
}

/// `GET /volunteer/thanks`.
pub async fn volunteer_thanks(req: Request, _ctx: RouteContext<()>) -> Result<Response, AppError> {
    let (lang, _) = Lang::split_path(&req.path());
    Ok(http::html(200, app::views::volunteer_thanks(lang, &http::origin(&req)))?)
}
