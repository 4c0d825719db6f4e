//! The scheduled jobs through workerd and D1, started the way the Cron Trigger starts them
//! (`/__scheduled`, which `wrangler dev --test-scheduled` serves): rows put in the past go
//! exactly when the retention rules say, nothing else does, and the totals do not move.

use campaign_tests::{now, Worker};
use serde_json::Value;

const DAY: i64 = 24 * 60 * 60;

fn run_jobs(w: &Worker) {
    let r = w.get("/__scheduled?cron=17+*+*+*+*");
    assert_eq!(r.status, 200, "{}", r.body);
}

fn ids(w: &Worker, sql: &str) -> Vec<String> {
    w.sql(sql)
        .iter()
        .map(|r| r["id"].to_string().trim_matches('"').to_string())
        .collect()
}

#[test]
fn retention_forgets_exactly_what_the_rules_say_and_the_totals_stay() {
    let w = Worker::start(&[]);
    let t = now();
    let p = |n: u32| format!("{n:032x}");
    w.sql(&format!(
        "INSERT INTO pledges (id, status, amount_cents, currency, designation, name, email, show_name, note, created_at, paid_at) VALUES \
           ('{old_paid}', 'paid', 5000, 'usd', 'women-training', 'Hidden Donor', 'old@example.org', 0, 'old note', {a}, {a}), \
           ('{old_shown}', 'paid', 7000, 'usd', 'general', 'Shown Donor', 'shown@example.org', 1, 'note', {a}, {a}), \
           ('{recent_paid}', 'paid', 2500, 'usd', 'general', 'Recent Donor', 'recent@example.org', 0, 'keep', {b}, {b}), \
           ('{old_pending}', 'pending', 5000, 'usd', 'general', 'Waiting', 'wait@example.org', 0, NULL, {c}, NULL), \
           ('{new_pending}', 'pending', 5000, 'usd', 'general', 'Fresh', 'fresh@example.org', 0, NULL, {d}, NULL); \
         UPDATE pledges SET checkout_session_id = 'cs_' || id, subscription_id = 'sub_' || id WHERE paid_at IS NOT NULL; \
         INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, paid_at) \
           SELECT 'stripe', 'pi_' || id, id, amount_cents, currency, paid_at FROM pledges WHERE paid_at IS NOT NULL; \
         INSERT INTO comments (id, parent_id, thread_id, name, body, status, created_at) VALUES \
           (901, NULL, 901, 'Old spam', 'buy', 'spam', {spam_old}), \
           (902, NULL, 902, 'New spam', 'buy', 'spam', {spam_new}), \
           (903, NULL, 903, 'Old held', 'hello', 'held', {held_old}), \
           (904, NULL, 904, 'New held', 'hello', 'held', {held_new}), \
           (905, NULL, 905, 'Old approved', 'kept', 'approved', {held_old}); \
         INSERT INTO volunteers (id, name, email, help, created_at) VALUES \
           (1, 'Old helper', 'o@example.org', 'radio', {vol_old}), (2, 'New helper', 'n@example.org', 'radio', {vol_new}); \
         INSERT INTO rate_events (bucket, key_hash, at) VALUES ('comment', 'k', {stale}), ('comment', 'k', {t}); \
         INSERT INTO used_tokens (nonce, expires_at) VALUES ('expired-nonce', {stale}), ('live-nonce', {future}); \
         INSERT INTO invoice_payments (invoice, payment_intent, received_at) VALUES \
           ('in_not_ours', 'pi_x', {a}), ('in_recent', 'pi_y', {b}), ('in_{old_paid}', 'pi_z', {a}); \
         INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, paid_at) VALUES \
           ('stripe', 'in_{old_paid}', '{old_paid}', 1, 'eur', {a}); \
         INSERT INTO audit (at, actor, action) VALUES ({audit_old}, NULL, 'sign-in'), ({b}, NULL, 'sign-in');",
        old_paid = p(9001),
        old_shown = p(9002),
        recent_paid = p(9003),
        old_pending = p(9004),
        new_pending = p(9005),
        a = t - 91 * DAY,
        b = t - 89 * DAY,
        c = t - 49 * 3600,
        d = t - 47 * 3600,
        spam_old = t - 31 * DAY,
        spam_new = t - 29 * DAY,
        held_old = t - 91 * DAY,
        held_new = t - 89 * DAY,
        vol_old = t - 366 * DAY,
        vol_new = t - 364 * DAY,
        stale = t - 2 * DAY,
        future = t + DAY,
        audit_old = t - 731 * DAY,
    ));
    let before: Value = w.get("/api/campaign").json();
    run_jobs(&w);
    // Pending for more than 48 hours: closed by the site, the other still pending.
    let pending = w.sql(&format!(
        "SELECT id, status, closed_by FROM pledges WHERE id IN ('{}', '{}') ORDER BY id",
        p(9004),
        p(9005)
    ));
    assert_eq!(
        (
            pending[0]["status"].as_str(),
            pending[0]["closed_by"].as_str()
        ),
        (Some("expired"), Some("site"))
    );
    assert_eq!(
        (
            pending[1]["status"].as_str(),
            pending[1]["closed_by"].as_str()
        ),
        (Some("pending"), None)
    );
    // Settled more than 90 days ago: email and note gone, a name only if it was shown.
    let donors = w.sql(&format!("SELECT id, name, email, note, amount_cents, status FROM pledges WHERE id IN ('{}', '{}', '{}') ORDER BY id", p(9001), p(9002), p(9003)));
    assert_eq!(
        (
            donors[0]["name"].as_str(),
            donors[0]["email"].as_str(),
            donors[0]["note"].as_str()
        ),
        (None, None, None),
        "{}",
        donors[0]
    );
    assert_eq!(
        (donors[1]["name"].as_str(), donors[1]["email"].as_str()),
        (Some("Shown Donor"), None),
        "{}",
        donors[1]
    );
    assert_eq!(
        (
            donors[2]["name"].as_str(),
            donors[2]["email"].as_str(),
            donors[2]["note"].as_str()
        ),
        (
            Some("Recent Donor"),
            Some("recent@example.org"),
            Some("keep")
        )
    );
    assert_eq!(
        donors[0]["amount_cents"], 5000,
        "the ledger keeps its amounts"
    );
    // The provider's ids, which point at the donor's record at Stripe, go with them.
    let refs = w.sql(&format!(
        "SELECT checkout_session_id AS s, subscription_id AS sub FROM pledges WHERE id IN ('{}', '{}', '{}') ORDER BY id",
        p(9001),
        p(9002),
        p(9003)
    ));
    let refs: Vec<_> = refs
        .iter()
        .map(|r| (r["s"].as_str(), r["sub"].as_str()))
        .collect();
    let recent = (format!("cs_{}", p(9003)), format!("sub_{}", p(9003)));
    assert_eq!(
        refs,
        [
            (None, None),
            (None, None),
            (Some(recent.0.as_str()), Some(recent.1.as_str()))
        ]
    );
    // Spam after 30 days, held after 90; an approved comment is never touched.
    assert_eq!(
        ids(&w, "SELECT id FROM comments ORDER BY id"),
        ["902", "904", "905"]
    );
    assert_eq!(ids(&w, "SELECT id FROM volunteers ORDER BY id"), ["2"]);
    assert_eq!(w.sql("SELECT COUNT(*) AS n FROM rate_events")[0]["n"], 1);
    assert_eq!(
        ids(&w, "SELECT nonce AS id FROM used_tokens"),
        ["live-nonce"]
    );
    // A PaymentIntent waiting 90 days for an invoice that never came goes; one whose invoice is
    // a payment stays, as does a recent one. The audit trail keeps two years.
    assert_eq!(
        ids(
            &w,
            "SELECT invoice AS id FROM invoice_payments ORDER BY invoice"
        ),
        [format!("in_{}", p(9001)), "in_recent".to_string()]
    );
    assert_eq!(w.sql("SELECT COUNT(*) AS n FROM audit")[0]["n"], 1);
    // The totals are what they were.
    let after: Value = w.get("/api/campaign").json();
    assert_eq!(
        (after["raised_cents"].clone(), after["gifts"].clone()),
        (before["raised_cents"].clone(), before["gifts"].clone())
    );
    assert_eq!(after["raised_cents"], 14_500);
    // The run is on record, as counts only.
    let counts = last_counts(&w);
    assert_eq!(counts["pending_expired"], 1);
    assert_eq!(
        counts["donors_forgotten"], 2,
        "the hidden name and the shown donor's email"
    );
    assert_eq!(
        (
            counts["spam_comments"].clone(),
            counts["held_comments"].clone(),
            counts["volunteers"].clone()
        ),
        (1.into(), 1.into(), 1.into())
    );
    // A second run changes nothing the first did not.
    run_jobs(&w);
    let again = last_counts(&w);
    let zeros: serde_json::Map<String, Value> = counts
        .as_object()
        .unwrap_or_else(|| panic!("counts are not an object: {counts}"))
        .keys()
        .map(|k| (k.clone(), Value::from(0)))
        .collect();
    assert_eq!(
        again,
        Value::Object(zeros),
        "every count of the first run, at 0"
    );
}

/// What the last retention run recorded, as counts by kind.
fn last_counts(w: &Worker) -> Value {
    let job = &w.sql("SELECT last_counts FROM jobs WHERE name = 'retention'")[0];
    let text = job["last_counts"]
        .as_str()
        .unwrap_or_else(|| panic!("no counts recorded: {job}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("counts not JSON ({e}): {text}"))
}
