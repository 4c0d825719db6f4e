//! The funnel's cheap refusals (`app::funnel`): a pledge refused by the Rate Limiting binding
//! or while the breaker pauses giving costs no D1 write of its own. It is counted in this
//! isolate's memory ([`note`], at most `app::funnel::PENDING_MAX` keys), and what waited a
//! minute is added to D1 once, after a later request of the office is answered
//! ([`flush_later`], `ctx.wait_until`). An isolate that is evicted before that loses its few
//! counts: an undercount of refusals, never a count of anyone.

use app::funnel::{Kind, Pending};
use app::i18n::Lang;
use edge::ctx::Ctx;
use std::cell::RefCell;

thread_local! {
    static PENDING: RefCell<Pending> = RefCell::new(Pending::default());
}

/// Counts one of `kind` in memory.
pub fn note(cx: &Ctx, kind: Kind, lang: Lang, source: &str) {
    PENDING.with(|p| p.borrow_mut().note(cx.now, kind, lang, source));
}

/// Counts one, now, in D1 (the refusals that cost a D1 read already, and what follows a
/// valid form); a failure is logged and never fails the visitor's request.
pub async fn count(cx: &Ctx, kinds: &[Kind], lang: Lang, source: &str) {
    if kinds.is_empty() {
        return;
    }
    let tallies: Vec<_> = kinds
        .iter()
        .map(|k| app::funnel::Tally::one(cx.now, *k, lang, source))
        .collect();
    let result = match cx.db() {
        Ok(db) => edge::store::funnel::add(db, &tallies).await,
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        edge::log::event("funnel_not_counted", &[("why", &format!("{e:?}"))]);
    }
}

/// If the counts in memory waited a minute, adds them to D1 once this request is answered;
/// what fails to be stored waits for the next time.
pub fn flush_later(cx: &Ctx, ctx: &worker::Context) {
    let due = PENDING.with(|p| p.borrow_mut().take_due(cx.now));
    if due.is_empty() {
        return;
    }
    let later = cx.detached();
    ctx.wait_until(async move {
        let result = match later.db() {
            Ok(db) => edge::store::funnel::add(db, &due).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            edge::log::event("funnel_not_counted", &[("why", &format!("{e:?}"))]);
            PENDING.with(|p| p.borrow_mut().restore(due, later.now));
        }
    });
}
