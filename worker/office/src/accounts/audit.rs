//! The audit trail (owners): the page and its export.

use crate::gate::{csv as csv_file, page, AdminError, Session};
use app::account::audit::Action;
use app::views::accounts::{self as views, AuditQuery};
use edge::ctx::Ctx;
use edge::store::accounts as accounts_sql;
use edge::{error::AppError, http};
use worker::{Request, Response};

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
    cx: &Ctx,
    q: &AuditQuery,
    limit: i64,
) -> Result<Vec<app::account::audit::Entry>, AppError> {
    accounts_sql::audit_entries(
        cx.db()?,
        &accounts_sql::AuditFilter {
            action: q.action.map(Action::as_str),
            actor: q.actor,
            since: cx.now - q.days * 86_400,
            limit,
        },
    )
    .await
}

/// `GET /admin/audit?action=&actor=&days=`.
pub async fn show(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let q = audit_query(&req);
    let people: Vec<(i64, String)> = accounts_sql::team(cx.db()?, cx.now)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let rows = entries(cx, &q, 500).await?;
    page(200, views::audit(&s.viewer(), &q, &people, rows))
}

/// `GET /admin/audit.csv?…`: the same filter, every entry (up to 10,000).
pub async fn csv(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let q = audit_query(&req);
    let rows = entries(cx, &q, 10_000).await?;
    s.audit(
        cx,
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
    csv_file(cx, "audit", csv.finish())
}
