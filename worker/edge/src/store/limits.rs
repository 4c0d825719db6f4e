//! Rate limits and single-use form tokens, each decided by one atomic statement.
//!
//! A check followed by an insert lets parallel requests all pass the check; here the insert
//! *is* the check: it records the action only while the visitor is under every window of the
//! bucket, and whether a row came back decides. D1 runs each statement atomically.

use super::{batch, rows, stmt, Arg, Db};
use crate::error::AppError;
use app::limits::{Bucket, Window, KEEP_SECS};
use serde::Deserialize;

#[derive(Deserialize)]
struct Id {
    id: i64,
}

/// Records one action of `bucket` for this visitor if they are under every window of it, and
/// forgets actions older than a day. `Some(id)` of the recorded action, or `None`: over a limit.
pub async fn take(
    db: &Db,
    bucket: Bucket,
    key_hash: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    take_within(db, bucket, bucket.windows(), key_hash, now).await
}

/// [`take`] under `windows` instead of the bucket's own (a pledge while the card-testing
/// shield is tight: `app::shield::Level::pledge_windows`).
pub async fn take_within(
    db: &Db,
    bucket: Bucket,
    windows: &[Window],
    key_hash: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let mut under = String::new();
    let mut args: Vec<Arg<'_>> = vec![bucket.as_str().into(), key_hash.into(), now.into()];
    for w in windows {
        let n = args.len();
        under.push_str(&format!(
            " AND (SELECT COUNT(*) FROM rate_events WHERE bucket = ?1 AND key_hash = ?2 AND at > ?3 - ?{}) < ?{}",
            n + 1,
            n + 2
        ));
        args.push(w.secs.into());
        args.push(w.max.into());
    }
    let results = batch(
        db,
        vec![
            stmt(db, "DELETE FROM rate_events WHERE at < ?1", &[(now - KEEP_SECS).into()])?,
            stmt(db, &format!("INSERT INTO rate_events (bucket, key_hash, at) SELECT ?1, ?2, ?3 WHERE 1{under} RETURNING rowid AS id"), &args)?,
        ],
    )
    .await?;
    let inserted = results
        .get(1)
        .ok_or(AppError::Internal("unexpected batch shape"))?;
    Ok(rows::<Id>(inserted)?.into_iter().next().map(|r| r.id))
}

/// Gives back an action taken with [`take`] (a sign-in whose password was right).
pub async fn give_back(db: &Db, id: i64) -> Result<(), AppError> {
    stmt(db, "DELETE FROM rate_events WHERE rowid = ?1", &[id.into()])?
        .run()
        .await
        .map_err(AppError::Storage)?;
    Ok(())
}

/// How many actions of `bucket` this visitor has within its first window.
pub async fn count(db: &Db, bucket: Bucket, key_hash: &str, now: i64) -> Result<i64, AppError> {
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let secs = bucket.windows().first().map_or(0, |w| w.secs);
    let s = stmt(
        db,
        "SELECT COUNT(*) AS n FROM rate_events WHERE bucket = ?1 AND key_hash = ?2 AND at > ?3",
        &[bucket.as_str().into(), key_hash.into(), (now - secs).into()],
    )?;
    Ok(super::first::<N>(s).await?.map_or(0, |r| r.n))
}

/// Marks a form token's nonce as used, until `expires_at`. `false`: it was used before.
pub async fn use_nonce(db: &Db, nonce: &str, expires_at: i64, now: i64) -> Result<bool, AppError> {
    #[derive(Deserialize)]
    struct One {}
    let results = batch(
        db,
        vec![
            stmt(db, "DELETE FROM used_tokens WHERE expires_at < ?1", &[now.into()])?,
            stmt(
                db,
                "INSERT INTO used_tokens (nonce, expires_at) VALUES (?1, ?2) ON CONFLICT (nonce) DO NOTHING RETURNING 1 AS one",
                &[nonce.into(), expires_at.into()],
            )?,
        ],
    )
    .await?;
    let inserted = results
        .get(1)
        .ok_or(AppError::Internal("unexpected batch shape"))?;
    Ok(!rows::<One>(inserted)?.is_empty())
}
