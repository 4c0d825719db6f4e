//! Checkout at its best (#28 §1): the donate button on every session, the account's payment
//! method configuration, Adaptive Pricing, and the donor's own currency stored beside each
//! payment (the ledger stays in US cents), through the fake Stripe.

use campaign_tests::fake_stripe::FakeStripe;
use campaign_tests::{ip, Worker};

/// A gift of `frequency` (`once`, `month`) through Stripe's checkout: the fake's session id
/// and the pledge's.
fn give(w: &Worker, fake: &FakeStripe, n: u32, frequency: &str) -> (String, String) {
    let r = w.post_pledge(
        "/pledges",
        &ip(n),
        &[
            ("tier", "women-training"),
            ("frequency", frequency),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let rows = w.sql("SELECT id FROM pledges ORDER BY rowid DESC LIMIT 1");
    let pledge = rows[0]["id"].as_str().unwrap_or_default().to_string();
    let session = fake.session_of(&pledge).expect("a session at Stripe");
    (session, pledge)
}

/// The value of field `k` the site sent for session `id` (`None`: not sent).
fn field(fake: &FakeStripe, id: &str, k: &str) -> Option<String> {
    fake.session_form(id)
        .into_iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v)
}

#[test]
fn both_kinds_of_session_say_donate_and_carry_the_maintainers_choices() {
    let fake = FakeStripe::start(0, "sk_test_fake");
    let w = Worker::start(&[
        ("CHECKOUT", "stripe"),
        ("STRIPE_API_BASE", &fake.base()),
        ("STRIPE_PAYMENT_METHOD_CONFIGURATION", "pmc_1Wallets"),
        ("STRIPE_ADAPTIVE_PRICING", "true"),
    ]);
    for (n, frequency, mode) in [(14700, "once", "payment"), (14701, "month", "subscription")] {
        let (session, _) = give(&w, &fake, n, frequency);
        let f = |k: &str| field(&fake, &session, k);
        assert_eq!(f("mode").as_deref(), Some(mode));
        assert_eq!(f("submit_type").as_deref(), Some("donate"), "{mode}");
        assert_eq!(
            f("adaptive_pricing[enabled]").as_deref(),
            Some("true"),
            "{mode}"
        );
        assert_eq!(
            f("payment_method_configuration").as_deref(),
            Some("pmc_1Wallets"),
            "{mode}"
        );
        // Still priced in US cents: the ledger's currency.
        assert_eq!(
            f("line_items[0][price_data][currency]").as_deref(),
            Some("usd")
        );
    }
}

#[test]
fn without_choices_sessions_still_donate_and_keep_adaptive_pricing_off() {
    let fake = FakeStripe::start(0, "sk_test_fake");
    let w = Worker::start_logged(&[
        ("CHECKOUT", "stripe"),
        ("STRIPE_API_BASE", &fake.base()),
        // Not one of Stripe's ids: refused (and logged), so none is sent.
        ("STRIPE_PAYMENT_METHOD_CONFIGURATION", "pmc_1&mode=setup"),
        ("STRIPE_ADAPTIVE_PRICING", "yes"),
    ]);
    for (n, frequency) in [(14702, "once"), (14703, "month")] {
        let (session, _) = give(&w, &fake, n, frequency);
        let f = |k: &str| field(&fake, &session, k);
        assert_eq!(f("submit_type").as_deref(), Some("donate"), "{frequency}");
        // Sent as false, so the dashboard's switch alone cannot turn it on (README).
        assert_eq!(f("adaptive_pricing[enabled]").as_deref(), Some("false"));
        assert_eq!(f("payment_method_configuration"), None, "{frequency}");
    }
    let log = std::fs::read_to_string(w.dir.join("wrangler.log")).unwrap_or_default();
    assert!(
        log.contains("config_refused") && log.contains("STRIPE_PAYMENT_METHOD_CONFIGURATION"),
        "{log}"
    );
}

/// Stripe's event `evt_{label}` about `object` of `kind`, as the endpoint would deliver it.
fn event(label: &str, kind: &str, object: serde_json::Value) -> String {
    serde_json::json!({"id": format!("evt_giving_{label}"), "object": "event", "api_version": "2026-10-28.endive",
        "type": kind, "livemode": false, "created": campaign_tests::now(), "data": {"object": object}})
    .to_string()
}

fn deliver(w: &Worker, body: &str) {
    let r = campaign_tests::signer::send_stripe(w, body);
    assert_eq!(r.status, 200, "{}", r.body);
}

fn raised(w: &Worker) -> i64 {
    w.get("/api/campaign").json()["raised_cents"]
        .as_i64()
        .unwrap_or(-1)
}

#[test]
fn a_gift_in_euros_counts_in_us_cents_and_its_refund_and_lost_dispute_are_exact() {
    let fake = FakeStripe::start(0, "sk_test_fake");
    // 0.924 euro cents per US cent: a rate that does not divide evenly, as real ones do not.
    fake.present_in("eur", 924);
    let w = Worker::start(&[
        ("CHECKOUT", "stripe"),
        ("STRIPE_API_BASE", &fake.base()),
        ("STRIPE_ADAPTIVE_PRICING", "true"),
    ]);
    let (session, pledge) = give(&w, &fake, 14704, "once");
    let pi = "pi_giving_eur";
    fake.pay(&session, pi, true);
    let completed = fake.events_of("checkout.session.completed");
    assert_eq!(completed.len(), 1);
    let object: serde_json::Value = serde_json::from_str(&completed[0]).expect("event");
    let object = &object["data"]["object"];
    let cents = object["amount_total"].as_i64().expect("amount_total");
    assert_eq!(object["currency"], "usd");
    let euro_cents = cents * 924 / 1000;
    assert_eq!(
        object["presentment_details"]["presentment_amount"],
        euro_cents
    );
    deliver(&w, &completed[0]);
    // Twice: a redelivery changes nothing.
    deliver(&w, &completed[0]);

    let payment = |w: &Worker| {
        w.sql(&format!(
            "SELECT amount_cents, currency, refunded_cents, presented_currency, presented_amount, flag \
             FROM payments WHERE pledge_id = '{pledge}'"
        ))
    };
    let rows = payment(&w);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0],
        serde_json::json!({"amount_cents": cents, "currency": "usd", "refunded_cents": 0,
            "presented_currency": "eur", "presented_amount": euro_cents, "flag": null})
    );
    assert_eq!(raised(&w), cents);

    // The maintainers see both amounts; the CSV carries the presented one exactly.
    let me = campaign_tests::admin::sign_in(&w, &ip(14705));
    let page = w.get_signed_in(&me, "/admin/pledges", &ip(14705));
    assert_eq!(page.status, 200);
    let shown = format!("(paid as {}.{:02} EUR)", euro_cents / 100, euro_cents % 100);
    assert!(page.text().contains(&shown), "{shown} in {}", page.body);
    let csv = w.get_signed_in(&me, "/admin/pledges.csv", &ip(14705));
    assert!(csv
        .body
        .lines()
        .next()
        .unwrap_or_default()
        .contains(",currency,presented_currency,presented_amount,"));
    let usd = format!("{}.{:02}", cents / 100, cents % 100);
    assert!(
        csv.body
            .lines()
            .any(|l| l.starts_with(&pledge)
                && l.contains(&format!(",{usd},0.00,usd,eur,{euro_cents},"))),
        "{}",
        csv.body
    );

    // Part refunded, in the charge's currency (US cents), though the donor saw euros: exact.
    let part = cents / 3;
    let shown_eur =
        serde_json::json!({"presentment_amount": euro_cents, "presentment_currency": "eur"});
    let charge = |refunded: i64| {
        serde_json::json!({"id": "ch_giving_eur", "object": "charge", "amount": cents, "amount_refunded": refunded,
            "currency": "usd", "payment_intent": pi, "refunded": refunded == cents, "presentment_details": shown_eur})
    };
    deliver(&w, &event("refund", "charge.refunded", charge(part)));
    assert_eq!(payment(&w)[0]["refunded_cents"], part);
    assert_eq!(raised(&w), cents - part);

    // The rest disputed and lost: Stripe's dispute is in the charge's currency, US cents.
    let rest = cents - part;
    let dispute = |status: &str| {
        serde_json::json!({"id": "dp_giving_eur", "object": "dispute", "amount": rest, "currency": "usd",
            "charge": "ch_giving_eur", "payment_intent": pi, "reason": "fraudulent", "status": status})
    };
    deliver(
        &w,
        &event(
            "dispute",
            "charge.dispute.created",
            dispute("needs_response"),
        ),
    );
    assert_eq!(
        raised(&w),
        cents - part,
        "an open dispute takes nothing yet"
    );
    deliver(&w, &event("lost", "charge.dispute.closed", dispute("lost")));
    let rows = payment(&w);
    assert_eq!(rows[0]["refunded_cents"], cents, "{rows:?}");
    assert_eq!(rows[0]["presented_amount"], euro_cents, "kept as it was");
    assert_eq!(raised(&w), 0);
}
