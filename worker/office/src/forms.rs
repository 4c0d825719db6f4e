//! What the visitors' forms (a comment, an offer of help) check before anything is stored:
//! the signed form token and the visitor's rate. Any problem brings the page back with
//! everything typed and a fresh token.

use app::form::{Problem, Problems};
use app::keys::{self, Form};
use app::limits::Bucket;
use edge::ctx::Ctx;
use edge::home::Tokens;
use edge::{error::AppError, store};
use worker::Request;

/// A comment of 4,000 characters as readers count them (`app::form::length`), each a heavy
/// Khmer cluster such as ស្ត្រី (18 bytes of UTF-8, 54 percent-encoded), is 216 KB posted.
pub const MAX_FORM: usize = 256 * 1024;

/// A post refused before anything was stored: what to tell the visitor, and how old the
/// fresh tokens of the page that says so may be.
pub type Refusal = (Problem, Tokens);

/// The form token: signed, of the right age, and never presented before (its nonce is
/// recorded now, so a scraped token posts once). A bad token gets fresh tokens back, never
/// pre-aged ones, so the minimum age cannot be skipped.
pub async fn check_token(
    cx: &Ctx,
    form: Form,
    token: &str,
) -> Result<Result<(), Refusal>, AppError> {
    let Ok(good) = keys::check_form_token(&cx.keys()?.form_token, form, token, cx.now) else {
        return Ok(Err((Problem::Token, Tokens::Fresh)));
    };
    if !store::limits::use_nonce(cx.db()?, &good.nonce, good.remember_until, cx.now).await? {
        return Ok(Err((Problem::Token, Tokens::Fresh)));
    }
    Ok(Ok(()))
}

/// Counts the action against the visitor's limits, atomically.
pub async fn check_rate(
    cx: &Ctx,
    req: &Request,
    bucket: Bucket,
) -> Result<Result<(), Refusal>, AppError> {
    let visitor = cx.visitor(req)?;
    match store::limits::take(cx.db()?, bucket, &visitor, cx.now).await? {
        Some(_) => Ok(Ok(())),
        None => Ok(Err((Problem::RateLimited, Tokens::Aged))),
    }
}

pub fn status_of(p: &Problem) -> u16 {
    if *p == Problem::RateLimited {
        429
    } else {
        422
    }
}

pub fn one(p: Problem) -> Problems {
    let mut problems = Problems::default();
    problems.add("", p);
    problems
}
