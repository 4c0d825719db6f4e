//! `POST /comments` and `POST /volunteer`: visitors' words, kept whatever goes wrong.
//!
//! Checks, in order: the honeypot (a bot gets a silent 303 and nothing is stored), the signed
//! form token (3 s to 24 h old, accepted once), the fields, the visitor's rate (by keyed IP
//! hash, counted atomically). Any problem brings the page back with everything typed and a
//! fresh token. Comments are held for
//! moderation; their author sees them at once through a signed cookie naming their own.

use crate::held::{own_comments, own_cookie};
use crate::pages::{again, Overrides, Tokens};
use crate::site::Site;
use crate::{error::AppError, http, store};
use app::comment::CommentForm;
use app::comment::OWN_COOKIE_MAX;
use app::form::{Problem, Problems};
use app::i18n::Lang;
use app::keys;
use app::limits::Bucket;
use app::views::{CommentFormState, VolunteerFormState};
use app::volunteer::VolunteerForm;
use worker::{Request, Response};

/// A comment of 4,000 characters as readers count them (`app::form::length`), each a heavy
/// Khmer cluster such as ស្ត្រី (18 bytes of UTF-8, 54 percent-encoded), is 216 KB posted.
const MAX_FORM: usize = 256 * 1024;

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
    own: Vec<i64>,
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
            own: self.own,
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
    let held = own_comments(&req, site);
    if form.is_bot() {
        return Ok(http::see_other(&format!("{}#comments", lang.href("/")))?);
    }
    if let Err((p, tokens)) = check_token(site, "comment", &form.token).await? {
        return CommentAgain { form, own: held }
            .answer(site, lang, status_of(&p), one(p), tokens)
            .await;
    }
    let comment = match form.validate() {
        Ok(c) => c,
        Err(problems) => {
            return CommentAgain { form, own: held }
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
                return CommentAgain { form, own: held }
                    .answer(site, lang, 422, problems, Tokens::Aged)
                    .await;
            }
        },
    };
    match check_rate(site, &req, Bucket::Comment).await? {
        Ok(()) => {}
        Err((p, tokens)) => {
            return CommentAgain { form, own: held }
                .answer(site, lang, status_of(&p), one(p), tokens)
                .await
        }
    };
    let id = store::create_comment(db, &comment, thread_id, lang.code(), site.now).await?;
    let mut ids = vec![id];
    ids.extend(
        held.into_iter()
            .filter(|h| *h != id)
            .take(OWN_COOKIE_MAX - 1),
    );
    let cookie = own_cookie(
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
        app::views::volunteer_thanks(site.lang, site.links()),
    )?)
}

/// Whether this visitor may delete comment `id`: it is theirs (their sealed cookie names it),
/// written within [`app::comment::OWN_COOKIE_DAYS`], and still there to delete.
enum Deletable {
    Yes(store::OwnRow),
    /// Not theirs, or too old: they are told how deletion works.
    NotYours,
    /// Theirs, but already gone (deleted, removed or moderated away).
    Gone,
}

async fn deletable(req: &Request, site: &Site, id: &str) -> Result<(i64, Deletable), AppError> {
    let id: i64 = id
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)?;
    if !own_comments(req, site).contains(&id) {
        return Ok((id, Deletable::NotYours));
    }
    let answer = match store::own_comment(site.db()?, id).await? {
        None => Deletable::Gone,
        Some(c) if c.status == app::comment::CommentStatus::Removed => Deletable::Gone,
        Some(c) if c.created_at < app::comment::own_since(site.now) => Deletable::NotYours,
        Some(c) => Deletable::Yes(c),
    };
    Ok((id, answer))
}

fn not_yours(site: &Site, lang: Lang) -> Result<Response, AppError> {
    Ok(http::private(http::html(
        403,
        app::views::comment_not_yours(lang, site.links()),
    )?)?)
}

/// `GET /comments/{id}/delete`: "delete your comment?", with the comment and what deleting
/// does. Private: it shows a held comment's words to its author only.
pub async fn delete_page(req: Request, site: &Site, id: &str) -> Result<Response, AppError> {
    match deletable(&req, site, id).await? {
        (id, Deletable::Yes(c)) => Ok(http::private(http::html(
            200,
            app::views::comment_delete(
                site.lang,
                site.links(),
                app::views::OwnComment {
                    id,
                    body: c.body,
                    has_replies: c.has_replies,
                },
            ),
        )?)?),
        (_, Deletable::NotYours) => not_yours(site, site.lang),
        (_, Deletable::Gone) => Err(AppError::NotFound),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    lang: String,
}

/// `POST /comments/{id}/delete`: the author deletes it (a placeholder stays if others replied),
/// the erasure is recorded as a count, the cookie forgets it, and every cached page of the
/// campaign page is purged.
pub async fn delete(mut req: Request, site: &Site, id: &str) -> Result<Response, AppError> {
    let body = http::body_within(&mut req, 1024)
        .await?
        .ok_or(AppError::TooLarge)?;
    let form: DeleteForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let lang = http::form_lang(&form.lang, site.lang);
    let id = match deletable(&req, site, id).await? {
        (id, Deletable::Yes(_)) => id,
        (_, Deletable::NotYours) => return not_yours(site, lang),
        (_, Deletable::Gone) => return Err(AppError::NotFound),
    };
    let db = site.db()?;
    let deleted = store::delete_own(db, id, site.now).await?;
    if deleted {
        site.changed(crate::cache::Change::Home);
    }
    crate::log::event(
        "comment_deleted_by_author",
        &[("deleted", if deleted { "1" } else { "0" })],
    );
    let rest: Vec<i64> = own_comments(&req, site)
        .into_iter()
        .filter(|c| *c != id)
        .collect();
    let cookie = own_cookie(
        &site.keys()?.held_cookie,
        &rest,
        site.origin.starts_with("https://"),
    );
    let mut resp = http::private(http::html(
        200,
        app::views::comment_deleted(lang, site.links()),
    )?)?;
    resp.headers_mut().set("Set-Cookie", &cookie)?;
    Ok(resp)
}
