//! "Would you make it monthly?" (#28 §2) through workerd and D1: a valid one-off gift's form is
//! answered with a private step that makes nothing; the donor's answer, either way and in
//! either language, makes the pledge once, takes the limits once and keeps the first post's
//! attestation time; monthly and resumed forms are not asked; a replayed or re-dated answer
//! makes nothing.
//!
//! Visitor addresses 14800–14899 are this module's (`main.rs`).

use campaign_tests::content::{copy, fill, word};
use campaign_tests::{ip, upsell_fields, Resp, Worker, CLOCK};
use serde_json::Value;

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_string()
}

/// The pledge a sandbox checkout's `Location` names, as D1 holds it.
fn row(w: &Worker, r: &Resp) -> Value {
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = location(r);
    let id = loc.rsplit('/').next().unwrap_or_default();
    assert!(
        loc.contains("/sandbox/checkout/") && id.len() == 32,
        "{loc}"
    );
    w.sql(&format!("SELECT * FROM pledges WHERE id = '{id}'"))
        .pop()
        .unwrap_or_else(|| panic!("no pledge {id}"))
}

/// Rows of `table`, to see that the step made or took none.
fn count(w: &Worker, table: &str) -> i64 {
    w.sql(&format!("SELECT COUNT(*) AS n FROM {table}"))[0]["n"]
        .as_i64()
        .unwrap_or(-1)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Both answers in both languages: asked privately with a third of the gift suggested, nothing
/// made or taken until the answer; then one pledge, as answered, attested when first sent.
#[test]
fn either_answer_in_either_language_makes_one_pledge_as_answered() {
    let w = Worker::start(&[]);
    let cases = [
        ("en", "/pledges", "month", 14801),
        ("km", "/km/pledges", "once", 14802),
        ("en", "/pledges", "once", 14803),
        ("km", "/km/pledges", "month", 14804),
    ];
    for (lang, path, answer, n) in cases {
        let t = copy(lang);
        let visitor = ip(n);
        let (pledges, limits) = (count(&w, "pledges"), count(&w, "rate_events"));
        let fields = [
            ("tier", "women-radio"),
            ("designation", "tier"),
            ("name", "Dara \"D\" <&>"),
            ("note", "line one\nline two"),
            ("ref", "chapter-paris"),
            ("lang", lang),
        ];
        let step = w.post_pledge_asked(path, &visitor, &[], &fields);
        assert_eq!(step.status, 200, "{lang}: {}", step.body);
        assert_eq!(step.header("Cache-Control"), Some("no-store"));
        assert_eq!(step.header("Referrer-Policy"), Some("no-referrer"));
        assert!(step.body.contains(&format!("lang=\"{lang}\"")));
        assert!(step.text().contains(&word(&t, "upsell_title")), "{lang}");
        let once = fill(&word(&t, "upsell_once"), &[("amount", "US$50")]);
        assert!(step.text().contains(&once), "{lang}: {}", step.body);
        assert!(step.text().contains(&word(&t, "upsell_monthly")));
        assert!(!step.body.contains(" checked") && !step.body.contains("<script"));
        let carried = upsell_fields(&step).expect("the step's form");
        assert_eq!(field(&carried, "monthly_amount"), "17", "a third of US$50");
        assert_eq!(field(&carried, "name"), "Dara \"D\" <&>");
        assert_eq!(field(&carried, "ref"), "chapter-paris");
        assert_eq!(field(&carried, "eligible"), "on");
        assert_eq!(
            (count(&w, "pledges"), count(&w, "rate_events")),
            (pledges, limits),
            "{lang}: asking makes and takes nothing"
        );
        // Answered 100 s later (the worker's clock moved): attested when first sent.
        let later = [(CLOCK, "100")];
        let r = w.answer_upsell(path, &visitor, &later, &step, answer, None);
        let p = row(&w, &r);
        let (created, attested) = (
            p["created_at"].as_i64().unwrap_or_default(),
            p["attested_at"].as_i64().unwrap_or_default(),
        );
        assert!((99..160).contains(&(created - attested)), "{lang}: {p}");
        assert_eq!(p["lang"], lang);
        assert_eq!(p["designation"], "women-radio", "{lang}: the purpose stays");
        assert_eq!(p["name"], "Dara \"D\" <&>");
        assert_eq!(p["source"], "chapter-paris");
        let want = if answer == "month" {
            (json_str("month"), 1700, Value::Null)
        } else {
            (json_str("once"), 5000, json_str("women-radio"))
        };
        assert_eq!(
            (
                p["frequency"].clone(),
                p["amount_cents"].as_i64().unwrap_or(0),
                p["tier"].clone()
            ),
            (want.0, want.1, want.2),
            "{lang} {answer}: {p}"
        );
        assert_eq!(
            (count(&w, "pledges"), count(&w, "rate_events")),
            (pledges + 1, limits + 1),
            "{lang}: one pledge, the limit taken once"
        );
        // The same answer again (a second press, a replay): refused, nothing more made.
        let again = w.answer_upsell(path, &visitor, &later, &step, answer, None);
        assert_eq!(again.status, 422, "{lang}: {}", again.body);
        assert_eq!(count(&w, "pledges"), pledges + 1);
    }
}

fn json_str(s: &str) -> Value {
    Value::String(s.to_string())
}

/// The donor changes the suggestion: kept when in range; out of range, asked again with the
/// problem named, the attestation's first time kept.
#[test]
fn the_monthly_amount_is_the_donors_and_checked() {
    let w = Worker::shared(module_path!());
    let visitor = ip(14810);
    let fields = [("tier", "own"), ("amount", "12"), ("lang", "en")];
    let step = w.post_pledge_asked("/pledges", &visitor, &[], &fields);
    let carried = upsell_fields(&step).expect("asked");
    assert_eq!(
        field(&carried, "monthly_amount"),
        "5",
        "at least the minimum gift"
    );
    let low = w.answer_upsell(
        "/pledges",
        &visitor,
        &[(CLOCK, "20")],
        &step,
        "month",
        Some("2"),
    );
    assert_eq!(low.status, 422, "{}", low.body);
    assert!(low.body.contains("aria-invalid=\"true\""), "{}", low.body);
    assert_eq!(
        field(&upsell_fields(&low).expect("asked again"), "monthly_amount"),
        "2"
    );
    let r = w.answer_upsell(
        "/pledges",
        &visitor,
        &[(CLOCK, "60")],
        &low,
        "month",
        Some("25"),
    );
    let p = row(w, &r);
    assert_eq!(
        (p["frequency"].as_str(), p["amount_cents"].as_i64()),
        (Some("month"), Some(2500))
    );
    let gap = p["created_at"].as_i64().unwrap_or(0) - p["attested_at"].as_i64().unwrap_or(0);
    assert!((59..120).contains(&gap), "{p}");
}

/// An attestation moved to another time, or to another step's token, is refused.
#[test]
fn a_re_dated_or_moved_attestation_makes_nothing() {
    let w = Worker::shared(module_path!());
    let visitor = ip(14820);
    let fields = [("tier", "women-training"), ("lang", "en")];
    let first = w.post_pledge_asked("/pledges", &visitor, &[], &fields);
    let second = w.post_pledge_asked("/pledges", &visitor, &[], &fields);
    let attested = field(&upsell_fields(&first).expect("asked"), "attested").to_string();
    let (at, tag) = attested.split_once('.').expect("at.tag");
    let redated = format!("{}.{tag}", at.parse::<i64>().unwrap_or(0) + 50);
    for (step, wrong) in [(&first, redated), (&second, attested.clone())] {
        let mut sent: Vec<(String, String)> = upsell_fields(step).expect("asked");
        for (k, v) in &mut sent {
            if k == "attested" {
                *v = wrong.clone();
            }
        }
        sent.push(("upsell".into(), "once".into()));
        let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = w.post_form("/pledges", &visitor, &sent);
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("id=\"pledge-form\""), "the gift form again");
    }
}

/// A monthly gift is not asked; nor a form back from the checkout (its marker), whose resumed
/// page carries it.
#[test]
fn monthly_and_resumed_forms_are_not_asked() {
    let w = Worker::shared(module_path!());
    for (n, lang) in ["en", "km"].into_iter().enumerate() {
        let path = if lang == "km" {
            "/km/pledges"
        } else {
            "/pledges"
        };
        let visitor = ip(14830 + n as u32);
        let monthly = [
            ("tier", "women-radio"),
            ("frequency", "month"),
            ("lang", lang),
        ];
        let r = w.post_pledge_asked(path, &visitor, &[], &monthly);
        assert_eq!(row(w, &r)["frequency"], "month", "{lang}: not asked");
        // Back from the checkout: the form carries the marker, and is not asked again.
        let once = [("tier", "women-radio"), ("lang", lang)];
        let step = w.post_pledge_asked(path, &visitor, &[], &once);
        let first = w.answer_upsell(path, &visitor, &[], &step, "once", None);
        let id = location(&first)
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let home = if lang == "km" { "/km/" } else { "/" };
        let resumed = w.get(&format!("{home}?resume={id}"));
        assert!(
            resumed.body.contains("name=\"resumed\" value=\"1\""),
            "{lang}: {}",
            resumed.body
        );
        let plain = w.get(home);
        assert!(!plain.body.contains("name=\"resumed\""));
        let again = [("tier", "women-radio"), ("resumed", "1"), ("lang", lang)];
        let r = w.post_pledge_asked(path, &visitor, &[], &again);
        assert_eq!(row(w, &r)["frequency"], "once", "{lang}: not asked again");
    }
}
