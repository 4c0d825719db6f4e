//! The card-testing shield's SQL (`app::shield` has its rules): the signals counted from the
//! recorded webhook events, and its trips, each change one atomic statement, so two signals
//! arriving together open one trip and pause it at most once.

use super::{first, stmt, Arg, Db};
use crate::error::AppError;
use app::shield::{Signals, Trip};
use serde::Deserialize;

const TRIP_COLUMNS: &str = "id, opened_at, tight_until, paused_until, failed, expired, closed_at";

/// The latest trip, running or not.
pub async fn latest(db: &Db) -> Result<Option<Trip>, AppError> {
    let s = stmt(
        db,
        &format!("SELECT {TRIP_COLUMNS} FROM shield_trips ORDER BY id DESC LIMIT 1"),
        &[],
    )?;
    first::<Trip>(s).await
}

/// The signals received after `since`: declined cards (recorded, whoever's payment it was)
/// and sessions of ours that expired unpaid, from Stripe, in the configured livemode (another
/// mode's events are recorded `ignored:livemode`).
pub async fn signals(db: &Db, since: i64) -> Result<Signals, AppError> {
    let s = stmt(
        db,
        "SELECT COALESCE(SUM(type = 'payment_intent.payment_failed'), 0) AS failed, \
                COALESCE(SUM(type = 'checkout.session.expired'), 0) AS expired \
         FROM webhook_events \
         WHERE scheme = 'stripe' AND received_at > ?1 \
           AND ((type = 'payment_intent.payment_failed' AND outcome = 'recorded') \
             OR (type = 'checkout.session.expired' AND outcome IN ('applied', 'no-change')))",
        &[since.into()],
    )?;
    Ok(first::<Signals>(s).await?.unwrap_or_default())
}

/// A row came back: the statement changed something.
#[derive(Deserialize)]
struct One {}

/// Opens a trip, unless one is running: whether this statement opened it.
pub async fn open(
    db: &Db,
    tight_until: i64,
    paused_until: Option<i64>,
    s: Signals,
    now: i64,
) -> Result<bool, AppError> {
    let s = stmt(
        db,
        "INSERT INTO shield_trips (opened_at, tight_until, paused_until, failed, expired) \
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM shield_trips \
           WHERE closed_at IS NULL AND (tight_until > ?1 OR paused_until > ?1)) RETURNING 1 AS one",
        &[
            now.into(),
            tight_until.into(),
            Arg::from(paused_until),
            s.failed.into(),
            s.expired.into(),
        ],
    )?;
    Ok(first::<One>(s).await?.is_some())
}

/// Pauses running trip `id`, if it never paused: whether this statement paused it.
pub async fn pause(
    db: &Db,
    id: i64,
    tight_until: i64,
    paused_until: i64,
    s: Signals,
) -> Result<bool, AppError> {
    let s = stmt(
        db,
        "UPDATE shield_trips SET paused_until = ?2, tight_until = ?3, failed = ?4, expired = ?5 \
         WHERE id = ?1 AND paused_until IS NULL AND closed_at IS NULL RETURNING 1 AS one",
        &[
            id.into(),
            paused_until.into(),
            tight_until.into(),
            s.failed.into(),
            s.expired.into(),
        ],
    )?;
    Ok(first::<One>(s).await?.is_some())
}

/// Closes the running trip by hand: its id, or `None` when none was running.
pub async fn close(db: &Db, by: i64, now: i64) -> Result<Option<i64>, AppError> {
    #[derive(Deserialize)]
    struct Closed {
        id: i64,
    }
    let s = stmt(
        db,
        "UPDATE shield_trips SET closed_at = ?1, closed_by = ?2 \
         WHERE closed_at IS NULL AND (tight_until > ?1 OR paused_until > ?1) RETURNING id",
        &[now.into(), by.into()],
    )?;
    Ok(first::<Closed>(s).await?.map(|c| c.id))
}
