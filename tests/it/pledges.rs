//! Giving through workerd and D1: the pledge form's rules, the sandbox checkout, Stripe
//! Checkout against a fake Stripe API on localhost, giving switched off, the thank-you page.

use campaign_tests::content::{copy, count, en, fill, word};
use campaign_tests::{decode_form, ip, Resp, Worker};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_string()
}

fn pledge_id_from(loc: &str) -> String {
    loc.rsplit('/')
        .next()
        .unwrap_or_default()
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_valid_pledge_is_stored_pending_and_sent_to_the_sandbox_checkout() {
    let w = Worker::shared(module_path!());
    let r = w.post_pledge(
        "/pledges",
        &ip(101),
        &[
            ("tier", "women-radio"),
            ("designation", "tier"),
            ("name", "Dara"),
            ("email", "dara@example.org"),
            ("note", "for the radio"),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = location(&r);
    assert!(loc.starts_with("/sandbox/checkout/"), "{loc}");
    let id = pledge_id_from(&loc);
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    let api = w.get(&format!("/api/pledges/{id}"));
    assert_eq!(api.header("Cache-Control"), Some("no-store"));
    assert_eq!(api.header("Referrer-Policy"), Some("no-referrer"));
    let j = api.json();
    assert_eq!(
        (
            j["status"].as_str(),
            j["amount_cents"].as_i64(),
            j["designation"].as_str()
        ),
        (Some("pending"), Some(5000), Some("women-radio"))
    );
    // Show my name was not ticked: stored as anonymous.
    let row = &w.sql(&format!("SELECT * FROM pledges WHERE id = '{id}'"))[0];
    assert_eq!(row["show_name"], 0);
    // The donor confirmed they may give, and the pledge keeps when: nothing more.
    let attested = row["attested_at"].as_i64().unwrap_or_default();
    assert!(attested.abs_diff(campaign_tests::now()) < 120, "{row}");
    // Attested when the form was first sent, before the monthly step's answer made it.
    let created = row["created_at"].as_i64().unwrap_or_default();
    assert!(attested <= created && created - attested < 60, "{row}");
    // Nothing of the address is kept with the pledge, not even a hash.
    assert!(
        row.get("ip_hash").is_none() && !row.to_string().contains("198.51"),
        "{row}"
    );
    // The thank-you page says it waits for the payment provider, in English and in Khmer.
    let thanks = w.get(&format!("/pledges/{id}"));
    assert_eq!(thanks.status, 200);
    let pending = en("pledge_status_pending");
    assert!(thanks.text().contains(&pending), "{}", thanks.body);
    assert_eq!(thanks.header("Cache-Control"), Some("no-store"));
    assert_eq!(thanks.header("Referrer-Policy"), Some("no-referrer"));
    let km = w.get(&format!("/km/pledges/{id}"));
    assert!(km.body.contains("lang=\"km\"") && !km.text().contains(&pending));
    assert!(km
        .text()
        .contains(&word(&copy("km"), "pledge_status_pending")));
    // Ids are the only key: unknown and malformed ids are 404s.
    assert_eq!(w.get(&format!("/pledges/{}", "0".repeat(32))).status, 404);
    assert_eq!(w.get("/pledges/../../etc").status, 404);
    assert_eq!(w.get("/api/pledges/nope").status, 404);
}

#[test]
fn sandbox_pay_marks_paid_and_moves_the_totals() {
    let w = Worker::start(&[]);
    let r = w.post_pledge(
        "/km/pledges",
        &ip(102),
        &[
            ("tier", "own"),
            ("amount", "120"),
            ("designation", "trainer-month"),
            ("name", "សុខា"),
            ("show_name", "on"),
            ("lang", "km"),
        ],
    );
    assert_eq!(r.status, 303);
    let loc = location(&r);
    assert!(loc.starts_with("/km/sandbox/checkout/"), "{loc}");
    let id = pledge_id_from(&loc);
    let page = w.get(&loc);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("US$120"));
    let paid = w.post_form(&loc, &ip(102), &[("action", "pay"), ("lang", "km")]);
    assert_eq!(paid.status, 303);
    assert_eq!(location(&paid), format!("/km/pledges/{id}"));
    assert!(w
        .get(&location(&paid))
        .body
        .contains("data-status=\"paid\""));
    let c = w.get("/api/campaign").json();
    assert_eq!(
        (c["raised_cents"].as_i64(), c["gifts"].as_i64()),
        (Some(12000), Some(1))
    );
    assert_eq!(c["tiers"][2]["funded"], 2);
    assert_eq!(c["recent"][0]["name"], "សុខា");
    let home = w.get("/km/");
    assert!(home.body.contains("សុខា"));
    // Paying twice changes nothing; cancelling goes back to the form with its values.
    assert_eq!(
        w.post_form(&loc, &ip(102), &[("action", "pay")]).status,
        303
    );
    assert_eq!(w.get("/api/campaign").json()["gifts"], 1);
    let r = w.post_pledge(
        "/pledges",
        &ip(103),
        &[
            ("tier", "own"),
            ("amount", "75"),
            ("name", "Vanna"),
            ("note", "later"),
            ("lang", "en"),
        ],
    );
    let loc = location(&r);
    let cancel = w.post_form(&loc, &ip(103), &[("action", "cancel"), ("lang", "en")]);
    let back = location(&cancel);
    assert!(back.starts_with("/?resume="), "{back}");
    let form = w.get(&back);
    assert!(
        form.body.contains("value=\"75\"")
            && form.body.contains("value=\"Vanna\"")
            && form.body.contains(">later</textarea>")
    );
    assert_eq!(form.header("Cache-Control"), Some("no-store"));
    // The anonymous donor is "Anonymous" among the supporters.
    assert_eq!(
        w.post_form(&loc, &ip(103), &[("action", "pay")]).status,
        303
    );
    let recent = &w.get("/api/campaign").json()["recent"];
    assert_eq!(recent[0]["name"], en("anonymous"));
}

#[test]
fn invalid_pledges_come_back_with_every_value_and_each_problem_named() {
    let w = Worker::shared(module_path!());
    let fields = [
        ("tier", "own"),
        ("amount", "3"),
        ("designation", "general"),
        ("name", "Sreymom <b>"),
        ("email", "not-an-email"),
        ("note", "ចំណាំ\r\nline two"),
        ("lang", "km"),
    ];
    let r = w.post_pledge("/pledges", &ip(104), &fields);
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("lang=\"km\""),
        "answered in the form's language"
    );
    assert!(r.body.contains("value=\"3\""));
    assert!(r.body.contains("value=\"Sreymom &lt;b&gt;\""));
    assert!(r.body.contains("value=\"not-an-email\""));
    // The note comes back exactly as sent, its CRLF too (the textarea reads it as one line end).
    assert!(r.body.contains("ចំណាំ\r\nline two</textarea>"), "{}", r.body);
    assert!(r.body.contains("id=\"tier-own\" value=\"own\" checked"));
    // Each problem named, in Khmer: the amount and the email.
    assert!(
        r.body.contains("id=\"pledge-amount-error\"")
            && r.body.contains("id=\"pledge-email-error\"")
    );
    let (en_copy, km_copy) = (copy("en"), copy("km"));
    let text = r.text();
    for key in ["error_amount", "error_email"] {
        assert!(text.contains(&word(&km_copy, key)), "{key} in Khmer");
        assert!(!text.contains(&word(&en_copy, key)), "{key} in English");
    }
    let en = w.post_pledge(
        "/pledges",
        &ip(105),
        &[("tier", "gold"), ("lang", "en"), ("note", &"x".repeat(501))],
    );
    assert_eq!(en.status, 422);
    let text = en.text();
    assert!(text.contains(&word(&en_copy, "error_choice")), "{text}");
    assert!(
        text.contains(&fill(&word(&en_copy, "error_too_long"), &[("n", "500")])),
        "{text}"
    );
    for amount in ["100001", "12.5", "abc", ""] {
        assert_eq!(
            w.post_pledge("/pledges", &ip(106), &[("tier", "own"), ("amount", amount)])
                .status,
            422,
            "{amount}"
        );
    }
    assert_eq!(
        w.post_pledge(
            "/pledges",
            &ip(106),
            &[("tier", "own"), ("amount", "100000")]
        )
        .status,
        303
    );
    assert_eq!(
        w.post_pledge("/pledges", &ip(106), &[("tier", "own"), ("amount", "5")])
            .status,
        303
    );
}

#[test]
fn six_pledges_in_ten_minutes_from_one_visitor_get_429_with_the_form_kept() {
    let w = Worker::shared(module_path!());
    for _ in 0..5 {
        assert_eq!(
            w.post_pledge("/pledges", &ip(107), &[("tier", "women-training")])
                .status,
            303
        );
    }
    let r = w.post_pledge(
        "/pledges",
        &ip(107),
        &[
            ("tier", "own"),
            ("amount", "40"),
            ("name", "Kept"),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 429);
    assert!(r.body.contains("value=\"40\"") && r.body.contains("value=\"Kept\""));
    assert!(r.text().contains(&en("error_rate_limited")), "{}", r.body);
    // Another visitor is not affected.
    assert_eq!(
        w.post_pledge("/pledges", &ip(108), &[("tier", "women-training")])
            .status,
        303
    );
}

#[test]
fn without_the_eligibility_box_the_form_comes_back_in_its_language_with_everything_kept() {
    let w = Worker::shared(module_path!());
    for (path, lang, n) in [("/pledges", "en", 120), ("/km/pledges", "km", 121)] {
        let mut fields = vec![
            ("tier", "own"),
            ("amount", "40"),
            ("designation", "general"),
            ("name", "សុខា"),
            ("email", "sokha@example.org"),
            ("show_name", "on"),
            ("note", "ពីគ្រួសារ <b>"),
            ("lang", lang),
        ];
        let unticked = w.post_form(path, &ip(n), &fields);
        assert_eq!(unticked.status, 422, "{path}");
        let copy = copy(lang);
        let text = unticked.text();
        assert!(text.contains(&word(&copy, "error_eligible")), "{path}");
        assert!(text.contains(&word(&copy, "form_eligible")), "{path}");
        // Every value kept, the box still unticked (it is never ticked for the donor).
        for kept in [
            "value=\"40\"",
            "value=\"សុខា\"",
            "value=\"sokha@example.org\"",
            "id=\"show-name\" value=\"on\" checked",
            "ពីគ្រួសារ &lt;b&gt;</textarea>",
            "<option value=\"general\" selected",
            "id=\"eligible\" value=\"on\" required aria-invalid=\"true\"",
        ] {
            assert!(unticked.body.contains(kept), "{path}: {kept}");
        }
        // An empty value is not a tick either.
        fields.push(("eligible", ""));
        assert_eq!(w.post_form(path, &ip(n), &fields).status, 422, "{path}");
    }
    let stored = "SELECT COUNT(*) AS n FROM pledges WHERE email = 'sokha@example.org'";
    assert_eq!(w.sql(stored)[0]["n"], 0);
}

#[test]
fn giving_switched_off_says_so_and_posts_answer_503() {
    let w = Worker::start(&[("CHECKOUT", "")]);
    let page = w.get("/");
    assert!(page.text().contains(&en("form_not_configured")));
    let r = w.post_pledge(
        "/pledges",
        &ip(109),
        &[("tier", "women-training"), ("name", "Kept")],
    );
    assert_eq!(r.status, 503);
    assert!(r.body.contains("value=\"Kept\""));
    assert_eq!(w.sql("SELECT COUNT(*) AS n FROM pledges")[0]["n"], 0);
    // The sandbox exists only with CHECKOUT=sandbox.
    assert_eq!(
        w.get(&format!("/sandbox/checkout/{}", "a".repeat(32)))
            .status,
        404
    );
}

/// A fake Stripe API: records each request and answers with `answer`.
struct FakeStripe {
    port: u16,
    seen: Arc<Mutex<Vec<(String, String, String)>>>,
}

fn fake_stripe(answer: &'static str, status: u16, delay_ms: u64) -> FakeStripe {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let (mut first, mut auth, mut length) = (String::new(), String::new(), 0usize);
            let mut version = String::new();
            let _ = reader.read_line(&mut first);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("authorization:") {
                    auth = line["authorization:".len()..].trim().to_string();
                }
                if lower.starts_with("stripe-version:") {
                    version = line["stripe-version:".len()..].trim().to_string();
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            // The pinned API version travels with the request line: `… stripe-version=V`.
            log.lock().expect("log").push((
                format!("{} stripe-version={version}", first.trim()),
                auth,
                String::from_utf8_lossy(&body).into_owned(),
            ));
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let mut s = stream;
            let _ = write!(s, "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}", answer.len());
        }
    });
    FakeStripe { port, seen }
}

#[test]
fn stripe_checkout_sessions_carry_every_parameter() {
    let fake = fake_stripe(
        r#"{"id":"cs_test_1","url":"https://checkout.stripe.com/c/pay/cs_test_1"}"#,
        200,
        0,
    );
    let base = format!("http://127.0.0.1:{}", fake.port);
    let w = Worker::start(&[("CHECKOUT", "stripe"), ("STRIPE_API_BASE", &base)]);
    let r = w.post_pledge(
        "/km/pledges",
        &ip(110),
        &[
            ("tier", "information-year"),
            ("designation", "general"),
            ("email", "donor@example.org"),
            ("lang", "km"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // A checkout address without a fragment of its own gets an empty one, not the form's `#give`.
    assert_eq!(location(&r), "https://checkout.stripe.com/c/pay/cs_test_1#");
    let seen = fake.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 1);
    let (line, auth, body) = &seen[0];
    assert!(line.starts_with("POST /v1/checkout/sessions "), "{line}");
    assert!(
        line.ends_with(" stripe-version=2026-10-28.endive"),
        "one pinned API version: {line}"
    );
    assert_eq!(auth, "Bearer sk_test_fake");
    let p = decode_form(body);
    let get = |k: &str| {
        p.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("missing {k} in {body}"))
    };
    let id = get("client_reference_id").to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(get("mode"), "payment");
    assert_eq!(get("line_items[0][quantity]"), "1");
    assert_eq!(get("line_items[0][price_data][currency]"), "usd");
    assert_eq!(get("line_items[0][price_data][unit_amount]"), "35000");
    assert!(!get("line_items[0][price_data][product_data][name]").is_empty());
    assert_eq!(get("metadata[pledge_id]"), id);
    assert_eq!(get("metadata[campaign]"), "women-lead-cambodia");
    // Stripe's record says the donor attested, as ours does.
    assert_eq!(
        get("metadata[eligibility]"),
        "attested-cambodian-citizen-own-money"
    );
    assert_eq!(
        get("payment_intent_data[metadata][eligibility]"),
        "attested-cambodian-citizen-own-money"
    );
    assert_eq!(get("customer_email"), "donor@example.org");
    // Stripe has no Khmer locale: none is sent, and the page said so before the redirect.
    assert!(!p.iter().any(|(k, _)| k == "locale"), "{body}");
    assert!(get("success_url").ends_with(&format!("/km/pledges/{id}")));
    assert!(get("cancel_url").contains(&format!("/km/?resume={id}")));
    // The session id stays on the pledge, so the provider can be asked about it later.
    assert_eq!(
        w.sql(&format!(
            "SELECT checkout_session_id FROM pledges WHERE id = '{id}'"
        ))[0]["checkout_session_id"],
        "cs_test_1"
    );
    let j = w.get(&format!("/api/pledges/{id}")).json();
    assert_eq!(
        (
            j["status"].as_str(),
            j["designation"].as_str(),
            j["tier"].as_str()
        ),
        (Some("pending"), Some("general"), Some("information-year"))
    );
}

#[test]
fn a_failing_or_silent_provider_gets_a_clear_error_and_the_pledge_stays_pending() {
    let fake = fake_stripe(r#"{"error":{"message":"boom"}}"#, 500, 0);
    let base = format!("http://127.0.0.1:{}", fake.port);
    let w = Worker::start(&[("CHECKOUT", "stripe"), ("STRIPE_API_BASE", &base)]);
    let r = w.post_pledge(
        "/pledges",
        &ip(111),
        &[("tier", "women-training"), ("lang", "en")],
    );
    assert_eq!(r.status, 502);
    assert!(r.text().contains(&en("checkout_failed_heading")));
    let rows = w.sql("SELECT status FROM pledges");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "pending");
    // Nothing listens: unreachable.
    let dead = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let w2 = Worker::start(&[
        ("CHECKOUT", "stripe"),
        ("STRIPE_API_BASE", &format!("http://127.0.0.1:{dead}")),
    ]);
    let r = w2.post_pledge("/pledges", &ip(112), &[("tier", "women-training")]);
    assert_eq!(r.status, 502);
    assert_eq!(w2.sql("SELECT status FROM pledges")[0]["status"], "pending");
    // A provider that never answers: the worker gives up after its timeout (10 s).
    let silent = fake_stripe(r#"{"url":"https://checkout.stripe.com/late"}"#, 200, 15_000);
    let w3 = Worker::start(&[
        ("CHECKOUT", "stripe"),
        (
            "STRIPE_API_BASE",
            &format!("http://127.0.0.1:{}", silent.port),
        ),
    ]);
    let started = std::time::Instant::now();
    let r = w3.post_pledge("/pledges", &ip(113), &[("tier", "women-training")]);
    assert_eq!(r.status, 502);
    assert!(
        started.elapsed().as_secs() < 14,
        "gave up after {:?}",
        started.elapsed()
    );
    assert_eq!(w3.sql("SELECT status FROM pledges")[0]["status"], "pending");
}

// ---------------------------------------------------------------------------------------------
// Monthly gifts

/// `id="frequency-{f}" value="{f}" checked`: the radio for `f` is the one chosen.
fn frequency_checked(body: &str, f: &str) -> bool {
    body.contains(&format!("id=\"frequency-{f}\" value=\"{f}\" checked"))
}

#[test]
fn how_often_is_once_unless_chosen_and_a_refused_form_keeps_the_choice() {
    let w = Worker::shared(module_path!());
    for (home, post, lang, n) in [
        ("/", "/pledges", "en", 130),
        ("/km/", "/km/pledges", "km", 131),
    ] {
        let page = w.get(home);
        assert!(frequency_checked(&page.body, "once"), "{home}");
        assert!(
            !frequency_checked(&page.body, "month"),
            "{home}: never preselected"
        );
        let t = copy(lang);
        let text = page.text();
        for key in [
            "form_frequency",
            "form_frequency_month",
            "form_frequency_hint",
        ] {
            assert!(text.contains(&word(&t, key)), "{home} lacks {key}");
        }
        // A monthly own amount with a mistake comes back monthly, in its language.
        let r = w.post_pledge(
            post,
            &ip(n),
            &[
                ("tier", "own"),
                ("amount", "3"),
                ("frequency", "month"),
                ("lang", lang),
            ],
        );
        assert_eq!(r.status, 422, "{post}");
        assert!(r.body.contains(&format!("<html lang=\"{lang}\"")));
        assert!(frequency_checked(&r.body, "month"), "{post}: {}", r.body);
        assert!(!frequency_checked(&r.body, "once"), "{post}");
        assert!(r.text().contains(&word(&t, "error_amount")), "{post}");
        // The same maximum as a one-off gift.
        let r = w.post_pledge(
            post,
            &ip(n),
            &[
                ("tier", "own"),
                ("amount", "100001"),
                ("frequency", "month"),
                ("lang", lang),
            ],
        );
        assert_eq!(r.status, 422, "{post}");
        // And a once that was chosen stays once.
        let r = w.post_pledge(
            post,
            &ip(n),
            &[("tier", "gold"), ("frequency", "once"), ("lang", lang)],
        );
        assert_eq!(r.status, 422);
        assert!(frequency_checked(&r.body, "once") && !frequency_checked(&r.body, "month"));
    }
}

#[test]
fn a_monthly_pledge_is_stored_as_monthly_and_anything_else_gives_once() {
    let w = Worker::shared(module_path!());
    let made = |n: u32, frequency: &str| {
        let r = w.post_pledge(
            "/pledges",
            &ip(n),
            &[
                ("tier", "women-radio"),
                ("frequency", frequency),
                ("lang", "en"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        pledge_id_from(&location(&r))
    };
    let monthly = made(132, "month");
    let row = &w.sql(&format!(
        "SELECT frequency, status, amount_cents, subscription_id FROM pledges WHERE id = '{monthly}'"
    ))[0];
    assert_eq!(row["frequency"], "month", "{row}");
    assert_eq!(row["status"], "pending");
    assert_eq!(row["amount_cents"], 5000);
    assert!(row["subscription_id"].is_null());
    let api = w.get(&format!("/api/pledges/{monthly}")).json();
    assert_eq!(
        (api["frequency"].as_str(), api["payments"].as_i64()),
        (Some("month"), Some(0))
    );
    // The sandbox's checkout says it is every month.
    let checkout = w.get(&format!("/sandbox/checkout/{monthly}"));
    assert!(checkout.text().contains(&en("form_frequency_month")));
    for other in ["weekly", "Month", ""] {
        let id = made(133, other);
        let row = &w.sql(&format!("SELECT frequency FROM pledges WHERE id = '{id}'"))[0];
        assert_eq!(row["frequency"], "once", "{other:?}");
    }
}

#[test]
fn stripe_sessions_of_monthly_gifts_are_subscriptions_with_their_own_metadata() {
    let fake = fake_stripe(
        r#"{"id":"cs_test_2","url":"https://checkout.stripe.com/c/pay/cs_test_2#fidkdWxOYHwnPyd1"}"#,
        200,
        0,
    );
    let base = format!("http://127.0.0.1:{}", fake.port);
    let w = Worker::start(&[("CHECKOUT", "stripe"), ("STRIPE_API_BASE", &base)]);
    let r = w.post_pledge(
        "/pledges",
        &ip(134),
        &[
            ("tier", "own"),
            ("amount", "25"),
            ("frequency", "month"),
            ("email", "monthly@example.org"),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // Stripe's address keeps its own fragment (its page reads it).
    assert_eq!(
        location(&r),
        "https://checkout.stripe.com/c/pay/cs_test_2#fidkdWxOYHwnPyd1"
    );
    let seen = fake.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 1);
    let (line, auth, body) = &seen[0];
    assert!(line.starts_with("POST /v1/checkout/sessions "), "{line}");
    assert!(
        line.ends_with(" stripe-version=2026-10-28.endive"),
        "{line}"
    );
    assert_eq!(auth, "Bearer sk_test_fake");
    let p = decode_form(body);
    let get = |k: &str| {
        p.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("missing {k} in {body}"))
    };
    let id = get("client_reference_id").to_string();
    assert_eq!(id.len(), 32);
    for (k, v) in [
        ("mode", "subscription"),
        ("line_items[0][quantity]", "1"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", "2500"),
        ("line_items[0][price_data][recurring][interval]", "month"),
        ("submit_type", "donate"),
        ("metadata[pledge_id]", &id),
        ("metadata[campaign]", "women-lead-cambodia"),
        (
            "metadata[eligibility]",
            "attested-cambodian-citizen-own-money",
        ),
        // Stripe does not copy the session's metadata to the subscription it makes.
        ("subscription_data[metadata][pledge_id]", &id),
        (
            "subscription_data[metadata][campaign]",
            "women-lead-cambodia",
        ),
        (
            "subscription_data[metadata][eligibility]",
            "attested-cambodian-citizen-own-money",
        ),
        ("customer_email", "monthly@example.org"),
    ] {
        assert_eq!(get(k), v, "{k}");
    }
    assert!(!get("line_items[0][price_data][product_data][name]").is_empty());
    assert!(get("success_url").ends_with(&format!("/pledges/{id}")));
    assert!(get("cancel_url").contains(&format!("/?resume={id}")));
    // A PaymentIntent's data belongs to payment mode only: Stripe refuses it here.
    assert!(
        !p.iter().any(|(k, _)| k.starts_with("payment_intent_data")),
        "{body}"
    );
    let row = &w.sql(&format!(
        "SELECT frequency, checkout_session_id FROM pledges WHERE id = '{id}'"
    ))[0];
    assert_eq!(
        (
            row["frequency"].as_str(),
            row["checkout_session_id"].as_str()
        ),
        (Some("month"), Some("cs_test_2"))
    );
}

/// The stop page of pledge `id` (`prefix` `/` or `/km/`), served now: its one button only
/// confirms, so its token takes an immediate press.
fn stop_page(w: &Worker, prefix: &str, id: &str) -> Resp {
    w.get(&format!("{prefix}pledges/{id}/stop"))
}

/// Presses "Yes, stop my monthly gift" at once on a freshly served stop page.
fn press_stop(w: &Worker, prefix: &str, id: &str, lang: &str, n: u32) -> Resp {
    let page = stop_page(w, prefix, id);
    assert_eq!(page.status, 200, "{}", page.body);
    let token = campaign_tests::tokens(&page.body)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no token on the stop page: {}", page.body));
    w.post_form(
        &format!("{prefix}pledges/{id}/stop"),
        &ip(n),
        &[("lang", lang), ("token", &token)],
    )
}

fn assert_private(r: &Resp, what: &str) {
    assert_eq!(r.header("Cache-Control"), Some("no-store"), "{what}");
    assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"), "{what}");
}

/// What a completed subscription-mode checkout sends: the session, then its first invoice.
fn subscription_webhooks(w: &Worker, id: &str, session: &str, sub: &str, cents: i64) {
    let meta = serde_json::json!({"pledge_id": id, "campaign": "women-lead-cambodia"});
    let completed = serde_json::json!({
        "id": format!("evt_{session}"), "object": "event", "type": "checkout.session.completed",
        "livemode": false, "created": campaign_tests::now(),
        "data": {"object": {"id": session, "object": "checkout.session", "mode": "subscription",
            "payment_status": "paid", "amount_total": cents, "currency": "usd",
            "client_reference_id": id, "payment_intent": null, "invoice": format!("in_{sub}_1"),
            "subscription": sub, "metadata": meta}},
    });
    let invoice = serde_json::json!({
        "id": format!("evt_in_{sub}_1"), "object": "event", "type": "invoice.paid",
        "livemode": false, "created": campaign_tests::now(),
        "data": {"object": {"id": format!("in_{sub}_1"), "object": "invoice", "status": "paid",
            "amount_paid": cents, "currency": "usd", "billing_reason": "subscription_create",
            "parent": {"type": "subscription_details",
                       "subscription_details": {"subscription": sub, "metadata": meta}}}},
    });
    for event in [completed, invoice] {
        let r = campaign_tests::signer::send_stripe(w, &event.to_string());
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

#[test]
fn a_monthly_gift_stops_at_stripe_from_its_page_and_only_once() {
    use campaign_tests::fake_stripe::FakeStripe;
    let fake = FakeStripe::start(0, "sk_test_fake");
    let w = Worker::start(&[("CHECKOUT", "stripe"), ("STRIPE_API_BASE", &fake.base())]);
    let pledge = |n: u32, lang: &str, prefix: &str| {
        let r = w.post_pledge(
            &format!("{prefix}pledges"),
            &ip(n),
            &[
                ("tier", "women-training"),
                ("frequency", "month"),
                ("lang", lang),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        let rows = w.sql("SELECT id, checkout_session_id FROM pledges ORDER BY rowid DESC LIMIT 1");
        let id = rows[0]["id"].as_str().unwrap_or_default().to_string();
        let session = rows[0]["checkout_session_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert_eq!(fake.session_of(&id).as_deref(), Some(session.as_str()));
        (id, session)
    };

    // 1. Paid at Stripe, and no webhook yet: the pledge is pending, its subscription unknown
    // here. Its page offers no stop (nothing it knows of to stop) but the stop page asks
    // Stripe's session which subscription it made.
    let (id, session) = pledge(140, "en", "/");
    fake.pay_subscription(&session, "sub_fake_a");
    let thanks = w.get(&format!("/pledges/{id}"));
    assert_private(&thanks, "thank-you page");
    assert!(thanks.text().contains(&en("pledge_status_pending")));
    assert!(!thanks.body.contains("id=\"stop-link\""));
    // A press without a good token stops nothing and asks again.
    let r = w.post_form(
        &format!("/pledges/{id}/stop"),
        &ip(140),
        &[("lang", "en"), ("token", "x")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.text().contains(&en("error_token")));
    assert_private(&r, "refused stop");
    assert!(!fake.requests().iter().any(|q| q.starts_with("DELETE")));
    let page = stop_page(&w, "/", &id);
    assert_private(&page, "stop page");
    assert!(page.text().contains(&en("stop_intro")), "{}", page.body);
    assert!(page
        .body
        .contains(&format!("action=\"/pledges/{id}/stop\"")));
    assert!(page.body.contains("name=\"lang\" value=\"en\""));
    let r = press_stop(&w, "/", &id, "en", 140);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(location(&r), format!("/pledges/{id}"));
    let requests = fake.requests();
    assert!(
        requests.contains(&format!("GET /v1/checkout/sessions/{session}")),
        "{requests:?}"
    );
    // The fake answers only a call with the secret key and the pinned version.
    assert!(
        requests.contains(&"DELETE /v1/subscriptions/sub_fake_a".to_string()),
        "{requests:?}"
    );
    assert_eq!(
        fake.subscription_status("sub_fake_a").as_deref(),
        Some("canceled")
    );
    let row = &w.sql(&format!(
        "SELECT status, ended_at FROM pledges WHERE id = '{id}'"
    ))[0];
    assert_eq!(row["status"], "cancelled", "{row}");
    assert!(row["ended_at"].as_i64().is_some(), "{row}");
    let thanks = w.get(&format!("/pledges/{id}"));
    let text = thanks.text();
    assert!(text.contains(&en("pledge_status_cancelled")) && text.contains(&en("pledge_stopped")));
    assert!(!thanks.body.contains("id=\"stop-link\""));
    // A second stop does nothing: the page says so, and Stripe is not asked again.
    let again = stop_page(&w, "/", &id);
    assert_eq!(again.status, 409);
    assert!(again.text().contains(&en("stop_nothing_stopped")));
    assert_private(&again, "nothing to stop");
    let calls = fake.requests().len();
    let r = w.post_form(
        &format!("/pledges/{id}/stop"),
        &ip(140),
        &[("lang", "en"), ("token", "x")],
    );
    assert_eq!(r.status, 409);
    assert_eq!(fake.requests().len(), calls);

    // 2. In Khmer, active through the webhooks, which name the subscription: its page offers
    // the stop, and the stop goes straight to the subscription.
    let (id, session) = pledge(141, "km", "/km/");
    fake.pay_subscription(&session, "sub_fake_b");
    subscription_webhooks(&w, &id, &session, "sub_fake_b", 5000);
    let km = copy("km");
    let thanks = w.get(&format!("/km/pledges/{id}"));
    assert!(
        thanks.body.contains("data-status=\"active\""),
        "{}",
        thanks.body
    );
    assert!(thanks.body.contains("data-months=\"1\""));
    assert!(thanks
        .text()
        .contains(&count("km", &km, "pledge_months", 1)));
    assert!(thanks
        .body
        .contains(&format!("href=\"/km/pledges/{id}/stop\"")));
    assert_eq!(w.get("/api/campaign").json()["monthly_supporters"], 1);
    let before = fake.requests().len();
    let r = press_stop(&w, "/km/", &id, "km", 141);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(location(&r), format!("/km/pledges/{id}"));
    let asked: Vec<String> = fake.requests().split_off(before);
    assert_eq!(
        asked,
        vec!["DELETE /v1/subscriptions/sub_fake_b".to_string()]
    );
    let thanks = w.get(&format!("/km/pledges/{id}"));
    assert!(thanks
        .text()
        .contains(&word(&km, "pledge_status_cancelled")));
    let c = w.get("/api/campaign").json();
    assert_eq!(
        (c["monthly_supporters"].as_i64(), c["raised_cents"].as_i64()),
        (Some(0), Some(5000))
    );
    // Stripe's own word that it is cancelled changes nothing more.
    let deleted = serde_json::json!({
        "id": "evt_deleted_b", "object": "event", "type": "customer.subscription.deleted",
        "livemode": false, "created": campaign_tests::now(),
        "data": {"object": {"id": "sub_fake_b", "object": "subscription", "status": "canceled",
            "metadata": {"pledge_id": id, "campaign": "women-lead-cambodia"}}},
    });
    let r = campaign_tests::signer::send_stripe(&w, &deleted.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        w.get(&format!("/api/pledges/{id}")).json()["status"],
        "cancelled"
    );

    // 3. Stripe refuses (a subscription it does not know): nothing changed, try again.
    let (id, _) = pledge(142, "en", "/");
    w.sql(&format!(
        "UPDATE pledges SET status = 'active', subscription_id = 'sub_unknown' WHERE id = '{id}'"
    ));
    let r = press_stop(&w, "/", &id, "en", 142);
    assert_eq!(r.status, 502, "{}", r.body);
    assert!(r.text().contains(&en("stop_failed")));
    assert_private(&r, "failed stop");
    assert_eq!(
        w.get(&format!("/api/pledges/{id}")).json()["status"],
        "active"
    );

    // 3b. Stripe ended it already (its last retry failed) and its webhook has not arrived: the
    // DELETE is refused, the subscription is asked for, and the gift is stopped here too.
    let (id, session) = pledge(145, "en", "/");
    fake.pay_subscription(&session, "sub_fake_c");
    subscription_webhooks(&w, &id, &session, "sub_fake_c", 5000);
    fake.end_subscription("sub_fake_c");
    let r = press_stop(&w, "/", &id, "en", 145);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(fake
        .requests()
        .contains(&"GET /v1/subscriptions/sub_fake_c".to_string()));
    assert_eq!(
        w.get(&format!("/api/pledges/{id}")).json()["status"],
        "cancelled"
    );

    // 4. A checkout never completed made no subscription: nothing to stop.
    let (id, _) = pledge(143, "en", "/");
    let r = press_stop(&w, "/", &id, "en", 143);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.text().contains(&en("stop_nothing_not_running")));
    assert_eq!(
        w.get(&format!("/api/pledges/{id}")).json()["status"],
        "pending"
    );

    // 5. A one-off gift has nothing to stop; an id that is not a pledge is not found.
    let r = w.post_pledge(
        "/pledges",
        &ip(144),
        &[("tier", "women-training"), ("lang", "en")],
    );
    assert_eq!(r.status, 303);
    let once = w.sql("SELECT id FROM pledges ORDER BY rowid DESC LIMIT 1")[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let r = stop_page(&w, "/km/", &once);
    assert_eq!(r.status, 409);
    assert!(r.text().contains(&word(&km, "stop_nothing_once")));
    assert_eq!(
        w.get(&format!("/pledges/{}/stop", "0".repeat(32))).status,
        404
    );
    assert_eq!(w.get("/pledges/not-an-id/stop").status, 404);
}

#[test]
fn a_sandbox_monthly_gift_pays_renews_fails_a_renewal_and_stops_with_its_months_counted() {
    let w = Worker::start(&[]);
    let r = w.post_pledge(
        "/pledges",
        &ip(150),
        &[
            ("tier", "own"),
            ("amount", "20"),
            ("frequency", "month"),
            ("show_name", "on"),
            ("name", "Monthly Dara"),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let checkout = location(&r);
    let id = pledge_id_from(&checkout);
    let campaign = || w.get("/api/campaign").json();
    assert_eq!(campaign()["monthly_supporters"], 0);
    assert!(
        !w.get("/").body.contains("id=\"monthly-supporters\""),
        "shown only above zero"
    );
    let act = |action: &str| {
        let r = w.post_form(&checkout, &ip(150), &[("action", action), ("lang", "en")]);
        assert_eq!(r.status, 303, "{action}: {}", r.body);
        assert_eq!(location(&r), format!("/pledges/{id}"), "{action}");
    };
    let months = || {
        let page = w.get(&format!("/pledges/{id}"));
        let at = page
            .body
            .find("data-months=\"")
            .map(|i| i + 13)
            .unwrap_or_else(|| panic!("no months: {}", page.body));
        page.body[at..]
            .split('"')
            .next()
            .unwrap_or_default()
            .parse::<i64>()
            .unwrap_or(-1)
    };

    // Pay: the subscription's checkout, its first invoice and its payment.
    act("pay");
    let page = w.get(&format!("/pledges/{id}"));
    assert!(
        page.body.contains("data-status=\"active\""),
        "{}",
        page.body
    );
    assert_eq!(months(), 1);
    let text = page.text();
    assert!(
        text.contains(&count("en", &copy("en"), "pledge_months", 1))
            && text.contains(&en("pledge_status_active"))
    );
    assert!(
        page.body.contains("id=\"stop-link\"") && page.body.contains("id=\"sandbox-renewals\"")
    );
    let c = campaign();
    assert_eq!(
        (c["raised_cents"].as_i64(), c["monthly_supporters"].as_i64()),
        (Some(2000), Some(1))
    );
    let home = w.get("/");
    assert!(
        home.text()
            .contains(&count("en", &copy("en"), "progress_monthly", 1)),
        "{}",
        home.body
    );
    let km_home = w.get("/km/");
    assert!(km_home
        .text()
        .contains(&count("km", &copy("km"), "progress_monthly", 1)));

    // Next month: a renewal.
    act("renew");
    assert_eq!(months(), 2);
    assert!(w.get(&format!("/pledges/{id}")).text().contains(&count(
        "en",
        &copy("en"),
        "pledge_months",
        2
    )));
    let km = w.get(&format!("/km/pledges/{id}"));
    assert!(km.text().contains("២ ខែ"), "Khmer digits: {}", km.body);
    let c = campaign();
    assert_eq!(
        (c["raised_cents"].as_i64(), c["monthly_supporters"].as_i64()),
        (Some(4000), Some(1))
    );

    // On any other host than this machine, the sandbox's renewals do not exist.
    let deployed = [
        ("Host", "campaign.example"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    for action in ["renew", "fail"] {
        let body = campaign_tests::encode_form(&[("action", action)]);
        let r = w.request("POST", &checkout, &deployed, Some(body.as_bytes()));
        assert_eq!(r.status, 404, "{action} on a deployed host");
    }
    let page = w.request("GET", &format!("/pledges/{id}"), &deployed[..1], None);
    assert!(page.body.contains("id=\"stop-link\"") && !page.body.contains("sandbox-renewals"));
    assert_eq!(months(), 2);

    // A failed renewal: nothing public changes.
    let before = campaign();
    act("fail");
    assert_eq!(campaign(), before);
    assert_eq!(months(), 2);
    assert!(w
        .get(&format!("/pledges/{id}"))
        .body
        .contains("data-status=\"active\""));

    // Stop, through the confirmation page: stopped, and the two months stay counted.
    let r = press_stop(&w, "/", &id, "en", 150);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(location(&r), format!("/pledges/{id}"));
    let page = w.get(&format!("/pledges/{id}"));
    assert!(
        page.body.contains("data-status=\"cancelled\""),
        "{}",
        page.body
    );
    assert!(page.text().contains(&en("pledge_stopped")));
    assert!(
        !page.body.contains("id=\"stop-link\"") && !page.body.contains("id=\"sandbox-renewals\"")
    );
    assert_eq!(months(), 2);
    let c = campaign();
    assert_eq!(
        (c["raised_cents"].as_i64(), c["monthly_supporters"].as_i64()),
        (Some(4000), Some(0))
    );
    assert!(!w.get("/").body.contains("id=\"monthly-supporters\""));
    // A renewal of a stopped gift does nothing; nor does a second stop.
    act("renew");
    assert_eq!(campaign()["raised_cents"], 4000);
    assert_eq!(stop_page(&w, "/", &id).status, 409);
}
