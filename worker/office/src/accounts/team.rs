//! The team (owners): invitations, roles, disabling, resetting a second factor.

use super::*;
use crate::gate::{form_fields, page, see_other, AdminError, Session};
use app::account::audit::Action;
use app::account::roles::{Role, Roles};
use app::account::status::AccountStatus;
use app::account::INVITE_SECS;
use app::admin::sign_in_name;
use app::routes::Admin;
use app::views::accounts::{self as views, TeamMember};
use edge::ctx::Ctx;
use edge::error::AppError;
use edge::store::accounts as accounts_sql;
use edge::store::team as team_sql;
use serde::Deserialize;
use worker::{Request, Response};

async fn team_page(
    cx: &Ctx,
    s: &Session,
    status: u16,
    problem: Option<&str>,
) -> Result<Response, AdminError> {
    let members = accounts_sql::team(cx.db()?, cx.now)
        .await?
        .into_iter()
        .map(|m| TeamMember {
            roles: roles_of(&m.roles),
            id: m.id,
            name: m.name,
            status: m.status.as_str().to_string(),
            created_at: m.created_at,
            sessions: m.sessions,
        })
        .collect();
    page(status, views::team(&s.viewer(), members, problem))
}

/// `GET /admin/accounts`.
pub async fn team(cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    team_page(cx, s, 200, None).await
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
pub async fn invite_new(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let (form, pairs): (InviteNewForm, _) = form_fields(&mut req, s).await?;
    let roles = ticked_roles(&pairs);
    let Some(name) = sign_in_name(&form.name) else {
        return team_page(cx, s, 422, Some(views::NAME_HINT)).await;
    };
    if roles.is_empty() {
        return team_page(cx, s, 422, Some("Tick at least one role.")).await;
    }
    let (token, hash) = new_token(cx)?;
    let Some(id) =
        team_sql::invite_new(cx.db()?, &name, roles, &hash, cx.now, cx.now + INVITE_SECS).await?
    else {
        return team_page(cx, s, 422, Some("That name is taken.")).await;
    };
    s.audit(
        cx,
        Action::Invited,
        Some(&format!("account {id}")),
        Some(&roles.to_list()),
    )
    .await?;
    page(
        200,
        views::invitation_link(&s.viewer(), &name, &invite_link(cx, &token), false),
    )
}

/// What a refused action that would leave no active owner answers.
const LAST_OWNER: &str = "The team needs at least one active owner.";

/// `POST /admin/accounts/{id}/{roles|disable|enable|reset}`. An owner cannot take away the
/// last active owner (themselves included): the statement that writes refuses it, so the team
/// is never locked out of its accounts, even when two owners act at the same instant.
pub async fn account_action(
    mut req: Request,
    cx: &Ctx,
    s: &Session,
    params: &[String],
) -> Result<Response, AdminError> {
    let (_, pairs): (crate::gate::Empty, _) = form_fields(&mut req, s).await?;
    let id = params
        .first()
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or(AppError::NotFound)?;
    let action = params.get(1).map(String::as_str).unwrap_or_default();
    let db = cx.db()?;
    let target = accounts_sql::by_id(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = format!("account {id}");
    match action {
        "roles" => {
            let roles = ticked_roles(&pairs);
            if !team_sql::set_roles(db, id, roles).await? {
                return team_page(cx, s, 422, Some(LAST_OWNER)).await;
            }
            s.audit(
                cx,
                Action::RolesChanged,
                Some(&subject),
                Some(&roles.to_list()),
            )
            .await?;
        }
        "disable" => {
            if id == s.account_id {
                return team_page(cx, s, 422, Some("You cannot disable your own account.")).await;
            }
            if !team_sql::disable(db, id).await? {
                // Refused, unless it was disabled already (nothing to do).
                if target.status != AccountStatus::Disabled {
                    return team_page(cx, s, 422, Some(LAST_OWNER)).await;
                }
                return see_other(Admin::Accounts.path());
            }
            s.audit(cx, Action::AccountDisabled, Some(&subject), None)
                .await?;
        }
        "enable" => {
            team_sql::enable(db, id).await?;
            s.audit(cx, Action::AccountEnabled, Some(&subject), None)
                .await?;
        }
        "reset" => {
            let (token, hash) = new_token(cx)?;
            if !team_sql::reinvite(db, id, &hash, cx.now, cx.now + INVITE_SECS).await? {
                return team_page(
                    cx,
                    s,
                    422,
                    Some("The team needs at least one active owner: invite another owner first."),
                )
                .await;
            }
            s.audit(cx, Action::SecondFactorReset, Some(&subject), None)
                .await?;
            return page(
                200,
                views::invitation_link(&s.viewer(), &target.name, &invite_link(cx, &token), true),
            );
        }
        _ => return Err(AppError::NotFound.into()),
    }
    see_other(Admin::Accounts.path())
}
