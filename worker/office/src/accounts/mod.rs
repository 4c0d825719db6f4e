//! Maintainers' accounts: the first owner, invitations, signing in with a second factor, one's
//! own sessions, the team (owners) and the audit trail (owners).
//!
//! * **The first owner** is made with `BOOTSTRAP_SECRET` (`/admin/bootstrap`), which does
//!   nothing while an owner is active or its own invitation can still be taken (decided in the
//!   statement that makes it): it makes an invitation like any other and sends its maker
//!   through it.
//! * **An invitation** (`/admin/invite/{token}`: 128 random bits, stored hashed, 48 hours,
//!   once) asks for a password first (its hash kept with the invitation), then shows a fresh
//!   TOTP secret (as a QR code drawn in SVG and as text, sealed with a key derived from
//!   `SITE_SECRET` while it waits) and switches it on only once a code from it is typed. The
//!   account is active from then, with recovery codes shown once.
//! * **Signing in** takes a place in the visitor's sign-in bucket first (strict, per keyed IP
//!   hash), then its turn in the account's slow-down, or in the device's when the browser
//!   brings a device cookie made for that account (`app::admin::SlowDown`, one statement),
//!   and only then hashes the password (PBKDF2-SHA256 through Web Crypto, `edge::crypto`), or
//!   a decoy: one hash on every path, one answer for every name. A code is taken once:
//!   the step it matched must be later than every step taken before, in one statement. A
//!   failure records the account (if the name is one) and never the name typed.

pub mod audit;
pub mod bootstrap;
pub mod invitations;
pub mod own;
pub mod signin;
pub mod team;

use crate::gate::AdminError;
use app::account::roles::Roles;
use app::keys::{self, token_hash};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use edge::ctx::Ctx;
use edge::{crypto, error::AppError, http, platform};
use worker::Request;

/// The most a form here may carry.
const MAX_FORM: usize = 16 * 1024;

pub(super) async fn body_form<F: serde::de::DeserializeOwned + Default>(
    req: &mut Request,
) -> Result<F, AdminError> {
    let body = http::body_within(req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    Ok(app::form::decode(&body))
}

/// A fresh invitation token and the hash it is stored under.
pub(super) fn new_token(cx: &Ctx) -> Result<(String, String), AppError> {
    let token = keys::hex(&platform::random16());
    let hash = token_hash(&cx.keys()?.invite_token, &token);
    Ok((token, hash))
}

/// The link an invitation is taken at, from the site's configured origin when there is one.
pub(super) fn invite_link(cx: &Ctx, token: &str) -> String {
    let origin = match cx.config.site_url.as_str() {
        "" => cx.origin.as_str(),
        configured => configured,
    };
    format!("{origin}/admin/invite/{token}")
}

pub(super) fn roles_of(list: &str) -> Roles {
    Roles::from_list(list).unwrap_or_default()
}

pub(super) async fn open_secret(
    cx: &Ctx,
    sealed: Option<&str>,
) -> Result<Option<Vec<u8>>, AppError> {
    let Some(sealed) = sealed.and_then(|s| B64.decode(s).ok()) else {
        return Ok(None);
    };
    crypto::open(cx.keys()?.totp_secret.bytes(), &sealed).await
}
