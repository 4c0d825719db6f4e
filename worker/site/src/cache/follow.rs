//! Following a write: once the request is answered (`ctx.wait_until`), every kept copy that
//! may show what it changed is dropped (the later pages of comments, the badges, for an update
//! every page and feed that lists it and its permalink), under every origin copies are kept
//! under, and page 1 is drawn anew in both languages and put. A burst of writes costs one
//! redraw at a time per isolate, and the last redraw always starts after the last write.

use super::memo::forget;
use super::{
    badge_key, data_key, day, days_kept, keep, keep_data, keeps, lookup, origins, page_key,
    updates_key, HTML,
};
use app::i18n::Lang;
use app::paging::pages_to_drop;
use edge::changes::Change;
use edge::ctx::Ctx;
use edge::home::template_from;
use edge::store::{self, PageCounts, Reads};
use std::cell::RefCell;
use worker::Context;

/// Brings the edge up to date after a write, right after the answer (`ctx.wait_until`), so
/// that neither the writer (a provider's webhook) nor any visitor waits for it: every later
/// page of comments and both badges dropped (a change on one page shifts the threads of all
/// the later ones, and every page shows the supporters; they are drawn on their next visit),
/// for an update every page and feed that lists it and its permalink, and page 1 drawn anew in
/// both languages and put. "Every later page" is every page either the kept count before the
/// write or D1's after it had, and one more, so an erasure that removes many threads at once
/// leaves none behind; pages past the last are never kept (`cache::to_last`). Writes that come while this runs are
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
    // It reads at least this request's writes (the office's bookmark).
    let mut cx = cx.detached_reading(cx.after_writes());
    ctx.wait_until(async move {
        let mut changes = vec![change];
        loop {
            follow(&cx, &changes).await;
            match redraw_again(&cx.origin) {
                Some(more) => {
                    // The writes that came meanwhile named no point to this redraw: the
                    // primary has them all.
                    (changes, cx) = (more, cx.detached_reading(Reads::Primary));
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
    // Where the lists ended before this write (the page data of page 1 as this data centre
    // keeps it: what visitors here were sent by) and where they end now (D1).
    let before = match lookup(&data_key(&cx.origin, 1), cx.now).await {
        Some(hit) => PageCounts::of(hit.page.template.text()).ok(),
        None => None,
    };
    let first = match cx.db() {
        Ok(db) => store::home_doc(db, 1).await.ok(),
        Err(_) => None,
    };
    if cx.loopback {
        // For the tests of the bookmark's round trip (`tests/it/replicas.rs`): where this
        // redraw's session began. A bookmark names a point of the database, nothing of a person.
        let from = match cx.reads() {
            Reads::AtLeast(bookmark) => bookmark,
            _ => "primary",
        };
        edge::log::event("redraw_read", &[("from", from)]);
    }
    let after = first.as_deref().and_then(|doc| PageCounts::of(doc).ok());
    if after.is_none() {
        edge::log::event("purge_count_failed", &[]);
    }
    let counts =
        |last: fn(PageCounts) -> i64| pages_to_drop(before.map_or(1, last), after.map_or(1, last));
    let comments = counts(PageCounts::last_comments_page);
    let updates = counts(PageCounts::last_updates_page);
    let days = days_kept(cx);
    for origin in origins(cx) {
        drop_later_pages(&origin, comments.clone(), &days).await;
        for change in changes {
            if let Change::Updates(id) = change {
                drop_updates(&origin, *id, updates.clone()).await;
            }
        }
        if origin != cx.origin || !keeps(cx) {
            // Not drawn here: dropped, drawn on its next visit.
            drop_first(&origin, &days).await;
        }
    }
    if keeps(cx) {
        redraw_first(cx, first).await;
    }
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

/// Page 1 in both languages (under every day it may be kept under, `days_kept`), and its page
/// data, dropped.
async fn drop_first(origin: &str, days: &[Option<String>]) {
    forget(data_key(origin, 1)).await;
    for lang in Lang::ALL {
        for day in days {
            forget(page_key(origin, lang, 1, day.as_deref())).await;
        }
    }
}

/// Page 1 drawn anew from `first` (its page data, just read from D1) in both languages and
/// put; without it (D1 failed), dropped.
async fn redraw_first(cx: &Ctx, first: Option<String>) {
    let Some(doc) = first else {
        edge::log::event("edge_cache_refresh_failed", &[]);
        drop_first(&cx.origin, &days_kept(cx)).await;
        return;
    };
    keep_data(cx, 1, &doc).await;
    let key = |lang| page_key(&cx.origin, lang, 1, day(cx).as_deref());
    for lang in Lang::ALL {
        match template_from(cx, lang, &doc, 1).await {
            Ok(drawn) => keep(cx, &key(lang), &drawn, HTML).await,
            Err(_) => {
                forget(key(lang)).await;
            }
        }
    }
}

/// Drops `pages` of the campaign page (and their page data) and both badges, under every day
/// they may be kept under (`days_kept`).
async fn drop_later_pages(
    origin: &str,
    pages: std::ops::RangeInclusive<i64>,
    days: &[Option<String>],
) {
    for page in pages {
        forget(data_key(origin, page)).await;
        for lang in Lang::ALL {
            for day in days {
                forget(page_key(origin, lang, page, day.as_deref())).await;
            }
        }
    }
    for lang in Lang::ALL {
        for day in days {
            forget(badge_key(origin, lang, day.as_deref())).await;
        }
    }
}

/// Drops what lists the campaign's updates after one was published, unpublished or edited:
/// page 1 and `later` of `/updates`, the feeds, and the update's own permalink, in both
/// languages.
async fn drop_updates(origin: &str, id: i64, later: std::ops::RangeInclusive<i64>) {
    for lang in Lang::ALL {
        forget(format!("{origin}{}", lang.href("/updates.atom"))).await;
        forget(format!("{origin}{}", lang.href(&format!("/updates/{id}")))).await;
        forget(updates_key(origin, lang, 1)).await;
        for page in later.clone() {
            forget(updates_key(origin, lang, page)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{redraw_again, redraw_wanted};
    use crate::cache::{badge_key, page_key, updates_key};
    use app::i18n::Lang;

    #[test]
    fn the_keys_dropped_are_the_keys_kept() {
        // The keys are the ones `asked` keeps pages under.
        assert_eq!(page_key("https://x", Lang::En, 1, None), "https://x/");
        assert_eq!(
            page_key("https://x", Lang::Km, 3, None),
            "https://x/km/?page=3"
        );
        // With a deadline, the day in Phnom Penh is part of the key (#28 §4).
        let day = Some("2030-01-10");
        assert_eq!(
            page_key("https://x", Lang::En, 1, day),
            "https://x/?day=2030-01-10"
        );
        assert_eq!(
            page_key("https://x", Lang::Km, 2, day),
            "https://x/km/?page=2&day=2030-01-10"
        );
        assert_eq!(
            badge_key("https://x", Lang::Km, day),
            "https://x/km/badge.svg?day=2030-01-10"
        );
        assert_eq!(
            updates_key("https://x", Lang::Km, 1),
            "https://x/km/updates"
        );
        assert_eq!(
            updates_key("https://x", Lang::En, 2),
            "https://x/updates?page=2"
        );
        assert_eq!(
            badge_key("https://x", Lang::En, None),
            "https://x/badge.svg"
        );
        assert_eq!(
            badge_key("https://x", Lang::Km, None),
            "https://x/km/badge.svg"
        );
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
