//! The running figures' daily check (`store::figures`, #29 §1): every figure recomputed from
//! the payments and pledges and compared with what the page reads; when any differs, all are
//! rebuilt from the rows, and the alerts job tells the team (`app::alerts::Kind::FiguresRepaired`,
//! from this job's recorded counts). A full read of the payments: once a day, not per request.
//! Then `PRAGMA optimize`, so the planner's statistics follow the campaign's growth.

use edge::{log, store};

const JOB: &str = "figures";

/// How long after a check the next one is due (the cron runs hourly).
pub const EVERY_SECS: i64 = 23 * 3600 + 30 * 60;

/// Runs the check when it is due.
pub async fn run(db: &store::Db, now: i64) {
    let due = match store::jobs::last_run(db, JOB).await {
        Ok(last) => last.is_none_or(|r| now - r.last_run_at >= EVERY_SECS),
        Err(_) => {
            log::event("job_failed", &[("job", JOB), ("why", "storage")]);
            return;
        }
    };
    if !due {
        return;
    }
    let checked = match store::figures::check(db).await {
        Ok(c) => c,
        Err(e) => {
            log::event("job_failed", &[("job", JOB), ("why", &format!("{e:?}"))]);
            return;
        }
    };
    if let Err(e) = store::figures::optimize(db).await {
        log::event("job_failed", &[("job", JOB), ("why", &format!("{e:?}"))]);
    }
    let counts = serde_json::json!({ "figures": checked.figures, "repaired": checked.differed });
    if store::jobs::record(db, JOB, now, None, &counts)
        .await
        .is_err()
    {
        log::event("job_failed", &[("job", JOB), ("why", "storage")]);
        return;
    }
    log::event(
        "job",
        &[
            ("job", JOB),
            ("figures", &checked.figures.to_string()),
            ("repaired", &checked.differed.to_string()),
        ],
    );
}
