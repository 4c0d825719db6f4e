//! The reconciliation job: Stripe's own record, applied through the webhooks' ledger path.
//!
//! Runs from the Cron Trigger whenever `STRIPE_SECRET_KEY` is set, whatever `CHECKOUT` says.
//! The rules (what to read, in which order, where the next run starts) are
//! `app::reconcile`'s; this module makes the calls. Events fetched here never pass through the
//! signature check: they came from Stripe's API over TLS, asked with the secret key, and
//! `app::webhook::trusted_stripe_event` is reachable from this job only. A run is bounded:
//! at most [`reconcile::MAX_PAGES`] pages of events and [`reconcile::MAX_SESSIONS`] sessions
//! (subrequests), and a batch of events applied (D1 statements); what it did not reach, the
//! next run does.

use crate::{checkout, webhooks};
use app::ledger::Outcome;
use app::reconcile::{self, Listed, Report, State};
use edge::ctx::Config;
use edge::store::Db;
use edge::{log, store};

const JOB: &str = "reconcile";

/// D1 statements one applied event costs at most: the pledge lookup, the ledger's batch (the
/// record and up to three effects), and the duplicate check after a failed batch.
const STATEMENTS_PER_EVENT: usize = 6;

/// Runs the job once, if Stripe is configured, and records what it did.
pub async fn run(config: &Config, db: &Db, now: i64) {
    if config.stripe_secret_key.is_none() {
        return;
    }
    let stored = match store::jobs::last_run(db, JOB).await {
        Ok(run) => run.and_then(|r| r.checkpoint),
        Err(_) => {
            log::event("job_failed", &[("job", JOB), ("why", "storage")]);
            return;
        }
    };
    let state = State::parse(stored.as_deref());
    let mut report = Report::default();
    let next = events(config, db, now, &state, &mut report).await;
    sessions(config, db, now, &mut report).await;
    let checkpoint = serde_json::to_string(&next).ok();
    report.d1_statements += 2;
    if store::jobs::record(db, JOB, now, checkpoint.as_deref(), &report)
        .await
        .is_err()
    {
        log::event("job_failed", &[("job", JOB), ("why", "storage")]);
        return;
    }
    let counts = serde_json::to_string(&report).unwrap_or_default();
    log::event("job", &[("job", JOB), ("counts", &counts)]);
}

/// Reads the events since the checkpoint and applies what the plan says; the state to store.
async fn events(config: &Config, db: &Db, now: i64, state: &State, report: &mut Report) -> State {
    let since = state.since(now);
    let mut cursor = state.cursor.clone();
    let mut read: Vec<Listed> = Vec::new();
    let mut complete = false;
    for _ in 0..reconcile::MAX_PAGES {
        let query = serde_urlencoded::to_string(reconcile::events_query(since, cursor.as_deref()))
            .unwrap_or_default();
        report.subrequests += 1;
        let page = match checkout::get(config, &format!("/v1/events?{query}")).await {
            Ok(body) => reconcile::parse_page(&body),
            Err(e) => {
                report.error = Some(e.to_string());
                return state.clone();
            }
        };
        let Some(page) = page else {
            report.error = Some("Stripe answered something that is not a list of events".into());
            return state.clone();
        };
        cursor = page.events.last().map(|e| e.id.clone()).or(cursor);
        report.events_read += page.events.len();
        read.extend(page.events);
        if !page.has_more {
            complete = true;
            break;
        }
    }
    // What the ledger has (the webhooks delivered it, or a run read it before) is left out
    // before the batch is counted: one statement a page, not one an event.
    if complete && !read.is_empty() {
        let mut known = std::collections::HashSet::new();
        for chunk in read.chunks(reconcile::PAGE_LIMIT) {
            let ids: Vec<&str> = chunk.iter().map(|e| e.id.as_str()).collect();
            report.d1_statements += 1;
            match store::ledger::recorded_ids(db, "stripe", &ids).await {
                Ok(found) => known.extend(found),
                Err(_) => {
                    report.error = Some("storage failed while reading the ledger".into());
                    return state.clone();
                }
            }
        }
        report.already_recorded = known.len();
        read.retain(|e| !known.contains(&e.id));
    }
    let plan = reconcile::plan(state, now, read, complete, config.reconcile_batch);
    report.cut_short = plan.cut_short;
    let mut last_applied: Option<&Listed> = None;
    for listed in &plan.apply {
        match apply(config, db, &listed.body, now, report).await {
            Ok(new) => {
                report.missed += usize::from(new.is_some());
                last_applied = Some(listed);
            }
            Err(why) => {
                report.error = Some(why.into());
                return state.after(now, last_applied);
            }
        }
    }
    plan.done
}

/// Applies one event Stripe's API gave: the outcome when the ledger had not recorded it yet
/// (the webhooks missed it), `None` when it had. An event that does not parse is logged and
/// skipped: it would not parse on a later run either.
async fn apply(
    config: &Config,
    db: &Db,
    body: &[u8],
    now: i64,
    report: &mut Report,
) -> Result<Option<Outcome>, &'static str> {
    let Ok(event) = app::webhook::trusted_stripe_event(body) else {
        log::event("reconcile_unreadable", &[]);
        return Ok(None);
    };
    report.d1_statements += STATEMENTS_PER_EVENT;
    match webhooks::apply(db, config, &event, now).await {
        Ok(Some(outcome)) => {
            log::event(
                "reconciled",
                &[("id", &event.id), ("outcome", outcome.as_str())],
            );
            Ok(Some(outcome))
        }
        Ok(None) => Ok(None),
        Err(_) => Err("storage failed while applying an event"),
    }
}

/// Asks Stripe about the Checkout Sessions of pledges no webhook settled.
async fn sessions(config: &Config, db: &Db, now: i64, report: &mut Report) {
    report.d1_statements += 1;
    let ids = match store::jobs::sessions_to_ask(
        db,
        now - reconcile::SESSION_GRACE_SECS,
        now - reconcile::FIRST_LOOKBACK_SECS,
        reconcile::MAX_SESSIONS,
    )
    .await
    {
        Ok(ids) => ids,
        Err(_) => {
            report.error = Some("storage failed while listing sessions".into());
            return;
        }
    };
    // Stripe's ids are letters, digits and `_`; anything else stored is not asked about.
    let safe = |id: &String| id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    for id in ids.into_iter().filter(safe) {
        report.subrequests += 1;
        report.sessions_asked += 1;
        let path = format!("/v1/checkout/sessions/{id}");
        let session = match checkout::get(config, &path).await {
            Ok(body) => body,
            Err(e) => {
                report.error = Some(e.to_string());
                return;
            }
        };
        // Still open (or paid by a debit still on its way): asked again next run.
        let Some(event) = reconcile::session_event(&session) else {
            continue;
        };
        match apply(config, db, &event, now, report).await {
            Ok(Some(Outcome::Applied)) => report.pledges_settled += 1,
            Ok(_) => {}
            Err(why) => {
                report.error = Some(why.into());
                return;
            }
        }
    }
}
