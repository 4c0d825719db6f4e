//! The campaign site over HTTP, against the real worker in workerd with a real local D1:
//! both languages carry the seed copy, every English path has its Khmer twin, 404s, headers.

use campaign_tests::{Resp, Worker};

fn seed_text() -> String {
    std::fs::read_to_string(campaign_tests::root().join("../shared/seed/donate-page.txt"))
        .or_else(|_| std::fs::read_to_string("/work/shared/seed/donate-page.txt"))
        .unwrap_or_default()
}

/// The seed page's copy, as the page must carry it (HTML-escaped where needed).
const SEED_LINES: &[&str] = &[
    "We are increasing the number of candidates.",
    "We are helping more women get elected.",
    "See where your contribution will go",
    "training of 25 local women to gain leadership skills",
    "support 1 hour broadcast on women radio",
    "supports one trainer for one month (6 staff total)",
    "covers the costs of one community meeting (15 yearly)",
    "helps distribute information to women in Cambodia for 1 year",
    "contact us to see where your contribution can go!",
    "Cambodian women gained the right to vote and to stand for election in 1955.",
    "Cambodia Today",
    "Our Plan &amp; How Your Contributions Will Help",
    "Thank You for Your Contribution",
    "Cambodian democracy cannot fulfill its potential when half of its citizenry is underrepresented.",
];

#[test]
fn english_page_carries_the_seed_copy_and_tier_amounts() {
    let w = Worker::shared();
    let r = w.get("/");
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    let seed = seed_text();
    for line in SEED_LINES {
        // Every line we check is really on the seed page (unescaped).
        if !seed.is_empty() {
            assert!(
                seed.contains(&line.replace("&amp;", "&")),
                "not a seed line: {line}"
            );
        }
        assert!(r.body.contains(line), "/ lacks {line:?}");
    }
    for amount in ["US$50", "US$350", "US$…"] {
        assert!(r.body.contains(amount), "/ lacks {amount}");
    }
    // Five tiers from D1, each with its radio button; the first preselected.
    assert_eq!(r.body.matches("name=\"tier\"").count(), 6);
    assert!(r.body.contains("value=\"women-training\" checked"));
    assert!(r.body.contains("<progress"));
}

#[test]
fn khmer_page_mirrors_the_english_one() {
    let w = Worker::shared();
    let en = w.get("/");
    let km = w.get("/km/");
    assert_eq!(km.status, 200);
    assert!(km.body.starts_with("<!DOCTYPE html><html lang=\"km\">"));
    // Khmer copy, not English: the headline and the section headings are translated.
    assert!(!km
        .body
        .contains("We are increasing the number of candidates."));
    assert!(km
        .body
        .chars()
        .any(|c| ('\u{1780}'..='\u{17FF}').contains(&c)));
    for amount in ["US$50", "US$350"] {
        assert!(km.body.contains(amount));
    }
    // Same structure: the same forms, tiers and sections.
    for needle in [
        "name=\"tier\"",
        "id=\"progress\"",
        "id=\"give\"",
        "id=\"story\"",
        "id=\"comments\"",
        "id=\"involved\"",
    ] {
        assert_eq!(
            en.body.matches(needle).count(),
            km.body.matches(needle).count(),
            "{needle}"
        );
    }
    assert!(km.body.contains("action=\"/km/pledges\""));
    assert!(km.body.contains("name=\"lang\" value=\"km\""));
    // hreflang alternates and a visible switch back to English.
    for r in [&en, &km] {
        assert!(r.body.contains("hreflang=\"en\""));
        assert!(r.body.contains("hreflang=\"km\""));
    }
    assert!(km
        .body
        .contains("<a href=\"/\" hreflang=\"en\" lang=\"en\""));
    assert!(en
        .body
        .contains("<a href=\"/km/\" hreflang=\"km\" lang=\"km\""));
}

/// Every visitor path in English, and so in Khmer under /km.
const VISITOR_PATHS: &[&str] = &["/"];

#[test]
fn every_english_visitor_path_has_its_khmer_twin() {
    let w = Worker::shared();
    for path in VISITOR_PATHS {
        let en = w.get(path);
        let km_path = if *path == "/" {
            "/km/".to_string()
        } else {
            format!("/km{path}")
        };
        let km = w.get(&km_path);
        assert_eq!(en.status, km.status, "{path} vs {km_path}");
        assert_eq!(en.status, 200, "{path}");
        assert!(km.body.contains("lang=\"km\""), "{km_path}");
    }
    assert_eq!(w.get("/km").status, 303);
}

#[test]
fn unknown_paths_get_a_real_404_in_the_prefix_language() {
    let w = Worker::shared();
    let en = w.get("/no-such-page");
    assert_eq!(en.status, 404);
    assert!(en.body.contains("lang=\"en\"") && en.body.contains("Page not found"));
    let km = w.get("/km/no-such-page");
    assert_eq!(km.status, 404);
    assert!(km.body.contains("lang=\"km\"") && !km.body.contains("Page not found"));
    assert!(km
        .header("Content-Type")
        .unwrap_or_default()
        .starts_with("text/html"));
}

fn assert_security_headers(r: &Resp, what: &str) {
    let csp = r
        .header("Content-Security-Policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(!csp.contains('*'), "{what}: {csp}");
    assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(
        csp.contains("form-action 'self' https://checkout.stripe.com"),
        "{what}: {csp}"
    );
    assert_eq!(
        r.header("X-Content-Type-Options"),
        Some("nosniff"),
        "{what}"
    );
    assert!(r.header("Referrer-Policy").is_some(), "{what}");
}

#[test]
fn every_response_carries_the_security_headers() {
    let w = Worker::shared();
    for path in [
        "/",
        "/km/",
        "/healthz",
        "/no-such-page",
        "/km/nope",
        "/api/campaign",
    ] {
        assert_security_headers(&w.get(path), path);
    }
    assert_security_headers(&w.request("DELETE", "/", &[], None), "DELETE /");
    assert_eq!(w.get("/healthz").status, 200);
}

#[test]
fn the_inline_stylesheet_is_allowed_by_its_hash_and_nothing_else_loads() {
    let w = Worker::shared();
    let r = w.get("/");
    let csp = r.header("Content-Security-Policy").unwrap_or_default();
    assert!(csp.contains("style-src 'sha256-"));
    // No script, no request to any other host.
    assert!(!r.body.contains("<script"));
    assert!(!r.body.contains("src=\"http"));
    assert!(!r.body.contains(" style=\""));
}

#[test]
fn goal_and_progress_come_from_d1_and_the_goal_variable() {
    let w = Worker::shared();
    let api = w.get("/api/campaign").json();
    assert_eq!(api["goal_cents"], 5_000_000);
    assert_eq!(api["raised_cents"], 0);
    assert_eq!(api["gifts"], 0);
    assert_eq!(api["tiers"].as_array().map(Vec::len), Some(5));
    let page = w.get("/");
    assert!(page.body.contains("US$0 raised of our US$50,000 goal"));
}

#[test]
fn the_edge_cache_serves_the_page_and_browsers_revalidate_with_etags() {
    let w = Worker::start(&[("EDGE_CACHE_SECS", "60")]);
    let first = w.get("/?utm_source=newsletter");
    assert_eq!(first.status, 200);
    let etag = first.header("ETag").expect("an ETag").to_string();
    assert_eq!(first.header("Cache-Control"), Some("no-cache"));
    // A change behind the worker's back is not seen while the edge holds the page...
    w.sql("UPDATE tiers SET amount_cents = 7700 WHERE id = 'women-radio'");
    let cached = w.get("/");
    assert_eq!(
        campaign_tests::mask_tokens(&cached.body),
        campaign_tests::mask_tokens(&first.body),
        "query strings that do not change the page share its cache entry"
    );
    assert_ne!(
        cached.body, first.body,
        "each response carries form tokens of its own, never the cached ones"
    );
    assert_eq!(
        cached.header("ETag"),
        Some(etag.as_str()),
        "the ETag names the shared page, before tokens are filled"
    );
    assert!(!cached.body.contains("US$77"));
    // ...but a visitor with a cookie of their own bypasses the cache,
    let own = w.request("GET", "/", &[("Cookie", "held=1.abc")], None);
    assert!(own.body.contains("US$77"));
    // and a page that changes the view (another page of comments) has its own entry.
    assert_eq!(w.get("/?page=2").status, 200);
    // Browsers that have the current copy get 304 with no body.
    let again = w.request("GET", "/", &[("If-None-Match", &etag)], None);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert!(again.header("Content-Security-Policy").is_some());
    // A payment purges the page at once: the sandbox pays through the webhook path.
    let r = w.post_form(
        "/pledges",
        &campaign_tests::ip(301),
        &[("tier", "women-training")],
    );
    let loc = r.header("Location").unwrap_or_default().to_string();
    assert_eq!(
        w.post_form(&loc, &campaign_tests::ip(301), &[("action", "pay")])
            .status,
        303
    );
    let fresh = w.get("/");
    assert!(fresh.body.contains("US$77"), "purged after the payment");
    assert!(fresh.body.contains("1 gift"));
}
