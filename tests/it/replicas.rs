//! Read replicas (#29 §4): the redraw that follows a write reads at least that write. The
//! office gives the site the bookmark of its D1 session beside what it changed, and the site
//! opens its redraw's session at it. Locally D1 has one copy and no lag, so what is tested is
//! the bookmark's round trip, as both workers log it on a loopback host: the office's
//! `changes_named` (the point its writes reached) and the site's `redraw_read` (where its
//! redraw's session began).

use campaign_tests::content::{copy, gifts_text};
use campaign_tests::{ip, Worker};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The worker's own log lines named `event`, in order, as JSON objects.
fn logged(w: &Worker, event: &str) -> Vec<Value> {
    let log = std::fs::read_to_string(w.dir.join("wrangler.log")).unwrap_or_default();
    log.lines()
        .filter_map(|line| line.find('{').map(|at| &line[at..]))
        .filter_map(|json| serde_json::from_str::<Value>(json).ok())
        .filter(|v| v["event"] == event)
        .collect()
}

/// The field `key` of each line named `event`.
fn fields(w: &Worker, event: &str, key: &str) -> Vec<String> {
    logged(w, event)
        .iter()
        .map(|v| v[key].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Whether the site logged, within five seconds, a redraw whose session began at `bookmark`.
fn redraw_from(w: &Worker, bookmark: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if fields(w, "redraw_read", "from")
            .iter()
            .any(|b| b == bookmark)
        {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A gift of `tier` paid in the sandbox (the webhook path, through the office), as `ip(n)`;
/// the answer to the payment.
fn pay(w: &Worker, n: u32, tier: &str) -> campaign_tests::Resp {
    let r = w.post_pledge("/pledges", &ip(n), &[("tier", tier)]);
    let at = r.header("Location").unwrap_or_default().to_string();
    assert!(at.contains("/sandbox/"), "{} {}", r.status, r.body);
    w.post_form(&at, &ip(n), &[("action", "pay")])
}

#[test]
fn the_redraw_after_a_write_reads_at_least_that_write() {
    let w = Worker::start_logged(&[("EDGE_CACHE_SECS", "60")]);
    assert_eq!(w.get("/").status, 200, "page 1, kept at the edge");

    let paid = pay(&w, 15300, "women-training");
    assert_eq!(paid.status, 303, "{}", paid.body);
    // What the office named travels to the site, never to the visitor.
    for header in ["X-Campaign-Bookmark", "X-Campaign-Changed"] {
        assert_eq!(paid.header(header), None, "{header}");
    }
    // The office named the point its writes reached...
    let named = fields(&w, "changes_named", "bookmark");
    let first = named.last().cloned().unwrap_or_default();
    assert!(!first.is_empty(), "the office named no bookmark: {named:?}");
    // ...and the site's redraw began its session there.
    assert!(
        redraw_from(&w, &first),
        "no redraw read at {first}: {:?}",
        logged(&w, "redraw_read")
    );
    // It is the page with the gift that the edge now keeps, in both languages.
    for lang in ["en", "km"] {
        let one = gifts_text(lang, &copy(lang), 1);
        let path = if lang == "en" { "/" } else { "/km/" };
        let page = w.get_until(path, |r| r.text().contains(&one));
        assert!(page.text().contains(&one), "{path}");
        assert_eq!(page.header("X-Edge-Cache"), Some("hit"), "{path}");
    }

    // A second write, once that redraw is over, moves the bookmark on, and its own redraw
    // reads at least it, not the first.
    std::thread::sleep(Duration::from_secs(1));
    let paid = pay(&w, 15301, "women-radio");
    assert_eq!(paid.status, 303, "{}", paid.body);
    let second = fields(&w, "changes_named", "bookmark")
        .last()
        .cloned()
        .unwrap_or_default();
    assert!(
        second > first,
        "a later write, a later bookmark: {first} then {second}"
    );
    assert!(
        redraw_from(&w, &second),
        "no redraw read at {second}: {:?}",
        logged(&w, "redraw_read")
    );
    let two = gifts_text("en", &copy("en"), 2);
    let page = w.get_until("/", |r| r.text().contains(&two));
    assert!(page.text().contains(&two));

    // A burst: writes that come while a redraw runs are followed by one more, which reads the
    // primary (their bookmarks stayed with their own requests). However they fell, the last
    // redraw read at least the last write.
    for n in 15302..15305 {
        assert_eq!(pay(&w, n, "women-training").status, 303);
    }
    let five = gifts_text("en", &copy("en"), 5);
    let page = w.get_until("/", |r| r.text().contains(&five));
    assert!(page.text().contains(&five));
    let last_write = fields(&w, "changes_named", "bookmark")
        .last()
        .cloned()
        .unwrap_or_default();
    let covers = |from: &Option<String>| {
        from.as_deref()
            .is_some_and(|f| f == "primary" || f >= last_write.as_str())
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    let last_read = loop {
        let last = fields(&w, "redraw_read", "from").last().cloned();
        if covers(&last) || Instant::now() > deadline {
            break last;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        covers(&last_read),
        "the last write {last_write}, the last redraw's reads: {last_read:?}"
    );
}
