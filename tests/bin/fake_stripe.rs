//! The tests' fake Stripe, for `make dev`: every Checkout Session made is paid at once at
//! "Stripe", and no webhook is sent, so the reconciliation job is what settles the pledges.
//!
//! `cargo run -p campaign-tests --bin fake-stripe` (port 12111, or the first argument), with
//! `CHECKOUT=stripe` and `STRIPE_API_BASE=http://127.0.0.1:12111` in `.dev.vars` (README).

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
    println!(
        "fake Stripe on {} (key {key}): sessions are paid at once, no webhooks sent",
        fake.base()
    );
    let mut seen = 0;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let requests = fake.requests();
        for r in &requests[seen..] {
            println!("{r}");
        }
        seen = requests.len();
    }
}
