//! Signing in: the visitor's bucket, the account's slow-down, the password, the second factor.

use super::*;
use crate::gate::{page, see_other, AdminError};
use app::account::audit::Action;
use app::account::password::{self, StoredHash};
use app::account::{recovery, totp};
use app::admin::{
    is_session_id, session_cookie, session_hash, session_id, sign_in_name, signin_wait,
    SESSION_COOKIE, SESSION_SECS,
};
use app::keys::{self, token_hash};
use app::limits::{Bucket, LOGIN_TRIES};
use app::routes::Admin;
use app::views::accounts::{self as views, SignInProblem};
use edge::ctx::Ctx;
use edge::store::accounts as accounts_sql;
use edge::{crypto, error::AppError, http, platform, store};
use serde::Deserialize;
use worker::{Request, Response};

#[derive(Default, Deserialize)]
#[serde(default)]
struct SignInForm {
    name: String,
    password: String,
    code: String,
}

/// A stored hash for a name that is no account's, so that a wrong name costs what a wrong
/// password costs and the answer's timing says nothing about which names exist.
fn decoy() -> StoredHash {
    StoredHash {
        iterations: password::PER_CALL_ITERATIONS,
        calls: password::CALLS,
        salt: vec![0; password::SALT_BYTES],
        hash: [0; 32],
    }
}

/// `POST /admin/login`.
pub async fn sign_in(mut req: Request, cx: &Ctx) -> Result<Response, AdminError> {
    let db = cx.db()?;
    let now = cx.now;
    let visitor = cx.visitor(&req)?;
    // The try takes its place first: refused tries are not counted nor checked, so the lock
    // ends on time for a maintainer who keeps trying.
    let Some(place) = store::limits::take(db, Bucket::Login, &visitor, now).await? else {
        return page(429, views::sign_in(Some(SignInProblem::LockedOut), ""));
    };
    let form: SignInForm = body_form(&mut req).await?;
    let typed = form.name.trim().to_string();
    let account = match sign_in_name(&form.name) {
        Some(name) => accounts_sql::by_name(db, &name).await?,
        None => None,
    };
    if let Some(a) = &account {
        if signin_wait(a.failed_signins, a.last_failed_at, now) > 0 {
            return page(429, views::sign_in(Some(SignInProblem::Wait), &typed));
        }
    }
    let usable = account.as_ref().filter(|a| a.is_active());
    let stored = usable
        .and_then(|a| a.password_hash.as_deref())
        .and_then(StoredHash::decode);
    let password_ok = match &stored {
        Some(h) => crypto::verify_password(&form.password, h).await?,
        None => {
            let _ = crypto::verify_password(&form.password, &decoy()).await?;
            false
        }
    };
    let ok = match usable {
        Some(a) if password_ok => second_factor(cx, a, &form.code).await?,
        _ => false,
    };
    let Some(a) = usable.filter(|_| ok) else {
        if let Some(a) = &account {
            accounts_sql::signin_failed(db, a.id, now).await?;
        }
        accounts_sql::audit(
            db,
            now,
            account.as_ref().map(|a| a.id),
            Action::SignInFailed,
            None,
            None,
        )
        .await?;
        // The failure that starts a lock-out says so at once.
        let locked = store::limits::count(db, Bucket::Login, &visitor, now).await? >= LOGIN_TRIES;
        return if locked {
            page(429, views::sign_in(Some(SignInProblem::LockedOut), &typed))
        } else {
            page(403, views::sign_in(Some(SignInProblem::Wrong), &typed))
        };
    };
    store::limits::give_back(db, place).await?;
    let id = session_id(platform::random16());
    let csrf = keys::hex(&platform::random16());
    let replaces = http::cookie(&req, SESSION_COOKIE)
        .filter(|id| is_session_id(id))
        .map(|id| session_hash(&id));
    accounts_sql::create_session(
        db,
        &session_hash(&id),
        a,
        &csrf,
        now,
        now + SESSION_SECS,
        replaces.as_deref(),
    )
    .await?;
    accounts_sql::audit(db, now, Some(a.id), Action::SignIn, None, None).await?;
    let mut resp = see_other(Admin::Index.path())?;
    resp.headers_mut().set("Set-Cookie", &session_cookie(&id))?;
    Ok(resp)
}

/// The code typed: the authenticator's (taken once, by its step) or a recovery code (spent).
async fn second_factor(
    cx: &Ctx,
    a: &accounts_sql::AccountRow,
    code: &str,
) -> Result<bool, AppError> {
    let db = cx.db()?;
    if let Some(normal) = recovery::normalise(code) {
        let hash = token_hash(&cx.keys()?.recovery_code, &normal);
        return accounts_sql::use_recovery(db, a.id, &hash, cx.now).await;
    }
    let Some(secret) = open_secret(cx, a.totp_secret.as_deref()).await? else {
        return Ok(false);
    };
    let last = u64::try_from(a.totp_last_step).unwrap_or(0);
    match totp::verify(&secret, code, cx.now, last) {
        Some(step) => {
            accounts_sql::take_step(db, a.id, i64::try_from(step).unwrap_or(i64::MAX)).await
        }
        None => Ok(false),
    }
}
