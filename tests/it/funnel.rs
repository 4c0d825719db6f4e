//! The giving funnel in counts (issue #28 §5; `app::funnel`, `edge::store::funnel`): a scripted
//! morning of gifts and refusals, then its counts on `/admin/sources` and in its CSV, a code's
//! small counts shown as "< 5", the binding's refusals counted in memory and added once a
//! minute later, a duplicate webhook counted once, and page views writing nothing.
//!
//! Every assertion reads the rows of this module's own codes (`fm-…`), so the tests share
//! their module's worker.

use campaign_tests::signer::send_stripe;
use campaign_tests::{ip, now, Resp, Worker, CLOCK};
use serde_json::json;

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_string()
}

/// The funnel's count of `kind` for `source`, all days and languages together.
fn stored(w: &Worker, source: &str, kind: &str) -> i64 {
    w.sql(&format!(
        "SELECT COALESCE(SUM(n), 0) AS n FROM funnel WHERE source = '{source}' AND kind = '{kind}'"
    ))[0]["n"]
        .as_i64()
        .unwrap_or(-1)
}

/// A gift form from `visitor` with the worker's clock moved by `offset`; `eligible` ticks the box.
fn give(w: &Worker, visitor: &str, offset: i64, fields: &[(&str, &str)], eligible: bool) -> Resp {
    let clock = offset.to_string();
    let headers = [(CLOCK, clock.as_str())];
    if eligible {
        w.post_pledge_with("/pledges", visitor, &headers, fields)
    } else {
        w.post_form_with("/pledges", visitor, &headers, fields)
    }
}

/// The cells of the funnel table's line for `date`, `lang` and `source`, as text.
fn funnel_line(body: &str, date: &str, lang: &str, source: &str) -> Vec<String> {
    let table = &body[body.find("id=\"funnel-table\"").expect("no funnel table")..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<tr>")
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|c| {
                    let inner = c.split_once('>').map(|(_, r)| r).unwrap_or_default();
                    inner.split("</td>").next().unwrap_or_default().to_string()
                })
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.len() > 3 && cells[0] == date && cells[1] == lang && cells[2] == source)
        .unwrap_or_else(|| panic!("no funnel line {date} {lang} {source}: {table}"))
}

/// The binding counts in wall-clock minutes: a burst that must land in one starts early in one.
fn early_in_a_minute() {
    let s = now() % 60;
    if s > 30 {
        std::thread::sleep(std::time::Duration::from_secs((61 - s) as u64));
    }
}

#[test]
fn a_scripted_morning_shows_its_counts_on_the_sources_page_and_in_the_csv() {
    let w = Worker::shared(module_path!());
    // 08:00 tomorrow in Phnom Penh, by the worker's clock.
    let day = app::funnel::day(now()) + 1;
    let morning = day * 86_400 - app::time::PHNOM_PENH_OFFSET_SECS + 8 * 3600;
    let t0 = morning - now();
    let date = app::time::date(day * 86_400);

    // Page views, with a code, write nothing.
    for p in [
        "/?ref=fm-morning",
        "/km/?ref=fm-morning",
        "/privacy?ref=fm-morning",
    ] {
        assert_eq!(w.get_as(p, &ip(15100)).status, 200, "{p}");
    }
    assert_eq!(
        w.sql("SELECT COUNT(*) AS n FROM funnel WHERE source = 'fm-morning'")[0]["n"],
        0
    );

    // Six gifts from one post (English), five of them paid in the sandbox.
    for i in 0..6u32 {
        let visitor = ip(15101 + i);
        let r = give(
            w,
            &visitor,
            t0,
            &[
                ("tier", "women-training"),
                ("ref", "fm-morning"),
                ("lang", "en"),
            ],
            true,
        );
        assert_eq!(r.status, 303, "{}", r.body);
        if i < 5 {
            let clock = t0.to_string();
            let paid = w.post_form_with(
                &location(&r),
                &visitor,
                &[(CLOCK, clock.as_str())],
                &[("action", "pay"), ("lang", "en")],
            );
            assert_eq!(paid.status, 303, "{}", paid.body);
        }
    }
    // One from a small group, in Khmer; two without a code.
    let r = give(
        w,
        &ip(15107),
        t0,
        &[("tier", "women-radio"), ("ref", "fm-small"), ("lang", "km")],
        true,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    for i in 0..2 {
        let r = give(
            w,
            &ip(15108),
            t0 + i,
            &[("tier", "women-radio"), ("lang", "en")],
            true,
        );
        assert_eq!(r.status, 303, "{}", r.body);
    }
    // Four refused forms from the post, one per reason the form itself gives.
    let long_note = "x".repeat(600);
    let refused: [(&[(&str, &str)], bool); 4] = [
        (&[("tier", "own"), ("amount", "abc")], true),
        (&[("tier", "women-training")], false),
        (&[("tier", "women-training"), ("note", &long_note)], true),
        (
            &[("tier", "women-training"), ("email", "not-an-email")],
            true,
        ),
    ];
    for (n, (fields, eligible)) in refused.iter().enumerate() {
        let mut all = fields.to_vec();
        all.extend([("ref", "fm-morning"), ("lang", "en")]);
        let r = give(w, &ip(15110 + n as u32), t0, &all, *eligible);
        assert_eq!(r.status, 422, "{fields:?}: {}", r.body);
    }
    // Five donors asked to give monthly say yes (the step shown and accepted, once each; the
    // answer is not counted as sent again).
    for n in 0..5u32 {
        let visitor = ip(15125 + n);
        let clock = (t0 + i64::from(n)).to_string();
        let headers = [(CLOCK, clock.as_str())];
        let fields = [
            ("tier", "women-radio"),
            ("ref", "fm-monthly"),
            ("lang", "en"),
        ];
        let step = w.post_pledge_asked("/pledges", &visitor, &headers, &fields);
        assert_eq!(step.status, 200, "{}", step.body);
        let r = w.answer_upsell("/pledges", &visitor, &headers, &step, "month", None);
        assert_eq!(r.status, 303, "{}", r.body);
    }
    // Six gifts from one address in ten minutes: the D1 limit refuses the sixth.
    for n in 0..6 {
        let r = give(
            w,
            &ip(15120),
            t0 + n,
            &[("tier", "women-radio"), ("ref", "fm-rate"), ("lang", "en")],
            true,
        );
        assert_eq!(r.status, if n < 5 { 303 } else { 429 }, "{n}: {}", r.body);
    }
    assert_eq!(stored(w, "fm-rate", "refused-rate-limit"), 1);

    // A burst from one address: ten pass the binding (each 700 s after the last, so the D1
    // limit never refuses), the eleventh is refused by the binding and counted in memory only.
    early_in_a_minute();
    let burst = t0 + 3600;
    for n in 0..11 {
        let r = give(
            w,
            &ip(15130),
            burst + n * 700,
            &[("tier", "women-radio"), ("ref", "fm-burst"), ("lang", "en")],
            true,
        );
        assert_eq!(r.status, if n < 10 { 303 } else { 429 }, "{n}: {}", r.body);
    }
    assert_eq!(
        stored(w, "fm-burst", "refused-rate-limit"),
        0,
        "no write per refusal"
    );
    // Each form was sent, and asked to give monthly, before its answer met the binding.
    assert_eq!(stored(w, "fm-burst", "sent"), 11);
    assert_eq!(stored(w, "fm-burst", "upsell-shown"), 11);
    // A later request of the office, a minute on, adds what memory held, once.
    let later = burst + 10 * 700 + 61;
    let r = give(
        w,
        &ip(15131),
        later,
        &[("tier", "women-radio"), ("lang", "en")],
        true,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while stored(w, "fm-burst", "refused-rate-limit") == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(stored(w, "fm-burst", "refused-rate-limit"), 1);
    assert_eq!(stored(w, "fm-burst", "sent"), 11);

    // The page, for the finance team (today's clock: its days reach tomorrow's lines too).
    let s = w.sign_in_owner(&ip(15140));
    let visitor = ip(15140);
    let headers = [
        ("CF-Connecting-IP", visitor.as_str()),
        ("Cookie", s.cookie.as_str()),
    ];
    let page = w.request("GET", "/admin/sources", &headers, None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"funnel-chart\""));
    // sent, amount, eligibility, lengths, other, rate limit, breaker, checkout, upsell shown,
    // upsell accepted, paid: a code's 1 to 4 shows "< 5".
    let morning_line = funnel_line(&page.body, &date, "en", "fm-morning");
    assert_eq!(
        morning_line[3..],
        ["10", "&lt; 5", "&lt; 5", "&lt; 5", "&lt; 5", "0", "0", "6", "6", "0", "5"]
    );
    let small = funnel_line(&page.body, &date, "km", "fm-small");
    assert_eq!(
        small[3..],
        ["&lt; 5", "0", "0", "0", "0", "0", "0", "&lt; 5", "&lt; 5", "0", "0"]
    );
    let rate = funnel_line(&page.body, &date, "en", "fm-rate");
    assert_eq!(
        rate[3..],
        ["6", "0", "0", "0", "0", "&lt; 5", "0", "5", "6", "0", "0"]
    );
    let burst_line = funnel_line(&page.body, &date, "en", "fm-burst");
    assert_eq!(
        burst_line[3..],
        ["11", "0", "0", "0", "0", "&lt; 5", "0", "10", "11", "0", "0"]
    );
    let monthly = funnel_line(&page.body, &date, "en", "fm-monthly");
    assert_eq!(
        monthly[3..],
        ["5", "0", "0", "0", "0", "0", "0", "5", "5", "5", "0"]
    );
    // Without a code, nothing is masked (this module's other test adds none on this day).
    let none = funnel_line(&page.body, &date, "en", "no code");
    assert_eq!((none[3].as_str(), none[10].as_str()), ("3", "3"));

    // The CSV says the same, masked the same.
    let csv = w.request("GET", "/admin/sources.csv?days=7", &headers, None);
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv
        .body
        .contains("day,lang,source,sent,refused-amount,refused-eligibility"));
    for line in [
        format!("{date},en,fm-morning,10,< 5,< 5,< 5,< 5,0,0,6,6,0,5"),
        format!("{date},km,fm-small,< 5,0,0,0,0,0,0,< 5,< 5,0,0"),
        format!("{date},en,fm-burst,11,0,0,0,0,< 5,0,10,11,0,0"),
        format!("{date},en,fm-monthly,5,0,0,0,0,0,0,5,5,5,0"),
    ] {
        assert!(csv.body.contains(&line), "no {line:?} in {}", csv.body);
    }
}

#[test]
fn a_duplicate_webhook_counts_one_payment() {
    let w = Worker::shared(module_path!());
    let r = w.post_pledge(
        "/km/pledges",
        &ip(15150),
        &[("tier", "women-radio"), ("ref", "fm-dup"), ("lang", "km")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let pledge = location(&r)
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let cents = w.sql(&format!(
        "SELECT amount_cents FROM pledges WHERE id = '{pledge}'"
    ))[0]["amount_cents"]
        .as_i64()
        .unwrap_or(0);
    let body = json!({"id": "evt_fm_dup", "object": "event", "type": "checkout.session.completed",
        "livemode": false, "created": now(), "data": {"object": {"id": format!("cs_{pledge}"),
        "object": "checkout.session", "payment_status": "paid", "amount_total": cents, "currency": "usd",
        "client_reference_id": pledge, "payment_intent": format!("pi_{pledge}"),
        "metadata": {"pledge_id": pledge, "campaign": "women-lead-cambodia"}}}})
    .to_string();
    assert_eq!(send_stripe(w, &body).body, "applied");
    for _ in 0..2 {
        assert_eq!(send_stripe(w, &body).body, "duplicate");
    }
    assert_eq!(stored(w, "fm-dup", "paid"), 1);
    assert_eq!(stored(w, "fm-dup", "checkout"), 1);
    let lang = w.sql("SELECT lang FROM funnel WHERE source = 'fm-dup' AND kind = 'paid'");
    assert_eq!(lang[0]["lang"], "km");
}
