//! The campaign page, drawn for both workers: the site draws it for visitors (and keeps it at
//! the edge), the office draws it again after a form post with the visitor's values and
//! problems (pledge, comment, volunteer).
//!
//! [`render_home`] is the one way the campaign page is drawn. It draws a *template*: form
//! tokens stand in it as slots, and [`serve`] fills them for each response, so the template
//! can be kept at the edge and shared.

use crate::ctx::{Checkout, Ctx};
use crate::{error::AppError, http, platform, store};
use app::i18n::Lang;
use app::keys;
use app::pledge::PledgeForm;
use app::reach::Reach;
use app::views::{self, CommentFormState, HomePage, PledgeFormState, VolunteerFormState};
use worker::Response;

/// A drawn page: the rendered template (token slots unfilled) and its ETag. What the edge
/// keeps, and what every response is filled from.
#[derive(Clone)]
pub struct Cached {
    pub status: u16,
    pub etag: String,
    pub template: String,
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
/// with token slots where the forms' tokens go.
pub async fn render_home(cx: &Ctx, lang: Lang, ov: Overrides) -> Result<String, AppError> {
    let doc = store::home_doc(cx.db()?, ov.page.max(1)).await?;
    render_from(cx, lang, &doc, ov).await
}

/// The shared page (no visitor's values) drawn from page data: what the edge keeps.
pub async fn template_from(cx: &Ctx, lang: Lang, doc: &str, page: i64) -> Result<Cached, AppError> {
    let ov = Overrides {
        page,
        ..Default::default()
    };
    let template = render_from(cx, lang, doc, ov).await?;
    Ok(Cached {
        status: 200,
        etag: http::etag(&template),
        template,
    })
}

/// Draws the campaign page from its page data (`store::home_doc`), adding the visitor's own
/// held comments (one small query, only when their cookie names comments) and what a post
/// puts back.
pub async fn render_from(
    cx: &Ctx,
    lang: Lang,
    doc: &str,
    ov: Overrides,
) -> Result<String, AppError> {
    let page = ov.page.max(1);
    let held = store::held_comments(cx.db()?, &ov.own).await?;
    let (campaign, comments, updates) = store::home_from(
        doc,
        &held,
        cx.config.goal,
        page,
        &ov.own,
        app::comment::own_since(cx.now),
    )?;
    let tiers: Vec<_> = campaign.tiers.iter().map(|p| p.tier.clone()).collect();
    let slots = ov.pledge.is_none();
    let mut comment_form = ov.comment.unwrap_or_default();
    comment_form.token = keys::token_slot(keys::Form::Comment);
    if let Some(parent) = ov.reply_to {
        comment_form.reply_to = comments
            .threads
            .iter()
            .map(|t| &t.root)
            .find(|c| c.id == parent)
            .map(|c| (c.id, c.name.clone()));
    }
    let mut volunteer = ov.volunteer.unwrap_or_default();
    volunteer.token = keys::token_slot(keys::Form::Volunteer);
    Ok(views::home(HomePage {
        lang,
        links: cx.links(),
        pledge: PledgeFormState {
            form: ov.pledge.unwrap_or_else(|| PledgeForm::initial(&tiers)),
            problems: ov.pledge_problems,
            enabled: cx.checkout() != Checkout::Off,
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
pub fn serve(cx: &Ctx, page: &Cached, tokens: Tokens) -> Result<Response, AppError> {
    serve_reach(cx, page, tokens, &Reach::default())
}

/// [`serve`], with the share link's code and prefilled choices of this request's own query
/// filled into the page's reach slots (after the ETag was computed: the ETag names the
/// shared template).
pub fn serve_reach(
    cx: &Ctx,
    page: &Cached,
    tokens: Tokens,
    reach: &Reach,
) -> Result<Response, AppError> {
    let body = keys::fill_token_slots(
        &app::reach::fill_reach_slots(&page.template, reach),
        &cx.keys()?.form_token,
        tokens,
        cx.now,
        platform::random16,
    );
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
    let template = render_home(cx, lang, ov).await?;
    let page = Cached {
        status,
        etag: http::etag(&template),
        template,
    };
    Ok(http::private(serve(cx, &page, tokens)?)?)
}
