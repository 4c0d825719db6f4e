//! Every SQL statement about maintainers: accounts, invitations, recovery codes, sessions, the
//! audit trail and the list of common passwords.
//!
//! Secrets are never stored in clear: passwords as PBKDF2 hashes, TOTP secrets sealed with a
//! key derived from `SITE_SECRET`, invitation tokens, recovery codes and session ids as hashes.
//! The second factor's replay guard is one statement: a step is taken only if it is later than
//! the last one taken ([`take_step`]), so two sign-ins racing with one code cannot both pass.
//!
//! What must hold when requests arrive at the same instant is decided inside one statement or
//! one batch (a transaction), never read first and written after: a session works only while
//! its account's `generation` is the one its sign-in read (each reset and disabling bumps it,
//! [`super::team`]), so a sign-in that raced one leaves no session behind; an enrolment's
//! recovery codes are written only by the batch that takes its invitation.

use super::Stmt;
use super::{batch, first, returned_one, rows, stmt, Db};
use crate::error::AppError;
use app::account::audit::{Action, Entry};
use app::account::roles::Roles;
use app::account::status::AccountStatus;
use serde::Deserialize;

/// An account as the sign-in and the owners' pages read it.
#[derive(Clone, Debug, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
    pub roles: String,
    pub status: AccountStatus,
    pub failed_signins: i64,
    pub next_try_at: i64,
    /// Bumped by each reset and disabling: a session carries the one its sign-in read.
    pub generation: i64,
}

impl AccountRow {
    /// Its sign-in slow-down, shared by every browser without its device cookie.
    pub fn slow_down(&self) -> app::admin::SlowDown {
        app::admin::SlowDown {
            failed: self.failed_signins,
            next_try_at: self.next_try_at,
        }
    }

    /// Its roles; a stored list that does not parse holds none.
    pub fn roles(&self) -> Roles {
        Roles::from_list(&self.roles).unwrap_or_default()
    }

    pub fn is_active(&self) -> bool {
        self.status.may_sign_in()
    }
}

const ACCOUNT_COLUMNS: &str = "id, name, password_hash, totp_secret, totp_last_step, roles, status, failed_signins, next_try_at, generation";

pub async fn by_name(db: &Db, name: &str) -> Result<Option<AccountRow>, AppError> {
    first(stmt(
        db,
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE name = ?1"),
        &[name.into()],
    )?)
    .await
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<AccountRow>, AppError> {
    first(stmt(
        db,
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
        &[id.into()],
    )?)
    .await
}

/// Every account, for the owners' page, with its live sessions.
#[derive(Clone, Debug, Deserialize)]
pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub roles: String,
    pub status: AccountStatus,
    pub created_at: i64,
    pub sessions: i64,
}

pub async fn team(db: &Db, now: i64) -> Result<Vec<TeamRow>, AppError> {
    let r = stmt(
        db,
        "SELECT a.id, a.name, a.roles, a.status, a.created_at, \
                (SELECT COUNT(*) FROM admin_sessions s WHERE s.account_id = a.id AND s.expires_at > ?1 AND s.generation = a.generation) AS sessions \
         FROM accounts a ORDER BY a.status = 'disabled', a.name",
        &[now.into()],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r)
}

/// An invitation as its page reads it.
#[derive(Clone, Debug, Deserialize)]
pub struct InviteRow {
    pub account_id: i64,
    pub name: String,
    pub roles: String,
    pub pending_secret: Option<String>,
    pub password_hash: Option<String>,
}

/// The invitation under this token hash, if it can still be taken (not used, not expired, its
/// account still invited).
pub async fn invitation(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<InviteRow>, AppError> {
    first(stmt(
        db,
        "SELECT i.account_id, a.name, a.roles, i.pending_secret, i.password_hash \
         FROM invitations i JOIN accounts a ON a.id = i.account_id \
         WHERE i.token_hash = ?1 AND i.used_at IS NULL AND i.expires_at > ?2 AND a.status = 'invited'",
        &[token_hash.into(), now.into()],
    )?)
    .await
}

/// The invitation's first step: the password chosen and the second factor's secret to show.
pub async fn invitation_password(
    db: &Db,
    token_hash: &str,
    password_hash: &str,
    sealed_secret: &str,
) -> Result<(), AppError> {
    stmt(
        db,
        "UPDATE invitations SET password_hash = ?2, pending_secret = ?3 WHERE token_hash = ?1 AND used_at IS NULL",
        &[token_hash.into(), password_hash.into(), sealed_secret.into()],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

/// The invitation taken: the account gets its password, its second factor (the step its
/// confirming code used) and its recovery codes, and is active; the invitation is spent. One
/// batch, each statement guarded by the invitation being still unused (and its account
/// invited), the last one spending it: of two confirmations arriving together, the first does
/// all and the second nothing, so the codes one answer shows are the codes stored. False when
/// it was taken meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn enrol(
    db: &Db,
    token_hash: &str,
    account_id: i64,
    password_hash: &str,
    sealed_secret: &str,
    step: i64,
    recovery_hashes: &[String],
    now: i64,
) -> Result<bool, AppError> {
    let open = "EXISTS (SELECT 1 FROM invitations i JOIN accounts a ON a.id = i.account_id \
                WHERE i.token_hash = ?2 AND i.used_at IS NULL AND a.id = ?1 AND a.status = 'invited')";
    let mut stmts = vec![stmt(
        db,
        &format!("DELETE FROM recovery_codes WHERE account_id = ?1 AND {open}"),
        &[account_id.into(), token_hash.into()],
    )?];
    for h in recovery_hashes {
        stmts.push(stmt(
            db,
            &format!(
                "INSERT INTO recovery_codes (account_id, code_hash) SELECT ?1, ?3 WHERE {open}"
            ),
            &[account_id.into(), token_hash.into(), h.as_str().into()],
        )?);
    }
    stmts.push(stmt(
        db,
        &format!(
            "UPDATE accounts SET password_hash = ?3, totp_secret = ?4, totp_last_step = ?5, status = 'active', failed_signins = 0, next_try_at = 0 \
             WHERE id = ?1 AND {open}"
        ),
        &[
            account_id.into(),
            token_hash.into(),
            password_hash.into(),
            sealed_secret.into(),
            step.into(),
        ],
    )?);
    stmts.push(stmt(
        db,
        "UPDATE invitations SET used_at = ?3 WHERE token_hash = ?2 AND used_at IS NULL \
         AND EXISTS (SELECT 1 FROM accounts WHERE id = ?1 AND status = 'active') RETURNING 1 AS one",
        &[account_id.into(), token_hash.into(), now.into()],
    )?);
    let last = stmts.len() - 1;
    returned_one(&batch(db, stmts).await?, last)
}

/// The second factor's code for `step` is taken, once: only a step later than every step
/// taken before passes. True when this call took it.
pub async fn take_step(db: &Db, account_id: i64, step: i64) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    Ok(first::<One>(stmt(
        db,
        "UPDATE accounts SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2 RETURNING 1 AS one",
        &[account_id.into(), step.into()],
    )?)
    .await?
    .is_some())
}

/// A recovery code is spent, once. True when this call spent it.
pub async fn use_recovery(
    db: &Db,
    account_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    Ok(first::<One>(stmt(
        db,
        "UPDATE recovery_codes SET used_at = ?3 WHERE account_id = ?1 AND code_hash = ?2 AND used_at IS NULL RETURNING 1 AS one",
        &[account_id.into(), code_hash.into(), now.into()],
    )?)
    .await?
    .is_some())
}

pub async fn recovery_left(db: &Db, account_id: i64) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    Ok(first::<N>(stmt(
        db,
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = ?1 AND used_at IS NULL",
        &[account_id.into()],
    )?)
    .await?
    .map_or(0, |r| r.n))
}

/// Whether a password (as `app::account::password::common_key` writes it) is on the list.
pub async fn is_common(db: &Db, key: &str) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    Ok(first::<One>(stmt(
        db,
        "SELECT 1 AS one FROM common_passwords WHERE password = ?1",
        &[key.into()],
    )?)
    .await?
    .is_some())
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// Starts a session for an account, under the generation its sign-in read (inserted only while
/// it is still the account's: a reset or a disabling that overtook the sign-in leaves none);
/// ends the one it replaces (if the browser brought one) and every expired one, so the table
/// never grows. (The account's slow-down is the sign-in's: `store::signin`.)
pub async fn create_session(
    db: &Db,
    id_hash: &str,
    account: &AccountRow,
    csrf: &str,
    now: i64,
    expires_at: i64,
    replaces: Option<&str>,
) -> Result<(), AppError> {
    batch(
        db,
        vec![
            stmt(db, "DELETE FROM admin_sessions WHERE expires_at <= ?1 OR id_hash = ?2", &[now.into(), replaces.into()])?,
            stmt(
                db,
                "INSERT INTO admin_sessions (id_hash, account_id, csrf, created_at, expires_at, generation) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?2 AND generation = ?6 AND status = 'active')",
                &[id_hash.into(), account.id.into(), csrf.into(), now.into(), expires_at.into(), account.generation.into()],
            )?,
        ],
    )
    .await
    .map(|_| ())
}

/// A live session and whose it is: only an active account's, under the account's current
/// generation (a session begun before a reset or a disabling never works again).
#[derive(Clone, Debug, Deserialize)]
pub struct SessionRow {
    pub csrf: String,
    pub account_id: i64,
    pub name: String,
    pub roles: String,
}

pub async fn session(db: &Db, id_hash: &str, now: i64) -> Result<Option<SessionRow>, AppError> {
    first(stmt(
        db,
        "SELECT s.csrf, s.account_id, a.name, a.roles FROM admin_sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND a.status = 'active' AND s.generation = a.generation",
        &[id_hash.into(), now.into()],
    )?)
    .await
}

/// One's live sessions, newest first; `current` marks the one asking.
#[derive(Clone, Debug, Deserialize)]
pub struct SessionInfo {
    pub created_at: i64,
    pub expires_at: i64,
    pub current: i64,
}

pub async fn sessions_of(
    db: &Db,
    account_id: i64,
    id_hash: &str,
    now: i64,
) -> Result<Vec<SessionInfo>, AppError> {
    let r = stmt(
        db,
        "SELECT created_at, expires_at, id_hash = ?2 AS current FROM admin_sessions \
         WHERE account_id = ?1 AND expires_at > ?3 \
         AND generation = (SELECT generation FROM accounts WHERE id = ?1) ORDER BY created_at DESC",
        &[account_id.into(), id_hash.into(), now.into()],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r)
}

pub async fn end_session(db: &Db, id_hash: &str) -> Result<(), AppError> {
    stmt(
        db,
        "DELETE FROM admin_sessions WHERE id_hash = ?1",
        &[id_hash.into()],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

/// Every session of an account ends.
pub async fn end_sessions(db: &Db, account_id: i64) -> Result<i64, AppError> {
    // A new generation first, so a sign-in still under way when this runs cannot leave a
    // session behind (`create_session` inserts only under the generation it read).
    let results = batch(
        db,
        vec![
            stmt(
                db,
                "UPDATE accounts SET generation = generation + 1 WHERE id = ?1",
                &[account_id.into()],
            )?,
            stmt(
                db,
                "DELETE FROM admin_sessions WHERE account_id = ?1 RETURNING 1 AS one",
                &[account_id.into()],
            )?,
        ],
    )
    .await?;
    let ended = match results.get(1) {
        Some(r) => r.len(),
        None => 0,
    };
    Ok(i64::try_from(ended).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------------------------
// The audit trail

/// The statement that records an entry: who (`None`: nobody signed in), what, about which ids,
/// with which counts. Never a name typed, a password, an address or a comment's words.
pub fn audit_stmt(
    db: &Db,
    now: i64,
    actor: Option<i64>,
    action: Action,
    subject: Option<&str>,
    detail: Option<&str>,
) -> Result<Stmt, AppError> {
    stmt(
        db,
        "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            now.into(),
            actor.into(),
            action.as_str().into(),
            subject.into(),
            detail.into(),
        ],
    )
}

pub async fn audit(
    db: &Db,
    now: i64,
    actor: Option<i64>,
    action: Action,
    subject: Option<&str>,
    detail: Option<&str>,
) -> Result<(), AppError> {
    audit_stmt(db, now, actor, action, subject, detail)?
        .run()
        .await
        .map_err(AppError::Storage)?;
    Ok(())
}

/// What the audit page filters on: an action, an account, entries since a time.
pub struct AuditFilter<'a> {
    pub action: Option<&'a str>,
    pub actor: Option<i64>,
    pub since: i64,
    pub limit: i64,
}

/// Entries matching the filter, newest first, with the actor's name.
pub async fn audit_entries(db: &Db, f: &AuditFilter<'_>) -> Result<Vec<Entry>, AppError> {
    let r = stmt(
        db,
        "SELECT e.id, e.at, e.actor, a.name AS actor_name, e.action, e.subject, e.detail \
         FROM audit e LEFT JOIN accounts a ON a.id = e.actor \
         WHERE (?1 IS NULL OR e.action = ?1) AND (?2 IS NULL OR e.actor = ?2) AND e.at >= ?3 \
         ORDER BY e.at DESC, e.id DESC LIMIT ?4",
        &[
            f.action.into(),
            f.actor.into(),
            f.since.into(),
            f.limit.into(),
        ],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r)
}
