//! "Would you make it monthly?" (#28 §2), the office's half: the step `POST /pledges` answers a
//! valid one-off gift's first post with, and the donor's answer read back.
//!
//! The first post takes nothing: no permit of the Rate Limiting binding, no D1 limit, no
//! pledge; it reads the tiers (to know the form is valid) and draws a private page. The answer
//! carries the whole form, so `pledges::create` then goes on exactly as for a form that was not
//! asked: the shield, the limits and the pledge, once. The eligibility attestation keeps the
//! first post's time: signed (`keys::attestation`) and bound to the step's token, which is
//! single use, so neither can be replayed or re-dated.

use crate::forms;
use app::campaign::Tier;
use app::form::{Problem, Problems};
use app::funnel::Kind;
use app::i18n::Lang;
use app::keys::{self, Form, Tokens};
use app::pledge::{Frequency, NewPledge, PledgeForm};
use app::upsell::{self, Answer, StepFields};
use edge::ctx::Ctx;
use edge::{error::AppError, http, platform, store};
use worker::Response;

/// What the first post of a gift form leads to.
pub enum First {
    /// The step's page: the donor is asked.
    Asked(Response),
    /// Not asked (a monthly gift, a resumed form, or a form with problems); the tiers, when
    /// they were read to find out.
    Go(Option<Vec<Tier>>),
}

/// The first post: asked when the form is valid, for once, and not back from the checkout.
pub async fn first(cx: &Ctx, lang: Lang, form: &PledgeForm) -> Result<First, AppError> {
    if form.frequency() == Frequency::Monthly || form.resumed() {
        return Ok(First::Go(None));
    }
    let tiers = store::tiers(cx.db()?).await?;
    let pledge = match form.validate(&tiers) {
        Ok(p) if upsell::asks(form, &p) => p,
        _ => return Ok(First::Go(Some(tiers))),
    };
    funnel(cx, lang, form, Funnel::Shown).await;
    let monthly = upsell::suggested_dollars(pledge.amount).to_string();
    let page = step_page(
        cx,
        lang,
        form,
        &pledge,
        monthly,
        cx.now,
        Problems::default(),
    )?;
    Ok(First::Asked(page))
}

/// What the donor's answer leads to.
pub enum Answered {
    /// Go on with this form (the answer applied), attested at this time.
    Go(Box<PledgeForm>, i64),
    /// The step again (a monthly amount out of range), with a new token.
    Again(Response),
    /// The token or the attestation was refused (reused, forged, too old): the gift form
    /// again, with its problem, to be sent afresh.
    Refused(Problem),
}

/// The donor answered: the token (once), the attestation's time, then the answer applied.
pub async fn answer(
    cx: &Ctx,
    lang: Lang,
    form: &PledgeForm,
    step: &StepFields,
    answer: Answer,
) -> Result<Answered, AppError> {
    if let Err((problem, _)) = forms::check_token(cx, Form::PledgeUpsell, &step.token).await? {
        return Ok(Answered::Refused(problem));
    }
    let Some(at) = keys::attested_at(
        &cx.keys()?.upsell_attestation,
        &step.token,
        &step.attested,
        cx.now,
    ) else {
        return Ok(Answered::Refused(Problem::Token));
    };
    if answer == Answer::Monthly {
        if let Some(problems) = upsell::monthly_problems(&step.monthly_amount) {
            let tiers = store::tiers(cx.db()?).await?;
            // The carried form was valid when asked; one that no longer is goes on to be
            // refused with its problems like any other.
            if let Ok(pledge) = form.validate(&tiers) {
                let again = step_page(
                    cx,
                    lang,
                    form,
                    &pledge,
                    step.monthly_amount.clone(),
                    at,
                    problems,
                )?;
                return Ok(Answered::Again(again));
            }
        } else {
            funnel(cx, lang, form, Funnel::Accepted).await;
        }
    }
    Ok(Answered::Go(
        Box::new(upsell::answered(form, answer, &step.monthly_amount)),
        at,
    ))
}

/// The step's page, private and never cached, with a token that takes a press at once (it
/// only confirms one of two answers: `FormKind::Confirm`) and the attestation at `at`.
fn step_page(
    cx: &Ctx,
    lang: Lang,
    form: &PledgeForm,
    pledge: &NewPledge,
    monthly: String,
    at: i64,
    problems: Problems,
) -> Result<Response, AppError> {
    let keys = cx.keys()?;
    let token = keys::serve_token(
        &keys.form_token,
        Form::PledgeUpsell,
        Tokens::Aged,
        cx.now,
        platform::random16(),
    );
    let attested = keys::attestation(&keys.upsell_attestation, &token, at);
    let status = if problems.is_empty() { 200 } else { 422 };
    let html = app::views::upsell_step(
        lang,
        cx.links(),
        app::views::UpsellStep {
            form,
            one_off: pledge.amount,
            monthly,
            token: &token,
            attested: &attested,
            problems,
        },
    );
    Ok(http::private(http::html(status, html)?)?)
}

/// The funnel's two upsell counts (`crate::funnel`), per language and source code; counts
/// only: no IP, no cookie, no id. Shown is the form's `Sent` too: its answer is not counted as
/// sent again (`pledges::create`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Funnel {
    /// The step was shown.
    Shown,
    /// The donor chose to give every month.
    Accepted,
}

async fn funnel(cx: &Ctx, lang: Lang, form: &PledgeForm, what: Funnel) {
    let kinds: &[Kind] = match what {
        Funnel::Shown => &[Kind::Sent, Kind::UpsellShown],
        Funnel::Accepted => &[Kind::UpsellAccepted],
    };
    crate::funnel::count(cx, kinds, lang, &app::funnel::source_of(&form.source)).await;
}
