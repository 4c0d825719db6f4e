//! The visitor pages: the campaign page in both languages, and 404s.
//!
//! [`render_home`] is the one way the campaign page is drawn: a plain GET, or a form post that
//! comes back with the visitor's values and problems (pledge, comment, volunteer). It draws a
//! *template*: form tokens stand in it as slots, and [`serve`] fills them for each response,
//! so the template can be kept at the edge and shared.

use crate::cache::{self, Cached};
use crate::site::{Checkout, Site};
use crate::{error::AppError, http, platform, store};
use app::i18n::Lang;
use app::keys;
use app::pledge::{is_pledge_id, PledgeForm};
use app::reach::Reach;
use app::views::{self, CommentFormState, HomePage, PledgeFormState, VolunteerFormState};
use worker::{Request, Response};

/// How old the tokens of a served page say they are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tokens {
    /// Issued now: the form can be sent in [`keys::TOKEN_MIN_AGE_SECS`].
    #[default]
    Fresh,
    /// Dated back by the minimum age, so the visitor can press send again at once. Only for
    /// the answer to a post whose own token was good (it proved the wait already); a post
    /// whose token was missing, forged or used gets fresh ones.
    Aged,
}

/// What a form post puts back on the page; `None` draws that form blank.
#[derive(Default)]
pub struct Overrides {
    pub page: i64,
    pub pledge: Option<PledgeForm>,
    pub pledge_problems: app::form::Problems,
    pub comment: Option<CommentFormState>,
    pub volunteer: Option<VolunteerFormState>,
    pub own: Vec<i64>,
    pub reply_to: Option<i64>,
}

/// Draws the campaign page in `lang` (the path's, or after a post the form's own), with token
/// slots where the forms' tokens go.
pub async fn render_home(site: &Site, lang: Lang, ov: Overrides) -> Result<String, AppError> {
    let page = ov.page.max(1);
    let (campaign, comments, updates) = store::home(
        site.db()?,
        site.config.goal,
        page,
        &ov.own,
        app::comment::own_since(site.now),
    )
    .await?;
    let tiers: Vec<_> = campaign.tiers.iter().map(|p| p.tier.clone()).collect();
    let slots = ov.pledge.is_none();
    let mut comment_form = ov.comment.unwrap_or_default();
    comment_form.token = keys::token_slot("comment");
    if let Some(parent) = ov.reply_to {
        comment_form.reply_to = comments
            .threads
            .iter()
            .map(|t| &t.root)
            .find(|c| c.id == parent)
            .map(|c| (c.id, c.name.clone()));
    }
    let mut volunteer = ov.volunteer.unwrap_or_default();
    volunteer.token = keys::token_slot("volunteer");
    Ok(views::home(HomePage {
        lang,
        origin: site.links(),
        pledge: PledgeFormState {
            form: ov.pledge.unwrap_or_else(|| PledgeForm::initial(&tiers)),
            problems: ov.pledge_problems,
            enabled: site.checkout() != Checkout::Off,
            // The blank form is shared: a share link's values are filled in per response.
            slots,
        },
        campaign,
        comments,
        comment_form,
        volunteer,
        updates,
    }))
}

/// A rendered page as this response sends it: its token slots filled with tokens of its own.
pub fn serve(site: &Site, page: &Cached, tokens: Tokens) -> Result<Response, AppError> {
    serve_reach(site, page, tokens, &Reach::default())
}

/// [`serve`], with the share link's code and prefilled choices of this request's own query
/// filled into the page's reach slots (after the ETag was computed: the ETag names the
/// shared template).
pub fn serve_reach(
    site: &Site,
    page: &Cached,
    tokens: Tokens,
    reach: &Reach,
) -> Result<Response, AppError> {
    let issued = match tokens {
        Tokens::Fresh => site.now,
        Tokens::Aged => site.now - keys::TOKEN_MIN_AGE_SECS,
    };
    let body = keys::fill_token_slots(
        &app::reach::fill_reach_slots(&page.template, reach),
        &site.keys()?.form_token,
        issued,
        platform::random16,
    );
    let mut resp = Response::from_html(body)?.with_status(page.status);
    resp.headers_mut().set("ETag", &page.etag)?;
    Ok(resp)
}

/// The page again after a form post, with what the visitor sent and what is wrong with it:
/// private (it carries their words), never cached.
pub async fn again(
    site: &Site,
    lang: Lang,
    status: u16,
    ov: Overrides,
    tokens: Tokens,
) -> Result<Response, AppError> {
    let template = render_home(site, lang, ov).await?;
    let page = Cached {
        status,
        etag: cache::etag(&template),
        template,
    };
    Ok(http::private(serve(site, &page, tokens)?)?)
}

/// `GET /` and `GET /km/`: from the edge cache when it has the page.
pub async fn home(req: Request, site: &Site) -> Result<Response, AppError> {
    let key = cache::key(&req, site.config.edge_ttl);
    let reach = Reach::from_query(&http::query_pairs(&req));
    if let Some(key) = &key {
        if let Some(hit) = cache::lookup(key).await {
            let mut resp = serve_reach(site, &hit, Tokens::Fresh, &reach)?;
            // The page is rebuilt from the kept template, so the Cache API's own
            // `cf-cache-status` does not reach the browser: say where it came from.
            resp.headers_mut().set("X-Edge-Cache", "hit")?;
            return Ok(cache::for_browser(&req, resp)?);
        }
    }
    let page = http::query(&req, "page")
        .and_then(|p| app::form::parse_count(&p))
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let reply_to = http::query(&req, "reply").and_then(|p| p.parse::<i64>().ok());
    let mut ov = Overrides {
        page,
        reply_to,
        own: crate::held::own_comments(&req, site),
        ..Default::default()
    };
    // Back from the checkout without paying: the form as the visitor left it, while the
    // pledge is pending and recent. The pledge id is the only key to those values, so this
    // page is private.
    let resume = http::query(&req, "resume").filter(|id| is_pledge_id(id));
    if let Some(id) = &resume {
        if let Some(form) = store::resumable_form(site.db()?, id, site.now).await? {
            ov.pledge = Some(form);
        }
    }
    let template = render_home(site, site.lang, ov).await?;
    let page = Cached {
        status: 200,
        etag: cache::etag(&template),
        template,
    };
    if resume.is_some() {
        return Ok(http::private(serve(site, &page, Tokens::Fresh)?)?);
    }
    if let Some(key) = &key {
        // The page is served even if the edge cannot keep it.
        if let Err(e) = cache::store(key, site.config.edge_ttl, &page).await {
            crate::log::event("edge_cache_put_failed", &[("error", &e.to_string())]);
        }
    }
    Ok(cache::for_browser(
        &req,
        serve_reach(site, &page, Tokens::Fresh, &reach)?,
    )?)
}

/// `/km` without its slash: the Khmer home page lives at `/km/`.
pub fn km_root() -> Result<Response, AppError> {
    Ok(http::see_other("/km/")?)
}

/// `GET /privacy`: what the site keeps and for how long, with the periods in force.
pub fn privacy(site: &Site) -> Result<Response, AppError> {
    Ok(http::html(
        200,
        app::views::privacy(site.lang, site.links(), &site.config.retention),
    )?)
}
