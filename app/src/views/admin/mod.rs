//! The maintainers' pages under `/admin`, drawn like the public ones: pure functions of loaded
//! data, every value passed to `view!` as a value so Leptos escapes it.
//!
//! English only (the maintainers read it), in a shell of their own: no hreflang, canonical or
//! public navigation, `noindex`, the admin navigation and a logout button carrying the
//! session's CSRF token. Every form that changes something carries that token too. The site's
//! stylesheet is reused as is, so the CSP hash keeps matching. The one `inner_html` besides it
//! is the chart, which [`crate::admin::paid_per_day_svg`] builds from numbers and dates only.
//!
//! One file per section, split the way `crate::admin` is, so a change to one page touches one
//! file; what every page shares (the shell, the navigation, times, pagers, plurals) is here,
//! and every page is re-exported here so `app::views::admin::X` is the one path callers use:
//!
//! * `dashboard` — the overview: counters, the reconciliation's standing, alerts.
//! * `moderation` — the comment lists and "awaiting our reply", with their buttons and replies.
//! * `pledges` — the pledges page: totals, the chart, monthly gifts, what is flagged, the list.
//! * `volunteers` — the offers of help.
//! * `erase` — erasing what is stored for an email address.

mod dashboard;
mod erase;
mod moderation;
mod pledges;
mod volunteers;

pub use dashboard::{dashboard, AlertsStanding, ShieldStanding};
pub use erase::{erase, erase_found, ErasePage};
pub use moderation::{comments, waiting, CommentsPage, ReplyDraft};
pub use pledges::{pledges, PledgesPage};
pub use volunteers::volunteers;

use crate::account::roles::Roles;
use crate::content::{CSS, EN};
use crate::routes::Admin;
use leptos::prelude::*;

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
    (Section::Erase, "Erase data", Admin::Erase),
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
                            <a class="brand" href=Admin::Index.path()>{EN.site_name}" · Admin"</a>
                            {header_nav}
                        </div>
                    </header>
                    <main id="main">{main}</main>
                </body>
            </html>
        }
        .to_html()
    });
    super::page_html(&html)
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

pub(crate) fn when(secs: i64) -> impl IntoView {
    let shown = crate::time::rfc3339(secs)
        .replace('T', " ")
        .replace('Z', " UTC");
    view! { <time datetime=crate::time::rfc3339(secs)>{shown}</time> }
}

/// `1 gift`, `1,234 gifts`: the site's English plural rule ([`Lang::english_count`]).
fn plural(n: i64, one: &'static str, other: &'static str) -> String {
    crate::i18n::Lang::english_count(n, one, other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::{
        Erasure, FlaggedEvent, MonthlySummary, PledgeRow, StatusTotal, Stored, VolunteerRow,
        WaitingRefund,
    };
    use crate::money::Cents;
    use crate::pledge::Status;

    #[test]
    fn sign_in_never_shows_navigation() {
        use crate::views::accounts::{sign_in, SignInProblem};
        let html = sign_in(Some(SignInProblem::LockedOut), "dara");
        assert!(html.contains("Try again in 15 minutes"));
        assert!(!html.contains("/admin/logout") && !html.contains("/admin/pledges"));
        assert!(html.contains(r#"type="password""#) && html.contains(r#"value="dara""#));
    }

    /// An owner, with token `csrf`.
    pub(super) fn owner(csrf: &str) -> Viewer<'_> {
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

    pub(super) fn stored() -> Stored {
        use crate::admin::{StoredCounts, StoredPledge, StoredVolunteer};
        Stored {
            by: crate::admin::EraseBy::Email("<b>Donor</b>@example.org".into()),
            counts: StoredCounts {
                pledges: 1,
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
            volunteers: vec![StoredVolunteer {
                id: 3,
                created_at: 0,
            }],
        }
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
            typed: Default::default(),
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
        // what is stored: pledges, offers of help; the team; the audit trail; the updates.
        assert_eq!(seen, 6 + 1 + 1 + 1 + 1 + 1 + 1 + 1);
    }
}
