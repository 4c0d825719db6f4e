//! Following a write: once the request is answered (`ctx.wait_until`), the later pages of
//! comments and the badges are dropped, for an update every page that lists it, and page 1 is
//! drawn anew in both languages and put. A burst of writes costs one redraw at a time per
//! isolate, and the last redraw always starts after the last write.

use super::memo::forget;
use super::{badge_key, data_key, keep, keep_data, page_key, HTML};
use app::i18n::Lang;
use edge::changes::Change;
use edge::ctx::Ctx;
use edge::home::template_from;
use edge::store;
use std::cell::RefCell;
use worker::Context;

/// Brings the edge up to date after a write, right after the answer (`ctx.wait_until`), so
/// that neither the writer (a provider's webhook) nor any visitor waits for it: every later
/// page of comments and both badges dropped (a change on one page shifts the threads of all
/// the later ones; they are drawn on their next visit), for an update every page that lists
/// it, and page 1 drawn anew in both languages and put. Writes that come while this runs are
/// followed once more after it, at most every [`REDRAW_GAP`]: a burst of webhooks costs one
/// redraw a second, and the last one always starts after the last write. Should a step fail,
/// what it would have replaced goes, and the rest expires on its own.
pub async fn apply(ctx: &Context, cx: &Ctx, change: Change) {
    if cx.config.edge_ttl == 0 {
        return;
    }
    if !redraw_wanted(&cx.origin, change) {
        return;
    }
    let cx = cx.detached();
    ctx.wait_until(async move {
        let mut changes = vec![change];
        loop {
            follow(&cx, &changes).await;
            match redraw_again(&cx.origin) {
                Some(more) => {
                    changes = more;
                    worker::Delay::from(REDRAW_GAP).await;
                }
                None => break,
            }
        }
    });
}

/// The least time between two redraws of the campaign page in an isolate.
pub const REDRAW_GAP: std::time::Duration = std::time::Duration::from_secs(1);

async fn follow(cx: &Ctx, changes: &[Change]) {
    drop_later_pages(cx).await;
    for change in changes {
        if let Change::Updates(id) = change {
            purge_updates(cx, *id).await;
        }
    }
    redraw_first(cx).await;
}

thread_local! {
    /// Per origin, while a redraw runs: the changes that came since it began (to follow once
    /// more after it). A list searched in order, not a hash map: an isolate serves one or two
    /// origins, and a `HashMap` brings its hasher and tables into the visitor's wasm.
    static REDRAWING: RefCell<Vec<(String, Vec<Change>)>> = const { RefCell::new(Vec::new()) };
}

/// Whether `change` should start a redraw now (`true`), or the one under way will be followed
/// by another that sees it (`false`).
fn redraw_wanted(origin: &str, change: Change) -> bool {
    REDRAWING.with(|r| {
        let mut r = r.borrow_mut();
        match r.iter_mut().find(|(o, _)| o == origin) {
            None => {
                r.push((origin.to_string(), Vec::new()));
                true
            }
            Some((_, pending)) => {
                if !pending.contains(&change) {
                    pending.push(change);
                }
                false
            }
        }
    })
}

/// After a redraw: the changes to follow once more (some came meanwhile), else none, done.
fn redraw_again(origin: &str) -> Option<Vec<Change>> {
    REDRAWING.with(|r| {
        let mut r = r.borrow_mut();
        match r.iter_mut().find(|(o, _)| o == origin) {
            Some((_, pending)) if !pending.is_empty() => Some(std::mem::take(pending)),
            _ => {
                r.retain(|(o, _)| o != origin);
                None
            }
        }
    })
}

async fn redraw_first(cx: &Ctx) {
    let first = match cx.db() {
        Ok(db) => store::home_doc(db, 1).await.ok(),
        Err(_) => None,
    };
    let Some(doc) = first else {
        edge::log::event("edge_cache_refresh_failed", &[]);
        forget(data_key(&cx.origin, 1)).await;
        for lang in Lang::ALL {
            forget(page_key(&cx.origin, lang, 1)).await;
        }
        return;
    };
    keep_data(cx, 1, &doc).await;
    for lang in Lang::ALL {
        match template_from(cx, lang, &doc, 1).await {
            Ok(drawn) => keep(cx, &page_key(&cx.origin, lang, 1), &drawn, HTML).await,
            Err(_) => {
                forget(page_key(&cx.origin, lang, 1)).await;
            }
        }
    }
}

/// Drops pages 2 and on of the campaign page (and their page data) and both badges.
async fn drop_later_pages(cx: &Ctx) {
    let threads = match cx.db() {
        Ok(db) => store::public_threads(db).await.unwrap_or_else(|_| {
            edge::log::event("purge_count_failed", &[]);
            0
        }),
        Err(_) => 0,
    };
    for page in 2..=pages_to_purge(threads) {
        forget(data_key(&cx.origin, page)).await;
        for lang in Lang::ALL {
            forget(page_key(&cx.origin, lang, page)).await;
        }
    }
    for lang in Lang::ALL {
        forget(badge_key(&cx.origin, lang)).await;
    }
}

/// Drops what lists the campaign's updates after one was published, unpublished or edited:
/// every page of `/updates` and one more, the feeds, and the update's own permalink, in both
/// languages.
async fn purge_updates(cx: &Ctx, id: i64) {
    let published = match cx.db() {
        Ok(db) => store::updates::published_count(db)
            .await
            .unwrap_or_else(|_| {
                edge::log::event("purge_count_failed", &[]);
                0
            }),
        Err(_) => 0,
    };
    let per = app::update::PER_PAGE;
    let pages = (published.max(0) + per - 1) / per + 1;
    for lang in Lang::ALL {
        let mut keys = vec![
            format!("{}{}", cx.origin, lang.href("/updates.atom")),
            format!("{}{}", cx.origin, lang.href(&format!("/updates/{id}"))),
        ];
        for page in 1..=pages {
            keys.push(match page {
                1 => format!("{}{}", cx.origin, lang.href("/updates")),
                p => format!("{}{}?page={p}", cx.origin, lang.href("/updates")),
            });
        }
        for key in keys {
            forget(key).await;
        }
    }
}

/// Pages of comments there are for `threads`, and one more: the page that a removal has just
/// emptied.
fn pages_to_purge(threads: i64) -> i64 {
    let per = app::comment::THREADS_PER_PAGE;
    (threads.max(0) + per - 1) / per + 1
}

#[cfg(test)]
mod tests {
    use super::{pages_to_purge, redraw_again, redraw_wanted};
    use crate::cache::{badge_key, page_key};
    use app::i18n::Lang;

    #[test]
    fn every_page_of_comments_is_purged_and_one_more() {
        assert_eq!(pages_to_purge(0), 1);
        assert_eq!(pages_to_purge(1), 2);
        assert_eq!(pages_to_purge(10), 2);
        assert_eq!(pages_to_purge(11), 3);
        assert_eq!(pages_to_purge(-4), 1);
        // The keys are the ones `key` stores pages under.
        assert_eq!(page_key("https://x", Lang::En, 1), "https://x/");
        assert_eq!(page_key("https://x", Lang::Km, 3), "https://x/km/?page=3");
        assert_eq!(badge_key("https://x", Lang::En), "https://x/badge.svg");
        assert_eq!(badge_key("https://x", Lang::Km), "https://x/km/badge.svg");
    }

    #[test]
    fn a_burst_of_writes_costs_one_redraw_at_a_time_and_the_last_sees_the_last_write() {
        use super::Change;
        let o = "https://burst";
        assert!(redraw_wanted(o, Change::Home), "the first write starts one");
        assert!(
            !redraw_wanted(o, Change::Home),
            "a second while it runs waits"
        );
        assert!(!redraw_wanted(o, Change::Updates(3)), "so does a third");
        assert!(
            !redraw_wanted(o, Change::Home),
            "and a fourth: one more, not three"
        );
        assert_eq!(
            redraw_again(o),
            Some(vec![Change::Home, Change::Updates(3)]),
            "one more, after the first, with what came meanwhile"
        );
        assert_eq!(redraw_again(o), None, "then done: nothing came meanwhile");
        assert!(
            redraw_wanted(o, Change::Home),
            "and the next write starts one again"
        );
        assert!(
            redraw_wanted("https://other", Change::Home),
            "another origin is its own"
        );
    }
}
