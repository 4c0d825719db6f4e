//! The scheduled jobs' SQL: forgetting on time, closing pledges nobody paid.
//!
//! Each run is one D1 batch (one transaction, a handful of statements, whatever the backlog:
//! every statement touches at most [`PER_RUN`] rows, and the next run goes on where this one
//! stopped), idempotent (running it twice changes nothing the first did not), and it records
//! what it touched, as counts only, in `jobs`.

use super::{batch, rows, stmt};
use crate::error::AppError;
use app::limits::KEEP_SECS;
use app::retention::Cutoffs;
use serde::{Deserialize, Serialize};
use worker::D1Database;

/// The most rows one statement of a run touches.
pub const PER_RUN: i64 = 500;

/// What one run of the retention job touched.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Forgotten {
    pub pending_expired: usize,
    pub spam_comments: usize,
    pub held_comments: usize,
    pub donors_forgotten: usize,
    pub volunteers: usize,
    pub rate_events: usize,
    pub used_tokens: usize,
    pub admin_sessions: usize,
}

#[derive(Deserialize)]
struct Touched {}

/// Closes the pending pledges older than the cutoff (recording that the site closed them, not
/// the provider) and forgets what the retention rules say is no longer needed.
pub async fn run_retention(db: &D1Database, c: &Cutoffs, now: i64) -> Result<Forgotten, AppError> {
    let stmts = vec![
        stmt(
            db,
            "UPDATE pledges SET status = 'expired', closed_by = 'site' \
             WHERE id IN (SELECT id FROM pledges WHERE status = 'pending' AND created_at < ?1 ORDER BY created_at LIMIT ?2) RETURNING 1 AS x",
            &[c.pending_before.into(), PER_RUN.into()],
        )?,
        stmt(
            db,
            "DELETE FROM comments WHERE id IN (SELECT id FROM comments WHERE status = 'spam' AND created_at < ?1 ORDER BY created_at LIMIT ?2) RETURNING 1 AS x",
            &[c.spam_before.into(), PER_RUN.into()],
        )?,
        stmt(
            db,
            "DELETE FROM comments WHERE id IN (SELECT id FROM comments WHERE status = 'held' AND created_at < ?1 ORDER BY created_at LIMIT ?2) RETURNING 1 AS x",
            &[c.held_before.into(), PER_RUN.into()],
        )?,
        // A settled pledge keeps its amounts, tier, designation, status and dates, and the name
        // of a donor who chose to be shown; its email, note and a name not shown go.
        stmt(
            db,
            "UPDATE pledges SET email = NULL, note = NULL, name = CASE WHEN show_name = 1 THEN name END \
             WHERE id IN (SELECT id FROM pledges WHERE status IN ('paid', 'refunded', 'failed', 'expired') \
                            AND COALESCE(paid_at, created_at) < ?1 \
                            AND (email IS NOT NULL OR note IS NOT NULL OR (name IS NOT NULL AND show_name <> 1)) \
                          ORDER BY created_at LIMIT ?2) RETURNING 1 AS x",
            &[c.donor_settled_before.into(), PER_RUN.into()],
        )?,
        stmt(
            db,
            "DELETE FROM volunteers WHERE id IN (SELECT id FROM volunteers WHERE created_at < ?1 ORDER BY created_at LIMIT ?2) RETURNING 1 AS x",
            &[c.volunteer_before.into(), PER_RUN.into()],
        )?,
        stmt(
            db,
            "DELETE FROM rate_events WHERE rowid IN (SELECT rowid FROM rate_events WHERE at < ?1 LIMIT ?2) RETURNING 1 AS x",
            &[(now - KEEP_SECS).into(), PER_RUN.into()],
        )?,
        stmt(
            db,
            "DELETE FROM used_tokens WHERE nonce IN (SELECT nonce FROM used_tokens WHERE expires_at < ?1 LIMIT ?2) RETURNING 1 AS x",
            &[now.into(), PER_RUN.into()],
        )?,
        stmt(
            db,
            "DELETE FROM admin_sessions WHERE id_hash IN (SELECT id_hash FROM admin_sessions WHERE expires_at <= ?1 LIMIT ?2) RETURNING 1 AS x",
            &[now.into(), PER_RUN.into()],
        )?,
    ];
    let results = batch(db, stmts).await?;
    let n = |i: usize| -> Result<usize, AppError> {
        let r = results
            .get(i)
            .ok_or(AppError::Internal("unexpected batch shape"))?;
        Ok(rows::<Touched>(r)?.len())
    };
    let done = Forgotten {
        pending_expired: n(0)?,
        spam_comments: n(1)?,
        held_comments: n(2)?,
        donors_forgotten: n(3)?,
        volunteers: n(4)?,
        rate_events: n(5)?,
        used_tokens: n(6)?,
        admin_sessions: n(7)?,
    };
    record(db, "retention", now, &done).await?;
    Ok(done)
}

/// Notes that a job ran, and what it touched (counts only).
async fn record(
    db: &D1Database,
    job: &str,
    now: i64,
    counts: &impl Serialize,
) -> Result<(), AppError> {
    let counts = serde_json::to_string(counts)
        .map_err(|_| AppError::Internal("job counts did not serialize"))?;
    stmt(
        db,
        "INSERT INTO jobs (name, last_run_at, last_counts) VALUES (?1, ?2, ?3) \
         ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at, last_counts = excluded.last_counts",
        &[job.into(), now.into(), counts.as_str().into()],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}
