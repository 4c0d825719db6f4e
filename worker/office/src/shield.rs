//! The card-testing shield in the office (rules: `app::shield`; SQL: `edge::store::shield`):
//! the Rate Limiting binding in front of the pledge form's D1 limits, the level a new pledge
//! meets, and what a new signal (a declined card, an expired session) changes, with the team's
//! alert when a trip opens or pauses.

use app::shield::{self, Level, Step};
use edge::ctx::{Config, Ctx};
use edge::store::Db;
use edge::{log, store};

/// The Rate Limiting binding of wrangler.office.toml (`[[ratelimits]]`): 10 a minute per key.
pub const BINDING: &str = "PLEDGE_LIMITER";

/// Takes `permits` of the binding under the visitor's keyed IP hash: `false` once it refuses.
/// A pre-filter only: without the binding, or when it fails, the pledge goes on to the D1
/// limits, which stay the rule (logged, never refused for it).
pub async fn binding_allows(cx: &Ctx, visitor: &str, permits: i64) -> bool {
    let limiter = match cx.env().rate_limiter(BINDING) {
        Ok(l) => l,
        Err(_) => {
            log::event("rate_limiter_missing", &[("binding", BINDING)]);
            return true;
        }
    };
    for _ in 0..permits {
        match limiter.limit(visitor.to_string()).await {
            Ok(outcome) if !outcome.success => return false,
            Ok(_) => {}
            Err(e) => {
                log::event("rate_limiter_failed", &[("why", &e.to_string())]);
                return true;
            }
        }
    }
    true
}

/// After a signal was recorded: counts the signals since the last reset, and opens or pauses a
/// trip as `app::shield::step` says; the team hears of it at once. Never fails its caller: the
/// event is stored already, and the next signal (or the hourly job) decides again.
pub async fn after_signal(config: &Config, db: &Db, now: i64) {
    if let Err(e) = decide(config, db, now).await {
        log::event("shield_failed", &[("why", &format!("{e:?}"))]);
    }
}

async fn decide(config: &Config, db: &Db, now: i64) -> Result<(), edge::error::AppError> {
    let latest = store::shield::latest(db).await?;
    let signals = store::shield::signals(db, shield::counting_since(latest.as_ref(), now)).await?;
    let step = shield::step(latest.as_ref(), signals, now);
    let changed = match step {
        Step::Nothing => false,
        Step::Open {
            tight_until,
            paused_until,
        } => store::shield::open(db, tight_until, paused_until, signals, now).await?,
        Step::Pause {
            id,
            tight_until,
            paused_until,
        } => store::shield::pause(db, id, tight_until, paused_until, signals).await?,
    };
    if !changed {
        return Ok(());
    }
    let level = step.level();
    log::event(
        "shield",
        &[
            ("level", level.as_str()),
            ("failed", &signals.failed.to_string()),
            ("expired", &signals.expired.to_string()),
        ],
    );
    if level >= Level::Tight && config.telegram.is_some() {
        let text = shield::message(level, signals, &config.site_url);
        if let Err(e) = crate::telegram::send(config, &text).await {
            log::event("alert_not_sent", &[("why", &e.to_string())]);
        }
    }
    Ok(())
}
