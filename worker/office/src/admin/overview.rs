//! The overview (`/admin`), signing out, and the alerts' test message.

use crate::gate::*;
use app::account::audit::Action;
use app::admin::{cleared_session_cookie, ActionForm};
use app::routes::Admin;
use app::views::admin::{self as views};
use edge::ctx::Ctx;
use edge::{http, store, store::admin as admin_sql};
use worker::{Request, Response};
/// `POST /admin/alerts/test`: a test message to the team's chat; back to the overview, which
/// says whether it went.
pub async fn alert_test(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    form_of::<ActionForm>(&mut req, s).await?;
    let sent = crate::telegram::send(cx.config, app::alerts::TEST_MESSAGE).await;
    s.audit(
        cx,
        Action::AlertTested,
        None,
        Some(if sent.is_ok() { "sent" } else { "failed" }),
    )
    .await?;
    if let Err(e) = &sent {
        edge::log::event("alert_not_sent", &[("why", &e.to_string())]);
    }
    let outcome = if sent.is_ok() { "sent" } else { "failed" };
    see_other(&format!("{}?test={outcome}#alerts", Admin::Index.path()))
}

/// `POST /admin/shield/close`: a maintainer closes the card-testing shield's running trip (the
/// limits loosen and a pause ends at once); audited with the trip's id. Signals received
/// before now never open a trip again.
pub async fn shield_close(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    form_of::<ActionForm>(&mut req, s).await?;
    let closed = store::shield::close(cx.db()?, s.account_id, cx.now).await?;
    let id = closed.map(|id| id.to_string());
    s.audit(
        cx,
        Action::ShieldClosed,
        id.as_deref(),
        Some(if closed.is_some() {
            "closed"
        } else {
            "none-running"
        }),
    )
    .await?;
    edge::log::event("shield", &[("level", "open"), ("by", "hand")]);
    see_other(&format!("{}#shield", Admin::Index.path()))
}

/// `GET /admin`: the overview, or the login form.
pub async fn index(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let d = admin_sql::dashboard(cx.db()?).await?;
    let reconcile = store::jobs::last_run(cx.db()?, "reconcile")
        .await?
        .map(|r| {
            app::reconcile::Standing::from_row(
                r.last_run_at,
                r.checkpoint.as_deref(),
                r.last_counts.as_deref(),
                cx.now,
            )
        });
    let configured = cx.config.stripe_secret_key.is_some();
    let alerts = views::AlertsStanding {
        configured: cx.config.telegram.is_some(),
        last_sent_at: store::jobs::last_run(cx.db()?, "alerts")
            .await?
            .and_then(|r| app::alerts::State::parse(r.checkpoint.as_deref()).last_sent_at),
        test: http::query(&req, "test").and_then(|t| match t.as_str() {
            "sent" => Some(true),
            "failed" => Some(false),
            _ => None,
        }),
    };
    let latest = store::shield::latest(cx.db()?).await?;
    let since = app::shield::counting_since(latest.as_ref(), cx.now);
    let shield = views::ShieldStanding {
        signals: store::shield::signals(cx.db()?, since).await?,
        since,
        latest,
        now: cx.now,
    };
    page(
        200,
        views::dashboard(&s.viewer(), d, configured, reconcile, alerts, shield),
    )
}

/// `POST /admin/logout`: the session ends in D1, and the browser forgets the cookie.
pub async fn logout(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    form_of::<ActionForm>(&mut req, s).await?;
    store::accounts::end_session(cx.db()?, &s.id_hash).await?;
    s.audit(cx, Action::SignOut, None, None).await?;
    let mut resp = http::see_other(Admin::Index.path())?;
    resp.headers_mut()
        .set("Set-Cookie", &cleared_session_cookie())?;
    Ok(private(resp)?)
}

// ---------------------------------------------------------------------------------------------
// Moderation and replies
