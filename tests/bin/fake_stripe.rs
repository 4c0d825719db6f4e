//! The tests' fake Stripe, for `make dev`: every Checkout Session made is paid at once at
//! "Stripe", and no webhook is sent, so the reconciliation job is what settles the pledges.
//!
//! `cargo run -p campaign-tests --bin fake-stripe` (port 12111, or the first argument), with
//! `CHECKOUT=stripe` and `STRIPE_API_BASE=http://127.0.0.1:12111` in `.dev.vars` (README).
//! With `STRIPE_ADAPTIVE_PRICING=true` in `.dev.vars` too, donors "pay" in euros
//! (`FAKE_PRESENTMENT=eur:920`: currency and thousandths of a minor unit per US cent), so the
//! admin's presented amounts can be seen locally; every session's fields are printed.

use campaign_tests::fake_stripe::FakeStripe;

fn main() {
    let port = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(12111);
    let key = std::env::var("STRIPE_SECRET_KEY")
        .unwrap_or_else(|_| "sk_test_dev_only_not_a_real_key".to_string());
    let fake = FakeStripe::start(port, &key);
    fake.pay_at_once();
    let present = std::env::var("FAKE_PRESENTMENT").unwrap_or_else(|_| "eur:920".to_string());
    if let Some((currency, rate)) = present.split_once(':') {
        if let Ok(rate) = rate.parse() {
            fake.present_in(currency, rate);
        }
    }
    println!(
        "fake Stripe on {} (key {key}): sessions are paid at once, no webhooks sent",
        fake.base()
    );
    let (mut seen, mut sessions) = (0, 0);
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let requests = fake.requests();
        for r in &requests[seen..] {
            println!("{r}");
            if r == "POST /v1/checkout/sessions" {
                sessions += 1;
                let form = fake.session_form(&format!("cs_fake_{sessions}"));
                // The donor's address is not printed.
                for (k, v) in form.iter().filter(|(k, _)| k != "customer_email") {
                    println!("  {k}={v}");
                }
            }
        }
        seen = requests.len();
    }
}
