//! Each isolate's memory of what it last read from or put into the Cache API: in workerd most
//! of a cache hit was the Cache API's round trip, so a busy page is answered from here for
//! [`MEMO_SECS`]. At most [`MEMO_MAX`] entries: past it the memory starts afresh, so no run of
//! `?page=` can grow it.

use super::Hit;
use edge::home::Cached;
use std::cell::RefCell;
use worker::Cache;

/// How long an isolate trusts its own copy of a kept entry before it asks the Cache API
/// again: another isolate's write reaches it at most this much later than the Cache API.
pub use app::retention::MEMO_SECS;

/// At most this many entries are remembered per isolate (the campaign page in two
/// languages, its page data, the badges...): past it the memory starts afresh, so no run of
/// `?page=` can grow it.
const MEMO_MAX: usize = 16;

/// A kept entry as this isolate remembers it.
struct Memo {
    page: Cached,
    fresh_until: i64,
    /// Until when it is used without asking the Cache API.
    trusted_until: i64,
}

thread_local! {
    /// This isolate's copies of what it last read from or put into the Cache API: most
    /// requests to a busy page are answered without crossing into it at all. At most
    /// [`MEMO_MAX`] entries, searched in order: a `HashMap` would bring its hasher and tables
    /// into the visitor's wasm for no gain at this size.
    static MEMO: RefCell<Vec<(String, Memo)>> = const { RefCell::new(Vec::new()) };
}

pub(super) fn remember(key: &str, page: &Cached, fresh_until: i64, now: i64) {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let memo = Memo {
            page: page.clone(),
            fresh_until,
            trusted_until: now + MEMO_SECS,
        };
        match m.iter_mut().find(|(k, _)| k == key) {
            Some((_, kept)) => *kept = memo,
            None => {
                if m.len() >= MEMO_MAX {
                    m.clear();
                }
                m.push((key.to_string(), memo));
            }
        }
    });
}

pub(super) fn recall(key: &str, now: i64) -> Option<Hit> {
    MEMO.with(|m| {
        let m = m.borrow();
        let (_, memo) = m
            .iter()
            .find(|(k, memo)| k == key && now < memo.trusted_until)?;
        Some(Hit {
            page: memo.page.clone(),
            fresh: now < memo.fresh_until,
        })
    })
}

/// Drops a kept entry, from the Cache API and from this isolate's memory.
pub(super) async fn forget(key: String) {
    MEMO.with(|m| m.borrow_mut().retain(|(k, _)| *k != key));
    let _ = Cache::default().delete(key, false).await;
}

#[cfg(test)]
mod tests {
    use super::{recall, remember, Cached, MEMO, MEMO_MAX, MEMO_SECS};

    #[test]
    fn an_isolate_trusts_its_own_copy_for_a_while_and_never_holds_many() {
        let page = |t: &str| Cached {
            status: 200,
            etag: "e".into(),
            template: app::views::Template::plain(t.into()),
        };
        remember("https://m/", &page("one"), 1_005, 1_000);
        let hit = recall("https://m/", 1_001).expect("remembered");
        assert!(hit.fresh && hit.page.template.text() == "one");
        assert!(
            !recall("https://m/", 1_006).expect("still trusted").fresh,
            "stale past its time"
        );
        assert!(
            recall("https://m/", 1_000 + MEMO_SECS).is_none(),
            "then the Cache API is asked"
        );
        // Up to its bound every entry is kept; one more starts it afresh with that one alone.
        MEMO.with(|m| m.borrow_mut().clear());
        let kept = |n: usize| {
            (0..n)
                .filter(|i| recall(&format!("https://m/?page={i}"), 1_001).is_some())
                .count()
        };
        for i in 0..MEMO_MAX {
            remember(&format!("https://m/?page={i}"), &page("p"), 2_000, 1_000);
        }
        assert_eq!(kept(MEMO_MAX), MEMO_MAX);
        remember(
            &format!("https://m/?page={MEMO_MAX}"),
            &page("p"),
            2_000,
            1_000,
        );
        assert_eq!(kept(MEMO_MAX + 1), 1, "a run of pages cannot grow it");
        assert!(recall(&format!("https://m/?page={MEMO_MAX}"), 1_001).is_some());
    }
}
