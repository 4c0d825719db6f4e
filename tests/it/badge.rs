//! Reaching people where they are: the progress badge other sites embed, CORS on the campaign
//! API, and the link previews of every visitor page.

use campaign_tests::content::{copy, gifts_text};
use campaign_tests::{ip, Resp, Worker};

/// `US$1,234` as the badge and the page write an amount of whole dollars.
fn dollars(cents: i64) -> String {
    let digits = (cents / 100).to_string();
    let mut out = String::from("US$");
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// What the badge and the page say was raised, in `lang`.
fn raised_text(lang: &str, raised: i64, goal: i64) -> String {
    copy(lang)["progress_raised"]
        .as_str()
        .unwrap_or_default()
        .replace("{raised}", &dollars(raised))
        .replace("{goal}", &dollars(goal))
}

/// Pays a one-off gift through the sandbox (the webhook path, as Stripe would).
fn pay(w: &Worker, case: u32) {
    let r = w.post_pledge("/pledges", &ip(case), &[("tier", "women-training")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.header("Location").unwrap_or_default().to_string();
    assert_eq!(
        w.post_form(&loc, &ip(case), &[("action", "pay")]).status,
        303
    );
}

/// The badge parsed by a real XML parser: the root and its title, and every text it shows.
fn parse_badge(r: &Resp, what: &str) -> (String, Vec<String>) {
    let doc = roxmltree::Document::parse(&r.body)
        .unwrap_or_else(|e| panic!("{what} is not XML ({e}): {}", r.body));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{what}");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg"),
        "{what}"
    );
    assert_eq!(root.attribute("role"), Some("img"), "{what}");
    for size in ["width", "height"] {
        let n: u32 = root
            .attribute(size)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{what}: no {size}"));
        assert!((20..=800).contains(&n), "{what}: {size} {n}");
    }
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap_or_else(|| panic!("{what}: no <title>"))
        .to_string();
    let texts = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    // Nothing styled by a stylesheet (the CSP allows none) and nothing fetched.
    assert!(
        !root.descendants().any(|n| n.has_tag_name("style")
            || n.has_tag_name("image")
            || n.has_tag_name("script")
            || n.attribute("style").is_some()),
        "{what}"
    );
    (title, texts)
}

fn assert_image_headers(r: &Resp, what: &str) {
    assert_eq!(r.status, 200, "{what}: {}", r.body);
    assert_eq!(
        r.header("Content-Type"),
        Some("image/svg+xml; charset=utf-8"),
        "{what}"
    );
    assert_eq!(
        r.header("Cross-Origin-Resource-Policy"),
        Some("cross-origin"),
        "{what}"
    );
    let csp = r.header("Content-Security-Policy").unwrap_or_default();
    assert_eq!(csp, app::security::BADGE_CSP, "{what}: not the page's CSP");
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    assert!(r.header("ETag").is_some(), "{what}");
}

#[test]
fn the_badge_shows_the_goal_and_what_was_raised_in_both_languages() {
    let w = Worker::start(&[]);
    let before = w.get("/api/campaign").json();
    assert_eq!(before["raised_cents"], 0);
    let goal = before["goal_cents"].as_i64().unwrap_or_default();
    for path in ["/badge.svg", "/km/badge.svg"] {
        let r = w.get(path);
        assert_image_headers(&r, path);
        let (_, texts) = parse_badge(&r, path);
        let lang = if path.starts_with("/km/") { "km" } else { "en" };
        assert!(
            texts.contains(&raised_text(lang, 0, goal)),
            "{path}: {texts:?}"
        );
    }
    pay(&w, 9210);
    let api = w.get("/api/campaign").json();
    let raised = api["raised_cents"].as_i64().unwrap_or_default();
    assert!(raised > 0, "{api}");
    for (lang, path) in [("en", "/badge.svg"), ("km", "/km/badge.svg")] {
        let r = w.get(path);
        assert_image_headers(&r, path);
        let (title, texts) = parse_badge(&r, path);
        let all = texts.join("\n");
        assert!(
            all.contains(&raised_text(lang, raised, goal)),
            "{path}: {all}"
        );
        assert!(title.contains(&dollars(raised)), "{path}: {title}");
        // The count of gifts, as the page says it: Khmer digits on the Khmer badge.
        assert!(
            all.contains(&gifts_text(lang, &copy(lang), 1)),
            "{path}: {all}"
        );
        let site_name = copy(lang)["site_name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(all.contains(&site_name), "{path}: {all}");
    }
    let km = w.get("/km/badge.svg").body;
    assert!(km.contains("lang=\"km\""));
    assert!(km.chars().any(|c| ('០'..='៩').contains(&c)), "{km}");
    // HEAD is GET without the body, with the same headers.
    let head = w.request("HEAD", "/badge.svg", &[], None);
    assert_image_headers(&head, "HEAD /badge.svg");
    assert!(head.body.is_empty());
    // Only GET.
    assert_eq!(w.post_form("/badge.svg", &ip(9211), &[]).status, 405);
}

#[test]
fn the_badge_is_kept_at_the_edge_and_a_payment_purges_it() {
    let w = Worker::start(&[("EDGE_CACHE_SECS", "60")]);
    for path in ["/badge.svg", "/km/badge.svg"] {
        let first = w.get(path);
        assert_image_headers(&first, path);
        assert_eq!(first.header("X-Edge-Cache"), None, "{path}: drawn");
        let second = w.get(path);
        assert_image_headers(&second, path);
        assert_eq!(second.header("X-Edge-Cache"), Some("hit"), "{path}");
        assert_eq!(second.body, first.body);
        assert_eq!(second.header("ETag"), first.header("ETag"));
        // Browsers revalidate and get 304 while it is current, with the image's headers.
        let etag = first.header("ETag").unwrap_or_default().to_string();
        let again = w.request("GET", path, &[("If-None-Match", &etag)], None);
        assert_eq!(again.status, 304, "{path}");
        assert_eq!(
            again.header("Cross-Origin-Resource-Policy"),
            Some("cross-origin")
        );
        // A visitor's cookie changes nothing on the badge: the same shared copy.
        let with_cookie = w.request("GET", path, &[("Cookie", "held=1.abc")], None);
        assert_eq!(with_cookie.header("X-Edge-Cache"), Some("hit"), "{path}");
    }
    // A payment purges both badges at once...
    let raised_now = |w: &Worker| {
        let api = w.get("/api/campaign").json();
        (
            api["raised_cents"].as_i64().unwrap_or_default(),
            api["goal_cents"].as_i64().unwrap_or_default(),
        )
    };
    pay(&w, 9201);
    let (raised, goal) = raised_now(&w);
    assert!(raised > 0);
    for (lang, path) in [("en", "/badge.svg"), ("km", "/km/badge.svg")] {
        // (Dropped right after the payment's answer: the first copy drawn anew shows it.)
        let fresh = w.get_until(path, |r| r.body.contains(&raised_text(lang, raised, goal)));
        assert_image_headers(&fresh, path);
        assert_eq!(fresh.header("X-Edge-Cache"), None, "{path}: purged");
        assert!(
            fresh.body.contains(&raised_text(lang, raised, goal)),
            "{path}: {}",
            fresh.body
        );
        assert_eq!(w.get(path).header("X-Edge-Cache"), Some("hit"), "{path}");
    }
    // ...while a change behind the worker's back stays unseen until then: the copies really
    // came from the edge.
    w.sql("UPDATE payments SET amount_cents = amount_cents + 100000, fig_dirty = 1");
    let (changed, _) = raised_now(&w);
    assert_eq!(changed, raised + 100_000);
    let stale = w.get("/badge.svg");
    assert_eq!(stale.header("X-Edge-Cache"), Some("hit"));
    assert!(stale.body.contains(&raised_text("en", raised, goal)));
    pay(&w, 9202);
    let (after, _) = raised_now(&w);
    for (lang, path) in [("en", "/badge.svg"), ("km", "/km/badge.svg")] {
        let fresh = w.get_until(path, |r| r.body.contains(&raised_text(lang, after, goal)));
        assert_eq!(fresh.header("X-Edge-Cache"), None, "{path}: purged");
        assert!(
            fresh.body.contains(&raised_text(lang, after, goal)),
            "{path}: {}",
            fresh.body
        );
    }
}

#[test]
fn the_campaign_api_may_be_read_from_any_site_and_only_read() {
    let w = Worker::shared(module_path!());
    let origin = ("Origin", "https://friends.example");
    let r = w.request("GET", "/api/campaign", &[origin], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(r.header("Access-Control-Allow-Credentials"), None);
    assert!(r.json()["goal_cents"].is_i64());
    let head = w.request("HEAD", "/api/campaign", &[origin], None);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("Access-Control-Allow-Origin"), Some("*"));
    // The preflight a script sends before a read it cannot send plainly.
    let pre = w.request(
        "OPTIONS",
        "/api/campaign",
        &[
            origin,
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "x-custom"),
        ],
        None,
    );
    assert_eq!(pre.status, 204, "{}", pre.body);
    assert!(pre.body.is_empty());
    assert_eq!(pre.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(pre.header("Access-Control-Allow-Methods"), Some("GET"));
    assert_eq!(pre.header("Access-Control-Allow-Credentials"), None);
    assert_eq!(pre.header("Access-Control-Allow-Headers"), None);
    // Writing stays refused, and no other route answers a preflight.
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let r = w.request(method, "/api/campaign", &[], Some(b"{}"));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{method}");
        // From another site's page a post is refused before that, as every form post is
        // (403); the other methods are no form, and stay 405.
        let r = w.request(method, "/api/campaign", &[origin], Some(b"{}"));
        let refused = if method == "POST" { 403 } else { 405 };
        assert_eq!(r.status, refused, "{method} from another site");
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{method}");
    }
    for path in ["/", "/api/pledges/x", "/pledges"] {
        let r = w.request("OPTIONS", path, &[origin], None);
        assert_eq!(r.status, 405, "OPTIONS {path}");
        assert_eq!(r.header("Access-Control-Allow-Origin"), None);
    }
    // The pages themselves are not opened to other sites.
    assert_eq!(w.get("/").header("Access-Control-Allow-Origin"), None);
}

/// The `content` of `<meta {key}="{name}" content="…">`, or the `href` of `<link rel="…">`.
fn attr_after<'a>(body: &'a str, opening: &str, attr: &str) -> Option<&'a str> {
    let start = body.find(opening)? + opening.len();
    let rest = &body[start..body[start..].find('>')? + start];
    let at = rest.find(&format!("{attr}=\""))? + attr.len() + 2;
    let end = rest[at..].find('"')? + at;
    Some(&rest[at..end])
}

#[test]
fn every_visitor_page_has_previews_and_a_canonical_url_from_the_configured_origin() {
    const SITE: &str = "https://campaign.example";
    let w = Worker::start(&[("SITE_URL", SITE)]);
    let r = w.post_pledge(
        "/pledges",
        &ip(9301),
        &[("tier", "women-training"), ("lang", "en")],
    );
    let id = r
        .header("Location")
        .unwrap_or_default()
        .trim_start_matches("/sandbox/checkout/")
        .to_string();
    assert!(!id.is_empty());
    for (pattern, example, status) in app::routes::VISITOR_PAGES {
        // A page that answers 200 is its own canonical address. A notice that stands for no
        // page of its own (a comment that is not yours, an unknown update) names the campaign
        // page in its language; the 409 of a stop page is about its pledge, and names itself.
        let own_address = match (*pattern, *status) {
            (_, 200) | ("/pledges/:id/stop", 409) => true,
            ("/comments/:id/delete", 403) | ("/updates/:id", 404) => false,
            other => panic!("{other:?}: which address does its canonical link name? Say so here"),
        };
        let path = example.replace("{pledge}", &id).replace("{comment}", "1");
        for (lang, locale, other) in [("en", "en_US", "km_KH"), ("km", "km_KH", "en_US")] {
            let here = match (lang, path.as_str()) {
                ("en", p) => p.to_string(),
                (_, "/") => "/km/".to_string(),
                (_, p) => format!("/km{p}"),
            };
            // A request that names another host changes nothing.
            let page = w.request("GET", &here, &[("X-Forwarded-Host", "evil.example")], None);
            assert_eq!(page.status, *status, "{here}");
            let b = &page.body;
            let og = |p: &str| attr_after(b, &format!("<meta property=\"{p}\""), "content");
            let home = if lang == "en" { "/" } else { "/km/" };
            let url = if own_address {
                format!("{SITE}{here}")
            } else {
                format!("{SITE}{home}")
            };
            assert_eq!(og("og:type"), Some("website"), "{here}");
            assert_eq!(og("og:locale"), Some(locale), "{here}");
            assert_eq!(og("og:locale:alternate"), Some(other), "{here}");
            assert_eq!(og("og:url"), Some(url.as_str()), "{here}");
            assert_eq!(
                attr_after(b, "<link rel=\"canonical\"", "href"),
                Some(url.as_str()),
                "{here}"
            );
            let title = b
                .split_once("<title>")
                .and_then(|(_, t)| t.split_once("</title>"))
                .map(|(t, _)| t)
                .unwrap_or_default();
            assert!(!title.is_empty(), "{here}");
            assert_eq!(og("og:title"), Some(title), "{here}");
            let description = attr_after(b, "<meta name=\"description\"", "content");
            assert!(description.is_some_and(|d| !d.is_empty()), "{here}");
            assert_eq!(og("og:description"), description, "{here}");
            let site_name = copy(lang)["site_name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            assert_eq!(og("og:site_name"), Some(site_name.as_str()), "{here}");
            assert!(
                !b.contains(&w.base) && !b.contains("127.0.0.1"),
                "{here}: a link from the request's host"
            );
        }
    }
    // The 404 page too: the shell is the same.
    let missing = w.get("/km/no-such-page");
    assert_eq!(missing.status, 404);
    assert!(missing
        .body
        .contains(&format!("<link rel=\"canonical\" href=\"{SITE}/km/\"")));
    assert!(missing
        .body
        .contains("<meta property=\"og:locale\" content=\"km_KH\""));
}

#[test]
fn without_a_configured_origin_links_fall_back_to_the_request_s() {
    let w = Worker::shared(module_path!());
    let page = w.get("/km/privacy");
    let url = format!("{}/km/privacy", w.base);
    assert!(
        page.body
            .contains(&format!("<meta property=\"og:url\" content=\"{url}\"")),
        "{}",
        page.body
    );
}
