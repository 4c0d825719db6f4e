//! One's own account and sessions.

use crate::gate::{form_of, page, see_other, AdminError, Session};
use app::account::audit::Action;
use app::admin::cleared_session_cookie;
use app::routes::Admin;
use app::views::accounts::{self as views, SessionLine};
use edge::ctx::Ctx;
use edge::store::accounts as accounts_sql;
use worker::{Request, Response};

/// `GET /admin/account`.
pub async fn account(cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let db = cx.db()?;
    let sessions = accounts_sql::sessions_of(db, s.account_id, &s.id_hash, cx.now)
        .await?
        .into_iter()
        .map(|r| SessionLine {
            created_at: r.created_at,
            expires_at: r.expires_at,
            current: r.current != 0,
        })
        .collect();
    let left = accounts_sql::recovery_left(db, s.account_id).await?;
    page(200, views::account(&s.viewer(), sessions, left))
}

/// `POST /admin/account/sessions/end`: every session of this account ends, this one too.
pub async fn sessions_end(mut req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    form_of::<crate::gate::Empty>(&mut req, s).await?;
    let ended = accounts_sql::end_sessions(cx.db()?, s.account_id).await?;
    s.audit(
        cx,
        Action::SessionsEnded,
        None,
        Some(&format!("{ended} sessions")),
    )
    .await?;
    let mut resp = see_other(Admin::Index.path())?;
    resp.headers_mut()
        .set("Set-Cookie", &cleared_session_cookie())?;
    Ok(resp)
}
