//! `GET /admin/pledges`: the money as maintainers check it. The totals as on the public page,
//! the paid-per-day chart (SVG made by `crate::admin::paid_per_day_svg`), the monthly gifts,
//! what the ledger flagged for a person to look at, and the list of pledges with its filter.

use super::{pager, plural, shell, when, Nav, Section, Viewer};
use crate::admin::{
    amount, FlaggedEvent, MonthlySummary, PledgeRow, StatusTotal, WaitingRefund, PAGE_SIZE,
};
use crate::money::Cents;
use crate::pledge::Status;
use crate::routes::Admin;
use leptos::either::Either;
use leptos::prelude::*;

/// `GET /admin/pledges`: everything the pledges page shows.
pub struct PledgesPage {
    /// `None`: every status.
    pub filter: Option<Status>,
    pub page: i64,
    /// Pledges matching the filter, all pages.
    pub matching: i64,
    pub rows: Vec<PledgeRow>,
    /// Per status, every pledge.
    pub totals: Vec<StatusTotal>,
    /// As on the public page: US dollars paid, net of refunds, and the gifts counted.
    pub raised: Cents,
    pub gifts: i64,
    /// Pledges with a flag (another currency).
    pub flagged: Vec<PledgeRow>,
    pub flagged_events: Vec<FlaggedEvent>,
    pub waiting_refunds: Vec<WaitingRefund>,
    /// [`crate::admin::paid_per_day_svg`].
    pub chart_svg: String,
    pub monthly: MonthlySummary,
    /// Monthly gifts that were ever paid, newest first.
    pub monthly_rows: Vec<PledgeRow>,
}

/// The monthly gifts: the summary, and each gift's months, failures and end.
fn monthly_section(m: MonthlySummary, rows: Vec<PledgeRow>) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|p| {
            let state = if p.unpaid_invoice.is_some() && p.status == Status::Active {
                "Monthly, past due".to_string()
            } else {
                status_label(p.status).to_string()
            };
            view! {
                <tr>
                    <td data-label="Started">{when(p.created_at)}</td>
                    <td data-label="Each month">{amount(p.amount_cents, &p.currency)}</td>
                    <td data-label="State">{state}</td>
                    <td data-label="Months paid">{p.payments.to_string()}</td>
                    <td data-label="Failed renewals">{p.failed_renewals.to_string()}</td>
                    <td data-label="Stopped">{p.ended_at.map(when)}</td>
                    <td data-label="Id"><code>{p.id}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section id="monthly" aria-labelledby="monthly-heading">
            <h2 id="monthly-heading">"Monthly gifts"</h2>
            <p>
                <strong>{format!("{} active, {} a month pledged", m.active, Cents(m.active_cents))}</strong>
                {format!(
                    "; {} past due, {} stopped; {} paid in all; failed renewal attempts: {}.",
                    m.past_due,
                    m.cancelled,
                    plural(m.months_paid, "month", "months"),
                    m.failed_renewals
                )}
            </p>
            <table>
                <thead><tr>
                    <th scope="col">"Started"</th><th scope="col">"Each month"</th><th scope="col">"State"</th>
                    <th scope="col">"Months paid"</th><th scope="col">"Failed renewals"</th><th scope="col">"Stopped"</th><th scope="col">"Id"</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}

const STATUSES: [Status; 7] = [
    Status::Paid,
    Status::Pending,
    Status::Refunded,
    Status::Failed,
    Status::Expired,
    Status::Active,
    Status::Cancelled,
];

/// A status as maintainers name it (the donor-facing words are sentences).
fn status_label(s: Status) -> &'static str {
    match s {
        Status::Paid => "Paid",
        Status::Pending => "Pending",
        Status::Refunded => "Refunded",
        Status::Failed => "Failed",
        Status::Expired => "Expired",
        Status::Active => "Monthly, active",
        Status::Cancelled => "Monthly, stopped",
    }
}

fn pledge_table(rows: Vec<PledgeRow>) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|p| {
            let goes_to = match &p.tier {
                Some(t) if *t != p.designation => format!("{t} → {}", p.designation),
                _ => p.designation.clone(),
            };
            let name = match (&p.name, p.show_name) {
                (Some(n), true) => format!("{n} (shown)"),
                (Some(n), false) => format!("{n} (hidden)"),
                (None, _) => "—".to_string(),
            };
            // A gift made elsewhere (an external provider's) was never attested.
            let attested = match p.attested_at {
                Some(at) => view! { "yes, " {when(at)} }.into_any(),
                None => "not attested".into_any(),
            };
            // The donor's own currency, beside the US amount the ledger counts (#28 §1).
            let presented = p
                .presented()
                .map(|x| format!(" (paid as {})", x.display()))
                .unwrap_or_default();
            let refunded = if p.refunded_cents > 0 {
                amount(p.refunded_cents, &p.currency)
            } else {
                String::new()
            };
            view! {
                <tr>
                    <td data-label="Created">{when(p.created_at)}</td>
                    <td data-label="Status">{p.status.as_str()}</td>
                    <td data-label="Amount">{amount(p.amount_cents, &p.currency)}{presented}</td>
                    <td data-label="Refunded">{refunded}</td>
                    <td data-label="For">{goes_to}</td>
                    <td data-label="Name" class="text">{name}</td>
                    <td data-label="Email" class="text">{p.email.unwrap_or_default()}</td>
                    <td data-label="Note" class="text">{p.note.unwrap_or_default()}</td>
                    <td data-label="Eligible">{attested}</td>
                    <td data-label="Flag">{p.flag.unwrap_or_default()}</td>
                    <td data-label="Id"><code>{p.id}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table>
            <thead><tr>
                <th scope="col">"Created"</th><th scope="col">"Status"</th><th scope="col">"Amount"</th><th scope="col">"Refunded"</th>
                <th scope="col">"For"</th><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Note"</th>
                <th scope="col">"Eligible"</th><th scope="col">"Flag"</th><th scope="col">"Id"</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

pub fn pledges(v: &Viewer<'_>, p: PledgesPage) -> String {
    let PledgesPage {
        filter,
        page,
        matching,
        rows,
        totals,
        raised,
        gifts,
        flagged,
        flagged_events,
        waiting_refunds,
        chart_svg,
        monthly,
        monthly_rows,
    } = p;
    let filter_key = filter.map_or("all", Status::as_str);
    let tabs = std::iter::once(("all", "All".to_string()))
        .chain(STATUSES.iter().map(|s| (s.as_str(), status_label(*s).to_string())))
        .map(|(key, label)| {
            let current = (key == filter_key).then_some("page");
            view! { <li><a href=format!("{}?status={key}", Admin::Pledges.path()) aria-current=current>{label}</a></li> }
        })
        .collect_view();
    let total_rows = totals
        .into_iter()
        .map(|t| view! { <tr><td data-label="Status">{t.status.as_str()}</td><td data-label="Pledges">{t.pledges.to_string()}</td><td data-label="Amount (US$)">{Cents(t.cents).to_string()}</td></tr> })
        .collect_view();
    let flagged_part = if flagged.is_empty() {
        Either::Left(view! { <p>"No pledge is flagged."</p> })
    } else {
        Either::Right(pledge_table(flagged))
    };
    let events_part = if flagged_events.is_empty() {
        Either::Left(view! { <p>"No payment event is flagged."</p> })
    } else {
        let items = flagged_events
            .into_iter()
            .map(|e| {
                let money = e.amount_cents.map_or_else(|| "not a countable number".to_string(), |c| amount(c, e.currency.as_deref().unwrap_or("")));
                view! {
                    <tr>
                        <td data-label="Received">{when(e.received_at)}</td>
                        <td data-label="Why">{e.why()}</td>
                        <td data-label="Event"><code>{format!("{} {}", e.scheme, e.event_id)}</code></td>
                        <td data-label="Pledge, payment"><code>{e.pledge_id.unwrap_or_default()}</code>" "<code>{e.provider_ref.unwrap_or_default()}</code></td>
                        <td data-label="Amount">{money}</td>
                    </tr>
                }
            })
            .collect_view();
        Either::Right(view! {
            <table>
                <thead><tr><th scope="col">"Received"</th><th scope="col">"Why"</th><th scope="col">"Event"</th><th scope="col">"Pledge, payment"</th><th scope="col">"Amount"</th></tr></thead>
                <tbody>{items}</tbody>
            </table>
        })
    };
    let refunds_part = if waiting_refunds.is_empty() {
        Either::Left(view! { <p>"No refund is waiting for its payment."</p> })
    } else {
        let items = waiting_refunds
            .into_iter()
            .map(|r| view! { <tr><td data-label="Last update">{when(r.updated_at)}</td><td data-label="Payment reference"><code>{r.provider_ref}</code></td><td data-label="Refunded so far">{amount(r.refunded_cents, &r.currency)}</td></tr> })
            .collect_view();
        Either::Right(view! {
            <table>
                <thead><tr><th scope="col">"Last update"</th><th scope="col">"Payment reference"</th><th scope="col">"Refunded so far"</th></tr></thead>
                <tbody>{items}</tbody>
            </table>
        })
    };
    let csv = format!("{}?status={filter_key}", Admin::PledgesCsv.path());
    let base = format!("{}?status={filter_key}", Admin::Pledges.path());
    let empty = rows.is_empty().then(|| view! { <p>"No pledges."</p> });
    let main = view! {
        <h1>"Pledges"</h1>
        <p><strong>{format!("{raised} raised from {}", plural(gifts, "gift", "gifts"))}</strong>" (US dollars, net of refunds, as on the public page)"</p>
        <section aria-labelledby="chart-heading">
            <h2 id="chart-heading">"Paid gifts per day, last 90 days"</h2>
            <figure class="card" inner_html=chart_svg></figure>
        </section>
        <section aria-labelledby="totals-heading">
            <h2 id="totals-heading">"Totals by status"</h2>
            <table>
                <thead><tr><th scope="col">"Status"</th><th scope="col">"Pledges"</th><th scope="col">"Amount (US$)"</th></tr></thead>
                <tbody>{total_rows}</tbody>
            </table>
        </section>
        {monthly_section(monthly, monthly_rows)}
        <section id="flagged" aria-labelledby="flagged-heading">
            <h2 id="flagged-heading">"Flagged: look at these"</h2>
            <h3>"Gifts in other currencies (not in the totals)"</h3>
            {flagged_part}
            <h3>"Payment events for a maintainer (second payments, disputes, amounts that cannot be counted)"</h3>
            {events_part}
            <h3>"Refunds waiting for their payment"</h3>
            {refunds_part}
        </section>
        <section aria-labelledby="list-heading">
            <h2 id="list-heading">"All pledges"</h2>
            <nav aria-label="Filter by status"><ul>{tabs}</ul></nav>
            <p class="hint">{format!("{}. ", plural(matching, "pledge", "pledges"))}<a href=csv>"Download as CSV"</a></p>
            {empty}
            {pledge_table(rows)}
            {pager(&base, page, PAGE_SIZE, matching)}
        </section>
    };
    shell("Pledges", Some(Nav::new(Section::Pledges, v)), main)
}
