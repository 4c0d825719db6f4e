//! Offers of help: their list (phones for the roles that need them) and export.

use crate::gate::*;
use app::account::audit::Action;
use app::admin::parse_page;
use app::views::admin::{self as views};
use edge::ctx::Ctx;
use edge::{http, store::admin as admin_sql};
use worker::{Request, Response};
/// `GET /admin/volunteers?page=n`.
pub async fn list(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let page_no = parse_page(&http::query(&req, "page").unwrap_or_default());
    let (total, rows) = admin_sql::volunteers_page(cx.db()?, page_no).await?;
    page(200, views::volunteers(&s.viewer(), page_no, total, rows))
}

/// `GET /admin/volunteers.csv`.
pub async fn export(_req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let rows = admin_sql::all_volunteers(cx.db()?).await?;
    s.audit(
        cx,
        Action::Exported,
        Some("volunteers.csv"),
        Some(&format!("{} rows", rows.len())),
    )
    .await?;
    csv(cx, "volunteers", app::admin::volunteers_csv(&rows))
}

// ---------------------------------------------------------------------------------------------
// Erasure by email
