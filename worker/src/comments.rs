//! `POST /comments` and `POST /volunteer`: visitors' words, kept whatever goes wrong.
//!
//! Checks, in order: the honeypot (a bot gets a silent 303 and nothing is stored), the signed
//! form token (3 s to 24 h old, accepted once), the fields, the visitor's rate (by keyed IP
//! hash, counted atomically). Any problem brings the page back with everything typed and a
//! fresh token. Comments are held for
//! moderation; their author sees them at once through a signed cookie naming their own.

use crate::held::{held_cookie, own_held, HELD_MAX};
use crate::pages::{again, Overrides, Tokens};
use crate::site::Site;
use crate::{error::AppError, http, store};
use app::comment::CommentForm;
use app::form::{Problem, Problems};
use app::i18n::Lang;
use app::keys;
use app::limits::Bucket;
use app::views::{CommentFormState, VolunteerFormState};
use app::volunteer::VolunteerForm;
use worker::{Request, Response};

/// 4,000 Khmer characters are 12 KB of UTF-8 and 36 KB percent-encoded.
const MAX_FORM: usize = 64 * 1024;

/// A post refused before anything was stored: what to tell the visitor, and how old the
/// fresh tokens of the page that says so may be.
type Refusal = (Problem, Tokens);

/// The form token: signed, of the right age, and never presented before (its nonce is
/// recorded now, so a scraped token posts once). A bad token gets fresh tokens back, never
/// pre-aged ones, so the minimum age cannot be skipped.
async fn check_token(
    site: &Site,
    form: &str,
    token: &str,
) -> Result<Result<(), Refusal>, AppError> {
    let Ok(good) = keys::check_form_token(&site.keys()?.form_token, form, token, site.now) else {
        return Ok(Err((Problem::Token, Tokens::Fresh)));
    };
    if !store::limits::use_nonce(site.db()?, &good.nonce, good.remember_until, site.now).await? {
        return Ok(Err((Problem::Token, Tokens::Fresh)));
    }
    Ok(Ok(()))
}

/// Counts the action against the visitor's limits, atomically.
async fn check_rate(
    site: &Site,
    req: &Request,
    bucket: Bucket,
) -> Result<Result<(), Refusal>, AppError> {
    let visitor = site.visitor(req)?;
    match store::limits::take(site.db()?, bucket, &visitor, site.now).await? {
        Some(_) => Ok(Ok(())),
        None => Ok(Err((Problem::RateLimited, Tokens::Aged))),
    }
}

fn status_of(p: &Problem) -> u16 {
    if *p == Problem::RateLimited {
        429
    } else {
        422
    }
}

fn one(p: Problem) -> Problems {
    let mut problems = Problems::default();
    problems.add("", p);
    problems
}

/// What a refused comment puts back on the page.
struct CommentAgain {
    form: CommentForm,
    own_held: Vec<i64>,
}

impl CommentAgain {
    async fn answer(
        self,
        site: &Site,
        lang: Lang,
        status: u16,
        problems: Problems,
        tokens: Tokens,
    ) -> Result<Response, AppError> {
        let reply_to = self.form.parent_id.parse().ok();
        let ov = Overrides {
            comment: Some(CommentFormState {
                form: self.form,
                problems,
                ..Default::default()
            }),
            own_held: self.own_held,
            reply_to,
            ..Default::default()
        };
        again(site, lang, status, ov, tokens).await
    }
}

/// `POST /comments` and `POST /km/comments`.
pub async fn create(mut req: Request, site: &Site) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form: CommentForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let lang = http::form_lang(&form.lang, site.lang);
    let held = own_held(&req, site);
    if form.is_bot() {
        return Ok(http::see_other(&format!("{}#comments", lang.href("/")))?);
    }
    if let Err((p, tokens)) = check_token(site, "comment", &form.token).await? {
        return CommentAgain {
            form,
            own_held: held,
        }
        .answer(site, lang, status_of(&p), one(p), tokens)
        .await;
    }
    let comment = match form.validate() {
        Ok(c) => c,
        Err(problems) => {
            return CommentAgain {
                form,
                own_held: held,
            }
            .answer(site, lang, 422, problems, Tokens::Aged)
            .await
        }
    };
    let db = site.db()?;
    let thread_id = match comment.parent_id {
        None => None,
        Some(parent) => match store::approved_thread_of(db, parent).await? {
            Some(t) => Some(t),
            None => {
                let mut problems = Problems::default();
                problems.add("parent_id", Problem::Parent);
                return CommentAgain {
                    form,
                    own_held: held,
                }
                .answer(site, lang, 422, problems, Tokens::Aged)
                .await;
            }
        },
    };
    match check_rate(site, &req, Bucket::Comment).await? {
        Ok(()) => {}
        Err((p, tokens)) => {
            return CommentAgain {
                form,
                own_held: held,
            }
            .answer(site, lang, status_of(&p), one(p), tokens)
            .await
        }
    };
    let id = store::create_comment(db, &comment, thread_id, lang.code(), site.now).await?;
    let mut ids = vec![id];
    ids.extend(held.into_iter().filter(|h| *h != id).take(HELD_MAX - 1));
    let cookie = held_cookie(
        &site.keys()?.held_cookie,
        &ids,
        site.origin.starts_with("https://"),
    );
    let mut resp = http::see_other(&format!("{}#comment-{id}", lang.href("/")))?;
    resp.headers_mut().set("Set-Cookie", &cookie)?;
    Ok(resp)
}

async fn volunteer_again(
    site: &Site,
    lang: Lang,
    status: u16,
    form: VolunteerForm,
    problems: Problems,
    tokens: Tokens,
) -> Result<Response, AppError> {
    let ov = Overrides {
        volunteer: Some(VolunteerFormState {
            form,
            problems,
            ..Default::default()
        }),
        ..Default::default()
    };
    again(site, lang, status, ov, tokens).await
}

/// `POST /volunteer` and `POST /km/volunteer`.
pub async fn volunteer(mut req: Request, site: &Site) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form = VolunteerForm::from_pairs(serde_urlencoded::from_bytes(&body).unwrap_or_default());
    let lang = http::form_lang(&form.lang, site.lang);
    if form.is_bot() {
        return Ok(http::see_other(&lang.href("/volunteer/thanks"))?);
    }
    if let Err((p, tokens)) = check_token(site, "volunteer", &form.token).await? {
        return volunteer_again(site, lang, status_of(&p), form, one(p), tokens).await;
    }
    let offer = match form.validate() {
        Ok(v) => v,
        Err(problems) => {
            return volunteer_again(site, lang, 422, form, problems, Tokens::Aged).await
        }
    };
    match check_rate(site, &req, Bucket::Volunteer).await? {
        Ok(()) => {}
        Err((p, tokens)) => {
            return volunteer_again(site, lang, status_of(&p), form, one(p), tokens).await
        }
    };
    store::create_volunteer(site.db()?, &offer, lang.code(), site.now).await?;
    Ok(http::see_other(&lang.href("/volunteer/thanks"))?)
}

/// `GET /volunteer/thanks`.
pub fn volunteer_thanks(site: &Site) -> Result<Response, AppError> {
    Ok(http::html(
        200,
        app::views::volunteer_thanks(site.lang, &site.origin),
    )?)
}
