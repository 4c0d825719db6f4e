//! The statements of a sign-in's turn (#27): an account's slow-down, shared by every browser
//! without its device cookie, and each known device's own (`signin_devices`).
//!
//! A try takes its turn before its password is hashed, in one statement that writes the next
//! state (`app::admin::SlowDown::reserve`: the doubling stays in `app`) only over the state it
//! was computed from, and only once the wait is over: of tries arriving together, one takes
//! the turn; each other one reads the state the winner left and tries again from it, so it is
//! refused unread if that state says to wait. A success gives the turn back.

use super::{batch, first, rows, stmt, Db, Stmt};
use crate::error::AppError;
use app::admin::SlowDown;
use serde::Deserialize;

#[derive(Deserialize)]
struct One {}

#[derive(Deserialize)]
struct State {
    failed: i64,
    next_try_at: i64,
}

/// What taking a turn came to: taken, or missed, with the state as it is now (`None`: there is
/// no such account or known device), for the caller to try again from when another try had
/// changed it meanwhile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    Taken,
    Missed(Option<SlowDown>),
}

/// Runs `take` (an `UPDATE … RETURNING 1 AS one`), then `read` (the state as it then is), in one
/// batch: one round trip, and the read sees what the write left.
async fn turn(db: &Db, take: Stmt, read: Stmt) -> Result<Turn, AppError> {
    let results = batch(db, vec![take, read]).await?;
    let taken = results
        .first()
        .map(rows::<One>)
        .transpose()?
        .is_some_and(|r| !r.is_empty());
    if taken {
        return Ok(Turn::Taken);
    }
    let now = results
        .get(1)
        .map(rows::<State>)
        .transpose()?
        .and_then(|r| r.into_iter().next())
        .map(|s| SlowDown {
            failed: s.failed,
            next_try_at: s.next_try_at,
        });
    Ok(Turn::Missed(now))
}

/// The account's turn: `next` written over `seen` if the account still has `seen` and its wait
/// is over at `now`.
pub async fn take_account_turn(
    db: &Db,
    account_id: i64,
    seen: SlowDown,
    next: SlowDown,
    now: i64,
) -> Result<Turn, AppError> {
    let take = stmt(
        db,
        "UPDATE accounts SET failed_signins = ?3, next_try_at = ?4 \
         WHERE id = ?1 AND failed_signins = ?2 AND next_try_at <= ?5 RETURNING 1 AS one",
        &[
            account_id.into(),
            seen.failed.into(),
            next.failed.into(),
            next.next_try_at.into(),
            now.into(),
        ],
    )?;
    let read = stmt(
        db,
        "SELECT failed_signins AS failed, next_try_at FROM accounts WHERE id = ?1",
        &[account_id.into()],
    )?;
    turn(db, take, read).await
}

/// A success from a browser without the device cookie gives the account's turn back, and
/// with it the failures before (as a sign-in always did).
pub async fn account_signed_in(db: &Db, account_id: i64) -> Result<(), AppError> {
    stmt(
        db,
        "UPDATE accounts SET failed_signins = 0, next_try_at = 0 WHERE id = ?1",
        &[account_id.into()],
    )?
    .run()
    .await
    .map_err(AppError::Storage)?;
    Ok(())
}

/// A known device's slow-down: the device under this hash, for this account, not expired.
pub async fn device(
    db: &Db,
    id_hash: &str,
    account_id: i64,
    now: i64,
) -> Result<Option<SlowDown>, AppError> {
    Ok(first::<State>(device_read(db, id_hash, account_id, now)?)
        .await?
        .map(|r| SlowDown {
            failed: r.failed,
            next_try_at: r.next_try_at,
        }))
}

fn device_read(db: &Db, id_hash: &str, account_id: i64, now: i64) -> Result<Stmt, AppError> {
    stmt(
        db,
        "SELECT failed, next_try_at FROM signin_devices WHERE id_hash = ?1 AND account_id = ?2 AND expires_at > ?3",
        &[id_hash.into(), account_id.into(), now.into()],
    )
}

/// The device's turn, taken as [`take_account_turn`] takes the account's.
pub async fn take_device_turn(
    db: &Db,
    id_hash: &str,
    account_id: i64,
    seen: SlowDown,
    next: SlowDown,
    now: i64,
) -> Result<Turn, AppError> {
    let take = stmt(
        db,
        "UPDATE signin_devices SET failed = ?4, next_try_at = ?5 \
         WHERE id_hash = ?1 AND account_id = ?2 AND failed = ?3 AND next_try_at <= ?6 AND expires_at > ?6 RETURNING 1 AS one",
        &[
            id_hash.into(),
            account_id.into(),
            seen.failed.into(),
            next.failed.into(),
            next.next_try_at.into(),
            now.into(),
        ],
    )?;
    turn(db, take, device_read(db, id_hash, account_id, now)?).await
}

/// A device for the account that just signed in, with a clean slow-down, until `expires_at`;
/// the device it replaces (the browser's former cookie, if it was this account's) and every
/// expired one are deleted, so the table holds a row per browser at most.
pub async fn new_device(
    db: &Db,
    id_hash: &str,
    account_id: i64,
    now: i64,
    expires_at: i64,
    replaces: Option<&str>,
) -> Result<(), AppError> {
    batch(
        db,
        vec![
            stmt(
                db,
                "DELETE FROM signin_devices WHERE expires_at <= ?1 OR id_hash = ?2",
                &[now.into(), replaces.into()],
            )?,
            stmt(
                db,
                "INSERT INTO signin_devices (id_hash, account_id, failed, next_try_at, expires_at) VALUES (?1, ?2, 0, 0, ?3)",
                &[id_hash.into(), account_id.into(), expires_at.into()],
            )?,
        ],
    )
    .await
    .map(|_| ())
}
