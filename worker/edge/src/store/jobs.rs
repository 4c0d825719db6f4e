//! The scheduled jobs' SQL: forgetting on time, closing pledges nobody paid.
//!
//! Each run is one D1 batch (one transaction, a handful of statements, whatever the backlog:
//! every statement touches at most [`PER_RUN`] rows, and the next run goes on where this one
//! stopped), idempotent (running it twice changes nothing the first did not), and it records
//! what it touched, as counts only, in `jobs`.

use super::Db;
use super::{batch, rows, stmt};
use crate::error::AppError;
use app::limits::KEEP_SECS;
use app::retention::Cutoffs;
use serde::{Deserialize, Serialize};

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
    pub invitations: usize,
    pub audit_entries: usize,
    pub invoice_links: usize,
}

#[derive(Deserialize)]
struct Touched {}

/// Closes the pending pledges older than the cutoff (recording that the site closed them, not
/// the provider) and forgets what the retention rules say is no longer needed.
pub async fn run_retention(db: &Db, c: &Cutoffs, now: i64) -> Result<Forgotten, AppError> {
    // Any comment whose status changed without a fold (by hand) is folded first, so a held or
    // spam comment deleted below takes no share of the comment counts with it.
    let mut stmts = super::figures::fold(db)?;
    let skip = stmts.len();
    stmts.extend([
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
        // of a donor who chose to be shown; its email, note and a name not shown go, and so do
        // the provider's checkout session and subscription ids, which point at the donor's
        // record at Stripe and which nothing reads once a gift is settled (the reconciliation
        // looks back 30 days; a refund or dispute names the payment, kept in `payments`). A
        // monthly gift is settled once it was stopped, and its clock starts then; an active one
        // is not.
        stmt(
            db,
            "UPDATE pledges SET email = NULL, note = NULL, name = CASE WHEN show_name = 1 THEN name END, \
                    checkout_session_id = NULL, subscription_id = NULL \
             WHERE id IN (SELECT id FROM pledges WHERE status IN ('paid', 'refunded', 'failed', 'expired', 'cancelled') \
                            AND COALESCE(ended_at, paid_at, created_at) < ?1 \
                            AND (email IS NOT NULL OR note IS NOT NULL OR (name IS NOT NULL AND show_name <> 1) \
                                 OR checkout_session_id IS NOT NULL OR subscription_id IS NOT NULL) \
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
        // An invitation is over once used or expired; its row says nothing worth keeping.
        stmt(
            db,
            "DELETE FROM invitations WHERE token_hash IN (SELECT token_hash FROM invitations WHERE expires_at <= ?1 OR used_at IS NOT NULL LIMIT ?2) RETURNING 1 AS x",
            &[now.into(), PER_RUN.into()],
        )?,
        // The audit trail: nothing of the site edits or deletes an entry but this, after
        // `app::retention::AUDIT_DAYS`.
        stmt(
            db,
            "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ?1 ORDER BY at LIMIT ?2) RETURNING 1 AS x",
            &[(now - app::retention::AUDIT_DAYS * app::retention::DAY).into(), PER_RUN.into()],
        )?,
        // Which PaymentIntent paid an invoice is kept until the invoice arrives; Stripe may
        // also report invoices that are not this campaign's, which never will.
        stmt(
            db,
            "DELETE FROM invoice_payments WHERE invoice IN (SELECT i.invoice FROM invoice_payments i WHERE i.received_at < ?1 \
               AND NOT EXISTS (SELECT 1 FROM payments y WHERE y.scheme = 'stripe' AND y.ref = i.invoice) LIMIT ?2) RETURNING 1 AS x",
            &[(now - app::retention::INVOICE_LINK_DAYS * app::retention::DAY).into(), PER_RUN.into()],
        )?,
    ]);
    let results = batch(db, stmts).await?;
    let n = |i: usize| -> Result<usize, AppError> {
        let r = results
            .get(skip + i)
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
        invitations: n(8)?,
        audit_entries: n(9)?,
        invoice_links: n(10)?,
    };
    record(db, "retention", now, None, &done).await?;
    Ok(done)
}

/// Notes that a job ran, where it stopped (`checkpoint`, the job's own JSON) and what it
/// touched (counts only).
pub async fn record(
    db: &Db,
    job: &str,
    now: i64,
    checkpoint: Option<&str>,
    counts: &impl Serialize,
) -> Result<(), AppError> {
    let counts = serde_json::to_string(counts)
        .map_err(|_| AppError::Internal("job counts did not serialize"))?;
    stmt(
        db,
        "INSERT INTO jobs (name, last_run_at, checkpoint, last_counts) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at, checkpoint = excluded.checkpoint, \
         last_counts = excluded.last_counts",
        &[job.into(), now.into(), checkpoint.into(), counts.as_str().into()],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

/// A job's last run, as `jobs` keeps it.
#[derive(Deserialize)]
pub struct JobRun {
    pub last_run_at: i64,
    pub checkpoint: Option<String>,
    pub last_counts: Option<String>,
}

/// The last run of `job`, if it ever ran.
pub async fn last_run(db: &Db, job: &str) -> Result<Option<JobRun>, AppError> {
    super::first(stmt(
        db,
        "SELECT last_run_at, checkpoint, last_counts FROM jobs WHERE name = ?1",
        &[job.into()],
    )?)
    .await
}

/// The Checkout Sessions worth asking Stripe about: of pledges still pending after the
/// webhooks' grace, or closed by the site's expiry job (a payment may still have gone through),
/// made within the last 30 days, and not already settled by such a question (the ledger
/// records the answer as the event `session:{id}`). Oldest first, at most `limit`.
pub async fn sessions_to_ask(
    db: &Db,
    asked_before: i64,
    made_after: i64,
    limit: usize,
) -> Result<Vec<String>, AppError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let r = stmt(
        db,
        "SELECT checkout_session_id AS id FROM pledges p \
         WHERE checkout_session_id IS NOT NULL AND checkout_session_id NOT LIKE 'cs_sandbox_%' \
           AND (status = 'pending' OR (status = 'expired' AND closed_by = 'site')) \
           AND created_at <= ?1 AND created_at >= ?2 \
           AND NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.scheme = 'stripe' AND e.event_id = 'session:' || p.checkout_session_id) \
         ORDER BY created_at LIMIT ?3",
        &[asked_before.into(), made_after.into(), (limit as i64).into()],
    )?
    .all()
    .await
    .map_err(AppError::Storage)?;
    rows(&r).map(|v: Vec<Row>| v.into_iter().map(|r| r.id).collect())
}
