//! The maintainers' area under `/admin`: the router. Each route of `app::routes::Admin` is
//! answered by its section; the gate (`crate::gate`) decides who may ask, before any section runs.
//!
//! Sections: [`overview`] (the dashboard, signing out, the alerts' test), [`moderation`]
//! (comments and replies), [`money`] (pledges, the export, sources), [`volunteers`],
//! [`erase`], [`updates`] (the campaign's updates), and the accounts (`crate::accounts`).

pub mod erase;
pub mod moderation;
pub mod money;
pub mod overview;
pub mod updates;
pub mod volunteers;

use crate::accounts;
use crate::gate::*;
use app::routes::Admin;
use app::views::accounts as accounts_views;
use edge::ctx::Ctx;
use edge::error::AppError;
use worker::{Request, Response};

/// Answers a request for a route of the admin area; every answer, refusals included, private.
pub async fn handle(
    route: Admin,
    params: &[String],
    req: Request,
    cx: &Ctx,
) -> worker::Result<Response> {
    match dispatch(route, params, req, cx).await {
        Ok(resp) => Ok(resp),
        Err(e) => e.into_response(cx),
    }
}

/// The pages before a session (signing in, the first owner, an invitation), then, for
/// everything else, a live session whose roles include the route (its row in
/// `app::routes::TABLE` says which).
async fn dispatch(
    route: Admin,
    params: &[String],
    req: Request,
    cx: &Ctx,
) -> Result<Response, AdminError> {
    let token = || params.first().map(String::as_str).unwrap_or_default();
    match route {
        Admin::Login => return accounts::signin::sign_in(req, cx).await,
        Admin::BootstrapPage => return accounts::bootstrap::show(cx).await,
        Admin::Bootstrap => return accounts::bootstrap::create(req, cx).await,
        Admin::InvitePage => return accounts::invitations::show(cx, token()).await,
        Admin::Invite => return accounts::invitations::accept(req, cx, token()).await,
        _ => {}
    }
    let Some(s) = session(&req, cx).await? else {
        if route == Admin::Index {
            return page(200, accounts_views::sign_in(None, ""));
        }
        // A page without a session goes to the sign-in; anything else (a post, a CSV file)
        // is refused empty, and nothing about the data shows.
        let csv = matches!(
            route,
            Admin::PledgesCsv | Admin::VolunteersCsv | Admin::AuditCsv | Admin::SourcesCsv
        );
        let refusal = if req.method() == worker::Method::Get && !csv {
            Refusal::SignIn
        } else {
            Refusal::NoSession
        };
        return Err(refusal.into());
    };
    if route == Admin::Unknown {
        return Err(AppError::NotFound.into());
    }
    if !route.may(s.roles) {
        return page(403, accounts_views::forbidden(&s.viewer()));
    }
    match route {
        Admin::Index => overview::index(req, cx, &s).await,
        Admin::Logout => overview::logout(req, cx, &s).await,
        Admin::AlertTest => overview::alert_test(req, cx, &s).await,
        Admin::ShieldClose => overview::shield_close(req, cx, &s).await,
        Admin::Comments => moderation::comment_list(req, cx, &s).await,
        Admin::Moderate => moderation::moderate(req, cx, &s, params).await,
        Admin::Waiting => moderation::waiting(req, cx, &s).await,
        Admin::Pledges => money::pledges(req, cx, &s).await,
        Admin::PledgesCsv => money::pledges_csv(req, cx, &s).await,
        Admin::Sources => money::sources(req, cx, &s).await,
        Admin::SourcesCsv => money::sources_csv(req, cx, &s).await,
        Admin::Volunteers => volunteers::list(req, cx, &s).await,
        Admin::VolunteersCsv => volunteers::export(req, cx, &s).await,
        Admin::Erase => erase::show(req, cx, &s).await,
        Admin::EraseFind => erase::find(req, cx, &s).await,
        Admin::EraseRun => erase::run(req, cx, &s).await,
        Admin::Account => accounts::own::account(cx, &s).await,
        Admin::SessionsEnd => accounts::own::sessions_end(req, cx, &s).await,
        Admin::Accounts => accounts::team::team(cx, &s).await,
        Admin::AccountInvite => accounts::team::invite_new(req, cx, &s).await,
        Admin::AccountAction => accounts::team::account_action(req, cx, &s, params).await,
        Admin::Audit => accounts::audit::show(req, cx, &s).await,
        Admin::AuditCsv => accounts::audit::csv(req, cx, &s).await,
        Admin::Updates => updates::list(cx, &s).await,
        Admin::UpdateCreate => updates::create(req, cx, &s).await,
        Admin::UpdateEdit => updates::edit(cx, &s, params).await,
        Admin::UpdateSave => updates::save(req, cx, &s, params).await,
        Admin::UpdateAction => updates::action(req, cx, &s, params).await,
        // Answered above, before a session is asked for.
        Admin::Login
        | Admin::BootstrapPage
        | Admin::Bootstrap
        | Admin::InvitePage
        | Admin::Invite
        | Admin::Unknown => Err(AppError::NotFound.into()),
    }
}
