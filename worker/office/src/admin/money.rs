//! Pledges and money: the pledges' list and export, and the report by share-link source.

use crate::gate::*;
use app::account::audit::Action;
use app::admin::{day_of, paid_per_day_svg, parse_page, CHART_DAYS};
use app::pledge::Status;
use app::views::admin::{self as views, PledgesPage};
use edge::ctx::Ctx;
use edge::{http, store, store::admin as admin_sql};
use worker::{Request, Response};
/// The status filter of the pledge pages: a status's name, or `all`.
fn pledge_filter(req: &Request) -> &'static str {
    http::query(req, "status")
        .as_deref()
        .and_then(Status::parse)
        .map_or("all", Status::as_str)
}

/// `GET /admin/pledges?status=…&page=n`.
pub async fn pledges(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let filter = pledge_filter(&req);
    let page_no = parse_page(&http::query(&req, "page").unwrap_or_default());
    let today = day_of(cx.now);
    let since = (today - (CHART_DAYS - 1)) * 86_400;
    let d = admin_sql::pledges_page(cx.db()?, filter, page_no, since).await?;
    let chart_svg = paid_per_day_svg(&d.days, today);
    let html = views::pledges(
        &s.viewer(),
        PledgesPage {
            filter: Status::parse(filter),
            page: page_no,
            matching: d.matching,
            rows: d.rows,
            totals: d.totals,
            raised: d.raised,
            gifts: d.gifts,
            flagged: d.flagged,
            flagged_events: d.flagged_events,
            waiting_refunds: d.waiting_refunds,
            chart_svg,
            monthly: d.monthly,
            monthly_rows: d.monthly_rows,
        },
    );
    page(200, html)
}

/// `GET /admin/sources?days=&code=&tier=&lang=`: the by-source report and the link builder.
pub async fn sources(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let days = app::reach::report_days(http::query(&req, "days").as_deref());
    let db = cx.db()?;
    let rows = store::reach::by_source(db, cx.now - days * 86_400).await?;
    let tiers = store::tiers(db).await?.into_iter().map(|t| t.id).collect();
    let base = match cx.config.site_url.as_str() {
        "" => cx.origin.clone(),
        configured => configured.to_string(),
    };
    let builder = app::views::sources::LinkBuilder {
        code: http::query(&req, "code").unwrap_or_default(),
        tier: http::query(&req, "tier").unwrap_or_default(),
        km: http::query(&req, "lang").as_deref() == Some("km"),
    };
    let today = app::funnel::day(cx.now);
    let first = today - days.max(app::admin::FUNNEL_CHART_DAYS) + 1;
    let lines = app::admin::funnel_lines(&store::funnel::since(db, first).await?);
    let funnel_svg = app::admin::funnel_svg(&lines, today);
    let funnel = lines.into_iter().filter(|l| l.day > today - days).collect();
    let html = app::views::sources::sources(
        &s.viewer(),
        app::views::sources::SourcesPage {
            days,
            rows,
            tiers,
            builder,
            base,
            funnel,
            funnel_svg,
        },
    );
    page(200, html)
}

/// `GET /admin/sources.csv?days=`: the funnel's counts of those days, masked as on the page.
pub async fn sources_csv(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let days = app::reach::report_days(http::query(&req, "days").as_deref());
    let first = app::funnel::day(cx.now) - days + 1;
    let lines = app::admin::funnel_lines(&store::funnel::since(cx.db()?, first).await?);
    s.audit(
        cx,
        Action::Exported,
        Some(&format!("sources.csv?days={days}")),
        Some(&format!("{} rows", lines.len())),
    )
    .await?;
    csv(cx, "funnel", app::admin::funnel_csv(&lines))
}

/// `GET /admin/pledges.csv?status=…`: every pledge the filter matches.
pub async fn pledges_csv(req: Request, cx: &Ctx, s: &Session) -> Result<Response, AdminError> {
    let filter = pledge_filter(&req);
    let rows = admin_sql::all_pledges(cx.db()?, filter).await?;
    s.audit(
        cx,
        Action::Exported,
        Some(&format!("pledges.csv?status={filter}")),
        Some(&format!("{} rows", rows.len())),
    )
    .await?;
    csv(
        cx,
        &format!("pledges-{filter}"),
        app::admin::pledges_csv(&rows),
    )
}
