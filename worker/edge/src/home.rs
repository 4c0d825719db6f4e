//! The campaign page, drawn for both workers: the site draws it for visitors (and keeps it at
//! the edge), the office draws it again after a form post with the visitor's values and
//! problems (pledge, comment, volunteer).
//!
//! [`render_home`] is the one way the campaign page is drawn. It draws a *template*
//! (`app::views::Template`): its literal parts, and holes where the forms' tokens and a share
//! link's values go, placed by the renderer itself. [`serve`] fills them for each response, so
//! the template can be kept at the edge and shared.

use crate::ctx::{Checkout, Ctx};
use crate::{error::AppError, http, platform, store};
use app::i18n::Lang;
use app::keys;
use app::pledge::PledgeForm;
use app::reach::Reach;
use app::views::{self, CommentFormState, HomePage, PledgeFormState, Template, VolunteerFormState};
use worker::Response;

/// A drawn page and its ETag: what the edge keeps, and what every response is served from. A
/// campaign page keeps its holes (`Template`); anything else the edge keeps (the badge, a
/// feed, page data) has none.
#[derive(Clone)]
pub struct Cached {
    pub status: u16,
    pub etag: String,
    pub template: Template,
}

impl Cached {
    /// A drawn page (status 200), its ETag computed from its literal text and its holes: a
    /// change of either is a new page.
    pub fn drawn(template: Template) -> Cached {
        let etag = if template.holes().next().is_none() {
            http::etag(template.text())
        } else {
            http::etag(&format!("{}{}", template.holes_table(), template.text()))
        };
        Cached {
            status: 200,
            etag,
            template,
        }
    }
}

/// How a served page's tokens are dated: `app::keys::issued_at` is the one rule, by each
/// form's kind and whether the page answers a post whose own token was good.
pub use app::keys::Tokens;

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
/// with holes where the forms' tokens go.
pub async fn render_home(cx: &Ctx, lang: Lang, ov: Overrides) -> Result<Template, AppError> {
    let doc = store::home_doc(cx.db()?, ov.page.max(1)).await?;
    render_from(cx, lang, &doc, ov).await
}

/// The shared page (no visitor's values) drawn from page data: what the edge keeps.
pub async fn template_from(cx: &Ctx, lang: Lang, doc: &str, page: i64) -> Result<Cached, AppError> {
    let ov = Overrides {
        page,
        ..Default::default()
    };
    Ok(Cached::drawn(render_from(cx, lang, doc, ov).await?))
}

/// Draws the campaign page from its page data (`store::home_doc`), adding the visitor's own
/// held comments (one small query, only when their cookie names comments) and what a post
/// puts back.
pub async fn render_from(
    cx: &Ctx,
    lang: Lang,
    doc: &str,
    ov: Overrides,
) -> Result<Template, AppError> {
    let page = ov.page.max(1);
    // A commenter's own held comments, after their own write: from the primary. The shared
    // page (no cookie) opens no session for them.
    let held = if ov.own.is_empty() {
        "[]".to_string()
    } else {
        store::held_comments(cx.primary()?, &ov.own).await?
    };
    let (campaign, comments, updates) = store::home_from(
        doc,
        &held,
        cx.config.goal,
        page,
        &ov.own,
        app::comment::own_since(cx.now),
    )?;
    let tiers: Vec<_> = campaign.tiers.iter().map(|p| p.tier.clone()).collect();
    let holes = ov.pledge.is_none();
    let mut comment_form = ov.comment.unwrap_or_default();
    if let Some(parent) = ov.reply_to {
        comment_form.reply_to = comments
            .threads
            .iter()
            .map(|t| &t.root)
            .find(|c| c.id == parent)
            .map(|c| (c.id, c.name.clone()));
    }
    Ok(views::home(HomePage {
        lang,
        links: cx.links(),
        pledge: PledgeFormState {
            form: ov.pledge.unwrap_or_else(|| PledgeForm::initial(&tiers)),
            problems: ov.pledge_problems,
            enabled: cx.checkout() != Checkout::Off,
            deadline: cx.deadline(),
            // The blank form is shared: a share link's values are filled in per response.
            holes,
        },
        campaign,
        comments,
        comment_form,
        volunteer: ov.volunteer.unwrap_or_default(),
        updates,
    }))
}

/// A rendered page as this response sends it: its holes filled with tokens of its own.
pub fn serve(cx: &Ctx, page: &Cached, tokens: Tokens) -> Result<Response, AppError> {
    serve_reach(cx, page, tokens, &Reach::default())
}

/// [`serve`], with the share link's code and prefilled choices of this request's own query
/// in the page's holes (after the ETag was computed: the ETag names the shared page).
pub fn serve_reach(
    cx: &Ctx,
    page: &Cached,
    tokens: Tokens,
    reach: &Reach,
) -> Result<Response, AppError> {
    let key = &cx.keys()?.form_token;
    let body = page.template.serve(reach, |form| {
        keys::serve_token(key, form, tokens, cx.now, platform::random16())
    });
    let mut resp = Response::from_html(body)?.with_status(page.status);
    resp.headers_mut().set("ETag", &page.etag)?;
    Ok(resp)
}

/// The page again after a form post, with what the visitor sent and what is wrong with it:
/// private (it carries their words), never cached.
pub async fn again(
    cx: &Ctx,
    lang: Lang,
    status: u16,
    ov: Overrides,
    tokens: Tokens,
) -> Result<Response, AppError> {
    let page = Cached {
        status,
        ..Cached::drawn(render_home(cx, lang, ov).await?)
    };
    Ok(http::private(serve(cx, &page, tokens)?)?)
}
