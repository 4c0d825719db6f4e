//! The visitor pages: the campaign page in both languages, and 404s.
//!
//! [`render_home`] is the one way the campaign page is drawn: a plain GET, or a form post that
//! comes back with the visitor's values and problems (pledge, comment, volunteer).

use crate::{cache, config, error::AppError, http, platform, store};
use app::i18n::Lang;
use app::keys::{self, Purpose};
use app::pledge::{is_pledge_id, PledgeForm};
use app::views::{self, CommentFormState, HomePage, PledgeFormState, VolunteerFormState};
use worker::{Env, Request, Response, RouteContext};

/// What a form post puts back on the page; `None` draws that form blank.
#[derive(Default)]
pub struct Overrides {
    pub page: i64,
    pub pledge: Option<PledgeForm>,
    pub pledge_problems: app::form::Problems,
    pub comment: Option<CommentFormState>,
    pub volunteer: Option<VolunteerFormState>,
    pub own_held: Vec<i64>,
    pub reply_to: Option<i64>,
    /// The page answers a form post that had a problem: its fresh tokens are dated back by the
    /// minimum age, so the visitor can simply press send again.
    pub after_post: bool,
}

/// Draws the campaign page.
pub async fn render_home(env: &Env, origin: &str, lang: Lang, ov: Overrides) -> Result<String, AppError> {
    let db = env.d1("DB")?;
    let page = ov.page.max(1);
    let (campaign, comments) = store::home(&db, config::goal(env), page, &ov.own_held).await?;
    let tiers: Vec<_> = campaign.tiers.iter().map(|p| p.tier.clone()).collect();
    let token_key = config::key(env, Purpose::FormToken)?;
    let now = platform::now();
    let issued = if ov.after_post { now - keys::TOKEN_MIN_AGE_SECS } else { now };
    let mut comment_form = ov.comment.unwrap_or_default();
    comment_form.token = keys::form_token(&token_key, "comment", issued);
    if let Some(parent) = ov.reply_to {
        comment_form.reply_to = comments.threads.iter().map(|t| &t.root).find(|c| c.id == parent).map(|c| (c.id, c.name.clone()));
    }
    let mut volunteer = ov.volunteer.unwrap_or_default();
    volunteer.token = keys::form_token(&token_key, "volunteer", issued);
    Ok(views::home(HomePage {
        lang,
        origin,
        pledge: PledgeFormState {
            form: ov.pledge.unwrap_or_else(|| PledgeForm::initial(&tiers)),
            problems: ov.pledge_problems,
            enabled: config::checkout(env) != config::Checkout::Off,
        },
        campaign,
        comments,
        comment_form,
        volunteer,
    }))
}

/// `GET /` and `GET /km/`: from the edge cache when it has the page.
pub async fn home(req: Request, ctx: RouteContext<()>) -> Result<Response, AppError> {
    let key = cache::key(&req, &ctx.env);
    if let Some(key) = &key {
        if let Some(hit) = cache::lookup(key).await {
            return Ok(cache::for_browser(&req, hit)?);
        }
    }
    let (lang, _) = Lang::split_path(&req.path());
    let origin = http::origin(&req);
    let page = http::query(&req, "page").and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    let reply_to = http::query(&req, "reply").and_then(|p| p.parse::<i64>().ok());
    let mut ov = Overrides { page, reply_to, own_held: crate::comments::own_held(&req, &ctx.env), ..Default::default() };
    // Back from the checkout without paying: the form as the visitor left it. The pledge id is
    // the only key to those values, so this page is private.
    let resume = http::query(&req, "resume").filter(|id| is_pledge_id(id));
    if let Some(id) = &resume {
        let db = ctx.env.d1("DB")?;
        if let Some((form, _)) = store::pledge_form(&db, id).await? {
            ov.pledge = Some(form);
        }
    }
    let html = render_home(&ctx.env, &origin, lang, ov).await?;
    let mut resp = http::html(200, html)?;
    if resume.is_some() {
        return Ok(http::private(resp)?);
    }
    if let Some(key) = &key {
        // The page is served even if the edge cannot keep it.
        if let Err(e) = cache::store(key, cache::ttl(&ctx.env), &mut resp).await {
            worker::console_warn!("edge cache put failed: {e}");
        }
    }
    Ok(cache::for_browser(&req, resp)?)
}

/// `/km` without its slash: the Khmer home page lives at `/km/`.
pub async fn km_root(_req: Request, _ctx: RouteContext<()>) -> Result<Response, AppError> {
    Ok(http::see_other("/km/")?)
}

/// Anything no route matched: a real 404 page in the language of the path's prefix.
pub async fn not_found(_req: Request, _ctx: RouteContext<()>) -> Result<Response, AppError> {
    Err(AppError::NotFound)
}
