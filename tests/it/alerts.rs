//! Alerts to the team through a fake Telegram Bot API on loopback, and the worker's log lines:
//! the right counts, no personal data in any message or log line (checked against the data the
//! test created), throttling, nothing sent when unconfigured, a failed send retried next run.

use campaign_tests::signer::send_stripe;
use campaign_tests::{aged_token, ip, now, Worker};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A fake Bot API: records every body posted, answers each with the next status (then 200).
pub(crate) struct FakeTelegram {
    pub(crate) port: u16,
    seen: Arc<Mutex<Vec<(String, Value)>>>,
    statuses: Arc<Mutex<Vec<u16>>>,
}

impl FakeTelegram {
    pub(crate) fn start() -> FakeTelegram {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let statuses: Arc<Mutex<Vec<u16>>> = Arc::new(Mutex::new(Vec::new()));
        let (log, next) = (seen.clone(), statuses.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let path = first
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_string();
                log.lock()
                    .expect("log")
                    .push((path, serde_json::from_slice(&body).unwrap_or(Value::Null)));
                let status = {
                    let mut n = next.lock().expect("statuses");
                    if n.is_empty() {
                        200
                    } else {
                        n.remove(0)
                    }
                };
                let answer = json!({"ok": status == 200}).to_string();
                let mut s = stream;
                let _ = write!(s, "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}", answer.len());
            }
        });
        FakeTelegram {
            port,
            seen,
            statuses,
        }
    }

    pub(crate) fn messages(&self) -> Vec<(String, Value)> {
        self.seen.lock().expect("seen").clone()
    }
}

fn run_jobs(w: &Worker) {
    let r = w.get("/__scheduled?cron=17+*+*+*+*");
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Everything personal the test puts into the site, to look for where it must never be.
const PERSONAL: &[&str] = &[
    "Sreymom Secret",
    "sreymom@example.org",
    "+85512999888",
    "012 999 888",
    "Battambang hideout",
    "my private words about the party",
    "Donor Hiddenname",
    "donor.hidden@example.org",
    "a private note to the campaign",
    "198.51.",
];

/// Fills the site with people: a held comment, an approved one waiting for a reply, an offer
/// of help, a named pledge, and a payment in another currency (flagged).
fn people(w: &Worker) {
    let t = now();
    w.sql(&format!(
        "INSERT INTO comments (name, body, status, created_at) VALUES \
           ('Sreymom Secret', 'my private words about the party', 'held', {t}), \
           ('Sreymom Secret', 'my private words about the party too', 'approved', {t}); \
         INSERT INTO volunteers (name, email, phone, place, help, message, created_at) VALUES \
           ('Sreymom Secret', 'sreymom@example.org', '+85512999888', 'Battambang hideout', 'radio', 'my private words about the party', {t})"
    ));
    let token = aged_token(w, "volunteer-form");
    let r = w.post_form(
        "/volunteer",
        &ip(9601),
        &[
            ("token", &token),
            ("lang", "en"),
            ("name", "Sreymom Secret"),
            ("phone", "012 999 888"),
            ("place", "Battambang hideout"),
            ("message", "my private words about the party"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = w.post_pledge(
        "/pledges",
        &ip(9602),
        &[
            ("tier", "women-training"),
            ("name", "Donor Hiddenname"),
            ("email", "donor.hidden@example.org"),
            ("note", "a private note to the campaign"),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let pledge = w.sql("SELECT id FROM pledges WHERE name = 'Donor Hiddenname'")[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let eur = json!({"id": "evt_alert_eur", "object": "event", "type": "checkout.session.completed", "livemode": false,
        "created": now(), "data": {"object": {"id": "cs_alert", "payment_status": "paid", "amount_total": 4500, "currency": "eur",
        "client_reference_id": pledge, "payment_intent": "pi_alert", "metadata": {}}}})
    .to_string();
    assert_eq!(send_stripe(w, &eur).body, "flagged:currency");
}

fn telegram_worker(fake: &FakeTelegram) -> Worker {
    Worker::start_logged(&[
        ("TELEGRAM_BOT_TOKEN", "123:test-bot-token"),
        ("TELEGRAM_CHAT_ID", "-1009"),
        (
            "TELEGRAM_API_BASE",
            &format!("http://127.0.0.1:{}", fake.port),
        ),
        ("SITE_URL", "https://campaign.example"),
    ])
}

#[test]
fn the_team_is_told_what_waits_in_counts_and_links_only_and_not_twice() {
    let fake = FakeTelegram::start();
    let w = telegram_worker(&fake);
    people(&w);
    run_jobs(&w);
    let sent = fake.messages();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (path, body) = &sent[0];
    assert_eq!(path, "/bot123:test-bot-token/sendMessage");
    assert_eq!(body["chat_id"], "-1009");
    let text = body["text"].as_str().unwrap_or_default();
    for line in [
        "1 comment held for moderation: https://campaign.example/admin/comments?status=held",
        "1 comment waiting for our reply: https://campaign.example/admin/waiting",
        "2 new offers of help: https://campaign.example/admin/volunteers",
        "1 flagged payment event: https://campaign.example/admin/pledges#flagged",
    ] {
        assert!(text.contains(line), "{line} missing from {text}");
    }
    for secret in PERSONAL
        .iter()
        .chain(["4500", "45.00", "EUR", "eur"].iter())
    {
        assert!(!body.to_string().contains(secret), "{secret} in {body}");
    }

    // Nothing changed: nothing sent, however often the job runs.
    run_jobs(&w);
    run_jobs(&w);
    assert_eq!(fake.messages().len(), 1);
    // A second held comment within the hour: still nothing; after it, the new count.
    w.sql(&format!(
        "INSERT INTO comments (name, body, status, created_at) VALUES ('Another', 'words', 'held', {})",
        now()
    ));
    run_jobs(&w);
    assert_eq!(fake.messages().len(), 1, "throttled within the period");
    let hour_ago = now() - app::alerts::PERIOD_SECS - 1;
    let state: Value = serde_json::from_str(
        w.sql("SELECT checkpoint FROM jobs WHERE name = 'alerts'")[0]["checkpoint"]
            .as_str()
            .unwrap_or("{}"),
    )
    .unwrap_or_default();
    let mut aged = state.clone();
    for (_, said) in aged["said"].as_object_mut().into_iter().flatten() {
        said["at"] = json!(hour_ago);
    }
    w.sql(&format!(
        "UPDATE jobs SET checkpoint = '{}' WHERE name = 'alerts'",
        aged.to_string().replace('\'', "''")
    ));
    run_jobs(&w);
    let sent = fake.messages();
    assert_eq!(sent.len(), 2, "{sent:?}");
    let text = sent[1].1["text"].as_str().unwrap_or_default();
    assert!(text.contains("2 comments held for moderation"), "{text}");
    assert!(
        !text.contains("waiting for our reply"),
        "unchanged kinds stay quiet: {text}"
    );

    // The worker's log lines carry nothing personal either.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log = std::fs::read_to_string(w.dir.join("wrangler.log")).unwrap_or_default();
    // The worker's own lines (wrangler's banner lists the local variables, the token among
    // them, before the worker runs): each one JSON object naming what happened, after the
    // name of the worker that wrote it (`[women-lead-cambodia-office] {...}`: two run).
    let own: Vec<&str> = log
        .lines()
        .map(|l| match l.strip_prefix('[') {
            Some(rest) if !l.starts_with("[wrangler") => {
                rest.split_once("] ").map_or(l, |(_, line)| line)
            }
            _ => l,
        })
        .filter(|l| l.starts_with('{'))
        .collect();
    assert!(own.len() >= 5, "the log is read: {log}");
    for line in &own {
        let v: Value = serde_json::from_str(line).unwrap_or(Value::Null);
        assert!(
            v["event"].is_string(),
            "not one JSON object with its event: {line}"
        );
        for secret in PERSONAL.iter().chain(["test-bot-token", "pi_alert"].iter()) {
            assert!(!line.contains(secret), "{secret} in the log: {line}");
        }
    }
    assert!(own.iter().any(|l| l.contains("\"job\":\"alerts\"")));
    assert!(own.iter().any(|l| l.contains("\"event\":\"webhook\"")));
}

#[test]
fn a_failed_send_is_retried_and_unconfigured_sends_nothing() {
    let fake = FakeTelegram::start();
    fake.statuses.lock().expect("statuses").push(502);
    let w = telegram_worker(&fake);
    w.sql(&format!(
        "INSERT INTO comments (name, body, status, created_at) VALUES ('Held One', 'words', 'held', {})",
        now()
    ));
    run_jobs(&w);
    assert_eq!(fake.messages().len(), 1);
    run_jobs(&w);
    let sent = fake.messages();
    assert_eq!(sent.len(), 2, "retried at the next run");
    assert!(sent[1].1["text"]
        .as_str()
        .unwrap_or_default()
        .contains("1 comment held"));
    run_jobs(&w);
    assert_eq!(fake.messages().len(), 2, "and then not again");

    // The test button in the admin area.
    let session = w.sign_in_owner(&ip(9611));
    let (cookie, csrf) = (session.cookie, session.csrf);
    let overview = w.request("GET", "/admin", &[("Cookie", &cookie)], None);
    assert!(overview
        .text()
        .contains("Configured: the hourly job sends counts"));
    let test = w.post_form_with(
        "/admin/alerts/test",
        &ip(9611),
        &[("Cookie", &cookie)],
        &[("csrf", &csrf)],
    );
    assert_eq!(test.header("Location"), Some("/admin?test=sent#alerts"));
    assert_eq!(
        fake.messages()[2].1["text"],
        app::alerts::TEST_MESSAGE,
        "{:?}",
        fake.messages()
    );
    // Without the session's token, nothing is sent.
    let forged = w.post_form_with("/admin/alerts/test", &ip(9611), &[("Cookie", &cookie)], &[]);
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert_eq!(fake.messages().len(), 3);

    // Unconfigured: the job counts nothing and sends nothing.
    let quiet = FakeTelegram::start();
    let w = Worker::start(&[(
        "TELEGRAM_API_BASE",
        &format!("http://127.0.0.1:{}", quiet.port),
    )]);
    w.sql(&format!(
        "INSERT INTO comments (name, body, status, created_at) VALUES ('Held', 'words', 'held', {})",
        now()
    ));
    run_jobs(&w);
    assert!(quiet.messages().is_empty());
    assert!(w.sql("SELECT * FROM jobs WHERE name = 'alerts'").is_empty());
}

#[test]
fn a_telegram_api_base_that_is_not_this_machine_is_refused() {
    let w = Worker::start_logged(&[
        ("TELEGRAM_BOT_TOKEN", "123:test-bot-token"),
        ("TELEGRAM_CHAT_ID", "-1009"),
        ("TELEGRAM_API_BASE", "https://api.telegram.example"),
    ]);
    w.sql(&format!(
        "INSERT INTO comments (name, body, status, created_at) VALUES ('Held', 'words', 'held', {})",
        now()
    ));
    run_jobs(&w);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log = std::fs::read_to_string(w.dir.join("wrangler.log")).unwrap_or_default();
    assert!(
        log.contains("TELEGRAM_API_BASE is neither Telegram nor a loopback address"),
        "{log}"
    );
}
