//! The team's membership: inviting, the bootstrap, roles, disabling, enabling and resetting a
//! second factor. Whatever must hold when owners act at the same instant is decided inside the
//! statement (or batch, a transaction) that writes, never read first and written after:
//! - the team keeps an active owner: every disabling, demotion and reset is guarded by
//!   [`KEEPS_AN_OWNER`];
//! - each reset and disabling bumps the account's generation, which ends every session begun
//!   before, even one whose sign-in is still under way ([`super::accounts::create_session`]);
//! - the bootstrap makes an invitation only while [`BOOTSTRAP_OPEN`].

use super::Stmt;
use super::{batch, first, returned_one, rows, stmt, Arg, Db};
use crate::error::AppError;
use app::account::roles::{Role, Roles};
use serde::Deserialize;

/// The guard of every statement that may take an owner away from the `accounts` row it
/// changes: that row is not an active owner, or another active owner remains. Checked inside
/// the writing statement, so two owners taking each other away at the same instant cannot both
/// pass.
const KEEPS_AN_OWNER: &str = "(NOT (accounts.status = 'active' AND (',' || accounts.roles || ',') LIKE '%,owner,%') \
     OR EXISTS (SELECT 1 FROM accounts o WHERE o.id <> accounts.id AND o.status = 'active' AND (',' || o.roles || ',') LIKE '%,owner,%'))";

/// When the bootstrap may make an invitation (`?1`: now): no owner is active, and no
/// invitation it made earlier can still be taken. The README's way back (the last owner
/// disabled by hand) opens it again; an invitation left to expire does too.
const BOOTSTRAP_OPEN: &str = "NOT EXISTS (SELECT 1 FROM accounts WHERE status = 'active' AND (',' || roles || ',') LIKE '%,owner,%') \
     AND NOT EXISTS (SELECT 1 FROM invitations i JOIN accounts a ON a.id = i.account_id \
                     WHERE i.bootstrap = 1 AND i.used_at IS NULL AND i.expires_at > ?1 AND a.status = 'invited')";

/// Whether the bootstrap may make an invitation now ([`BOOTSTRAP_OPEN`]).
pub async fn bootstrap_open(db: &Db, now: i64) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    Ok(first::<One>(stmt(
        db,
        &format!("SELECT 1 AS one WHERE {BOOTSTRAP_OPEN}"),
        &[now.into()],
    )?)
    .await?
    .is_some())
}

/// A new account, invited: it can do nothing until its invitation is taken (a password, then
/// a second factor). `None` when the name is taken.
pub async fn invite_new(
    db: &Db,
    name: &str,
    roles: Roles,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<Option<i64>, AppError> {
    let account = stmt(
        db,
        "INSERT INTO accounts (name, roles, status, created_at) VALUES (?2, ?3, 'invited', ?1) \
         ON CONFLICT (name) DO NOTHING RETURNING id",
        &[now.into(), name.into(), roles.to_list().as_str().into()],
    )?;
    invite(db, account, name, token_hash, now, expires_at, false).await
}

/// The first owner's account and invitation, made only while [`BOOTSTRAP_OPEN`], in the
/// statement that inserts it: of two bootstraps arriving together, one makes it. `None` when
/// the bootstrap is shut or the name is taken.
pub async fn bootstrap_invite(
    db: &Db,
    name: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<Option<i64>, AppError> {
    let owner = Roles::default().with(Role::Owner).to_list();
    let account = stmt(
        db,
        &format!(
            "INSERT INTO accounts (name, roles, status, created_at) SELECT ?2, ?3, 'invited', ?1 \
             WHERE {BOOTSTRAP_OPEN} ON CONFLICT (name) DO NOTHING RETURNING id"
        ),
        &[now.into(), name.into(), owner.as_str().into()],
    )?;
    invite(db, account, name, token_hash, now, expires_at, true).await
}

/// `account` (the statement inserting an invited account, returning its id) and, in the same
/// batch, its invitation: only for the account that statement made, which has none yet.
async fn invite(
    db: &Db,
    account: Stmt,
    name: &str,
    token_hash: &str,
    now: i64,
    expires_at: i64,
    bootstrap: bool,
) -> Result<Option<i64>, AppError> {
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let results = batch(
        db,
        vec![
            account,
            stmt(
                db,
                "INSERT INTO invitations (token_hash, account_id, created_at, expires_at, bootstrap) \
                 SELECT ?1, a.id, ?2, ?3, ?5 FROM accounts a WHERE a.name = ?4 AND a.status = 'invited' AND a.created_at = ?2 \
                 AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.account_id = a.id)",
                &[
                    token_hash.into(),
                    now.into(),
                    expires_at.into(),
                    name.into(),
                    i64::from(bootstrap).into(),
                ],
            )?,
        ],
    )
    .await?;
    Ok(results
        .first()
        .map(rows::<Id>)
        .transpose()?
        .and_then(|ids| ids.into_iter().next())
        .map(|r| r.id))
}

/// Takes an account back to "invited" with a fresh invitation: no second factor, no recovery
/// codes, no session, a new generation (owners reset a lost phone this way). One batch: the
/// new invitation is inserted only if [`KEEPS_AN_OWNER`] holds, and everything after follows
/// from that invitation being there. False when refused (the last active owner).
pub async fn reinvite(
    db: &Db,
    account_id: i64,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool, AppError> {
    let allowed =
        format!("EXISTS (SELECT 1 FROM accounts WHERE accounts.id = ?1 AND {KEEPS_AN_OWNER})");
    let made = "EXISTS (SELECT 1 FROM invitations WHERE token_hash = ?2)";
    let id = || Arg::from(account_id);
    let results = batch(
        db,
        vec![
            stmt(
                db,
                &format!("DELETE FROM invitations WHERE account_id = ?1 AND {allowed}"),
                &[id()],
            )?,
            stmt(
                db,
                &format!(
                    "INSERT INTO invitations (token_hash, account_id, created_at, expires_at) \
                     SELECT ?2, ?1, ?3, ?4 WHERE {allowed}"
                ),
                &[id(), token_hash.into(), now.into(), expires_at.into()],
            )?,
            stmt(
                db,
                &format!(
                    "UPDATE accounts SET status = 'invited', totp_secret = NULL, totp_last_step = 0, failed_signins = 0, next_try_at = 0, \
                     generation = generation + 1 WHERE id = ?1 AND {made} RETURNING 1 AS one"
                ),
                &[id(), token_hash.into()],
            )?,
            stmt(
                db,
                &format!("DELETE FROM recovery_codes WHERE account_id = ?1 AND {made}"),
                &[id(), token_hash.into()],
            )?,
            stmt(
                db,
                &format!("DELETE FROM admin_sessions WHERE account_id = ?1 AND {made}"),
                &[id(), token_hash.into()],
            )?,
        ],
    )
    .await?;
    returned_one(&results, 2)
}

/// An account's roles become `roles`, unless that takes the last active owner's away
/// ([`KEEPS_AN_OWNER`]). False when refused.
pub async fn set_roles(db: &Db, account_id: i64, roles: Roles) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    Ok(first::<One>(stmt(
        db,
        &format!("UPDATE accounts SET roles = ?2 WHERE id = ?1 AND (?3 = 1 OR {KEEPS_AN_OWNER}) RETURNING 1 AS one"),
        &[
            account_id.into(),
            roles.to_list().as_str().into(),
            i64::from(roles.has(Role::Owner)).into(),
        ],
    )?)
    .await?
    .is_some())
}

/// Disables an account, unless it is the last active owner ([`KEEPS_AN_OWNER`]): a new
/// generation, so every session begun before ends, even one whose sign-in is still under way.
/// False when refused or already disabled.
pub async fn disable(db: &Db, account_id: i64) -> Result<bool, AppError> {
    let results = batch(
        db,
        vec![
            stmt(
                db,
                &format!(
                    "UPDATE accounts SET status = 'disabled', generation = generation + 1 \
                     WHERE id = ?1 AND status <> 'disabled' AND {KEEPS_AN_OWNER} RETURNING 1 AS one"
                ),
                &[account_id.into()],
            )?,
            stmt(
                db,
                "DELETE FROM admin_sessions WHERE account_id = ?1 \
                 AND EXISTS (SELECT 1 FROM accounts WHERE id = ?1 AND status = 'disabled')",
                &[account_id.into()],
            )?,
        ],
    )
    .await?;
    returned_one(&results, 0)
}

/// Enables a disabled account: active again if it has a second factor, else invited.
pub async fn enable(db: &Db, account_id: i64) -> Result<(), AppError> {
    stmt(
        db,
        "UPDATE accounts SET status = CASE WHEN totp_secret IS NULL THEN 'invited' ELSE 'active' END, failed_signins = 0, next_try_at = 0 \
         WHERE id = ?1 AND status = 'disabled'",
        &[account_id.into()],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}
