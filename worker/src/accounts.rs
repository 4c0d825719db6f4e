//! Maintainers' accounts: the first owner, invitations, signing in with a second factor, one's
//! own sessions, the team (owners) and the audit trail (owners).
//!
//! * **The first owner** is made with `BOOTSTRAP_SECRET` (`/admin/bootstrap`), which does
//!   nothing once an owner exists: it makes an invitation like any other and sends its maker
//!   through it.
//! * **An invitation** (`/admin/invite/{token}`: 128 random bits, stored hashed, 48 hours,
//!   once) asks for a password first (its hash kept with the invitation), then shows a fresh
//!   TOTP secret (as a QR code drawn in SVG and as text, sealed with a key derived from
//!   `SITE_SECRET` while it waits) and switches it on only once a code from it is typed. The
//!   account is active from then, with recovery codes shown once.
//! * **Signing in** takes a place in the visitor's sign-in bucket first (strict, per keyed IP
//!   hash), then waits out the account's own slow-down ([`signin_wait`]), and only then hashes
//!   the password (PBKDF2-SHA256 through Web Crypto, [`crate::crypto`]). A code is taken once:
//!   the step it matched must be later than every step taken before, in one statement. A
//!   failure records the account (if the name is one) and never the name typed.

use crate::admin::{form_fields, form_of, page, see_other, AdminError, Session};
use crate::site::Site;
use crate::{crypto, error::AppError, http, platform, store};
use app::account::audit::Action;
use app::account::password::{self, PasswordProblem, StoredHash};
use app::account::roles::{Role, Roles};
use app::account::{qr, recovery, totp, INVITE_SECS};
use app::admin::{
    cleared_session_cookie, is_session_id, session_cookie, session_hash, session_id, sign_in_name,
    signin_wait, SESSION_COOKIE, SESSION_SECS,
};
use app::keys::{self, token_hash};
use app::limits::{Bucket, LOGIN_TRIES};
use app::views::accounts::{self as views, AuditQuery, SessionLine, SignInProblem, TeamMember};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde::Deserialize;
use store::accounts as db;
use worker::{Request, Response};

/// The most a form here may carry.
const MAX_FORM: usize = 16 * 1024;

async fn body_form<F: serde::de::DeserializeOwned + Default>(
    req: &mut Request,
) -> Result<F, AdminError> {
    let body = http::body_within(req, MAX_FORM)
        .await?
        .ok_or(AppError::TooLarge)?;
    Ok(serde_urlencoded::from_bytes(&body).unwrap_or_default())
}

/// A fresh invitation token and the hash it is stored under.
fn new_token(site: &Site) -> Result<(String, String), AppError> {
    let token = keys::hex(&platform::random16());
    let hash = token_hash(&site.keys()?.invite_token, &token);
    Ok((token, hash))
}

/// The link an invitation is taken at, from the site's configured origin when there is one.
fn invite_link(site: &Site, token: &str) -> String {
    let origin = match site.config.site_url.as_str() {
        "" => site.origin.as_str(),
        configured => configured,
    };
    format!("{origin}/admin/invite/{token}")
}

// ---------------------------------------------------------------------------------------------
// The first owner

/// `GET /admin/bootstrap`: a 404 unless a bootstrap secret is set and no owner exists.
pub async fn bootstrap_page(site: &Site) -> Result<Response, AdminError> {
    if site.config.bootstrap_secret.is_none() || db::owner_exists(site.db()?).await? {
        return Err(AppError::NotFound.into());
    }
    page(200, views::bootstrap(None, ""))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct BootstrapForm {
    secret: String,
    name: String,
}

/// `POST /admin/bootstrap`: the secret, compared in constant time after the try took a place
/// in the sign-in bucket; then the owner's invitation, taken at once.
pub async fn bootstrap(mut req: Request, site: &Site) -> Result<Response, AdminError> {
    let db = site.db()?;
    let Some(secret) = site.config.bootstrap_secret.as_deref() else {
        return Err(AppError::NotFound.into());
    };
    if db::owner_exists(db).await? {
        return Err(AppError::NotFound.into());
    }
    let visitor = site.visitor(&req)?;
    let Some(place) = store::limits::take(db, Bucket::Login, &visitor, site.now).await? else {
        return page(
            429,
            views::bootstrap(Some("Too many tries from here. Wait 15 minutes."), ""),
        );
    };
    let form: BootstrapForm = body_form(&mut req).await?;
    if !keys::constant_time_eq(form.secret.as_bytes(), secret.as_bytes()) {
        db::audit(
            db,
            site.now,
            None,
            Action::SignInFailed,
            Some("bootstrap"),
            None,
        )
        .await?;
        return page(
            403,
            views::bootstrap(Some("That is not the bootstrap secret."), &form.name),
        );
    }
    // The right secret gives its place back, as a right password does.
    store::limits::give_back(db, place).await?;
    let Some(name) = sign_in_name(&form.name) else {
        return page(422, views::bootstrap(Some(views::NAME_HINT), &form.name));
    };
    let (token, hash) = new_token(site)?;
    let owner = Roles::default().with(Role::Owner);
    let Some(id) = db::invite_new(
        db,
        &name,
        owner,
        None,
        &hash,
        site.now,
        site.now + INVITE_SECS,
    )
    .await?
    else {
        return page(
            422,
            views::bootstrap(Some("That name is taken."), &form.name),
        );
    };
    db::audit(
        db,
        site.now,
        None,
        Action::Invited,
        Some(&format!("account {id}")),
        Some("owner, by the bootstrap secret"),
    )
    .await?;
    see_other(&format!("/admin/invite/{token}"))
}

// ---------------------------------------------------------------------------------------------
// Invitations

/// The invitation a token names, if it can still be taken.
async fn invitation(site: &Site, token: &str) -> Result<Option<(String, db::InviteRow)>, AppError> {
    if !app::account::is_token(token) {
        return Ok(None);
    }
    let hash = token_hash(&site.keys()?.invite_token, token);
    Ok(db::invitation(site.db()?, &hash, site.now)
        .await?
        .map(|i| (hash, i)))
}

/// The second step's page: the secret waiting to be confirmed.
async fn factor_page(
    site: &Site,
    token: &str,
    invite: &db::InviteRow,
    status: u16,
    problem: Option<&str>,
) -> Result<Response, AdminError> {
    let secret = open_secret(site, invite.pending_secret.as_deref()).await?;
    let Some(secret) = secret else {
        return page(410, views::invitation_gone());
    };
    let uri = totp::otpauth_uri(app::content::EN.site_name, &invite.name, &secret);
    page(
        status,
        views::invite_factor(token, qr::svg(&uri), &totp::base32(&secret), problem),
    )
}

async fn open_secret(site: &Site, sealed: Option<&str>) -> Result<Option<Vec<u8>>, AppError> {
    let Some(sealed) = sealed.and_then(|s| B64.decode(s).ok()) else {
        return Ok(None);
    };
    crypto::open(site.keys()?.totp_secret.bytes(), &sealed).await
}

/// `GET /admin/invite/{token}`: the step the invitation is at.
pub async fn invite_page(site: &Site, token: &str) -> Result<Response, AdminError> {
    let Some((_, invite)) = invitation(site, token).await? else {
        return page(404, views::invitation_gone());
    };
    if invite.password_hash.is_some() {
        return factor_page(site, token, &invite, 200, None).await;
    }
    page(
        200,
        views::invite_password(token, &invite.name, roles_of(&invite.roles), None),
    )
}

fn roles_of(list: &str) -> Roles {
    Roles::from_list(list).unwrap_or_default()
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
pub async fn invite(mut req: Request, site: &Site, token: &str) -> Result<Response, AdminError> {
    let Some((hash, invite)) = invitation(site, token).await? else {
        return page(404, views::invitation_gone());
    };
    let form: InviteForm = body_form(&mut req).await?;
    let db = site.db()?;
    let roles = roles_of(&invite.roles);
    if form.step != "confirm" {
        let problem = match password::check(&form.password, &invite.name) {
            Err(p) => Some(password_words(p)),
            Ok(()) if form.password != form.confirm => {
                Some("The two passwords are not the same.".to_string())
            }
            Ok(()) if db::is_common(db, &password::common_key(&form.password)).await? => {
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
            site.keys()?.totp_secret.bytes(),
            &secret,
            platform::random_bytes(),
        )
        .await?;
        db::invitation_password(db, &hash, &hashed.encode(), &B64.encode(sealed)).await?;
        let Some((_, invite)) = invitation(site, token).await? else {
            return page(404, views::invitation_gone());
        };
        return factor_page(site, token, &invite, 200, None).await;
    }
    // step=confirm
    let (Some(password_hash), Some(sealed)) = (&invite.password_hash, &invite.pending_secret)
    else {
        return page(
            422,
            views::invite_password(token, &invite.name, roles, Some("Choose a password first.")),
        );
    };
    let Some(secret) = open_secret(site, Some(sealed)).await? else {
        return page(410, views::invitation_gone());
    };
    let Some(step) = totp::verify(&secret, &form.code, site.now, 0) else {
        return factor_page(
            site,
            token,
            &invite,
            422,
            Some("That code is not the one your app shows now. Check the phone's clock, and type the six digits again."),
        )
        .await;
    };
    let mut codes = Vec::with_capacity(recovery::COUNT);
    let mut hashes = Vec::with_capacity(recovery::COUNT);
    let recovery_key = &site.keys()?.recovery_code;
    for _ in 0..recovery::COUNT {
        let code = recovery::code(platform::random_bytes());
        let normal = recovery::normalise(&code).unwrap_or_default();
        hashes.push(token_hash(recovery_key, &normal));
        codes.push(code);
    }
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    if !db::enrol(
        db,
        &hash,
        invite.account_id,
        password_hash,
        sealed,
        step,
        &hashes,
        site.now,
    )
    .await?
    {
        return page(410, views::invitation_gone());
    }
    db::audit(
        db,
        site.now,
        Some(invite.account_id),
        Action::Enrolled,
        Some(&format!("account {}", invite.account_id)),
        None,
    )
    .await?;
    page(200, views::enrolled(&invite.name, &codes))
}

// ---------------------------------------------------------------------------------------------
// Signing in

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
pub async fn sign_in(mut req: Request, site: &Site) -> Result<Response, AdminError> {
    let db = site.db()?;
    let now = site.now;
    let visitor = site.visitor(&req)?;
    // The try takes its place first: refused tries are not counted nor checked, so the lock
    // ends on time for a maintainer who keeps trying.
    let Some(place) = store::limits::take(db, Bucket::Login, &visitor, now).await? else {
        return page(429, views::sign_in(Some(SignInProblem::LockedOut), ""));
    };
    let form: SignInForm = body_form(&mut req).await?;
    let typed = form.name.trim().to_string();
    let account = match sign_in_name(&form.name) {
        Some(name) => db::by_name(db, &name).await?,
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
        Some(a) if password_ok => second_factor(site, a, &form.code).await?,
        _ => false,
    };
    let Some(a) = usable.filter(|_| ok) else {
        if let Some(a) = &account {
            db::signin_failed(db, a.id, now).await?;
        }
        db::audit(
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
    db::create_session(
        db,
        &session_hash(&id),
        a.id,
        &csrf,
        now,
        now + SESSION_SECS,
        replaces.as_deref(),
    )
    .await?;
    db::audit(db, now, Some(a.id), Action::SignIn, None, None).await?;
    let mut resp = see_other("/admin")?;
    resp.headers_mut().set("Set-Cookie", &session_cookie(&id))?;
    Ok(resp)
}

/// The code typed: the authenticator's (taken once, by its step) or a recovery code (spent).
async fn second_factor(site: &Site, a: &db::AccountRow, code: &str) -> Result<bool, AppError> {
    let db = site.db()?;
    if let Some(normal) = recovery::normalise(code) {
        let hash = token_hash(&site.keys()?.recovery_code, &normal);
        return db::use_recovery(db, a.id, &hash, site.now).await;
    }
    let Some(secret) = open_secret(site, a.totp_secret.as_deref()).await? else {
        return Ok(false);
    };
    let last = u64::try_from(a.totp_last_step).unwrap_or(0);
    match totp::verify(&secret, code, site.now, last) {
        Some(step) => db::take_step(db, a.id, i64::try_from(step).unwrap_or(i64::MAX)).await,
        None => Ok(false),
    }
}

// ---------------------------------------------------------------------------------------------
// One's own account

/// `GET /admin/account`.
pub async fn account(site: &Site, s: &Session) -> Result<Response, AdminError> {
    let db = site.db()?;
    let sessions = db::sessions_of(db, s.account_id, &s.id_hash, site.now)
        .await?
        .into_iter()
        .map(|r| SessionLine {
            created_at: r.created_at,
            expires_at: r.expires_at,
            current: r.current != 0,
        })
        .collect();
    let left = db::recovery_left(db, s.account_id).await?;
    page(200, views::account(&s.viewer(), sessions, left))
}

/// `POST /admin/account/sessions/end`: every session of this account ends, this one too.
pub async fn sessions_end(
    mut req: Request,
    site: &Site,
    s: &Session,
) -> Result<Response, AdminError> {
    form_of::<crate::admin::Empty>(&mut req, s).await?;
    let ended = db::end_sessions(site.db()?, s.account_id).await?;
    s.audit(
        site,
        Action::SessionsEnded,
        None,
        Some(&format!("{ended} sessions")),
    )
    .await?;
    let mut resp = see_other("/admin")?;
    resp.headers_mut()
        .set("Set-Cookie", &cleared_session_cookie())?;
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// The team (owners)

async fn team_page(
    site: &Site,
    s: &Session,
    status: u16,
    problem: Option<&str>,
) -> Result<Response, AdminError> {
    let members = db::team(site.db()?, site.now)
        .await?
        .into_iter()
        .map(|m| TeamMember {
            roles: roles_of(&m.roles),
            id: m.id,
            name: m.name,
            status: m.status,
            created_at: m.created_at,
            sessions: m.sessions,
        })
        .collect();
    page(status, views::team(&s.viewer(), members, problem))
}

/// `GET /admin/accounts`.
pub async fn team(site: &Site, s: &Session) -> Result<Response, AdminError> {
    team_page(site, s, 200, None).await
}

/// The roles ticked in a form (`role=…`, repeated); an unknown one is no role.
fn ticked_roles(pairs: &[(String, String)]) -> Roles {
    pairs
        .iter()
        .filter(|(k, _)| k == "role")
        .filter_map(|(_, v)| Role::parse(v))
        .fold(Roles::default(), Roles::with)
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct InviteNewForm {
    name: String,
}

/// `POST /admin/accounts/invite`: a new account and its link, shown once.
pub async fn invite_new(
    mut req: Request,
    site: &Site,
    s: &Session,
) -> Result<Response, AdminError> {
    let (form, pairs): (InviteNewForm, _) = form_fields(&mut req, s).await?;
    let roles = ticked_roles(&pairs);
    let Some(name) = sign_in_name(&form.name) else {
        return team_page(site, s, 422, Some(views::NAME_HINT)).await;
    };
    if roles.is_empty() {
        return team_page(site, s, 422, Some("Tick at least one role.")).await;
    }
    let (token, hash) = new_token(site)?;
    let Some(id) = db::invite_new(
        site.db()?,
        &name,
        roles,
        Some(s.account_id),
        &hash,
        site.now,
        site.now + INVITE_SECS,
    )
    .await?
    else {
        return team_page(site, s, 422, Some("That name is taken.")).await;
    };
    s.audit(
        site,
        Action::Invited,
        Some(&format!("account {id}")),
        Some(&roles.to_list()),
    )
    .await?;
    page(
        200,
        views::invitation_link(&s.viewer(), &name, &invite_link(site, &token), false),
    )
}

/// Active owners other than `except`.
async fn other_owners(site: &Site, except: i64) -> Result<usize, AppError> {
    Ok(db::team(site.db()?, site.now)
        .await?
        .into_iter()
        .filter(|m| m.id != except && m.status == "active" && roles_of(&m.roles).has(Role::Owner))
        .count())
}

/// `POST /admin/accounts/{id}/{roles|disable|enable|reset}`. An owner cannot take away the
/// last active owner (themselves included), so the team is never locked out of its accounts.
pub async fn account_action(
    mut req: Request,
    site: &Site,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    let (_, pairs): (crate::admin::Empty, _) = form_fields(&mut req, s).await?;
    let id = params
        .first()
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or(AppError::NotFound)?;
    let action = params.get(1).map(String::as_str).unwrap_or_default();
    let db = site.db()?;
    let target = db::by_id(db, id).await?.ok_or(AppError::NotFound)?;
    let was_owner = target.is_active() && target.roles().has(Role::Owner);
    let subject = format!("account {id}");
    match action {
        "roles" => {
            let roles = ticked_roles(&pairs);
            if was_owner && !roles.has(Role::Owner) && other_owners(site, id).await? == 0 {
                return team_page(
                    site,
                    s,
                    422,
                    Some("The team needs at least one active owner."),
                )
                .await;
            }
            db::set_roles(db, id, roles).await?;
            s.audit(
                site,
                Action::RolesChanged,
                Some(&subject),
                Some(&roles.to_list()),
            )
            .await?;
        }
        "disable" => {
            if id == s.account_id {
                return team_page(site, s, 422, Some("You cannot disable your own account.")).await;
            }
            if was_owner && other_owners(site, id).await? == 0 {
                return team_page(
                    site,
                    s,
                    422,
                    Some("The team needs at least one active owner."),
                )
                .await;
            }
            db::disable(db, id).await?;
            s.audit(site, Action::AccountDisabled, Some(&subject), None)
                .await?;
        }
        "enable" => {
            db::enable(db, id).await?;
            s.audit(site, Action::AccountEnabled, Some(&subject), None)
                .await?;
        }
        "reset" => {
            if was_owner && other_owners(site, id).await? == 0 {
                return team_page(
                    site,
                    s,
                    422,
                    Some("The team needs at least one active owner: invite another owner first."),
                )
                .await;
            }
            let (token, hash) = new_token(site)?;
            db::reinvite(db, id, &hash, site.now, site.now + INVITE_SECS).await?;
            s.audit(site, Action::SecondFactorReset, Some(&subject), None)
                .await?;
            return page(
                200,
                views::invitation_link(&s.viewer(), &target.name, &invite_link(site, &token), true),
            );
        }
        _ => return Err(AppError::NotFound.into()),
    }
    see_other("/admin/accounts")
}

// ---------------------------------------------------------------------------------------------
// The audit trail (owners)

/// Days the audit page looks back by default, and at most.
const AUDIT_DAYS: i64 = 30;
const AUDIT_DAYS_MAX: i64 = 3650;

fn audit_query(req: &Request) -> AuditQuery {
    AuditQuery {
        action: http::query(req, "action")
            .as_deref()
            .and_then(Action::parse),
        actor: http::query(req, "actor").and_then(|a| a.parse().ok()),
        days: http::query(req, "days")
            .and_then(|d| d.parse::<i64>().ok())
            .map_or(AUDIT_DAYS, |d| d.clamp(1, AUDIT_DAYS_MAX)),
    }
}

async fn entries(
    site: &Site,
    q: &AuditQuery,
    limit: i64,
) -> Result<Vec<app::account::audit::Entry>, AppError> {
    db::audit_entries(
        site.db()?,
        &db::AuditFilter {
            action: q.action.map(Action::as_str),
            actor: q.actor,
            since: site.now - q.days * 86_400,
            limit,
        },
    )
    .await
}

/// `GET /admin/audit?action=&actor=&days=`.
pub async fn audit(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let q = audit_query(&req);
    let people: Vec<(i64, String)> = db::team(site.db()?, site.now)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let rows = entries(site, &q, 500).await?;
    page(200, views::audit(&s.viewer(), &q, &people, rows))
}

/// `GET /admin/audit.csv?…`: the same filter, every entry (up to 10,000).
pub async fn audit_csv(req: Request, site: &Site, s: &Session) -> Result<Response, AdminError> {
    let q = audit_query(&req);
    let rows = entries(site, &q, 10_000).await?;
    s.audit(
        site,
        Action::Exported,
        Some(&format!("audit.csv?{}", q.query_string())),
        Some(&format!("{} rows", rows.len())),
    )
    .await?;
    let mut csv = app::admin::Csv::new(&[
        "id",
        "at",
        "actor",
        "actor_name",
        "action",
        "subject",
        "detail",
    ]);
    for e in &rows {
        csv.row([
            e.id.to_string().as_str(),
            &app::time::rfc3339(e.at),
            &e.actor.map(|a| a.to_string()).unwrap_or_default(),
            e.actor_name.as_deref().unwrap_or_default(),
            e.action.as_str(),
            e.subject.as_deref().unwrap_or_default(),
            e.detail.as_deref().unwrap_or_default(),
        ]);
    }
    crate::admin::csv(site, "audit", csv.finish())
}
