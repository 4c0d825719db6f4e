//! The campaign's deadline (#28 §4): `CAMPAIGN_DEADLINE` is the last day in Phnom Penh time
//! (UTC+7 all year); the campaign page and the badge say the days left, the last day, and
//! the end, in both languages, turning at midnight there (the test clock, `CLOCK`, walks the
//! worker across it); after it the form stays open, or with `CLOSE_AFTER_DEADLINE=true`
//! closes and a post is refused. The edge cache is on in these workers: a copy kept at
//! 23:59:50 must not be served at 00:00:10, since the day is part of its key.
//!
//! Visitor addresses 15000–15099 are this module's (`main.rs`).

use campaign_tests::content::{copy, count};
use campaign_tests::{ip, now, Resp, Worker, CLOCK};

/// The deadline of both workers: the last day to give.
const DEADLINE: &str = "2030-01-10";
/// 2030-01-10 as days since 1970-01-01.
const LAST_DAY: i64 = 21_924;
/// Phnom Penh is seven hours ahead of UTC, all year.
const PP_OFFSET: i64 = 7 * 3600;

/// Unix seconds of `h:m:s` on `day` (days since 1970-01-01) in Phnom Penh.
fn pp(day: i64, h: i64, m: i64, s: i64) -> i64 {
    day * 86_400 + h * 3600 + m * 60 + s - PP_OFFSET
}

/// The clock offset that puts the worker at `at` (Unix seconds) for one request.
fn offset_to(at: i64) -> String {
    (at - now()).to_string()
}

/// GET `path` with the worker's clock at `at`.
fn get_at(w: &Worker, path: &str, at: i64, visitor: &str) -> Resp {
    let offset = offset_to(at);
    w.request(
        "GET",
        path,
        &[(CLOCK, &offset), ("CF-Connecting-IP", visitor)],
        None,
    )
}

fn word(lang: &str, key: &str) -> String {
    copy(lang)[key].as_str().unwrap_or_default().to_string()
}

fn days_left(lang: &str, n: i64) -> String {
    count(lang, &copy(lang), "deadline_days_left", n)
}

/// The page's and the badge's words at `at`, in English and Khmer, as a visitor reads them.
fn says(w: &Worker, at: i64, visitor: &str) -> [String; 4] {
    [
        get_at(w, "/", at, visitor).text(),
        get_at(w, "/km/", at, visitor).text(),
        get_at(w, "/badge.svg", at, visitor).body,
        get_at(w, "/km/badge.svg", at, visitor).body,
    ]
}

/// Stripe's customer portal login link of the open worker (#28 §3, "Manage my monthly gift";
/// its tests ride on these two workers to keep the starts few: one with it, one without).
const PORTAL: &str = "https://billing.stripe.com/p/login/test_28portal";

/// "Manage my monthly gift" in both languages: linked from the footer, linking to the portal
/// with what Stripe asks and shows, or without one saying how to ask the campaign.
fn manage_page_says(w: &Worker, portal: Option<&str>, visitor: &str) {
    for (lang, path) in [("en", "/manage"), ("km", "/km/manage")] {
        let r = w.get_as(path, visitor);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains(&format!("lang=\"{lang}\"")), "{path}");
        let text = r.text();
        assert!(text.contains(&word(lang, "manage_title")), "{text}");
        match portal {
            Some(url) => {
                assert!(r.body.contains(&format!("href=\"{url}\"")), "{path}");
                assert!(text.contains(&word(lang, "manage_portal")), "{text}");
                assert!(text.contains(&word(lang, "manage_two_gifts")), "{text}");
            }
            None => {
                assert!(!r.body.contains("billing.stripe.com"), "{path}");
                assert!(text.contains(&word(lang, "manage_no_portal")), "{text}");
            }
        }
        let home = if lang == "en" { "/" } else { "/km/" };
        let page = w.get_as(home, visitor).body;
        assert!(
            page.contains(&format!("href=\"{path}\"")),
            "{home} links to {path}"
        );
        let privacy = w.get_as(&format!("{}privacy", home), visitor).body;
        assert!(privacy.contains("id=\"privacy-manage\""), "{home}privacy");
    }
}

#[test]
fn the_days_left_turn_at_midnight_in_phnom_penh_and_a_closed_form_refuses_gifts_after() {
    let w = Worker::start(&[
        ("CAMPAIGN_DEADLINE", DEADLINE),
        ("CLOSE_AFTER_DEADLINE", "true"),
        ("EDGE_CACHE_SECS", "60"),
    ]);
    let visitor = ip(15000);
    manage_page_says(&w, None, &visitor);
    assert_eq!(
        pp(LAST_DAY, 0, 0, 0),
        1_894_208_400,
        "2030-01-10 00:00 in Phnom Penh is 2030-01-09 17:00 UTC"
    );

    // Before: two days left at 23:59:50 on the 8th, one at 00:00:10 on the 9th, though the
    // pages and badges of the 8th are kept at the edge and still fresh.
    let [en, km, badge_en, badge_km] = says(&w, pp(LAST_DAY - 2, 23, 59, 50), &visitor);
    assert!(en.contains(&days_left("en", 2)), "{en}");
    assert!(km.contains(&days_left("km", 2)), "{km}");
    assert!(km.contains('២') && days_left("km", 2).contains('២'));
    assert!(badge_en.contains(&days_left("en", 2)), "{badge_en}");
    assert!(badge_km.contains(&days_left("km", 2)), "{badge_km}");
    let kept = get_at(&w, "/", pp(LAST_DAY - 2, 23, 59, 55), &visitor);
    assert_eq!(kept.header("X-Edge-Cache"), Some("hit"), "kept at the edge");

    let [en, km, badge_en, badge_km] = says(&w, pp(LAST_DAY - 1, 0, 0, 10), &visitor);
    assert!(en.contains(&days_left("en", 1)), "{en}");
    assert!(!en.contains(&days_left("en", 2)), "{en}");
    assert!(km.contains(&days_left("km", 1)), "{km}");
    assert!(badge_en.contains(&days_left("en", 1)), "{badge_en}");
    assert!(badge_km.contains(&days_left("km", 1)), "{badge_km}");

    // The last day, to its last seconds: it says so, and the form takes gifts.
    let at = pp(LAST_DAY, 23, 59, 50);
    let [en, km, badge_en, badge_km] = says(&w, at, &visitor);
    assert!(en.contains(&word("en", "deadline_last_day")), "{en}");
    assert!(km.contains(&word("km", "deadline_last_day")), "{km}");
    assert!(badge_en.contains(&word("en", "deadline_badge_last_day")));
    assert!(badge_km.contains(&word("km", "deadline_badge_last_day")));
    assert!(get_at(&w, "/", at, &visitor)
        .body
        .contains("id=\"pledge-form\""));
    let offset = offset_to(at);
    let r = w.post_pledge_with(
        "/pledges",
        &ip(15001),
        &[(CLOCK, &offset)],
        &[("tier", "women-training")],
    );
    assert_eq!(r.status, 303, "the last day still takes gifts: {}", r.body);

    // After: ended, in both languages; no form, a clear notice; a post refused, nothing kept.
    let after = pp(LAST_DAY + 1, 0, 0, 10);
    let [en, km, badge_en, badge_km] = says(&w, after, &visitor);
    assert!(en.contains(&word("en", "deadline_ended")), "{en}");
    assert!(en.contains(&word("en", "deadline_closed")), "{en}");
    assert!(km.contains(&word("km", "deadline_closed")), "{km}");
    assert!(!en.contains(&word("en", "deadline_last_day")));
    assert!(badge_en.contains(&word("en", "deadline_badge_ended")));
    assert!(badge_km.contains(&word("km", "deadline_badge_ended")));
    for path in ["/", "/km/"] {
        let page = get_at(&w, path, after, &visitor).body;
        assert!(!page.contains("id=\"pledge-form\""), "{path}: no form");
        assert!(page.contains("id=\"giving-closed\""), "{path}");
    }
    let offset = offset_to(after);
    for (path, lang) in [("/pledges", "en"), ("/km/pledges", "km")] {
        let r = w.post_pledge_with(
            path,
            &ip(15002),
            &[(CLOCK, &offset)],
            &[("tier", "women-training")],
        );
        assert_eq!(r.status, 410, "{path}: {}", r.body);
        assert!(
            r.text().contains(&word(lang, "deadline_closed")),
            "{}",
            r.body
        );
        assert!(r.header("Location").is_none());
    }
}

#[test]
fn after_the_deadline_an_open_form_still_takes_gifts_and_says_the_campaign_ended() {
    let w = Worker::start(&[
        ("CAMPAIGN_DEADLINE", DEADLINE),
        ("EDGE_CACHE_SECS", "60"),
        ("STRIPE_PORTAL_URL", PORTAL),
    ]);
    let visitor = ip(15010);
    manage_page_says(&w, Some(PORTAL), &visitor);
    // Before, in Khmer digits far ahead: twelve days.
    let [en, km, ..] = says(&w, pp(LAST_DAY - 12, 9, 0, 0), &visitor);
    assert!(en.contains(&days_left("en", 12)), "{en}");
    assert!(km.contains("១២"), "{km}");
    assert!(km.contains(&days_left("km", 12)), "{km}");

    // At the turn of the last day into the next: last day, then ended but open.
    let [en, ..] = says(&w, pp(LAST_DAY, 23, 59, 50), &visitor);
    assert!(en.contains(&word("en", "deadline_last_day")), "{en}");
    let after = pp(LAST_DAY + 1, 0, 0, 10);
    let [en, km, badge_en, _] = says(&w, after, &visitor);
    assert!(en.contains(&word("en", "deadline_ended_open")), "{en}");
    assert!(km.contains(&word("km", "deadline_ended_open")), "{km}");
    assert!(!en.contains(&word("en", "deadline_closed")), "{en}");
    assert!(badge_en.contains(&word("en", "deadline_badge_ended")));
    let page = get_at(&w, "/", after, &visitor).body;
    assert!(page.contains("id=\"pledge-form\""), "the form stays");
    let offset = offset_to(after);
    let r = w.post_pledge_with(
        "/pledges",
        &ip(15011),
        &[(CLOCK, &offset)],
        &[("tier", "women-training")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
}
