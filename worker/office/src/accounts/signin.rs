//! Signing in: the visitor's bucket, the turn in the account's (or the device's) slow-down,
//! the password, the second factor, and the device cookie a success leaves.

use super::*;
use crate::gate::{page, see_other, AdminError};
use app::account::audit::Action;
use app::account::password::{self, StoredHash};
use app::account::{recovery, totp};
use app::admin::{
    device_cookie as device_cookie_header, device_of, is_session_id, new_device, session_cookie,
    session_hash, session_id, sign_in_name, SlowDown, DEVICE_COOKIE, DEVICE_SECS, SESSION_COOKIE,
    SESSION_SECS,
};
use app::keys::{self, token_hash};
use app::limits::{Bucket, LOGIN_TRIES};
use app::routes::Admin;
use app::views::accounts::{self as views, SignInProblem};
use edge::ctx::Ctx;
use edge::store::accounts as accounts_sql;
use edge::store::signin::{self as signin_sql, Turn};
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

/// Whose slow-down a try takes its turn in: the account's, shared by every browser without
/// its device cookie, or that of the device whose cookie the browser brought (`id_hash`).
enum Budget {
    Account,
    Device(String),
}

/// `POST /admin/login`.
///
/// Every answer after the address's bucket let the try in runs exactly one password hash (the
/// account's, or a decoy when the name is no usable account's or its turn was refused), and a
/// try that does not sign in gets the same status and words whatever the name and count:
/// nothing tells whether a name exists (#27).
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
    let device_cookie = http::cookie(&req, DEVICE_COOKIE);
    let (budget, turn) = match &account {
        Some(a) => take_turn(cx, a, device_cookie.as_deref()).await?,
        // No account, so no slow-down: the same statement runs, for an id no account has, so
        // that an unknown name costs the store what a known one does.
        None => {
            let zero = SlowDown::default();
            signin_sql::take_account_turn(db, 0, zero, zero, now).await?;
            (Budget::Account, true)
        }
    };
    let usable = account.as_ref().filter(|a| turn && a.is_active());
    let stored = usable
        .and_then(|a| a.password_hash.as_deref())
        .and_then(StoredHash::decode)
        .filter(|h| h.calls > 0);
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
        // A try refused its turn was not checked: the trail says which it was.
        let action = if turn {
            Action::SignInFailed
        } else {
            Action::SignInRefused
        };
        accounts_sql::audit(db, now, account.as_ref().map(|a| a.id), action, None, None).await?;
        // The failure that starts a lock-out says so at once.
        let locked = store::limits::count(db, Bucket::Login, &visitor, now).await? >= LOGIN_TRIES;
        return if locked {
            page(429, views::sign_in(Some(SignInProblem::LockedOut), &typed))
        } else {
            page(403, views::sign_in(Some(SignInProblem::Wrong), &typed))
        };
    };
    store::limits::give_back(db, place).await?;
    let replaces_device = match budget {
        Budget::Account => {
            signin_sql::account_signed_in(db, a.id).await?;
            None
        }
        Budget::Device(id_hash) => Some(id_hash),
    };
    let (device, device_hash) = new_device(&cx.keys()?.admin_device, a.id, platform::random16());
    signin_sql::new_device(
        db,
        &device_hash,
        a.id,
        now,
        now + DEVICE_SECS,
        replaces_device.as_deref(),
    )
    .await?;
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
    resp.headers_mut()
        .append("Set-Cookie", &device_cookie_header(&device))?;
    Ok(resp)
}

/// How often a try takes up its turn again from the state another try left, before it is
/// refused: only tries arriving together miss, and a state with a wait refuses at once.
const TURN_TRIES: usize = 4;

/// The try's turn, before its password is hashed: in the slow-down of the device whose cookie
/// the browser brought, if it was made for this account and is still known; else in the
/// account's. True when the try took it.
async fn take_turn(
    cx: &Ctx,
    a: &accounts_sql::AccountRow,
    cookie: Option<&str>,
) -> Result<(Budget, bool), AppError> {
    let db = cx.db()?;
    let key = &cx.keys()?.admin_device;
    if let Some(id_hash) = cookie.and_then(|c| device_of(key, a.id, c)) {
        if let Some(seen) = signin_sql::device(db, &id_hash, a.id, cx.now).await? {
            let budget = Budget::Device(id_hash);
            let took = take_in(cx, &budget, a.id, seen).await?;
            return Ok((budget, took));
        }
    }
    let took = take_in(cx, &Budget::Account, a.id, a.slow_down()).await?;
    Ok((Budget::Account, took))
}

/// Takes the turn in `budget` from the state `seen`; when another try changed that state
/// meanwhile, again from the one it left, at most [`TURN_TRIES`] times.
async fn take_in(
    cx: &Ctx,
    budget: &Budget,
    account_id: i64,
    seen: SlowDown,
) -> Result<bool, AppError> {
    let (db, now) = (cx.db()?, cx.now);
    let mut seen = Some(seen);
    for _ in 0..TURN_TRIES {
        let Some((was, next)) = seen.and_then(|s| Some((s, s.reserve(now)?))) else {
            return Ok(false);
        };
        let turn = match budget {
            Budget::Account => {
                signin_sql::take_account_turn(db, account_id, was, next, now).await?
            }
            Budget::Device(id_hash) => {
                signin_sql::take_device_turn(db, id_hash, account_id, was, next, now).await?
            }
        };
        match turn {
            Turn::Taken => return Ok(true),
            Turn::Missed(now_is) => seen = now_is,
        }
    }
    Ok(false)
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
