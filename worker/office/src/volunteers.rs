//! `POST /volunteer`: an offer of help, kept whatever goes wrong (the same checks as a
//! comment's: `forms`).

use crate::forms::*;
use app::form::Problems;
use app::i18n::Lang;
use app::limits::Bucket;
use app::views::VolunteerFormState;
use app::volunteer::VolunteerForm;
use edge::ctx::Ctx;
use edge::home::{again, Overrides, Tokens};
use edge::{error::AppError, http, store};
use worker::{Request, Response};

async fn volunteer_again(
    cx: &Ctx,
    lang: Lang,
    status: u16,
    form: VolunteerForm,
    problems: Problems,
    tokens: Tokens,
) -> Result<Response, AppError> {
    let ov = Overrides {
        volunteer: Some(VolunteerFormState { form, problems }),
        ..Default::default()
    };
    again(cx, lang, status, ov, tokens).await
}

/// `POST /volunteer` and `POST /km/volunteer`.
pub async fn create(mut req: Request, cx: &Ctx) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form = VolunteerForm::from_pairs(app::form::decode(&body));
    let lang = http::form_lang(&form.lang, cx.lang);
    if form.is_bot() {
        return Ok(http::see_other_after_form(&lang.href("/volunteer/thanks"))?);
    }
    if let Err((p, tokens)) = check_token(cx, app::keys::Form::Volunteer, &form.token).await? {
        return volunteer_again(cx, lang, status_of(&p), form, one(p), tokens).await;
    }
    let offer = match form.validate() {
        Ok(v) => v,
        Err(problems) => return volunteer_again(cx, lang, 422, form, problems, Tokens::Aged).await,
    };
    match check_rate(cx, &req, Bucket::Volunteer).await? {
        Ok(()) => {}
        Err((p, tokens)) => {
            return volunteer_again(cx, lang, status_of(&p), form, one(p), tokens).await
        }
    };
    store::create_volunteer(cx.db()?, &offer, lang.code(), cx.now).await?;
    Ok(http::see_other_after_form(&lang.href("/volunteer/thanks"))?)
}
