//! The maintainers' pages under `/admin`, drawn like the public ones: pure functions of loaded
//! data, every value passed to `view!` as a value so Leptos escapes it.
//!
//! English only (the maintainers read it), in a shell of their own: no hreflang, canonical or
//! public navigation, `noindex`, the admin navigation and a logout button carrying the
//! session's CSRF token. Every form that changes something carries that token too. The site's
//! stylesheet is reused as is, so the CSP hash keeps matching. The one `inner_html` besides it
//! is the chart, which [`crate::admin::paid_per_day_svg`] builds from numbers and dates only.

use super::textarea_text;
use crate::account::roles::Roles;
use crate::admin::{
    amount, waited, AdminComment, CommentList, EraseProblem, Erasure, FlaggedEvent, MonthlySummary,
    PledgeRow, ReplyProblem, StatusTotal, Stored, VolunteerRow, WaitingRefund, ERASE_EMAIL_MAX,
    ERASE_LIST_MAX, PAGE_SIZE,
};
use crate::comment::CommentStatus;
use crate::content::{CSS, EN};
use crate::money::Cents;
use crate::pledge::Status;
use crate::reconcile::Standing;
use crate::routes::Admin;
use leptos::either::Either;
use leptos::prelude::*;

use crate::admin::{Dashboard, COMMENTS_PER_PAGE};

/// The part of the admin area a page belongs to, for the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    Dashboard,
    Comments,
    Waiting,
    Updates,
    Pledges,
    Sources,
    Volunteers,
    Erase,
    Account,
    Accounts,
    Audit,
}

/// The sections, their labels and their route (which gives the link and decides who may see
/// it: a link outside the viewer's roles is not drawn).
const SECTIONS: [(Section, &str, Admin); 11] = [
    (Section::Dashboard, "Overview", Admin::Index),
    (Section::Comments, "Comments", Admin::Comments),
    (Section::Waiting, "Awaiting our reply", Admin::Waiting),
    (Section::Updates, "Updates", Admin::Updates),
    (Section::Pledges, "Pledges", Admin::Pledges),
    (Section::Sources, "By source", Admin::Sources),
    (Section::Volunteers, "Volunteers", Admin::Volunteers),
    (Section::Erase, "Erase by email", Admin::Erase),
    (Section::Accounts, "Team", Admin::Accounts),
    (Section::Audit, "Audit", Admin::Audit),
    (Section::Account, "Your account", Admin::Account),
];

/// Who is looking at a signed-in page: their name and roles, and their session's CSRF token
/// (every form posts it).
#[derive(Clone, Copy, Debug)]
pub struct Viewer<'a> {
    pub name: &'a str,
    pub roles: Roles,
    pub csrf: &'a str,
}

/// A signed-in page's navigation: where we are, and who is looking.
pub(crate) struct Nav<'a> {
    section: Section,
    csrf: &'a str,
    roles: Roles,
}

impl<'a> Nav<'a> {
    pub(crate) fn new(section: Section, v: &Viewer<'a>) -> Nav<'a> {
        Nav {
            section,
            csrf: v.csrf,
            roles: v.roles,
        }
    }
}

/// `<!DOCTYPE html>` and the admin shell around a page's `<main>`.
pub(crate) fn shell(title: &str, nav: Option<Nav<'_>>, main: impl IntoView + 'static) -> String {
    let title = format!("{title} · Admin · {}", EN.site_name);
    let header_nav = nav.map(
        |Nav {
             section,
             csrf,
             roles,
         }| {
            let links = SECTIONS
                .iter()
                .filter(|(_, _, route)| route.may(roles))
                .map(|(s, label, route)| {
                    let current = (*s == section).then_some("page");
                    view! { <li><a href=route.path() aria-current=current>{*label}</a></li> }
                })
                .collect_view();
            let csrf = csrf.to_string();
            view! {
                <nav aria-label="Admin">
                    <ul>{links}</ul>
                </nav>
                <form method="post" action=Admin::Logout.path() class="logout">
                    <input type="hidden" name="csrf" value=csrf/>
                    <button type="submit" class="secondary">"Log out"</button>
                </form>
            }
        },
    );
    let html = Owner::new().with(|| {
        view! {
            <html lang="en">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width,initial-scale=1"/>
                    <title>{title}</title>
                    <meta name="robots" content="noindex, nofollow"/>
                    <style inner_html=CSS></style>
                </head>
                <body class="admin">
                    <a class="skip" href="#main">"Skip to content"</a>
                    // One row: the name, the navigation and the logout, wrapping together.
                    <header class="site">
                        <div class="bar">
                            <a class="brand" href="/admin">{EN.site_name}" · Admin"</a>
                            {header_nav}
                        </div>
                    </header>
                    <main id="main">{main}</main>
                </body>
            </html>
        }
        .to_html()
    });
    format!("<!DOCTYPE html>{html}")
}

/// The reconciliation with Stripe's record: when it last ran, how far it has read, what it
/// found, and what to do when it falls behind. `configured`: `STRIPE_SECRET_KEY` is set.
fn reconciliation(configured: bool, standing: Option<Standing>) -> impl IntoView {
    let body = match (configured, standing) {
        (false, _) => view! {
            <p>"Not configured: set the STRIPE_SECRET_KEY secret and the hourly job compares the ledger with Stripe's record."</p>
        }
        .into_any(),
        (true, None) => view! { <p>"Has not run yet: it runs with the hourly Cron Trigger."</p> }.into_any(),
        (true, Some(s)) => {
            let r = s.last;
            let stale = s.stale.then(|| view! {
                <p class="error" role="alert">
                    "The reconciliation has not read Stripe's events for more than 25 days, and Stripe keeps them for 30. "
                    "Look at the error below and the logs (wrangler tail), fix the secret key or the deploy, and run the jobs by hand "
                    "(curl the /__scheduled address under wrangler dev, or wait for the next hour). Gifts older than 30 days will not come back "
                    "through the Events API: compare Stripe's Dashboard (Payments) with the pledges list for that time, and the pending "
                    "pledges of the last 30 days are still asked about one by one."
                </p>
            });
            let error = r.error.clone().map(|e| view! { <p class="error">"Last error: "{e}</p> });
            view! {
                {stale}
                <dl>
                    <dt>"Last run"</dt><dd>{when(s.last_run_at)}</dd>
                    <dt>"Stripe's events read up to"</dt><dd>{when(s.since)}</dd>
                    <dt>"Events the webhooks had missed (last run)"</dt><dd>{r.missed.to_string()}</dd>
                    <dt>"Pledges settled by asking Stripe (last run)"</dt><dd>{r.pledges_settled.to_string()}</dd>
                    <dt>"Events read, sessions asked"</dt><dd>{format!("{}, {}", r.events_read, r.sessions_asked)}</dd>
                    <dt>"More waiting for the next run"</dt><dd>{if r.cut_short { "yes" } else { "no" }}</dd>
                </dl>
                {error}
            }
            .into_any()
        }
    };
    view! {
        <section id="reconciliation" aria-labelledby="reconciliation-heading">
            <h2 id="reconciliation-heading">"Reconciliation with Stripe"</h2>
            {body}
        </section>
    }
}

/// Whether alerts reach the team, for the overview.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlertsStanding {
    /// `TELEGRAM_BOT_TOKEN` and `TELEGRAM_CHAT_ID` are set.
    pub configured: bool,
    pub last_sent_at: Option<i64>,
    /// A test message was just sent (`true`) or failed (`false`).
    pub test: Option<bool>,
}

fn alerts_section(csrf: &str, a: AlertsStanding) -> impl IntoView {
    let csrf = csrf.to_string();
    let state = if a.configured {
        "Configured: the hourly job sends counts and links (never a name, an email, a phone or a comment's words) to the team's Telegram chat."
    } else {
        "Not configured: set the TELEGRAM_BOT_TOKEN secret and the TELEGRAM_CHAT_ID variable (README, Alerts)."
    };
    let last = match a.last_sent_at {
        Some(at) => view! { <p>"Last alert sent: "{when(at)}</p> }.into_any(),
        None => view! { <p>"No alert sent yet."</p> }.into_any(),
    };
    let test = a.test.map(|ok| {
        let says = if ok {
            "The test message went out."
        } else {
            "The test message did not go out: see the logs (alert_not_sent)."
        };
        view! { <p class="notice" role="status">{says}</p> }
    });
    view! {
        <section id="alerts" aria-labelledby="alerts-heading">
            <h2 id="alerts-heading">"Alerts to the team"</h2>
            <p>{state}</p>
            {last}
            {test}
            <form method="post" action="/admin/alerts/test">
                <input type="hidden" name="csrf" value=csrf/>
                <button type="submit" class="secondary">"Send a test message"</button>
            </form>
        </section>
    }
}

/// `GET /admin` with a session.
pub fn dashboard(
    v: &Viewer<'_>,
    d: Dashboard,
    stripe_configured: bool,
    reconcile: Option<Standing>,
    alerts: AlertsStanding,
) -> String {
    let held = format!("comments held ({} with many links)", d.held_flagged);
    let roles = v.roles;
    let moderation = Admin::Comments.may(roles).then(|| view! {
        <li><a href="/admin/comments?status=held"><strong>{d.held.to_string()}</strong>{held}</a></li>
        <li><a href="/admin/waiting"><strong>{d.waiting.to_string()}</strong>"awaiting our reply"</a></li>
    });
    let money = Admin::Pledges.may(roles).then(|| view! {
        <li><a href="/admin/pledges?status=paid"><strong>{d.raised.to_string()}</strong>{format!("raised from {}", plural(d.gifts, "gift"))}</a></li>
        <li><a href="/admin/pledges#flagged"><strong>{d.flagged.to_string()}</strong>"flagged payment events"</a></li>
    });
    let helpers = Admin::Volunteers.may(roles).then(|| view! {
        <li><a href="/admin/volunteers"><strong>{d.volunteers.to_string()}</strong>"volunteers"</a></li>
    });
    let reconcile = Admin::Pledges
        .may(roles)
        .then(|| reconciliation(stripe_configured, reconcile));
    let alerts = Admin::AlertTest
        .may(roles)
        .then(|| alerts_section(v.csrf, alerts));
    let main = view! {
        <h1>"Overview"</h1>
        <p>{format!("Signed in as {}.", v.name)}</p>
        <ul class="stats">{moderation}{money}{helpers}</ul>
        {reconcile}
        {alerts}
    };
    shell("Overview", Some(Nav::new(Section::Dashboard, v)), main)
}

/// A reply that came back with a problem, to draw again under its comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyDraft {
    pub parent: i64,
    pub text: String,
    pub problem: ReplyProblem,
}

/// Where a comment's buttons send the maintainer back to.
#[derive(Clone, Copy)]
struct Back {
    list: Option<CommentList>,
    page: i64,
}

impl Back {
    fn value(self) -> &'static str {
        self.list.map_or("waiting", CommentList::as_str)
    }
}

pub(crate) fn when(secs: i64) -> impl IntoView {
    let shown = crate::time::rfc3339(secs)
        .replace('T', " ")
        .replace('Z', " UTC");
    view! { <time datetime=crate::time::rfc3339(secs)>{shown}</time> }
}

/// One comment with its buttons. `next` is the comment to scroll to once this one has left the
/// list; `waited_for` is set in the "awaiting our reply" view.
fn comment_item(
    csrf: &str,
    back: Back,
    c: AdminComment,
    next: Option<i64>,
    draft: Option<&ReplyDraft>,
    waited_for: Option<String>,
) -> impl IntoView {
    let id = c.id;
    let class = match (c.is_campaign, c.status) {
        (true, _) => "comment campaign",
        (false, CommentStatus::Approved) => "comment",
        _ => "comment held",
    };
    let action = |what: &str| format!("/admin/comments/{id}/{what}");
    let hidden = {
        let (csrf, page, next) = (
            csrf.to_string(),
            back.page.to_string(),
            next.map(|n| n.to_string()).unwrap_or_default(),
        );
        move || {
            view! {
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="back" value=back.value()/>
                <input type="hidden" name="page" value=page.clone()/>
                <input type="hidden" name="next" value=next.clone()/>
            }
        }
    };
    let approve = (c.status != CommentStatus::Approved)
        .then(|| view! { <button type="submit" formaction=action("approve")>"Approve"</button> });
    let spam = (c.status != CommentStatus::Spam).then(|| view! { <button type="submit" formaction=action("spam") class="secondary">"Spam"</button> });
    // Every button names its own action; the form's own is the gentlest one, never "delete".
    let default = if c.status == CommentStatus::Approved {
        action("spam")
    } else {
        action("approve")
    };
    let buttons = view! {
        <form method="post" action=default class="actions">
            {hidden()}
            {approve}" "{spam}" "
            <button type="submit" formaction=action("delete") class="secondary">"Delete"</button>
        </form>
    };
    // The campaign answers visitors, so its own replies get no reply form.
    let reply = (c.status == CommentStatus::Approved && !c.is_campaign).then(|| {
        let mine = draft.filter(|d| d.parent == id);
        let problem = mine.map(|d| {
            let field = format!("reply-{id}-error");
            view! { <p class="error" id=field role="alert">{d.problem.message()}</p> }
        });
        let text = mine.map(|d| textarea_text(&d.text)).unwrap_or_default();
        let field = format!("reply-{id}");
        let described = mine.map(|_| format!("reply-{id}-error"));
        view! {
            <details open=mine.is_some()>
                <summary>"Reply as the campaign"</summary>
                <form method="post" action=action("reply")>
                    {hidden()}
                    <label for=field.clone()>{format!("Reply to {}", c.name)}</label>
                    {problem}
                    <textarea name="text" id=field required maxlength=crate::comment::TEXT_MAX.to_string() aria-describedby=described>{text}</textarea>
                    <p><button type="submit">"Post reply"</button></p>
                </form>
            </details>
        }
    });
    let contact = [c.email.clone(), c.website.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let in_reply = c
        .parent_id
        .map(|p| view! { <span>{format!("reply to #{p}")}</span> });
    let flagged = c
        .flagged
        .then(|| view! { <span class="badge">{format!("{} links", c.link_count)}</span> });
    let campaign = c
        .is_campaign
        .then(|| view! { <span class="badge">{EN.comment_campaign_badge}</span> });
    let waited =
        waited_for.map(|w| view! { <strong class="waited">{format!("waiting {w}")}</strong> });
    view! {
        <li class=class id=format!("comment-{id}")>
            <article>
                <p class="meta">
                    <span class="who">{c.name.clone()}</span>
                    {campaign}
                    {flagged}
                    {when(c.created_at)}
                    {waited}
                    <span>{format!("#{id} · {}", c.lang)}</span>
                    {in_reply}
                </p>
                {(!contact.is_empty()).then(|| view! { <p class="hint">{contact}</p> })}
                <p class="body">{c.body}</p>
                {buttons}
                {reply}
            </article>
        </li>
    }
}

/// Each comment's neighbour to scroll to once it leaves the list: the next, else the one before.
fn neighbours(ids: &[i64]) -> Vec<Option<i64>> {
    (0..ids.len())
        .map(|i| {
            ids.get(i + 1)
                .or_else(|| i.checked_sub(1).and_then(|j| ids.get(j)))
                .copied()
        })
        .collect()
}

fn comment_items(
    csrf: &str,
    back: Back,
    comments: Vec<AdminComment>,
    draft: Option<&ReplyDraft>,
    now: Option<i64>,
) -> impl IntoView {
    let ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    comments
        .into_iter()
        .zip(neighbours(&ids))
        .map(|(c, next)| {
            let waited_for = now.map(|now| waited(now - c.created_at));
            comment_item(csrf, back, c, next, draft, waited_for)
        })
        .collect_view()
}

/// "Previous page" and "next page" links for a list of `total` rows.
fn pager(base: &str, page: i64, per_page: i64, total: i64) -> impl IntoView {
    let join = if base.contains('?') { '&' } else { '?' };
    let href = |p: i64| {
        if p == 1 {
            base.to_string()
        } else {
            format!("{base}{join}page={p}")
        }
    };
    let prev =
        (page > 1).then(|| view! { <a href=href(page - 1) rel="prev">"← Previous page"</a> });
    let next = (page * per_page < total)
        .then(|| view! { <a href=href(page + 1) rel="next">"Next page →"</a> });
    view! { <nav class="pager" aria-label="Pages">{prev}{next}</nav> }
}

/// One moderation list.
pub struct CommentsPage {
    pub list: CommentList,
    pub page: i64,
    /// Comments in the list, all pages.
    pub total: i64,
    pub comments: Vec<AdminComment>,
    pub draft: Option<ReplyDraft>,
}

/// `GET /admin/comments?status=…`.
pub fn comments(v: &Viewer<'_>, p: CommentsPage) -> String {
    let csrf = v.csrf;
    let CommentsPage {
        list,
        page,
        total,
        comments,
        draft,
    } = p;
    let tabs = CommentList::ALL
        .iter()
        .map(|l| {
            let current = (*l == list).then_some("page");
            view! { <li><a href=format!("/admin/comments?status={}", l.as_str()) aria-current=current>{l.title()}</a></li> }
        })
        .collect_view();
    let intro = match list {
        CommentList::Held => "Oldest first; comments with more than two links come last, marked with their number of links.",
        CommentList::Approved => "On the public page. Newest first.",
        CommentList::Spam => "Never shown. Newest first.",
    };
    let empty = comments
        .is_empty()
        .then(|| view! { <p>"Nothing here."</p> });
    let back = Back {
        list: Some(list),
        page,
    };
    let items = comment_items(csrf, back, comments, draft.as_ref(), None);
    let base = format!("/admin/comments?status={}", list.as_str());
    let main = view! {
        <h1>{format!("Comments: {}", list.title())}</h1>
        <nav aria-label="Lists"><ul>{tabs}</ul></nav>
        <p class="hint">{format!("{total} in all. {intro}")}</p>
        {empty}
        <ol class="comments">{items}</ol>
        {pager(&base, page, COMMENTS_PER_PAGE, total)}
    };
    shell(list.title(), Some(Nav::new(Section::Comments, v)), main)
}

/// `GET /admin/waiting`: approved visitors' comments with no reply from the campaign after them.
pub fn waiting(
    v: &Viewer<'_>,
    comments: Vec<AdminComment>,
    now: i64,
    draft: Option<ReplyDraft>,
) -> String {
    let csrf = v.csrf;
    let count = match comments.len() {
        1 => "1 approved comment has".to_string(),
        n => format!("{n} approved comments have"),
    };
    let empty = comments
        .is_empty()
        .then(|| view! { <p>"Every approved comment has had our reply."</p> });
    let items = comment_items(
        csrf,
        Back {
            list: None,
            page: 1,
        },
        comments,
        draft.as_ref(),
        Some(now),
    );
    let main = view! {
        <h1>"Awaiting our reply"</h1>
        <p class="hint">{format!("{count} no reply from the campaign after them. Oldest first.")}</p>
        {empty}
        <ol class="comments">{items}</ol>
    };
    shell(
        "Awaiting our reply",
        Some(Nav::new(Section::Waiting, v)),
        main,
    )
}

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
                    plural(m.months_paid, "month"),
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

/// `1 gift`, `3 gifts`.
fn plural(n: i64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
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
            let refunded = if p.refunded_cents > 0 {
                amount(p.refunded_cents, &p.currency)
            } else {
                String::new()
            };
            view! {
                <tr>
                    <td data-label="Created">{when(p.created_at)}</td>
                    <td data-label="Status">{p.status.as_str()}</td>
                    <td data-label="Amount">{amount(p.amount_cents, &p.currency)}</td>
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
            view! { <li><a href=format!("/admin/pledges?status={key}") aria-current=current>{label}</a></li> }
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
    let csv = format!("/admin/pledges.csv?status={filter_key}");
    let base = format!("/admin/pledges?status={filter_key}");
    let empty = rows.is_empty().then(|| view! { <p>"No pledges."</p> });
    let main = view! {
        <h1>"Pledges"</h1>
        <p><strong>{format!("{raised} raised from {}", plural(gifts, "gift"))}</strong>" (US dollars, net of refunds, as on the public page)"</p>
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
            <p class="hint">{format!("{}. ", plural(matching, "pledge"))}<a href=csv>"Download as CSV"</a></p>
            {empty}
            {pledge_table(rows)}
            {pager(&base, page, PAGE_SIZE, matching)}
        </section>
    };
    shell("Pledges", Some(Nav::new(Section::Pledges, v)), main)
}

/// `GET /admin/volunteers`.
pub fn volunteers(v: &Viewer<'_>, page: i64, total: i64, rows: Vec<VolunteerRow>) -> String {
    let body = rows
        .into_iter()
        .map(|v| {
            let help = v.help_words();
            let contact = [v.email.clone(), v.phone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <tr>
                    <td data-label="When">{when(v.created_at)}</td>
                    <td data-label="Name" class="text">{v.name}</td>
                    <td data-label="How they want to help">{help}</td>
                    <td data-label="Where" class="text">{v.place.unwrap_or_default()}</td>
                    <td data-label="Contact" class="text">{contact}</td>
                    <td data-label="Message" class="body">{v.message.unwrap_or_default()}</td>
                    <td data-label="Language">{v.lang}</td>
                </tr>
            }
        })
        .collect_view();
    let main = view! {
        <h1>"Volunteers"</h1>
        <p class="hint">{format!("{}, newest first. ", plural(total, "volunteer"))}<a href="/admin/volunteers.csv">"Download as CSV"</a></p>
        <table>
            <thead><tr>
                <th scope="col">"When"</th><th scope="col">"Name"</th><th scope="col">"How they want to help"</th><th scope="col">"Where"</th>
                <th scope="col">"Contact"</th><th scope="col">"Message"</th><th scope="col">"Language"</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
        {pager("/admin/volunteers", page, PAGE_SIZE, total)}
    };
    shell("Volunteers", Some(Nav::new(Section::Volunteers, v)), main)
}

/// `GET /admin/erase`: the search form, the erasure just made, the latest erasures.
pub struct ErasePage {
    /// The erasure that just happened (`?done=`).
    pub done: Option<Erasure>,
    pub recent: Vec<Erasure>,
    /// The address as typed, when it came back with a problem.
    pub email: String,
    pub problem: Option<EraseProblem>,
}

/// `3 pledges, 1 comment and no volunteer`.
fn erased_counts(e: &Erasure) -> String {
    let n = |n: i64, one: &str| {
        if n == 0 {
            format!("no {one}")
        } else {
            plural(n, one)
        }
    };
    format!(
        "{}, {} and {}",
        n(e.pledges, "pledge"),
        n(e.comments, "comment"),
        n(e.volunteers, "volunteer")
    )
}

/// The search form: posted, so the address never lands in a URL.
fn erase_search(csrf: &str, email: String, problem: Option<EraseProblem>) -> impl IntoView {
    let error = problem
        .map(|p| view! { <p class="error" id="erase-email-error" role="alert">{p.message()}</p> });
    let described = problem.map(|_| "erase-email-error");
    let csrf = csrf.to_string();
    view! {
        <form method="post" action="/admin/erase/find" class="card">
            <input type="hidden" name="csrf" value=csrf/>
            <label for="erase-email">"Email address"</label>
            {error}
            <input type="email" name="email" id="erase-email" value=email required maxlength=ERASE_EMAIL_MAX.to_string() autocomplete="off" aria-describedby=described/>
            <p class="hint">"Matched ignoring case and surrounding spaces. Nothing is erased yet: the next page lists what is stored."</p>
            <p><button type="submit">"Find what is stored"</button></p>
        </form>
    }
}

pub fn erase(v: &Viewer<'_>, p: ErasePage) -> String {
    let csrf = v.csrf;
    let ErasePage {
        done,
        recent,
        email,
        problem,
    } = p;
    let done = done.map(|e| {
        view! {
            <div class="card" role="status">
                <p><strong>{format!("Erased: {}.", erased_counts(&e))}</strong></p>
                <p class="hint">"Pledges keep their amounts, status and dates, so the totals still add up. Comments with replies from others stay as empty “removed” placeholders. Erase the customer at Stripe too (see the README)."</p>
            </div>
        }
    });
    let recent_part = if recent.is_empty() {
        Either::Left(view! { <p>"No erasure yet."</p> })
    } else {
        let items = recent
            .into_iter()
            .map(|e| {
                view! {
                    <tr>
                        <td data-label="When">{when(e.at)}</td>
                        <td data-label="What">{e.kind.label()}</td>
                        <td data-label="Pledges">{e.pledges.to_string()}</td>
                        <td data-label="Comments">{e.comments.to_string()}</td>
                        <td data-label="Volunteers">{e.volunteers.to_string()}</td>
                    </tr>
                }
            })
            .collect_view();
        Either::Right(view! {
            <table>
                <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Pledges"</th><th scope="col">"Comments"</th><th scope="col">"Volunteers"</th></tr></thead>
                <tbody>{items}</tbody>
            </table>
        })
    };
    let main = view! {
        <h1>"Erase by email"</h1>
        {done}
        <p>"Find everything stored for an email address (pledges, comments, offers of help), then erase its personal fields in one step."</p>
        {erase_search(csrf, email, problem)}
        <section aria-labelledby="erasures-heading">
            <h2 id="erasures-heading">"Erasures recorded"</h2>
            <p class="hint">"Each erasure is recorded with its time and counts only, never the address or what was erased."</p>
            {recent_part}
        </section>
    };
    shell("Erase by email", Some(Nav::new(Section::Erase, v)), main)
}

/// `1 offer of help`, `2 offers of help`.
fn offers_of_help(n: i64) -> String {
    if n == 1 {
        "1 offer of help".to_string()
    } else {
        format!("{n} offers of help")
    }
}

/// "Held" or "—": whether a personal field is still stored.
fn held(yes: bool) -> &'static str {
    if yes {
        "held"
    } else {
        "—"
    }
}

/// `POST /admin/erase/find` (and an erasure refused): what is stored for the address, and the
/// form that erases it.
pub fn erase_found(v: &Viewer<'_>, stored: Stored, problem: Option<EraseProblem>) -> String {
    let csrf = v.csrf;
    let Stored {
        email,
        counts,
        pledges,
        comments,
        volunteers,
    } = stored;
    let total = counts.total();
    let more = |shown: usize, all: i64| {
        (i64::try_from(shown).unwrap_or(i64::MAX) < all)
            .then(|| view! { <p class="hint">{format!("The first {ERASE_LIST_MAX} of {all} are listed; all of them will be erased.")}</p> })
    };
    let pledge_part = (counts.pledges > 0).then(|| {
        let shown = pledges.len();
        let items = pledges
            .into_iter()
            .map(|p| {
                view! {
                    <tr>
                        <td data-label="Id"><code>{p.id}</code></td>
                        <td data-label="Created">{when(p.created_at)}</td>
                        <td data-label="Status">{p.status.as_str()}</td>
                        <td data-label="Amount">{amount(p.amount_cents, &p.currency)}</td>
                        <td data-label="Name">{held(p.has_name)}</td>
                        <td data-label="Email">{held(p.has_email)}</td>
                        <td data-label="Note">{held(p.has_note)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="pledges-heading">
                <h2 id="pledges-heading">{plural(counts.pledges, "pledge")}</h2>
                <p class="hint">"Name, email and note are erased and the name is no longer shown; the amount, status, tier, dates and payment references stay for the ledger."</p>
                <table>
                    <thead><tr>
                        <th scope="col">"Id"</th><th scope="col">"Created"</th><th scope="col">"Status"</th><th scope="col">"Amount"</th>
                        <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Note"</th>
                    </tr></thead>
                    <tbody>{items}</tbody>
                </table>
                {more(shown, counts.pledges)}
            </section>
        }
    });
    let comment_part = (counts.comments > 0).then(|| {
        let shown = comments.len();
        let items = comments
            .into_iter()
            .map(|c| {
                let fate = if c.kept {
                    "kept empty as “removed” (others replied)"
                } else {
                    "deleted"
                };
                let text = c.excerpt();
                view! {
                    <tr>
                        <td data-label="Id">{format!("#{}", c.id)}</td>
                        <td data-label="Written">{when(c.created_at)}</td>
                        <td data-label="Status">{c.status.as_str()}</td>
                        <td data-label="Start of the text" class="body">{text}</td>
                        <td data-label="On erasure">{fate}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="comments-heading">
                <h2 id="comments-heading">{plural(counts.comments, "comment")}</h2>
                <table>
                    <thead><tr>
                        <th scope="col">"Id"</th><th scope="col">"Written"</th><th scope="col">"Status"</th><th scope="col">"Start of the text"</th><th scope="col">"On erasure"</th>
                    </tr></thead>
                    <tbody>{items}</tbody>
                </table>
                {more(shown, counts.comments)}
            </section>
        }
    });
    let volunteer_part = (counts.volunteers > 0).then(|| {
        let shown = volunteers.len();
        let items = volunteers
            .into_iter()
            .map(
                |v| view! { <tr><td data-label="Id">{format!("#{}", v.id)}</td><td data-label="Sent">{when(v.created_at)}</td></tr> },
            )
            .collect_view();
        view! {
            <section aria-labelledby="volunteers-heading">
                <h2 id="volunteers-heading">{offers_of_help(counts.volunteers)}</h2>
                <p class="hint">"Deleted: every field of an offer of help is personal."</p>
                <table>
                    <thead><tr><th scope="col">"Id"</th><th scope="col">"Sent"</th></tr></thead>
                    <tbody>{items}</tbody>
                </table>
                {more(shown, counts.volunteers)}
            </section>
        }
    });
    let erase_form = if total == 0 {
        Either::Left(view! { <p><strong>"Nothing is stored for this address."</strong></p> })
    } else {
        let error =
            problem.map(|p| view! { <div class="errors" role="alert"><p>{p.message()}</p></div> });
        let (csrf, email, seen) = (csrf.to_string(), email.clone(), total.to_string());
        Either::Right(view! {
            <form method="post" action="/admin/erase" class="card">
                {error}
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="email" value=email/>
                <input type="hidden" name="seen" value=seen/>
                <p>
                    <input type="checkbox" name="confirm" value="yes" id="erase-confirm" required/>
                    <label for="erase-confirm">{format!("Erase these {}. This cannot be undone.", plural(total, "row"))}</label>
                </p>
                <p><button type="submit">"Erase"</button></p>
            </form>
        })
    };
    let main = view! {
        <h1>"Erase by email"</h1>
        <p>{format!("Stored for {email}: ")}<strong>{plural(total, "row")}</strong>"."</p>
        {pledge_part}
        {comment_part}
        {volunteer_part}
        {erase_form}
        <h2>"Look for another address"</h2>
        {erase_search(csrf, String::new(), None)}
    };
    shell("Erase by email", Some(Nav::new(Section::Erase, v)), main)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: i64, status: CommentStatus) -> AdminComment {
        AdminComment {
            id,
            parent_id: None,
            name: "<b>Dara</b>".into(),
            email: Some("d@example.org".into()),
            website: None,
            body: "<script>alert(1)</script>".into(),
            lang: "km".into(),
            status,
            is_campaign: false,
            link_count: 3,
            flagged: true,
            created_at: 0,
        }
    }

    #[test]
    fn pages_are_noindex_escaped_and_carry_the_token() {
        let html = comments(
            &owner("tok123"),
            CommentsPage {
                list: CommentList::Held,
                page: 1,
                total: 2,
                comments: vec![
                    comment(1, CommentStatus::Held),
                    comment(2, CommentStatus::Held),
                ],
                draft: None,
            },
        );
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(html.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(!html.contains("<b>Dara"));
        assert!(!html.contains(" style="));
        // The logout form and both comments' forms carry the token.
        assert_eq!(html.matches(r#"name="csrf" value="tok123""#).count(), 3);
        assert!(html.contains(r#"formaction="/admin/comments/1/approve""#));
        assert!(html.contains("3 links"));
        // Each comment points at its neighbour, so the list stays in place after an action.
        assert!(
            html.contains(r#"name="next" value="2""#) && html.contains(r#"name="next" value="1""#)
        );
        // Held comments get no reply form: only approved ones can be answered.
        assert!(!html.contains("Reply as the campaign"));
    }

    #[test]
    fn approved_comments_offer_a_reply_and_drafts_come_back_escaped() {
        let draft = ReplyDraft {
            parent: 5,
            text: "</textarea><script>x</script>".into(),
            problem: ReplyProblem::TooLong,
        };
        let html = waiting(
            &owner("t"),
            vec![comment(5, CommentStatus::Approved)],
            7200,
            Some(draft),
        );
        assert!(html.contains("Reply as the campaign"));
        assert!(html.contains("waiting 2 hours"));
        assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"));
        assert!(html.contains("at most 4000 characters"));
        assert!(html.contains(r#"name="back" value="waiting""#));
    }

    #[test]
    fn sign_in_never_shows_navigation() {
        use crate::views::accounts::{sign_in, SignInProblem};
        let html = sign_in(Some(SignInProblem::LockedOut), "dara");
        assert!(html.contains("Try again in 15 minutes"));
        assert!(!html.contains("/admin/logout") && !html.contains("/admin/pledges"));
        assert!(html.contains(r#"type="password""#) && html.contains(r#"value="dara""#));
    }

    /// An owner, with token `csrf`.
    fn owner(csrf: &str) -> Viewer<'_> {
        Viewer {
            name: "owner",
            roles: Roles::default().with(crate::account::roles::Role::Owner),
            csrf,
        }
    }

    #[test]
    fn the_navigation_links_only_what_the_roles_allow() {
        let moderator = Viewer {
            name: "m",
            roles: Roles::default().with(crate::account::roles::Role::Moderator),
            csrf: "t",
        };
        let html = waiting(&moderator, vec![], 0, None);
        assert!(
            html.contains(r#"href="/admin/comments""#) && html.contains(r#"href="/admin/account""#)
        );
        assert!(html.contains(r#"href="/admin/updates""#));
        for hidden in [
            "/admin/pledges",
            "/admin/volunteers",
            "/admin/erase",
            "/admin/accounts",
            "/admin/audit",
        ] {
            assert!(!html.contains(&format!(r#"href="{hidden}""#)), "{hidden}");
        }
        let html = waiting(&owner("t"), vec![], 0, None);
        assert!(
            html.contains(r#"href="/admin/audit""#) && html.contains(r#"href="/admin/pledges""#)
        );
    }

    fn stored() -> Stored {
        use crate::admin::{StoredComment, StoredCounts, StoredPledge, StoredVolunteer};
        Stored {
            email: "<b>Donor</b>@example.org".into(),
            counts: StoredCounts {
                pledges: 1,
                comments: 2,
                volunteers: 1,
            },
            pledges: vec![StoredPledge {
                id: "p1".into(),
                status: Status::Paid,
                amount_cents: 5000,
                currency: "usd".into(),
                created_at: 0,
                has_name: true,
                has_email: true,
                has_note: false,
            }],
            comments: vec![
                StoredComment {
                    id: 7,
                    created_at: 0,
                    status: CommentStatus::Approved,
                    body: "<script>alert(1)</script>".into(),
                    kept: true,
                },
                StoredComment {
                    id: 8,
                    created_at: 0,
                    status: CommentStatus::Held,
                    body: "x".repeat(300),
                    kept: false,
                },
            ],
            volunteers: vec![StoredVolunteer {
                id: 3,
                created_at: 0,
            }],
        }
    }

    #[test]
    fn the_erase_form_carries_the_address_the_count_and_a_box_to_tick() {
        let html = erase_found(&owner("tok"), stored(), Some(EraseProblem::NotConfirmed));
        assert!(!html.contains("<script>") && !html.contains("<b>Donor"));
        assert!(html.contains("&lt;b&gt;Donor&lt;/b&gt;@example.org"));
        assert!(html.contains(r#"name="seen" value="4""#));
        assert!(html.contains(r#"type="checkbox" name="confirm""#));
        assert!(
            html.contains(r#"action="/admin/erase""#)
                && html.contains(r#"action="/admin/erase/find""#)
        );
        assert!(html.contains("tick the box"));
        assert!(html.contains("1 offer of help") && html.contains("US$50"));
        assert!(html.contains("kept empty") && html.contains("deleted"));
        // The excerpt is short.
        assert!(html.contains(&format!("{}…", "x".repeat(crate::admin::EXCERPT_CHARS))));
        assert!(!html.contains(&"x".repeat(crate::admin::EXCERPT_CHARS + 1)));
        // The logout form, the erase form and the search form carry the token.
        assert_eq!(html.matches(r#"name="csrf" value="tok""#).count(), 3);
        assert!(html.contains(r#"href="/admin/erase" aria-current="page""#));
        // Nothing found: no erase form.
        let none = erase_found(&owner("tok"), Stored::default(), None);
        assert!(none.contains("Nothing is stored") && !none.contains(r#"name="confirm""#));
    }

    #[test]
    fn the_erase_page_shows_counts_only() {
        use crate::admin::ErasureKind;
        let e = Erasure {
            id: 4,
            at: 0,
            kind: ErasureKind::Email,
            pledges: 2,
            comments: 0,
            volunteers: 1,
        };
        let html = erase(
            &owner("tok"),
            ErasePage {
                done: Some(e),
                recent: vec![e],
                email: String::new(),
                problem: None,
            },
        );
        assert!(html.contains("Erased: 2 pledges, no comment and 1 volunteer."));
        assert!(html.contains("Everything for an email address"));
        assert!(!html.contains("role=\"alert\""));
        let html = erase(
            &owner("tok"),
            ErasePage {
                done: None,
                recent: vec![],
                email: "\"><x".into(),
                problem: Some(EraseProblem::NotAnEmail),
            },
        );
        assert!(html.contains("not an email address") && html.contains("No erasure yet."));
        assert!(html.contains("&quot;&gt;&lt;x") || html.contains("\"&gt;&lt;x"));
        assert!(!html.contains("\"><x"));
    }

    /// Every table's cells and headings, in order: `(headings, each row's data-labels)`.
    fn tables(html: &str) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
        let between = |s: &str, open: &str, close: &str| -> Vec<String> {
            s.split(open)
                .skip(1)
                .map(|p| p.split(close).next().unwrap_or_default().to_string())
                .collect()
        };
        between(html, "<table", "</table>")
            .iter()
            .map(|t| {
                let heads = between(t, "<th scope=\"col\">", "</th>");
                let rows = between(t, "<tr>", "</tr>")
                    .iter()
                    .filter(|r| r.contains("<td"))
                    .map(|r| between(r, "<td data-label=\"", "\""))
                    .collect();
                (heads, rows)
            })
            .collect()
    }

    #[test]
    fn every_cell_is_labelled_with_its_column_heading() {
        let pledge: PledgeRow = serde_json::from_value(serde_json::json!({
            "id": "p1", "status": "paid", "amount_cents": 5000, "refunded_cents": 100,
            "currency": "usd", "tier": null, "designation": "general", "name": "Dara",
            "email": "d@example.org", "show_name": 1, "note": "n", "lang": "en", "origin": "site",
            "provider_ref": "pi_1", "flag": "currency", "created_at": 0, "paid_at": 0,
        }))
        .expect("a pledge row");
        let page = PledgesPage {
            filter: None,
            page: 1,
            matching: 1,
            rows: vec![pledge.clone()],
            totals: vec![StatusTotal {
                status: Status::Paid,
                pledges: 1,
                cents: 5000,
            }],
            raised: Cents(5000),
            gifts: 1,
            flagged: vec![pledge.clone()],
            flagged_events: vec![FlaggedEvent {
                scheme: "stripe".into(),
                event_id: "evt_1".into(),
                outcome: "flagged:dispute".into(),
                pledge_id: Some("p1".into()),
                provider_ref: Some("pi_1".into()),
                amount_cents: Some(5000),
                currency: Some("usd".into()),
                received_at: 0,
            }],
            waiting_refunds: vec![WaitingRefund {
                provider_ref: "pi_2".into(),
                refunded_cents: 100,
                currency: "usd".into(),
                updated_at: 0,
            }],
            chart_svg: String::new(),
            monthly: MonthlySummary::default(),
            monthly_rows: vec![pledge],
        };
        let volunteer = VolunteerRow {
            id: 1,
            name: "Sok".into(),
            email: None,
            phone: Some("+855".into()),
            place: None,
            help: "radio".into(),
            message: None,
            lang: "km".into(),
            created_at: 0,
        };
        let erasure = Erasure {
            id: 1,
            at: 0,
            kind: crate::admin::ErasureKind::Email,
            pledges: 1,
            comments: 0,
            volunteers: 0,
        };
        let erase_page = ErasePage {
            done: None,
            recent: vec![erasure],
            email: String::new(),
            problem: None,
        };
        let v = owner("t");
        use crate::views::accounts::{audit, team, AuditQuery, TeamMember};
        let member = TeamMember {
            id: 1,
            name: "dara".into(),
            roles: v.roles,
            status: "active".into(),
            created_at: 0,
            sessions: 1,
        };
        let entry = crate::account::audit::Entry {
            id: 1,
            at: 0,
            actor: Some(1),
            actor_name: Some("dara".into()),
            action: crate::account::audit::Action::SignIn,
            subject: None,
            detail: None,
        };
        let q = AuditQuery {
            action: None,
            actor: None,
            days: 30,
        };
        let pages = [
            pledges(&v, page),
            volunteers(&v, 1, 1, vec![volunteer]),
            erase(&v, erase_page),
            erase_found(&v, stored(), None),
            team(&v, vec![member], None),
            audit(&v, &q, &[], vec![entry]),
            super::super::admin_updates::updates(
                &v,
                vec![crate::update::Update {
                    id: 1,
                    title_en: Some("t".into()),
                    body_en: Some("b".into()),
                    title_km: None,
                    body_km: None,
                    status: crate::update::UpdateStatus::Published,
                    published_at: Some(0),
                    created_at: 0,
                    updated_at: 0,
                }],
                Default::default(),
                None,
            ),
        ];
        let mut seen = 0;
        for html in &pages {
            for (heads, rows) in tables(html) {
                assert!(!rows.is_empty(), "a table without rows: {heads:?}");
                for labels in rows {
                    assert_eq!(labels, heads, "data-label and the column headings differ");
                    seen += 1;
                }
            }
        }
        // Pledges page: totals, monthly, flagged, events, refunds, all; volunteers; erasures;
        // what is stored: pledges, comments (2), offers of help; the team; the audit trail;
        // the updates.
        assert_eq!(seen, 6 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 1);
    }

    #[test]
    fn neighbours_prefer_the_next_comment() {
        assert_eq!(neighbours(&[1, 2, 3]), vec![Some(2), Some(3), Some(2)]);
        assert_eq!(neighbours(&[1]), vec![None]);
    }
}
