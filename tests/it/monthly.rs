//! Monthly gifts on the exactly-once ledger, through workerd and a real local D1, with every
//! event signed by Stripe's own npm package (`tests/sign/sign.mjs`).
//!
//! One monthly pledge's whole life: the first month reported twice (the session completes and
//! its first invoice is paid), three renewals, a redelivered event, a failed renewal, a
//! refunded month, a lost dispute and the cancellation. Delivered in three different orders,
//! it leaves exactly the same totals.

use campaign_tests::monthly::{self, expected, ledger_sql, pending_sql, MONTH};
use campaign_tests::signer::{send_standard, sign, Delivery};
use campaign_tests::{ip, now, pid, section, test_var as var, Worker};
use serde_json::{json, Value};

fn pledge(w: &Worker, id: &str) {
    w.sql(&pending_sql(id));
}

/// The pledge's life as signed-ready event bodies: `(label, body)`.
fn life(p: &str) -> Vec<(String, String)> {
    monthly::life(p)
        .into_iter()
        .map(|(label, kind, object)| {
            let body = json!({"id": format!("evt_{label}_{p}"), "object": "event", "api_version": "2026-10-28.endive",
                              "type": kind, "livemode": false, "created": now(), "data": {"object": object}});
            (label, body.to_string())
        })
        .collect()
}

/// Signs every body at once (one run of the stripe package) and delivers them in order; the
/// outcome of each, by label. Every answer must be a 200 (the figures storm sends with it too).
pub(crate) fn deliver(w: &Worker, events: &[(String, String)]) -> Vec<(String, String)> {
    let deliveries: Vec<Delivery<'_>> = events
        .iter()
        .map(|(_, body)| Delivery {
            scheme: "stripe",
            secret: var("STRIPE_WEBHOOK_SECRET"),
            body,
            timestamp: now(),
            id: "",
        })
        .collect();
    let headers = sign(&deliveries);
    events
        .iter()
        .zip(headers)
        .map(|((label, body), h)| {
            let r = w.post_json("/webhooks/stripe", &h, body);
            assert_eq!(r.status, 200, "{label}: {}", r.body);
            (label.clone(), r.body)
        })
        .collect()
}

/// What the ledger holds for one pledge (`monthly::ledger_sql`).
fn ledger(w: &Worker, p: &str) -> Value {
    let [pledge, payments] = ledger_sql(p);
    json!({"pledge": w.sql(&pledge)[0], "payments": w.sql(&payments)})
}

/// A fixed shuffle (a small linear congruential generator), so the third order is neither
/// forward nor backward and the same on every run.
fn shuffled<T: Clone>(items: &[T]) -> Vec<T> {
    let mut v = items.to_vec();
    let mut x: u64 = 20_261_201;
    for i in (1..v.len()).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        v.swap(i, (x >> 33) as usize % (i + 1));
    }
    v
}

fn campaign(w: &Worker) -> Value {
    w.get("/api/campaign").json()
}

#[test]
fn a_monthly_gift_gives_exact_totals_in_any_order_of_delivery() {
    let w = Worker::start(&[]);
    let (a, b, c) = (pid(8101), pid(8102), pid(8103));
    for p in [&a, &b, &c] {
        pledge(&w, p);
    }

    // 1. In Stripe's order, watching each step.
    let forward = life(&a);
    let (before_cancel, cancel) = forward.split_at(forward.len() - 1);
    let outcomes = deliver(&w, before_cancel);
    let outcome = |label: &str| {
        outcomes
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, o)| o.as_str())
            .unwrap_or_default()
    };
    assert_eq!(outcome("session"), "applied");
    assert_eq!(
        outcome("inv1"),
        "no-change",
        "the first month, reported a second time by its invoice, counts once"
    );
    assert_eq!(outcome("inv2"), "applied");
    assert_eq!(outcome("fail5"), "applied");
    assert_eq!(outcome("dispute3"), "flagged:dispute");
    assert_eq!(outcome("lost3"), "applied");
    let c0 = campaign(&w);
    assert_eq!(c0["monthly_supporters"], 1, "{c0}");
    assert_eq!(c0["gifts"], 4, "each paid month is a gift: {c0}");
    assert_eq!(
        c0["raised_cents"],
        2 * MONTH,
        "four months, one refunded, one lost: {c0}"
    );
    let mine = w.get(&format!("/api/pledges/{a}")).json();
    assert_eq!(mine["status"], "active", "{mine}");
    // A renewal delivered again is a duplicate, and changes nothing.
    let again = deliver(&w, &forward[7..8]);
    assert_eq!(again[0].1, "duplicate");
    // A failed renewal never changes public figures; the maintainers see it past due.
    assert_eq!(campaign(&w)["raised_cents"], 2 * MONTH);
    assert_eq!(
        w.sql(&format!(
            "SELECT unpaid_invoice FROM pledges WHERE id = '{a}'"
        ))[0]["unpaid_invoice"],
        format!("in_{a}_5")
    );
    assert_eq!(deliver(&w, cancel)[0].1, "applied");
    assert_eq!(ledger(&w, &a), expected(&a));
    let c1 = campaign(&w);
    assert_eq!(
        (&c1["monthly_supporters"], &c1["gifts"], &c1["raised_cents"]),
        (&json!(0), &json!(4), &json!(2 * MONTH)),
        "the months paid stay counted after the gift stopped: {c1}"
    );

    // 2. Backwards: the cancellation first, the refund and the dispute before their months,
    //    every PaymentIntent before its invoice.
    let mut backward = life(&b);
    backward.reverse();
    deliver(&w, &backward);
    assert_eq!(ledger(&w, &b), expected(&b));

    // 3. Shuffled, with two events delivered twice.
    let mut mixed = shuffled(&life(&c));
    let twice: Vec<_> = mixed.iter().take(2).cloned().collect();
    mixed.extend(twice);
    let order: Vec<&str> = mixed.iter().map(|(l, _)| l.as_str()).collect();
    eprintln!("shuffled order: {order:?}");
    deliver(&w, &mixed);
    assert_eq!(ledger(&w, &c), expected(&c));

    // Three times the same gift: exactly three times the totals, the tier counted per month.
    let all = campaign(&w);
    assert_eq!(all["gifts"], 12, "{all}");
    assert_eq!(all["raised_cents"], 6 * MONTH, "{all}");
    assert_eq!(all["monthly_supporters"], 0, "{all}");
    let tier = all["tiers"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == "women-training"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(tier["funded"], 6 * MONTH / 5000, "{tier}");
    // The donor wall shows each monthly donor once.
    assert_eq!(all["recent"].as_array().map(Vec::len), Some(3), "{all}");
}

#[test]
fn a_standard_webhooks_relay_may_pay_a_monthly_pledge_many_times() {
    let w = Worker::start(&[]);
    let (monthly, once) = (pid(8201), pid(8202));
    pledge(&w, &monthly);
    w.sql(&format!(
        "INSERT INTO pledges (id, status, amount_cents, designation, created_at) VALUES ('{once}', 'pending', 5000, 'general', 0)"
    ));
    let paid = |p: &str, r: &str, cents: i64| {
        json!({"type": "pledge.paid", "data": {"pledge_id": p, "amount_cents": cents, "currency": "usd", "provider_ref": r}})
            .to_string()
    };
    // Each payment of a monthly pledge is its own, keyed by its provider_ref.
    for (msg, r) in [
        ("msg_m1", "relay-1"),
        ("msg_m2", "relay-2"),
        ("msg_m3", "relay-3"),
    ] {
        assert_eq!(
            send_standard(&w, msg, &paid(&monthly, r, MONTH)).body,
            "applied"
        );
    }
    // The same payment under another message id is the same payment.
    assert_eq!(
        send_standard(&w, "msg_m3b", &paid(&monthly, "relay-3", MONTH)).body,
        "no-change"
    );
    // A one-off pledge paid twice with different references is flagged, as before.
    assert_eq!(
        send_standard(&w, "msg_o1", &paid(&once, "relay-o1", 5000)).body,
        "applied"
    );
    assert_eq!(
        send_standard(&w, "msg_o2", &paid(&once, "relay-o2", 5000)).body,
        "flagged:second-payment"
    );
    let c = campaign(&w);
    assert_eq!(
        (&c["gifts"], &c["raised_cents"], &c["monthly_supporters"]),
        (&json!(4), &json!(3 * MONTH + 5000), &json!(1)),
        "{c}"
    );
}

#[test]
fn maintainers_see_monthly_gifts_with_months_failures_and_stops() {
    let w = Worker::start(&[]);
    let (active, stopped) = (pid(8301), pid(8302));
    pledge(&w, &active);
    pledge(&w, &stopped);
    let mut events = life(&active);
    events.pop(); // still active
    events.retain(|(l, _)| !l.starts_with("refund") && !l.contains('3'));
    events.extend(
        life(&stopped)
            .into_iter()
            .filter(|(l, _)| ["session", "link1", "cancel"].contains(&l.as_str())),
    );
    deliver(&w, &events);
    let visitor = ip(8301);
    let cookie = w.sign_in_owner(&visitor).cookie;
    let page = w.request(
        "GET",
        "/admin/pledges",
        &[("CF-Connecting-IP", &visitor), ("Cookie", &cookie)],
        None,
    );
    assert_eq!(page.status, 200);
    let monthly = section(&page.body, "monthly");
    // One active (past due: its fifth month failed) at US$25 a month, one stopped; 3 + 1
    // months paid, one failed attempt.
    assert!(
        monthly.contains("1 active, US$25 a month pledged"),
        "{monthly}"
    );
    assert!(
        monthly
            .contains("1 past due, 1 stopped; 4 months paid in all; failed renewal attempts: 1."),
        "{monthly}"
    );
    assert!(
        monthly.contains("Monthly, past due") && monthly.contains("Monthly, stopped"),
        "{monthly}"
    );
}
