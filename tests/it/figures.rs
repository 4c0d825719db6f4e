//! The running figures (issue #29 §1; `edge::store::figures`): after a shuffled storm of
//! payments, partial and full refunds (some before their payments), lost and won disputes,
//! monthly renewals, cancellations, a stop and duplicates, every figure the page shows equals
//! what a recomputation from the rows gives (written here, independently of the worker's SQL),
//! nothing is left to fold; and the daily check finds nothing, then repairs what a write
//! outside the store's statements broke, and says so.

use campaign_tests::monthly::{self, pending_sql, MONTH};
use campaign_tests::{now, pid, Worker};
use serde_json::{json, Value};

/// A fixed shuffle (a small linear congruential generator), the same on every run.
fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut v = items.to_vec();
    let mut x = seed;
    for i in (1..v.len()).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        v.swap(i, (x >> 33) as usize % (i + 1));
    }
    v
}

fn event(label: &str, kind: &str, object: Value) -> (String, String) {
    let body = json!({"id": format!("evt_fig_{label}"), "object": "event", "api_version": "2026-10-28.endive",
                      "type": kind, "livemode": false, "created": now(), "data": {"object": object}});
    (label.to_string(), body.to_string())
}

/// A one-off gift's life: paid, then (by `n`) a partial refund, a full refund, a lost or won
/// dispute, or nothing.
fn one_off(p: &str, cents: i64, n: usize) -> Vec<(String, String)> {
    let pi = format!("pi_{p}");
    let mut v = vec![event(
        &format!("{p}_paid"),
        "checkout.session.completed",
        json!({"id": format!("cs_{p}"), "object": "checkout.session", "mode": "payment", "payment_status": "paid",
               "amount_total": cents, "currency": "usd", "client_reference_id": p, "payment_intent": pi,
               "metadata": {"pledge_id": p, "campaign": "women-lead-cambodia"}}),
    )];
    let refund = |label: &str, refunded: i64| {
        event(
            &format!("{p}_{label}"),
            "charge.refunded",
            json!({"id": format!("ch_{p}"), "object": "charge", "amount": cents, "amount_refunded": refunded,
                   "currency": "usd", "payment_intent": pi}),
        )
    };
    let dispute = |status: &str| {
        event(
            &format!("{p}_dispute_{status}"),
            "charge.dispute.closed",
            json!({"id": format!("dp_{p}"), "object": "dispute", "amount": cents, "currency": "usd",
                   "charge": format!("ch_{p}"), "payment_intent": pi, "reason": "fraudulent", "status": status}),
        )
    };
    match n % 5 {
        0 => v.push(refund("part", cents / 4)),
        1 => {
            v.push(refund("part", cents / 3));
            v.push(refund("full", cents));
        }
        2 => v.push(dispute("lost")),
        3 => v.push(dispute("won")),
        _ => {}
    }
    v
}

/// Every figure, recomputed from the rows by this test's own SQL: a payment counts when it is
/// in US dollars, unflagged and within the largest gift, for its amount less what was taken
/// back; a monthly supporter is an active monthly pledge with a counted payment.
fn recomputed(w: &Worker) -> Value {
    let counted =
        "p.flag IS NULL AND p.currency = 'usd' AND p.amount_cents BETWEEN 1 AND 10000000 \
                   AND p.refunded_cents BETWEEN 0 AND 10000000";
    let row = &w.sql(&format!(
        "SELECT (SELECT COALESCE(SUM(p.amount_cents - p.refunded_cents), 0) FROM payments p WHERE {counted}) AS raised, \
                (SELECT COUNT(*) FROM payments p WHERE {counted}) AS gifts, \
                (SELECT COUNT(*) FROM pledges g WHERE g.frequency = 'month' AND g.status = 'active' \
                   AND EXISTS (SELECT 1 FROM payments p WHERE p.pledge_id = g.id AND {counted})) AS monthly, \
                (SELECT COALESCE(SUM(p.amount_cents - p.refunded_cents), 0) FROM payments p JOIN pledges g ON g.id = p.pledge_id \
                   WHERE {counted} AND g.designation = 'women-training') / 5000 AS training"
    ))[0];
    row.clone()
}

/// The same figures as the page reads them (`/api/campaign`; a tier by its gifts funded).
fn shown(w: &Worker) -> Value {
    let c = w.get("/api/campaign").json();
    let tier = c["tiers"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == "women-training"))
        .cloned()
        .unwrap_or_default();
    json!({"raised": c["raised_cents"], "gifts": c["gifts"], "monthly": c["monthly_supporters"],
           "training": tier["funded"]})
}

fn run_jobs(w: &Worker) {
    let r = w.get("/__scheduled?cron=17+*+*+*+*");
    assert_eq!(r.status, 200, "{}", r.body);
}

fn checked(w: &Worker) -> Value {
    let rows = w.sql("SELECT last_counts FROM jobs WHERE name = 'figures'");
    serde_json::from_str(rows[0]["last_counts"].as_str().unwrap_or("null")).unwrap_or_default()
}

#[test]
fn every_figure_equals_its_rows_after_a_shuffled_storm_and_the_daily_check_repairs_drift() {
    let w = Worker::start(&[]);
    // Three monthly gifts (each: its first month twice, renewals, a failed renewal, a refunded
    // month, a lost dispute, the end) and twelve one-off gifts of every kind.
    let monthly_ids: Vec<String> = (0..3).map(|n| pid(15200 + n)).collect();
    let mut storm: Vec<(String, String)> = Vec::new();
    for (n, p) in monthly_ids.iter().enumerate() {
        w.sql(&pending_sql(p));
        let life = monthly::life(p);
        // The last gift keeps running: its end is left out.
        let keep = if n == 2 { life.len() - 1 } else { life.len() };
        for (label, kind, object) in life.into_iter().take(keep) {
            storm.push(event(&format!("{p}_{label}"), kind, object));
        }
    }
    for n in 0..12u32 {
        let p = pid(15210 + n);
        let cents = 2_500 + 1_000 * i64::from(n);
        w.sql(&format!(
            "INSERT INTO pledges (id, status, amount_cents, designation, created_at, fig_dirty) \
             VALUES ('{p}', 'pending', {cents}, '{}', 0, 0)",
            if n % 2 == 0 {
                "women-training"
            } else {
                "general"
            }
        ));
        storm.extend(one_off(&p, cents, n as usize));
    }
    let mut mixed = shuffled(&storm, 20_261_207);
    // Duplicates: five events delivered twice.
    let again: Vec<_> = mixed.iter().step_by(7).take(5).cloned().collect();
    mixed.extend(again);
    super::monthly::deliver(&w, &mixed);

    let want = recomputed(&w);
    assert_eq!(want["monthly"], 1, "one monthly gift still runs: {want}");
    assert_eq!(
        shown(&w),
        json!({"raised": want["raised"], "gifts": want["gifts"], "monthly": want["monthly"],
               "training": want["training"]}),
        "the page's figures are the rows' sums"
    );
    // Everything was folded in the batches that wrote it: nothing waits.
    let dirty = &w.sql(
        "SELECT (SELECT COUNT(*) FROM payments WHERE fig_dirty = 1) AS payments, \
                (SELECT COUNT(*) FROM pledges WHERE fig_dirty = 1) AS pledges, \
                (SELECT n FROM figures WHERE key = 'raised') AS raised, \
                (SELECT n FROM figures WHERE key = 'net:women-training') / 5000 AS training",
    )[0];
    assert_eq!(
        (
            &dirty["payments"],
            &dirty["pledges"],
            &dirty["raised"],
            &dirty["training"]
        ),
        (&json!(0), &json!(0), &want["raised"], &want["training"]),
        "{dirty}"
    );
    assert!(want["raised"].as_i64().unwrap_or(0) > 10 * MONTH, "{want}");

    // The daily check: nothing to repair.
    run_jobs(&w);
    assert_eq!(checked(&w)["repaired"], 0, "{}", checked(&w));

    // Writes outside the store's statements: a figure changed by hand, a monthly gift
    // cancelled without its mark. The page is wrong until the check rebuilds it.
    let running = &monthly_ids[2];
    w.sql(&format!(
        "UPDATE figures SET n = n + 700 WHERE key = 'raised'; \
         UPDATE pledges SET status = 'cancelled' WHERE id = '{running}'; \
         DELETE FROM jobs WHERE name = 'figures'"
    ));
    let broken = shown(&w);
    assert_ne!(broken["raised"], want["raised"], "{broken}");
    assert_eq!(broken["monthly"], 1, "{broken}");
    run_jobs(&w);
    assert_eq!(checked(&w)["repaired"], 2, "{}", checked(&w));
    let after = recomputed(&w);
    assert_eq!(after["monthly"], 0);
    assert_eq!(
        shown(&w),
        json!({"raised": after["raised"], "gifts": after["gifts"], "monthly": 0,
               "training": after["training"]})
    );
    // The next hour's run does not check again (once a day).
    w.sql("UPDATE figures SET n = n + 1 WHERE key = 'gifts'");
    run_jobs(&w);
    assert_eq!(checked(&w)["repaired"], 2);
}

/// The comments the page counts (`/__bench/d1` answers the page data's count, as drawn).
fn comments_shown(w: &Worker) -> i64 {
    let r = w.get("/__bench/d1");
    assert_eq!(r.status, 200, "{}", r.body);
    r.body.trim().parse().unwrap_or(-1)
}

/// The comment counts (migration 0017) follow their rows however they change: comments
/// written, approved and removed by hand count at once (their share is pending until a fold),
/// the daily check finds nothing to repair; a folded comment deleted by hand (its share left
/// behind) is what the check repairs.
#[test]
fn comment_counts_follow_their_rows_and_the_daily_check_repairs_a_comment_deleted_by_hand() {
    let w = Worker::start(&[]);
    let now = campaign_tests::now();
    w.sql(&format!(
        "INSERT INTO comments (id, parent_id, thread_id, name, body, status, created_at) VALUES \
           (1, NULL, 1, 'a', 'root', 'approved', {now}), (2, 1, 1, 'b', 'reply', 'approved', {now}), \
           (3, NULL, 3, 'c', 'root', 'approved', {now}), (4, NULL, 4, 'd', 'held root', 'held', {now}), \
           (5, NULL, 5, 'e', 'removed root', 'removed', {now}), (6, 5, 5, 'f', 'reply', 'approved', {now}), \
           (7, NULL, 7, 'g', 'spam', 'spam', {now})"
    ));
    let approved = |w: &Worker| {
        w.sql("SELECT COUNT(*) AS n FROM comments WHERE status = 'approved'")[0]["n"]
            .as_i64()
            .unwrap_or(-1)
    };
    assert_eq!((comments_shown(&w), approved(&w)), (4, 4));
    // Approved and removed by hand: counted at once, nothing folded yet.
    w.sql("UPDATE comments SET status = 'approved' WHERE id = 4; UPDATE comments SET status = 'removed' WHERE id = 3");
    assert_eq!((comments_shown(&w), approved(&w)), (4, 4));
    run_jobs(&w);
    assert_eq!(checked(&w)["repaired"], 0, "{}", checked(&w));

    // Fold everything (the check's rebuild, after a figure broken by hand), then delete a
    // counted comment by hand: its share stays behind until the next check repairs it.
    w.sql("UPDATE figures SET n = n + 5 WHERE key = 'threads'; DELETE FROM jobs WHERE name = 'figures'");
    run_jobs(&w);
    assert_eq!(checked(&w)["repaired"], 1, "{}", checked(&w));
    let folded =
        &w.sql("SELECT COUNT(*) AS n FROM comments WHERE (status = 'approved') <> fig_approved")[0];
    assert_eq!(folded["n"], 0);
    w.sql("DELETE FROM comments WHERE id = 2; DELETE FROM jobs WHERE name = 'figures'");
    assert_eq!((comments_shown(&w), approved(&w)), (4, 3));
    run_jobs(&w);
    assert_eq!(checked(&w)["repaired"], 1, "{}", checked(&w));
    assert_eq!((comments_shown(&w), approved(&w)), (3, 3));
}
