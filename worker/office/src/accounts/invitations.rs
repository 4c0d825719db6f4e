//! Invitations: a password first, then the second factor, then recovery codes.

use super::*;
use crate::gate::{page, AdminError};
use app::account::audit::Action;
use app::account::password::{self, PasswordProblem, StoredHash};
use app::account::{qr, recovery, totp};
use app::keys::token_hash;
use app::views::accounts::{self as views};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use edge::ctx::Ctx;
use edge::store::accounts as accounts_sql;
use edge::{crypto, error::AppError, platform};
use serde::Deserialize;
use worker::{Request, Response};

/// The invitation a token names, if it can still be taken.
async fn invitation(
    cx: &Ctx,
    token: &str,
) -> Result<Option<(String, accounts_sql::InviteRow)>, AppError> {
    if !app::account::is_token(token) {
        return Ok(None);
    }
    let hash = token_hash(&cx.keys()?.invite_token, token);
    Ok(accounts_sql::invitation(cx.db()?, &hash, cx.now)
        .await?
        .map(|i| (hash, i)))
}

/// The second step's page: the secret waiting to be confirmed.
async fn factor_page(
    cx: &Ctx,
    token: &str,
    invite: &accounts_sql::InviteRow,
    status: u16,
    problem: Option<&str>,
) -> Result<Response, AdminError> {
    let secret = open_secret(cx, invite.pending_secret.as_deref()).await?;
    let Some(secret) = secret else {
        return page(410, views::invitation_gone());
    };
    let uri = totp::otpauth_uri(app::content::EN.site_name, &invite.name, &secret);
    page(
        status,
        views::invite_factor(token, qr::svg(&uri), &totp::base32(&secret), problem),
    )
}

/// `GET /admin/invite/{token}`: the step the invitation is at.
pub async fn show(cx: &Ctx, token: &str) -> Result<Response, AdminError> {
    let Some((_, invite)) = invitation(cx, token).await? else {
        return page(404, views::invitation_gone());
    };
    if invite.password_hash.is_some() {
        return factor_page(cx, token, &invite, 200, None).await;
    }
    page(
        200,
        views::invite_password(token, &invite.name, roles_of(&invite.roles), None),
    )
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct InviteForm {
    step: String,
    password: String,
    confirm: String,
    code: String,
}

fn password_words(p: PasswordProblem) -> String {
    match p {
        PasswordProblem::TooShort => format!(
            "The password is too short: at least {} characters.",
            password::MIN_CHARS
        ),
        PasswordProblem::TooLong => "The password is too long.".into(),
        PasswordProblem::ContainsName => "The password contains your name.".into(),
    }
}

/// `POST /admin/invite/{token}`: the password (`step=password`), then the code that switches
/// the second factor on (`step=confirm`).
pub async fn accept(mut req: Request, cx: &Ctx, token: &str) -> Result<Response, AdminError> {
    let Some((hash, invite)) = invitation(cx, token).await? else {
        return page(404, views::invitation_gone());
    };
    let form: InviteForm = body_form(&mut req).await?;
    let db = cx.db()?;
    let roles = roles_of(&invite.roles);
    if form.step != "confirm" {
        let problem = match password::check(&form.password, &invite.name) {
            Err(p) => Some(password_words(p)),
            Ok(()) if form.password != form.confirm => {
                Some("The two passwords are not the same.".to_string())
            }
            Ok(())
                if accounts_sql::is_common(db, &password::common_key(&form.password)).await? =>
            {
                Some("That password is one of the most common ones: choose another.".to_string())
            }
            Ok(()) => None,
        };
        if let Some(problem) = problem {
            return page(
                422,
                views::invite_password(token, &invite.name, roles, Some(&problem)),
            );
        }
        let salt: [u8; password::SALT_BYTES] = platform::random_bytes();
        let hashed = StoredHash {
            iterations: password::PER_CALL_ITERATIONS,
            calls: password::CALLS,
            salt: salt.to_vec(),
            hash: crypto::hash_password(&form.password, &salt).await?,
        };
        let secret: [u8; totp::SECRET_BYTES] = platform::random_bytes();
        let sealed = crypto::seal(
            cx.keys()?.totp_secret.bytes(),
            &secret,
            platform::random_bytes(),
        )
        .await?;
        accounts_sql::invitation_password(db, &hash, &hashed.encode(), &B64.encode(sealed)).await?;
        let Some((_, invite)) = invitation(cx, token).await? else {
            return page(404, views::invitation_gone());
        };
        return factor_page(cx, token, &invite, 200, None).await;
    }
    // step=confirm
    let (Some(password_hash), Some(sealed)) = (&invite.password_hash, &invite.pending_secret)
    else {
        return page(
            422,
            views::invite_password(token, &invite.name, roles, Some("Choose a password first.")),
        );
    };
    let Some(secret) = open_secret(cx, Some(sealed)).await? else {
        return page(410, views::invitation_gone());
    };
    let Some(step) = totp::verify(&secret, &form.code, cx.now, 0) else {
        return factor_page(
            cx,
            token,
            &invite,
            422,
            Some("That code is not the one your app shows now. Check the phone's clock, and type the six digits again."),
        )
        .await;
    };
    let mut codes = Vec::with_capacity(recovery::COUNT);
    let mut hashes = Vec::with_capacity(recovery::COUNT);
    let recovery_key = &cx.keys()?.recovery_code;
    for _ in 0..recovery::COUNT {
        let code = recovery::code(platform::random_bytes());
        let normal = recovery::normalise(&code).unwrap_or_default();
        hashes.push(token_hash(recovery_key, &normal));
        codes.push(code);
    }
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    if !accounts_sql::enrol(
        db,
        &hash,
        invite.account_id,
        password_hash,
        sealed,
        step,
        &hashes,
        cx.now,
    )
    .await?
    {
        // Taken meanwhile: by the same step sent twice, if the account is now active.
        let active = accounts_sql::by_id(db, invite.account_id)
            .await?
            .is_some_and(|a| a.is_active());
        return if active {
            page(409, views::enrolled_already(&invite.name))
        } else {
            page(410, views::invitation_gone())
        };
    }
    accounts_sql::audit(
        db,
        cx.now,
        Some(invite.account_id),
        Action::Enrolled,
        Some(&format!("account {}", invite.account_id)),
        None,
    )
    .await?;
    page(200, views::enrolled(&invite.name, &codes))
}
