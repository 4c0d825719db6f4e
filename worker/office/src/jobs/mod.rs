//! The Cron Trigger's jobs (`[triggers] crons` in wrangler.office.toml). A job never answers a
//! visitor: it logs what it touched, as counts, and a failure is logged and left for the next
//! run, which starts again from the database's own state.

pub mod alerts;
mod figures;
mod reconcile;

use edge::ctx::Config;
use edge::{log, platform, store};
use worker::Env;

/// Runs every job once: retention, the running figures' daily check, then the reconciliation
/// with Stripe (when configured) and the alerts.
pub async fn run(env: &Env) {
    let config = Config::get(env);
    // The jobs read the primary, like every write's request.
    let Some(db) = env
        .d1("DB")
        .ok()
        .and_then(|d1| store::Db::open(&d1, &store::Reads::Primary).ok())
    else {
        log::event(
            "job_failed",
            &[("job", "retention"), ("why", "no DB binding or session")],
        );
        return;
    };
    let now = platform::now();
    match store::jobs::run_retention(&db, &config.retention.cutoffs(now), now).await {
        Ok(done) => {
            let counts = serde_json::to_string(&done).unwrap_or_default();
            log::event("job", &[("job", "retention"), ("counts", &counts)]);
        }
        Err(e) => log::event(
            "job_failed",
            &[("job", "retention"), ("why", &format!("{e:?}"))],
        ),
    }
    figures::run(&db, now).await;
    reconcile::run(config, &db, now).await;
    // What the reconciliation found the webhooks had missed counts too, once per run.
    crate::shield::after_signal(config, &db, now).await;
    alerts::run(config, &db, now).await;
}
