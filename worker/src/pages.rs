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
use worker::{Context, Request, Response};

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

/// Draws the campaign page in `lang` (the path's, or after a post the form's own) from D1,
/// with token slots where the forms' tokens go.
pub async fn render_home(site: &Site, lang: Lang, ov: Overrides) -> Result<String, AppError> {
    let doc = store::home_doc(site.db()?, ov.page.max(1)).await?;
    render_from(site, lang, &doc, ov).await
}

/// The shared page (no visitor's values) drawn from page data: what the edge keeps.
pub async fn template_from(
    site: &Site,
    lang: Lang,
    doc: &str,
    page: i64,
) -> Result<Cached, AppError> {
    let ov = Overrides {
        page,
        ..Default::default()
    };
    let template = render_from(site, lang, doc, ov).await?;
    Ok(Cached {
        status: 200,
        etag: cache::etag(&template),
        template,
    })
}

/// Draws the campaign page from its page data (`store::home_doc`), adding the visitor's own
/// held comments (one small query, only when their cookie names comments) and what a post
/// puts back.
async fn render_from(
    site: &Site,
    lang: Lang,
    doc: &str,
    ov: Overrides,
) -> Result<String, AppError> {
    let page = ov.page.max(1);
    let held = store::held_comments(site.db()?, &ov.own).await?;
    let (campaign, comments, updates) = store::home_from(
        doc,
        &held,
        site.config.goal,
        page,
        &ov.own,
        app::comment::own_since(site.now),
    )?;
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

/// `GET /` and `GET /km/`: from the edge cache when it has the page (a stale copy at once,
/// drawn anew in the background); for a visitor whose cookie names their own comments, drawn
/// from the kept page data and their held comments.
pub async fn home(req: Request, site: &Site, ctx: &Context) -> Result<Response, AppError> {
    let key = cache::key(&req, site.config.edge_ttl);
    let reach = Reach::from_query(&http::query_pairs(&req));
    let page = http::query(&req, "page")
        .and_then(|p| app::form::parse_count(&p))
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let own = crate::held::own_comments(&req, site);
    if let Some(key) = &key {
        if own.is_empty() {
            let (drawn, edge) = match cache::lookup(key, site.now).await {
                Some(hit) if hit.fresh => (hit.page, Some("hit")),
                Some(hit) => {
                    cache::refresh_later(ctx, site, site.lang, page);
                    (hit.page, Some("stale"))
                }
                None => (cache::refresh(site, site.lang, page).await?, None),
            };
            let mut resp = serve_reach(site, &drawn, Tokens::Fresh, &reach)?;
            // The page is rebuilt from the kept template, so the Cache API's own
            // `cf-cache-status` does not reach the browser: say where it came from.
            if let Some(edge) = edge {
                resp.headers_mut().set("X-Edge-Cache", edge)?;
            }
            return Ok(cache::for_browser(&req, resp)?);
        }
        // A commenter: the shared page data, and their own held comments.
        let doc = cache::page_data(ctx, site, page).await?;
        let ov = Overrides {
            page,
            own,
            ..Default::default()
        };
        let template = render_from(site, site.lang, &doc, ov).await?;
        let drawn = Cached {
            status: 200,
            etag: cache::etag(&template),
            template,
        };
        let mut resp = serve_reach(site, &drawn, Tokens::Fresh, &reach)?;
        resp.headers_mut().set("X-Edge-Cache", "data")?;
        return Ok(cache::for_browser(&req, resp)?);
    }
    let reply_to = http::query(&req, "reply").and_then(|p| p.parse::<i64>().ok());
    let mut ov = Overrides {
        page,
        reply_to,
        own,
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
    Ok(cache::for_browser(
        &req,
        serve_reach(site, &page, Tokens::Fresh, &reach)?,
    )?)
}

thread_local! {
    /// The page data `__bench/render` draws from: read from D1 once per isolate.
    static BENCH_DOC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// `GET /__bench/render` (and `/km/…`), on a loopback host only (`make bench`): the campaign
/// page as `/` draws it, from page data read from D1 once per isolate, so that each request
/// measures the render alone. Anywhere else a 404.
pub async fn bench_render(site: &Site) -> Result<Response, AppError> {
    if !site.loopback {
        return Err(AppError::NotFound);
    }
    let doc = match BENCH_DOC.with(|d| d.borrow().clone()) {
        Some(doc) => doc,
        None => {
            let doc = store::home_doc(site.db()?, 1).await?;
            BENCH_DOC.with(|d| *d.borrow_mut() = Some(doc.clone()));
            doc
        }
    };
    let drawn = template_from(site, site.lang, &doc, 1).await?;
    serve(site, &drawn, Tokens::Fresh)
}

/// `GET /__bench/d1`, on a loopback host only (`make bench`): the page statement read and
/// decoded as a render would, answered with the number of comments, so that each request
/// measures the D1 read alone (beside the peer's `/_bench/d1`). Anywhere else a 404.
pub async fn bench_d1(site: &Site) -> Result<Response, AppError> {
    if !site.loopback {
        return Err(AppError::NotFound);
    }
    let doc = store::home_doc(site.db()?, 1).await?;
    let (_, comments, _) = store::home_from(&doc, "[]", site.config.goal, 1, &[], 0)?;
    Ok(Response::ok(comments.total_comments.to_string())?)
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
