//! The shield against card testing (issue #27, §3; `app::shield`): the Rate Limiting binding's
//! refusal before anything is stored, declined cards that tighten the limits and tell the team,
//! a pause of new pledges (both languages) that happens once per trip and ends by itself, and a
//! maintainer closing it by hand; the declines arrive as webhooks and through the
//! reconciliation with Stripe's Events API.
//!
//! The shield is global state: the tests that trip it start a worker of their own (two).

use crate::alerts::FakeTelegram;
use app::i18n::Lang;
use app::shield::{PAUSE_SECS, TIGHTEN_FAILED};
use campaign_tests::fake_stripe::FakeStripe;
use campaign_tests::signer::{sign, Delivery};
use campaign_tests::{ip, now, test_var, Resp, Worker, CLOCK};
use serde_json::json;

/// The binding counts in wall-clock minutes (locally as at Cloudflare): a burst that must land
/// in one minute starts early in one.
fn early_in_a_minute() {
    let s = now() % 60;
    if s > 40 {
        std::thread::sleep(std::time::Duration::from_secs((61 - s) as u64));
    }
}

/// A pledge from `ip`, with the worker's clock moved by `offset` seconds.
fn pledge(w: &Worker, path: &str, ip: &str, offset: i64) -> Resp {
    let lang = if path.starts_with("/km/") { "km" } else { "en" };
    w.post_pledge_with(
        path,
        ip,
        &[(CLOCK, &offset.to_string())],
        &[("tier", "women-training"), ("lang", lang)],
    )
}

/// Stripe tells of `n` declined cards (`payment_intent.payment_failed`, numbered from `from`),
/// signed by the `stripe` package, delivered with the worker's clock moved by `offset`.
fn declines(w: &Worker, from: usize, n: usize, offset: i64) {
    let bodies: Vec<String> = (from..from + n)
        .map(|i| {
            json!({"id": format!("evt_declined_{i}"), "object": "event", "type": "payment_intent.payment_failed",
                "livemode": false, "created": now() + offset, "api_version": "2026-10-28.endive",
                "data": {"object": {"id": format!("pi_declined_{i}"), "object": "payment_intent",
                    "status": "requires_payment_method", "metadata": {}}}})
            .to_string()
        })
        .collect();
    let deliveries: Vec<Delivery<'_>> = bodies
        .iter()
        .map(|body| Delivery {
            scheme: "stripe",
            secret: test_var("STRIPE_WEBHOOK_SECRET"),
            body,
            timestamp: now() + offset,
            id: "",
        })
        .collect();
    for (body, mut headers) in bodies.iter().zip(sign(&deliveries)) {
        headers.push((CLOCK.to_string(), offset.to_string()));
        let r = w.post_json("/webhooks/stripe", &headers, body);
        assert_eq!((r.status, r.body.as_str()), (200, "recorded"), "{body}");
    }
}

fn pledges_stored(w: &Worker) -> i64 {
    w.sql("SELECT COUNT(*) AS n FROM pledges")[0]["n"]
        .as_i64()
        .unwrap_or(-1)
}

#[test]
fn the_binding_refuses_a_burst_from_one_address_before_anything_is_stored() {
    let w = Worker::shared(module_path!());
    let (one, other) = (ip(14600), ip(14601));
    early_in_a_minute();
    // Ten pledges in a minute pass the binding (10 a minute per address); each lands 700 s
    // after the last by the worker's clock, so the D1 limit (5 in 10 minutes) never refuses.
    for n in 0..10 {
        let r = pledge(w, "/pledges", &one, n * 700);
        assert_eq!(r.status, 303, "pledge {n}: {}", r.body);
    }
    let before = pledges_stored(w);
    let r = pledge(w, "/km/pledges", &one, 10 * 700);
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.header("Retry-After"), Some("60"));
    assert!(r.text().contains(Lang::Km.text().shield_too_fast_heading));
    assert!(r.body.contains("lang=\"km\""));
    assert_eq!(pledges_stored(w), before, "refused before D1");
    // The binding counts per address: another one gives at once.
    assert_eq!(pledge(w, "/pledges", &other, 0).status, 303);
}

#[test]
fn declined_cards_tighten_alert_pause_once_and_the_pause_ends_by_itself() {
    let telegram = FakeTelegram::start();
    let w = Worker::start(&[
        ("TELEGRAM_BOT_TOKEN", "123:test-bot-token"),
        ("TELEGRAM_CHAT_ID", "-1009"),
        (
            "TELEGRAM_API_BASE",
            &format!("http://127.0.0.1:{}", telegram.port),
        ),
        ("SITE_URL", "https://campaign.example"),
    ]);
    assert_eq!(pledge(&w, "/pledges", &ip(14610), 0).status, 303);

    // One decline short of the threshold: nothing trips.
    declines(&w, 0, TIGHTEN_FAILED as usize - 1, 0);
    assert!(telegram.messages().is_empty());
    declines(&w, 100, 1, 0);
    let sent = telegram.messages();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let text = sent[0].1["text"].as_str().unwrap_or_default().to_string();
    assert!(
        text.contains("10 declined cards and 0 unpaid checkouts expired in the last hour; it tightened the limits"),
        "{text}"
    );
    assert!(
        text.ends_with("https://campaign.example/admin#shield"),
        "{text}"
    );
    assert!(
        !text.contains("198.51.") && !text.contains("pi_"),
        "counts only: {text}"
    );

    // Tight, by D1: two pledges in ten minutes per address, where open allows five.
    let tight = ip(14611);
    for _ in 0..2 {
        assert_eq!(pledge(&w, "/pledges", &tight, 0).status, 303);
    }
    let third = pledge(&w, "/pledges", &tight, 0);
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(
        third.body.contains("id=\"pledge-form\""),
        "the form comes back"
    );

    // Tight, by the binding: three permits a pledge, so the fourth in a minute is refused
    // (each 700 s apart by the worker's clock: D1 allows four an hour).
    let burst = ip(14612);
    early_in_a_minute();
    for n in 0..3 {
        assert_eq!(pledge(&w, "/pledges", &burst, n * 700).status, 303);
    }
    let fourth = pledge(&w, "/pledges", &burst, 3 * 700);
    assert_eq!(fourth.status, 429, "{}", fourth.body);
    assert!(fourth
        .text()
        .contains(Lang::En.text().shield_too_fast_heading));

    // Forty in the hour: new pledges pause, and the team hears it.
    declines(&w, 200, 30, 0);
    let sent = telegram.messages();
    assert_eq!(sent.len(), 2, "{sent:?}");
    let text = sent[1].1["text"].as_str().unwrap_or_default();
    assert!(text.contains("40 declined cards"), "{text}");
    assert!(text.contains("paused new gifts for 30 minutes"), "{text}");
    let before = pledges_stored(&w);
    let paused = pledge(&w, "/pledges", &ip(14613), 0);
    assert_eq!(paused.status, 503, "{}", paused.body);
    let retry: i64 = paused
        .header("Retry-After")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!((1..=PAUSE_SECS).contains(&retry), "{retry}");
    let en = paused.text();
    assert!(en.contains(Lang::En.text().shield_paused_heading), "{en}");
    assert!(en.contains("Please try again in 30 minutes."), "{en}");
    let km = pledge(&w, "/km/pledges", &ip(14613), 0);
    assert_eq!(km.status, 503);
    assert!(km.text().contains(Lang::Km.text().shield_paused_heading));
    assert!(km.text().contains("៣០ នាទី"), "{}", km.body);
    assert_eq!(pledges_stored(&w), before, "nothing stored while paused");

    // The pause ends by itself; the same trip never pauses again, whatever is declined.
    let after = PAUSE_SECS + 5;
    assert_eq!(pledge(&w, "/pledges", &ip(14614), after).status, 303);
    declines(&w, 300, 60, after + 5);
    assert_eq!(telegram.messages().len(), 2);
    assert_eq!(pledge(&w, "/pledges", &ip(14615), after + 10).status, 303);
    let trips =
        w.sql("SELECT COUNT(*) AS n, MAX(paused_until IS NOT NULL) AS paused FROM shield_trips");
    assert_eq!(
        (trips[0]["n"].as_i64(), trips[0]["paused"].as_i64()),
        (Some(1), Some(1))
    );
}

#[test]
fn declines_found_by_the_reconciliation_pause_and_a_maintainer_closes_it_by_hand() {
    let fake = FakeStripe::start(0, "sk_test_fake");
    let w = Worker::start(&[("CHECKOUT", "stripe"), ("STRIPE_API_BASE", &fake.base())]);
    let t0 = now();
    let r = pledge(&w, "/pledges", &ip(14620), 0);
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("Location").unwrap_or_default().to_string();
    let session = location
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches('#')
        .to_string();
    // Every session expires after 31 minutes (Stripe's least is 30), not Stripe's 24 hours.
    let expires = fake.expires_at(&session).unwrap_or(0);
    assert!(
        (t0 + 31 * 60..=now() + 31 * 60).contains(&expires),
        "{expires} from {t0}"
    );

    // A tester tries 40 cards on that one session; no webhook reaches the site, and the hourly
    // reconciliation reads the declines from Stripe's Events API.
    for n in 0..40 {
        fake.decline(&session, n);
    }
    let jobs = w.get("/__scheduled?cron=17+*+*+*+*");
    assert_eq!(jobs.status, 200, "{}", jobs.body);
    let recorded = w.sql("SELECT COUNT(*) AS n FROM webhook_events WHERE type = 'payment_intent.payment_failed' AND outcome = 'recorded'");
    assert_eq!(recorded[0]["n"].as_i64(), Some(40));
    assert_eq!(pledge(&w, "/pledges", &ip(14621), 0).status, 503);

    // The overview shows it, with the way to close it.
    let owner = w.sign_in_owner(&ip(14622));
    let overview = w.get_signed_in(&owner, "/admin", &ip(14622)).body;
    assert!(overview.contains("data-level=\"paused\""), "{overview}");
    assert!(overview.contains("40 declined cards"), "{overview}");
    assert!(overview.contains("Close it now"));
    // Without the session's CSRF token, nothing closes.
    let forged = w.post_form_with(
        "/admin/shield/close",
        &ip(14622),
        &[("Cookie", &owner.cookie)],
        &[],
    );
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert_eq!(pledge(&w, "/pledges", &ip(14621), 0).status, 503);

    let closed = w.post_signed_in(&owner, "/admin/shield/close", &ip(14622), &[]);
    assert_eq!(closed.status, 303, "{}", closed.body);
    assert_eq!(closed.header("Location"), Some("/admin#shield"));
    let audit = w.sql("SELECT subject, detail FROM audit WHERE action = 'shield-closed'");
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0]["detail"], "closed");
    let trip = w.sql("SELECT id, closed_at IS NOT NULL AS closed FROM shield_trips");
    assert_eq!(audit[0]["subject"], trip[0]["id"].to_string());
    assert_eq!(trip[0]["closed"], 1);
    let overview = w.get_signed_in(&owner, "/admin", &ip(14622)).body;
    assert!(overview.contains("data-level=\"open\""), "{overview}");
    assert!(!overview.contains("Close it now"));
    assert_eq!(pledge(&w, "/pledges", &ip(14623), 0).status, 303);

    // What tripped it before the close never trips it again; a few new declines do not either.
    fake.decline(&session, 40);
    assert_eq!(w.get("/__scheduled?cron=17+*+*+*+*").status, 200);
    assert_eq!(pledge(&w, "/pledges", &ip(14624), 0).status, 303);
    assert_eq!(
        w.sql("SELECT COUNT(*) AS n FROM shield_trips")[0]["n"].as_i64(),
        Some(1)
    );
}

#[test]
fn the_pledge_limiter_is_the_offices_alone_and_one_cloudflare_takes() {
    let read = |f: &str| -> toml::Table {
        std::fs::read_to_string(campaign_tests::root().join(f))
            .expect("read the config")
            .parse()
            .expect("parse the config")
    };
    let (site, office) = (read("wrangler.toml"), read("wrangler.office.toml"));
    assert!(site.get("ratelimits").is_none(), "the site takes no pledge");
    let limits = office["ratelimits"].as_array().expect("[[ratelimits]]");
    assert_eq!(limits.len(), 1);
    let l = &limits[0];
    assert_eq!(l["name"].as_str(), Some("PLEDGE_LIMITER"));
    // A positive integer, as a string (README, "Deploy").
    let ns = l["namespace_id"].as_str().unwrap_or_default();
    assert!(ns.parse::<u64>().is_ok_and(|n| n > 0), "{ns}");
    // Cloudflare counts over 10 or 60 s only; tightened, a pledge still fits in a window.
    let limit = l["simple"]["limit"].as_integer().unwrap_or(0);
    assert!([10, 60].contains(&l["simple"]["period"].as_integer().unwrap_or(0)));
    assert!(limit >= app::shield::TIGHT_PERMITS, "{limit}");
    assert_eq!(l["simple"].as_table().map(|t| t.len()), Some(2));
}
