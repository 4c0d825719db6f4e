//! The injectable test clock: `X-Test-Clock-Offset` moves the worker's clock for one request,
//! on a loopback host only. Anywhere else it is ignored, since a shifted clock in production
//! would move token ages, the webhook tolerance and every retention period.
//!
//! Visitor addresses 8000–8099 are this module's (`main.rs`).

use campaign_tests::signer::{sign, Delivery};
use campaign_tests::{form_token, ip, now, test_var, Worker, CLOCK};

fn comment(w: &Worker, host: &str, offset: &str, visitor: &str, token: &str) -> u16 {
    let body = campaign_tests::encode_form(&[
        ("token", token),
        ("lang", "en"),
        ("name", "Clock"),
        ("text", "on time"),
    ]);
    let headers = [
        ("Host", host),
        (CLOCK, offset),
        ("CF-Connecting-IP", visitor),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    w.request("POST", "/comments", &headers, Some(body.as_bytes()))
        .status
}

#[test]
fn the_clock_moves_on_loopback_and_nowhere_else() {
    let w = Worker::start(&[]);
    // Loopback: a token served a moment ago is old enough once the clock is 5 s ahead.
    let token = form_token(&w.get("/"), "comment-form");
    assert_eq!(comment(&w, "127.0.0.1", "5", &ip(8001), &token), 303);
    // Another host: the same header is ignored, so the token is still too fresh.
    let deployed = "campaign.example";
    let page = w.request("GET", "/", &[("Host", deployed)], None);
    let token = form_token(&page, "comment-form");
    assert_eq!(comment(&w, deployed, "5", &ip(8002), &token), 422);
    // Nor can a page served there be dated back to skip the wait.
    let page = w.request("GET", "/", &[("Host", deployed), (CLOCK, "-5")], None);
    let token = form_token(&page, "comment-form");
    assert_eq!(comment(&w, deployed, "0", &ip(8003), &token), 422);
}

#[test]
fn the_webhook_tolerance_follows_the_clock_on_loopback_only() {
    let w = Worker::start(&[]);
    let body = serde_json::json!({"id": "evt_clock", "object": "event", "type": "customer.created", "livemode": false,
        "created": now(), "data": {"object": {}}})
    .to_string();
    // Signed 1,000 s in the future: outside the 300 s tolerance unless the clock moves too.
    let headers = &sign(&[Delivery {
        scheme: "stripe",
        secret: test_var("STRIPE_WEBHOOK_SECRET"),
        body: &body,
        timestamp: now() + 1000,
        id: "",
    }])[0];
    let send = |host: &str| {
        let mut h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        h.extend([
            ("Host", host),
            (CLOCK, "1000"),
            ("Content-Type", "application/json"),
        ]);
        w.request("POST", "/webhooks/stripe", &h, Some(body.as_bytes()))
    };
    assert_eq!(
        send("campaign.example").status,
        400,
        "ignored elsewhere: the timestamp is out of tolerance"
    );
    let r = send("localhost");
    assert_eq!((r.status, r.body.as_str()), (200, "ignored:type"));
}
