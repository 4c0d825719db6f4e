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
