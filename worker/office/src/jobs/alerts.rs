//! The alerts job: one Telegram message to the team when something waits (`app::alerts` decides
//! what and says it, in counts and links only). Optional: without `TELEGRAM_BOT_TOKEN` and
//! `TELEGRAM_CHAT_ID` nothing is counted or sent. A failed send is logged and leaves the
//! stored state as it was, so the next run sends again; it never reaches a visitor.

use app::alerts::{self, Kind, State};
use edge::ctx::Config;
use edge::store::Db;
use edge::{log, store};

const JOB: &str = "alerts";

use crate::telegram::send;

/// Runs the job once: counts, decides, sends, remembers.
pub async fn run(config: &Config, db: &Db, now: i64) {
    if config.telegram.is_none() {
        return;
    }
    let last = match store::jobs::last_run(db, JOB).await {
        Ok(run) => run,
        Err(_) => {
            log::event("job_failed", &[("job", JOB), ("why", "storage")]);
            return;
        }
    };
    let state = State::parse(last.as_ref().and_then(|r| r.checkpoint.as_deref()));
    let Ok(found) = store::admin::alert_counts(db, state.volunteers_since()).await else {
        log::event("job_failed", &[("job", JOB), ("why", "storage")]);
        return;
    };
    let reconcile: app::reconcile::Report = found
        .reconcile
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    let counts: alerts::Counts = [
        (Kind::Held, found.held),
        (Kind::AwaitingReply, found.waiting),
        (Kind::NewVolunteers, found.new_volunteers),
        (Kind::FlaggedPayments, found.flagged),
        (Kind::FailedRenewals, found.past_due),
        (Kind::ReconcileGaps, reconcile.missed as i64),
        (Kind::ReconcileError, i64::from(reconcile.error.is_some())),
        (Kind::FiguresRepaired, found.figures_repaired),
    ]
    .into_iter()
    .collect();
    let due = alerts::due(&counts, &state, now);
    let next = if due.is_empty() {
        alerts::after_sending(&state, &counts, &[], now)
    } else {
        match send(config, &alerts::message(&due, &config.site_url)).await {
            Ok(()) => alerts::after_sending(&state, &counts, &due, now),
            Err(e) => {
                // Left as it was: the next run tries again.
                log::event("alert_not_sent", &[("why", &e.to_string())]);
                state.clone()
            }
        }
    };
    let sent: Vec<&str> = if next.last_sent_at == Some(now) {
        due.iter().map(|(k, _)| k.as_str()).collect()
    } else {
        Vec::new()
    };
    let checkpoint = serde_json::to_string(&next).ok();
    let counts_json = serde_json::json!({ "sent": sent });
    if store::jobs::record(db, JOB, now, checkpoint.as_deref(), &counts_json)
        .await
        .is_err()
    {
        log::event("job_failed", &[("job", JOB), ("why", "storage")]);
        return;
    }
    log::event("job", &[("job", JOB), ("sent", &sent.join(","))]);
}
