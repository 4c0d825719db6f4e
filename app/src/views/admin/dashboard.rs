//! `GET /admin`, the overview: what waits for a maintainer, what was raised, and whether the
//! two things that run unattended (the reconciliation with Stripe, the alerts to the team) are
//! working. Apart from the lists because it changes when a new job or counter appears.

use super::{plural, shell, when, Nav, Section, Viewer};
use crate::admin::Dashboard;
use crate::i18n::Lang;
use crate::reconcile::Standing;
use crate::routes::Admin;
use crate::shield::{self, Level, Signals, Trip, TIGHT_PERMITS, TIGHT_PLEDGE_WINDOWS};
use leptos::prelude::*;

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
                    <dt>"Events the webhooks had missed (last run)"</dt><dd>{Lang::En.number(r.missed as i64)}</dd>
                    <dt>"Pledges settled by asking Stripe (last run)"</dt><dd>{Lang::En.number(r.pledges_settled as i64)}</dd>
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
            <form method="post" action=Admin::AlertTest.path()>
                <input type="hidden" name="csrf" value=csrf/>
                <button type="submit" class="secondary">"Send a test message"</button>
            </form>
        </section>
    }
}

/// The card-testing shield, for the overview (`app::shield`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShieldStanding {
    /// The signals counted now, and since when.
    pub signals: Signals,
    pub since: i64,
    pub latest: Option<Trip>,
    pub now: i64,
}

fn shield_section(csrf: &str, may_close: bool, s: ShieldStanding) -> impl IntoView {
    let csrf = csrf.to_string();
    let level = shield::level(s.latest.as_ref(), s.now);
    let state = match level {
        Level::Open => "Open: the usual limits on new gifts.".to_string(),
        Level::Tight => format!(
            "Tight: at most {} pledges in 10 minutes and {} an hour per address, and {} of the binding's permits per pledge.",
            TIGHT_PLEDGE_WINDOWS[0].max, TIGHT_PLEDGE_WINDOWS[1].max, TIGHT_PERMITS
        ),
        Level::Paused => "Paused: new pledges are refused with a page that says why and when to come back; the limits stay tight afterwards.".to_string(),
    };
    let trip = s.latest.clone().filter(|_| level != Level::Open).map(|t| {
        let paused = t.paused_until.map(|p| view! { <dt>"Paused until"</dt><dd>{when(p)}</dd> });
        view! {
            <dl>
                <dt>"Tripped"</dt><dd>{when(t.opened_at)}</dd>
                {paused}
                <dt>"Tight until"</dt><dd>{when(t.tight_until)}</dd>
                <dt>"What tripped it"</dt>
                <dd>{format!("{}, {}", plural(t.failed, "declined card", "declined cards"), plural(t.expired, "expired checkout", "expired checkouts"))}</dd>
            </dl>
        }
    });
    let close = (may_close && level != Level::Open).then(|| {
        view! {
            <form method="post" action=Admin::ShieldClose.path()>
                <input type="hidden" name="csrf" value=csrf/>
                <button type="submit" class="secondary">"Close it now"</button>
            </form>
        }
    });
    let counted = format!(
        "Counted since {}: {} and {} (it tightens at {} or {} within an hour, and pauses new pledges for {} minutes, once per trip, at {} or {}).",
        crate::time::rfc3339(s.since).replace('T', " ").replace('Z', " UTC"),
        plural(s.signals.failed, "declined card", "declined cards"),
        plural(s.signals.expired, "expired checkout", "expired checkouts"),
        shield::TIGHTEN_FAILED,
        shield::TIGHTEN_EXPIRED,
        shield::PAUSE_SECS / 60,
        shield::PAUSE_FAILED,
        shield::PAUSE_EXPIRED,
    );
    view! {
        <section id="shield" aria-labelledby="shield-heading">
            <h2 id="shield-heading">"Card-testing shield"</h2>
            <p class=if level == Level::Open { "" } else { "notice" } data-level=level.as_str()>{state}</p>
            {trip}
            <p>{counted}</p>
            {close}
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
    shield: ShieldStanding,
) -> String {
    // Each figure in bold, then what it counts, in the form its number takes.
    let n = |n: i64| Lang::En.number(n);
    let word = Lang::english_word;
    let held = format!(
        "{} ({} with many links)",
        word(d.held, "comment held", "comments held"),
        n(d.held_flagged)
    );
    let roles = v.roles;
    let moderation = Admin::Comments.may(roles).then(|| view! {
        <li><a href=format!("{}?status=held", Admin::Comments.path())><strong>{n(d.held)}</strong>{held}</a></li>
        <li><a href=Admin::Waiting.path()><strong>{n(d.waiting)}</strong>{word(d.waiting, "comment awaiting our reply", "comments awaiting our reply")}</a></li>
    });
    let money = Admin::Pledges.may(roles).then(|| view! {
        <li><a href=format!("{}?status=paid", Admin::Pledges.path())><strong>{d.raised.to_string()}</strong>{format!("raised from {}", plural(d.gifts, "gift", "gifts"))}</a></li>
        <li><a href=format!("{}#flagged", Admin::Pledges.path())><strong>{n(d.flagged)}</strong>{word(d.flagged, "flagged payment event", "flagged payment events")}</a></li>
    });
    let helpers = Admin::Volunteers.may(roles).then(|| view! {
        <li><a href=Admin::Volunteers.path()><strong>{n(d.volunteers)}</strong>{word(d.volunteers, "volunteer", "volunteers")}</a></li>
    });
    let reconcile = Admin::Pledges
        .may(roles)
        .then(|| reconciliation(stripe_configured, reconcile));
    let alerts = Admin::AlertTest
        .may(roles)
        .then(|| alerts_section(v.csrf, alerts));
    let shield = Admin::Pledges
        .may(roles)
        .then(|| shield_section(v.csrf, Admin::ShieldClose.may(roles), shield));
    let main = view! {
        <h1>"Overview"</h1>
        <p>{format!("Signed in as {}.", v.name)}</p>
        <ul class="stats">{moderation}{money}{helpers}</ul>
        {shield}
        {reconcile}
        {alerts}
    };
    shell("Overview", Some(Nav::new(Section::Dashboard, v)), main)
}
