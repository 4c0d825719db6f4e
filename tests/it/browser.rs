//! The site in Debian's Chromium through chromedriver: layout and accessibility at phone and
//! desktop widths, giving through the sandbox checkout, comments and replies, and the OWASP
//! XSS payloads shown as text. Every visible word expected here is read from app/content/*.toml.
//!
//! Screenshots go to tests/artifacts/screenshots/ (git-ignored). Each browser session sends a
//! `CF-Connecting-IP` of its own, so the rate limits count each test case apart.

use campaign_tests::browser::Browser;
use campaign_tests::content::{
    copy, count, fill, gifts_text, number, raised_text, tier_count, word,
};
use campaign_tests::{artifacts, comment_id, form_token, ip, now, pid, root, Worker};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers

fn shot(name: &str) -> PathBuf {
    let dir = artifacts().join("screenshots");
    std::fs::create_dir_all(&dir).expect("create tests/artifacts/screenshots");
    dir.join(name)
}

/// A browser session of its own visitor address.
fn browser(w: u32, h: u32, case: u32) -> Browser {
    let b = Browser::start(w, h);
    b.set_ip(&ip(case));
    b
}

/// Loads `url` and waits until `css` is in the loaded page.
fn open(b: &Browser, url: &str, css: &str) {
    b.goto(url);
    b.wait_for(
        &format!("{css} on {url}"),
        30,
        "return document.readyState === 'complete' && !!document.querySelector(arguments[0]);",
        json!([css]),
    );
}

/// Sends the gift form; a one-off gift asked "Would you make it monthly?" (#28 §2) answers
/// "once", as a donor keeping their gift would.
fn send_gift(b: &Browser) {
    b.click_and_wait("#pledge-form button[type=submit]");
    if b.eval(
        "return !!document.querySelector('#upsell-form');",
        json!([]),
    ) == json!(true)
    {
        b.click_and_wait("#upsell-form button[value=once]");
    }
}

fn js_string(b: &Browser, script: &str, args: Value) -> String {
    b.eval(script, args)
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits so a form token served at `loaded` is old enough (3 s) to be accepted.
fn let_token_age(loaded: Instant) {
    let wanted = Duration::from_millis(3300);
    let waited = loaded.elapsed();
    if waited < wanted {
        std::thread::sleep(wanted - waited);
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Layout and accessibility

const OVERFLOW: &str = "const w = window.innerWidth; \
    const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5) \
      .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '') \
      + ' right=' + Math.round(e.getBoundingClientRect().right)); \
    return {scroll: document.documentElement.scrollWidth, inner: w, wide: wide};";

#[test]
fn pages_fit_and_pass_axe() {
    let started = Instant::now();
    let w = Worker::shared(module_path!());
    // Real content for the screenshots: comments in both scripts, a campaign reply, a paid gift.
    let t = now();
    w.sql(&format!(
        "INSERT INTO comments (id, parent_id, thread_id, name, body, lang, status, is_campaign, created_at) VALUES \
         (9001, NULL, NULL, 'សុខា ចាន់', 'សូមអរគុណចំពោះការងារដ៏ល្អរបស់ក្រុមការងារ។\nខ្ញុំគាំទ្រស្ត្រីនៅក្នុងសហគមន៍របស់ខ្ញុំ។', 'km', 'approved', 0, {d3}), \
         (9002, 9001, 9001, 'Women Lead Cambodia', 'Thank you, Sokha! We will share your words with the trainers.', 'en', 'approved', 1, {d2}), \
         (9003, NULL, NULL, 'Margaret O''Neill', 'Proud to support women leaders in Cambodia. Keep going!', 'en', 'approved', 0, {d1}), \
         (9004, NULL, NULL, 'ដារ៉ា', 'ការបណ្ដុះបណ្ដាលនេះពិតជាមានប្រយោជន៍ណាស់។', 'km', 'approved', 0, {d0}); \
         INSERT INTO pledges (id, status, amount_cents, tier, designation, name, show_name, lang, created_at, paid_at) VALUES \
         ('a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 'paid', 5000, 'women-training', 'women-training', 'ចន្ទា', 1, 'km', {d1}, {d1}), \
         ('b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 'paid', 35000, 'information-year', 'information-year', 'Hidden Donor', 0, 'en', {d0}, {d0}); \
         INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, payment_intent, paid_at) VALUES \
         ('stripe', 'pi_seen_a1', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 5000, 'usd', 'pi_seen_a1', {d1}), \
         ('stripe', 'pi_seen_b2', 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 35000, 'usd', 'pi_seen_b2', {d0});",
        d3 = t - 4 * 86400,
        d2 = t - 3 * 86400,
        d1 = t - 2 * 86400,
        d0 = t - 86400,
    ));

    let mut problems = Vec::new();
    for (width, height) in [(390, 844), (1280, 800)] {
        let b = browser(width, height, 20101 + width);
        for (lang, path) in [("en", "/"), ("km", "/km/")] {
            open(&b, &format!("{}{path}", w.base), "#comments");
            assert_eq!(
                js_string(&b, "return document.documentElement.lang", json!([])),
                lang
            );
            // The seeded content is there, Khmer included.
            let body = js_string(&b, "return document.body.textContent", json!([]));
            assert!(
                body.contains("សុខា ចាន់")
                    && body.contains("Margaret O'Neill")
                    && body.contains("ចន្ទា"),
                "seeded content missing on {path}"
            );
            let fit = b.eval(OVERFLOW, json!([]));
            if fit["scroll"].as_u64() > fit["inner"].as_u64() {
                problems.push(format!("{path} at {width}px overflows: {fit}"));
            }
            let axe = b.axe_serious();
            if !axe.is_empty() {
                problems.push(format!("{path} at {width}px, axe:\n  {}", axe.join("\n  ")));
            }
            b.screenshot(&shot(&format!("home-{lang}-{width}.png")));
            b.full_screenshot(&shot(&format!("home-{lang}-{width}-full.png")));
        }
    }
    assert!(
        problems.is_empty(),
        "layout/accessibility problems:\n{}",
        problems.join("\n")
    );

    // The check can fail: a field without its label is reported.
    let b = browser(390, 844, 20100);
    open(&b, &format!("{}/", w.base), "#comment-form");
    b.eval(
        "document.querySelector('label[for=comment-name]').remove(); return true;",
        json!([]),
    );
    let axe = b.axe_serious();
    assert!(
        axe.iter().any(|v| v.contains("#comment-name")),
        "axe should report the unlabelled field: {axe:?}"
    );
    eprintln!("pages_fit_and_pass_axe: {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// 2. Giving

const PROGRESS: &str = "const p = document.querySelector('#progress'); const strong = p.querySelector('strong'); \
    return {raised: strong.textContent, gifts: strong.parentElement.nextElementSibling.textContent, \
      value: p.querySelector('progress').getAttribute('value'), \
      counters: [...p.querySelectorAll('ul.stats li')].map(li => li.textContent), \
      supporters: [...p.querySelectorAll('ul:not(.stats) li')].map(li => li.textContent)};";

#[test]
fn giving_in_english_and_khmer() {
    let started = Instant::now();
    let w = Worker::start(&[]);
    let goal = 50_000 * 100;
    let (mut gifts, mut raised) = (0i64, 0i64);
    // (language, path prefix, tier, its price in cents, units one gift buys, donor's name)
    let cases = [
        ("en", "/", "women-training", 5000, 25, "Jane Q. Donor"),
        ("km", "/km/", "women-radio", 5000, 1, "សុភា ដារ៉ា"),
    ];
    for (n, (lang, prefix, tier, cents, units, name)) in cases.into_iter().enumerate() {
        let t = copy(lang);
        let b = browser(390, 844, 20201 + n as u32);
        let home = format!("{}{prefix}", w.base);
        open(&b, &home, "#pledge-form");
        let before = b.eval(PROGRESS, json!([]));
        assert_eq!(
            before["gifts"],
            gifts_text(lang, &t, gifts),
            "{lang}: {before}"
        );
        let counter = |k: i64| tier_count(lang, &t, tier, k);
        assert!(
            before["counters"]
                .as_array()
                .unwrap()
                .contains(&json!(counter(0))),
            "{lang}: {before}"
        );

        b.click(&format!("label[for=tier-{tier}]"));
        b.type_into("#pledge-name", name);
        b.type_into("#pledge-email", "donor@example.org");
        b.click("label[for=show-name]");
        let eligible = "return document.querySelector('#eligible').checked";
        assert_eq!(
            b.eval(eligible, json!([])),
            json!(false),
            "{lang}: never pre-ticked"
        );
        b.click("label[for=eligible]");
        let ticked = b.eval("return [document.querySelector('#tier-' + arguments[0]).checked, document.querySelector('#show-name').checked, document.querySelector('#eligible').checked]", json!([tier]));
        assert_eq!(
            ticked,
            json!([true, true, true]),
            "{lang}: tier, show-name and eligible should be ticked"
        );
        b.eval(
            "document.querySelector('#pledge-form').scrollIntoView(); return true;",
            json!([]),
        );
        b.screenshot(&shot(&format!("give-{lang}-1-form.png")));

        send_gift(&b);
        let checkout = b.url();
        assert!(
            checkout.starts_with(&format!("{}{prefix}sandbox/checkout/", w.base)),
            "{lang}: landed on {checkout}"
        );
        b.screenshot(&shot(&format!("give-{lang}-2-checkout.png")));
        b.click_and_wait("button[value=pay]");
        let thanks = b.url();
        let id = thanks.rsplit('/').next().unwrap_or_default().to_string();
        assert_eq!(
            thanks,
            format!("{}{prefix}pledges/{id}", w.base),
            "{lang}: thank-you page"
        );
        assert_eq!(id.len(), 32);
        let status = b.wait_for(
            "the pledge paid",
            15,
            "const s = document.querySelector('#pledge-status'); return s && s.dataset.status;",
            json!([]),
        );
        assert_eq!(status, "paid", "{lang}");
        b.screenshot(&shot(&format!("give-{lang}-3-thanks.png")));

        gifts += 1;
        raised += cents;
        open(&b, &home, "#progress");
        let after = b.eval(PROGRESS, json!([]));
        assert_ne!(after["gifts"], before["gifts"]);
        assert_ne!(after["raised"], before["raised"]);
        assert_ne!(after["counters"], before["counters"]);
        assert_eq!(
            after["gifts"],
            gifts_text(lang, &t, gifts),
            "{lang}: {after}"
        );
        assert_eq!(
            after["raised"],
            raised_text(&t, raised, goal),
            "{lang}: {after}"
        );
        assert_eq!(after["value"], (raised * 100 / (50_000 * 100)).to_string());
        assert!(
            after["counters"]
                .as_array()
                .unwrap()
                .contains(&json!(counter(units))),
            "{lang}: {after}"
        );
        let supporters = after["supporters"].as_array().unwrap();
        assert!(
            supporters[0]
                .as_str()
                .unwrap_or_default()
                .starts_with(&format!("{name} · ")),
            "{lang}: newest supporter first, named: {after}"
        );
        b.eval(
            "document.querySelector('#progress').scrollIntoView(); return true;",
            json!([]),
        );
        b.screenshot(&shot(&format!("give-{lang}-4-progress.png")));
    }
    own_amount_too_small(&w);
    eprintln!("giving_in_english_and_khmer: {:?}", started.elapsed());
}

/// A monthly gift, in English and in Khmer: chosen on the form (never preselected), paid in the
/// sandbox, shown with its months, stopped through its confirmation page, and shown stopped.
#[test]
fn a_monthly_gift_chosen_paid_and_stopped_in_english_and_khmer() {
    let started = Instant::now();
    let w = Worker::start(&[]);
    let mut problems = Vec::new();
    for (n, (lang, prefix, tier)) in [("en", "/", "women-training"), ("km", "/km/", "women-radio")]
        .into_iter()
        .enumerate()
    {
        let t = copy(lang);
        let b = browser(390, 844, 20221 + n as u32);
        open(&b, &format!("{}{prefix}", w.base), "#pledge-form");
        let chosen = "return [document.querySelector('#frequency-once').checked, document.querySelector('#frequency-month').checked]";
        assert_eq!(
            b.eval(chosen, json!([])),
            json!([true, false]),
            "{lang}: once by default"
        );
        b.click(&format!("label[for=tier-{tier}]"));
        b.click("label[for=frequency-month]");
        assert_eq!(b.eval(chosen, json!([])), json!([false, true]), "{lang}");
        let hint = js_string(
            &b,
            "return document.querySelector('#frequency-hint').textContent",
            json!([]),
        );
        assert_eq!(hint, word(&t, "form_frequency_hint"), "{lang}");
        b.click("label[for=eligible]");
        b.eval(
            "document.querySelector('#frequency-hint').scrollIntoView(); return true;",
            json!([]),
        );
        b.screenshot(&shot(&format!("monthly-{lang}-1-form.png")));
        send_gift(&b);
        assert!(
            b.url()
                .starts_with(&format!("{}{prefix}sandbox/checkout/", w.base)),
            "{lang}: {}",
            b.url()
        );
        b.click_and_wait("button[value=pay]");
        let id = b.url().rsplit('/').next().unwrap_or_default().to_string();
        assert_eq!(b.url(), format!("{}{prefix}pledges/{id}", w.base), "{lang}");
        let status = b.wait_for(
            "the monthly gift active",
            15,
            "const s = document.querySelector('#pledge-status'); return s && s.dataset.status;",
            json!([]),
        );
        assert_eq!(status, "active", "{lang}");
        let months = js_string(
            &b,
            "return document.querySelector('#pledge-months').textContent",
            json!([]),
        );
        assert_eq!(months, count(lang, &t, "pledge_months", 1), "{lang}");
        let axe = b.axe_serious();
        if !axe.is_empty() {
            problems.push(format!(
                "{lang} thank-you page, axe:\n  {}",
                axe.join("\n  ")
            ));
        }
        b.screenshot(&shot(&format!("monthly-{lang}-2-thanks.png")));

        // The stop: a link to a page that asks, whose button stops it.
        b.click_and_wait("#stop-link");
        assert_eq!(
            b.url(),
            format!("{}{prefix}pledges/{id}/stop", w.base),
            "{lang}"
        );
        let title = js_string(
            &b,
            "return document.querySelector('h1').textContent",
            json!([]),
        );
        assert_eq!(title, word(&t, "stop_title"), "{lang}");
        let axe = b.axe_serious();
        if !axe.is_empty() {
            problems.push(format!("{lang} stop page, axe:\n  {}", axe.join("\n  ")));
        }
        b.screenshot(&shot(&format!("monthly-{lang}-3-stop.png")));
        // Its one button only confirms: pressed without waiting, it stops the gift.
        b.click_and_wait("#stop-form button[type=submit]");
        assert_eq!(b.url(), format!("{}{prefix}pledges/{id}", w.base), "{lang}");
        let state = b.eval(
            "return {status: document.querySelector('#pledge-status').dataset.status, \
               words: document.querySelector('#pledge-status').textContent, \
               stopped: (document.querySelector('#pledge-stopped') || {}).textContent, \
               link: !!document.querySelector('#stop-link'), \
               months: document.querySelector('#pledge-months').textContent};",
            json!([]),
        );
        assert_eq!(state["status"], "cancelled", "{lang}: {state}");
        assert_eq!(
            state["words"],
            word(&t, "pledge_status_cancelled"),
            "{lang}: {state}"
        );
        assert_eq!(
            state["stopped"],
            word(&t, "pledge_stopped"),
            "{lang}: {state}"
        );
        assert_eq!(state["link"], false, "{lang}: {state}");
        assert_eq!(
            state["months"],
            count(lang, &t, "pledge_months", 1),
            "{lang}: the month stays"
        );
        b.screenshot(&shot(&format!("monthly-{lang}-4-stopped.png")));
    }
    let c = w.get("/api/campaign").json();
    assert_eq!(
        (c["raised_cents"].as_i64(), c["monthly_supporters"].as_i64()),
        (Some(10_000), Some(0))
    );
    assert!(
        problems.is_empty(),
        "accessibility problems:\n{}",
        problems.join("\n")
    );
    eprintln!(
        "a_monthly_gift_chosen_paid_and_stopped_in_english_and_khmer: {:?}",
        started.elapsed()
    );
}

/// An own amount of 3, the eligibility box unticked, comes back with the value kept and both
/// problems named in the visitor's language, at the field and in the summary.
fn own_amount_too_small(w: &Worker) {
    for (n, (lang, prefix, name)) in [("en", "/", "Low Amount"), ("km", "/km/", "ចំនួនតិច")]
        .into_iter()
        .enumerate()
    {
        let t = copy(lang);
        let b = browser(390, 844, 20211 + n as u32);
        open(&b, &format!("{}{prefix}", w.base), "#pledge-form");
        b.click("label[for=tier-own]");
        b.type_into("#amount", "3");
        b.type_into("#pledge-name", name);
        send_gift(&b);
        assert_eq!(
            b.url(),
            format!("{}{prefix}pledges#give", w.base),
            "{lang}: stays on the form's answer, at its section"
        );
        let state = b.eval(
            "const a = document.querySelector('#amount'); const e = document.querySelector('#pledge-amount-error'); \
             const s = document.querySelector('#pledge-errors'); \
             return {lang: document.documentElement.lang, amount: a.value, invalid: a.getAttribute('aria-invalid'), \
               described: a.getAttribute('aria-describedby'), own: document.querySelector('#tier-own').checked, \
               name: document.querySelector('#pledge-name').value, error: e && e.textContent, summary: s && s.textContent, \
               eligible: document.querySelector('#eligible').checked, \
               eligibleError: (document.querySelector('#pledge-eligible-error') || {}).textContent};",
            json!([]),
        );
        let message = word(&t, "error_amount");
        assert_eq!(state["lang"], lang);
        assert_eq!(state["amount"], "3", "{lang}: {state}");
        assert_eq!(state["own"], true, "{lang}: {state}");
        assert_eq!(state["name"], name, "{lang}: {state}");
        assert_eq!(state["invalid"], "true", "{lang}: {state}");
        assert_eq!(state["described"], "pledge-amount-error", "{lang}: {state}");
        assert_eq!(state["error"], message, "{lang}: {state}");
        assert_eq!(state["eligible"], false, "{lang}: {state}");
        assert_eq!(
            state["eligibleError"],
            word(&t, "error_eligible"),
            "{lang}: {state}"
        );
        assert!(
            state["summary"]
                .as_str()
                .unwrap_or_default()
                .contains(&message),
            "{lang}: {state}"
        );
        b.eval(
            "document.querySelector('#pledge-form').scrollIntoView(); return true;",
            json!([]),
        );
        b.screenshot(&shot(&format!("give-{lang}-amount-error.png")));
        assert!(
            b.axe_serious().is_empty(),
            "{lang}: axe on the error page: {:?}",
            b.axe_serious()
        );
        // The answer page is private (`Referrer-Policy: no-referrer`, so the browser posts from
        // it with `Origin: null`): its form still posts, past the cross-site check.
        b.eval(
            "const a = document.querySelector('#amount'); a.value = ''; return true;",
            json!([]),
        );
        b.type_into("#amount", "5");
        b.click("label[for=eligible]");
        send_gift(&b);
        assert!(
            b.url()
                .starts_with(&format!("{}{prefix}sandbox/checkout/", w.base)),
            "{lang}: posted from the 422 page: {}",
            b.url()
        );
    }
}

/// Where a refused form's summary is, once the browser has scrolled to the fragment its form
/// posted to: its box, its links (and whether each leads to a field marked invalid), whether
/// it is the first element of its section, and the page's title.
const SUMMARY: &str = "const s = document.querySelector(arguments[0]); \
    if (document.readyState !== 'complete' || !s) return null; \
    const r = s.getBoundingClientRect(); \
    const links = [...s.querySelectorAll('a')].map(a => a.getAttribute('href')); \
    return {top: r.top, bottom: r.bottom, viewport: window.innerHeight, title: document.title, \
      hash: location.hash, first: s.parentElement.firstElementChild === s, section: s.parentElement.id, \
      links: links, invalid: links.map(h => { const f = document.getElementById(h.slice(1)); \
        return !!f && f.getAttribute('aria-invalid') === 'true'; })};";

/// Checks the refused form's summary `css` after the answer loaded: in the first viewport (the
/// browser's own scroll to the fragment put it there), first in section `section`, linking to
/// exactly `links`, each a field marked invalid, and the title starting with `problem`.
fn summary_in_view(b: &Browser, what: &str, css: &str, section: &str, links: &[&str], title: &str) {
    let state = b.wait_for(what, 10, SUMMARY, json!([css]));
    assert_eq!(state["hash"], format!("#{section}"), "{what}: {state}");
    assert!(
        state["top"].as_f64().is_some_and(|t| t >= 0.0)
            && state["bottom"].as_f64() <= state["viewport"].as_f64()
            && state["viewport"] == 844,
        "{what}: the summary's box is not in the first viewport: {state}"
    );
    assert_eq!(
        (&state["first"], &state["section"]),
        (&json!(true), &json!(section)),
        "{what}: {state}"
    );
    assert_eq!(state["links"], json!(links), "{what}: {state}");
    assert!(
        state["invalid"]
            .as_array()
            .is_some_and(|v| v.iter().all(|i| i == true)),
        "{what}: a link leads to no field in error: {state}"
    );
    assert_eq!(state["title"], title, "{what}: {state}");
}

/// At a phone's size, in both languages: a gift below the minimum, a note over its limit and an
/// offer of help with a phone that is not one each come back opened at their error summary
/// (never at the page's top, where the donor would see only the headline), with links to the
/// fields in error and a title that starts with the problem.
#[test]
fn a_refused_form_opens_at_its_error_summary_in_english_and_khmer() {
    let started = Instant::now();
    let w = Worker::shared(module_path!());
    for (n, (lang, prefix)) in [("en", "/"), ("km", "/km/")].into_iter().enumerate() {
        let t = copy(lang);
        let title = |problem: &str| {
            fill(
                &word(&t, "error_title"),
                &[
                    ("problem", problem),
                    (
                        "title",
                        &format!("{} | {}", word(&t, "page_title"), word(&t, "site_name")),
                    ),
                ],
            )
        };
        let b = browser(390, 844, 20601 + n as u32);
        open(&b, &format!("{}{prefix}", w.base), "#pledge-form");

        // A gift below the minimum.
        b.click("label[for=tier-own]");
        b.type_into("#amount", "3");
        b.click("label[for=eligible]");
        send_gift(&b);
        summary_in_view(
            &b,
            &format!("{lang}: a gift of 3"),
            "#pledge-errors",
            "give",
            &["#amount"],
            &title(&word(&t, "error_amount")),
        );
        b.screenshot(&shot(&format!("refused-{lang}-1-amount.png")));

        // A note over its limit, sent from that answer: the amount fixed, the box still ticked.
        b.type_into("#amount", "5");
        b.eval(
            "document.querySelector('#pledge-note').value = arguments[0].repeat(501); return true;",
            json!([if lang == "km" { "ក" } else { "a" }]),
        );
        send_gift(&b);
        let too_long = fill(&word(&t, "error_too_long"), &[("n", &number(lang, 500))]);
        summary_in_view(
            &b,
            &format!("{lang}: a note of 501 characters"),
            "#pledge-errors",
            "give",
            &["#pledge-note"],
            &title(&too_long),
        );
        let loaded = Instant::now();
        b.screenshot(&shot(&format!("refused-{lang}-2-note.png")));

        // An offer of help with a phone that is not one (its form is typed into: its token
        // waits the minimum age).
        b.type_into("#volunteer-name", "Sokha");
        b.type_into("#volunteer-phone", "call me");
        let_token_age(loaded);
        b.click_and_wait("#volunteer-form button[type=submit]");
        summary_in_view(
            &b,
            &format!("{lang}: a phone that is not one"),
            "#volunteer-errors",
            "involved",
            &["#volunteer-phone"],
            &title(&word(&t, "error_phone")),
        );
        let kept = b.eval(
            "return [document.querySelector('#volunteer-name').value, document.querySelector('#volunteer-phone').value]",
            json!([]),
        );
        assert_eq!(kept, json!(["Sokha", "call me"]), "{lang}: values kept");
        b.screenshot(&shot(&format!("refused-{lang}-3-phone.png")));
    }
    eprintln!(
        "a_refused_form_opens_at_its_error_summary_in_english_and_khmer: {:?}",
        started.elapsed()
    );
}

/// A Khmer keyboard types ០–៩: on `/km/`, an amount and a phone number typed in Khmer digits
/// go through, a pledge to the thank-you page and an offer of help to its own; the phone is
/// kept as `+` and ASCII digits; the supporter's date is written the Khmer way.
#[test]
fn khmer_digits_typed_on_km_complete_a_pledge_and_a_volunteer_sign_up() {
    let w = Worker::shared(module_path!());
    let t = copy("km");
    let b = browser(390, 844, 20401);
    let home = format!("{}/km/", w.base);
    open(&b, &home, "#pledge-form");
    b.click("label[for=tier-own]");
    b.type_into("#amount", "៥០");
    b.type_into("#pledge-name", "ស្រីពៅ ឌីជីថល");
    b.click("label[for=show-name]");
    b.click("label[for=eligible]");
    assert_eq!(
        b.text("#checkout-language"),
        word(&t, "form_checkout_language"),
        "Stripe's page is English: said before the redirect"
    );
    send_gift(&b);
    assert!(
        b.url()
            .starts_with(&format!("{}/km/sandbox/checkout/", w.base)),
        "{}",
        b.url()
    );
    b.click_and_wait("button[value=pay]");
    let id = b.url().rsplit('/').next().unwrap_or_default().to_string();
    let pledge = w.get(&format!("/api/pledges/{id}")).json();
    assert_eq!(pledge["amount_cents"], 5000, "{pledge}");
    b.wait_for(
        "the pledge paid",
        15,
        "const s = document.querySelector('#pledge-status'); return s && s.dataset.status === 'paid';",
        json!([]),
    );
    // The supporter's day, in Cambodia's time, as "២៨ វិច្ឆិកា ២០២៦".
    let day = &w.sql(&format!(
        "SELECT CAST(strftime('%d', paid_at + 25200, 'unixepoch') AS INTEGER) AS d, \
                CAST(strftime('%m', paid_at + 25200, 'unixepoch') AS INTEGER) AS m, \
                strftime('%Y', paid_at + 25200, 'unixepoch') AS y FROM pledges WHERE id = '{id}'"
    ))[0];
    let months: Vec<String> = word(&t, "date_months")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let khmer = |s: &str| {
        s.chars()
            .map(|c| {
                c.to_digit(10)
                    .map_or(c, |d| char::from_u32('០' as u32 + d).unwrap_or(c))
            })
            .collect::<String>()
    };
    let month = &months[day["m"].as_i64().unwrap_or(1) as usize - 1];
    let date = fill(
        &word(&t, "date_format"),
        &[
            ("day", &khmer(&day["d"].to_string())),
            ("month", month),
            ("year", &khmer(day["y"].as_str().unwrap_or_default())),
        ],
    );
    open(&b, &home, "#progress");
    let progress = b.text("#progress");
    assert!(
        progress.contains(&format!("ស្រីពៅ ឌីជីថល · {date}")),
        "{progress}"
    );
    b.screenshot(&shot("khmer-digits-1-supporter.png"));

    // An offer of help with a phone in Khmer digits.
    open(&b, &home, "#volunteer-form");
    let loaded = Instant::now();
    b.type_into("#volunteer-name", "សុខា ឌីជីថល");
    b.type_into("#volunteer-phone", "០១២ ៣៤៥ ៦៧៨");
    let_token_age(loaded);
    b.click_and_wait("#volunteer-form button[type=submit]");
    assert_eq!(b.url(), format!("{}/km/volunteer/thanks#", w.base));
    let row = w.sql("SELECT phone, lang FROM volunteers WHERE name = 'សុខា ឌីជីថល'");
    assert_eq!(row.len(), 1);
    assert_eq!(
        (row[0]["phone"].as_str(), row[0]["lang"].as_str()),
        (Some("012345678"), Some("km"))
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Comments and replies

/// One comment as the page draws it, or `null`.
const COMMENT: &str = "const li = document.getElementById('comment-' + arguments[0]); if (!li) return null; \
    const art = li.querySelector(':scope > article'); const body = art.querySelector('p.body'); \
    const parent = li.parentElement.closest('li.comment'); \
    return {classes: li.className, who: art.querySelector('.who').textContent, body: body.textContent, \
      body_children: body.childElementCount, notice: (art.querySelector('.notice') || {}).textContent || null, \
      parent: parent ? parent.id : null, white_space: getComputedStyle(body).whiteSpace, \
      reply: art.querySelector('a[href*=\"?reply=\"]') && art.querySelector('a[href*=\"?reply=\"]').getAttribute('href')};";

/// Types a comment into the page `b` shows (loaded at `loaded`), sends it and returns its id.
fn post_comment(b: &Browser, loaded: Instant, name: &str, text: &str) -> i64 {
    b.type_into("#comment-name", name);
    b.type_into("#comment-text", text);
    let typed = js_string(
        b,
        "return document.querySelector('#comment-text').value",
        json!([]),
    );
    assert_eq!(typed, text, "the textarea holds exactly what was typed");
    let_token_age(loaded);
    b.click_and_wait("#comment-form button[type=submit]");
    comment_id(&b.url())
}

#[test]
fn comment_and_reply_in_both_languages() {
    let started = Instant::now();
    let w = Worker::shared(module_path!());
    // (language, path prefix, name, comment, replier's name, reply): the two languages go
    // through each step side by side, so the 3 s token waits and the SQL calls are shared.
    let cases = [
        (
            "en",
            "/",
            "Ellen Reader",
            "Thank you for all your work!\nA second line, with  two spaces & <angle> brackets.",
            "Ellen's friend",
            "Seconded: keep going.\nAll the best.",
        ),
        (
            "km",
            "/km/",
            "សុខា",
            "សូមអរគុណសម្រាប់ការងាររបស់អ្នក\nបន្ទាត់ទីពីរ",
            "ដារ៉ា",
            "ខ្ញុំយល់ស្របទាំងស្រុង។\nសូមបន្តការងារល្អ!",
        ),
    ];
    let copies: Vec<toml::Table> = cases.iter().map(|c| copy(c.0)).collect();
    let homes: Vec<String> = cases.iter().map(|c| format!("{}{}", w.base, c.1)).collect();

    // Each author posts and sees their comment at once, marked as awaiting moderation.
    let authors: Vec<(Browser, Instant)> = (0..cases.len())
        .map(|n| {
            let b = browser(390, 844, 20301 + n as u32);
            open(&b, &homes[n], "#comment-form");
            (b, Instant::now())
        })
        .collect();
    let mut ids = Vec::new();
    for (n, (lang, _, name, text, _, _)) in cases.iter().enumerate() {
        let (author, loaded) = &authors[n];
        let id = post_comment(author, *loaded, name, text);
        assert!(
            author.url().starts_with(&format!("{}#comment-", homes[n])),
            "{lang}: {}",
            author.url()
        );
        let mine = author.wait_for("the held comment", 10, COMMENT, json!([id]));
        assert_eq!(
            mine["body"], *text,
            "{lang}: the text byte for byte: {mine}"
        );
        assert_eq!(mine["who"], *name);
        assert_eq!(mine["body_children"], 0);
        assert_eq!(mine["white_space"], "pre-wrap");
        assert!(
            mine["classes"]
                .as_str()
                .unwrap_or_default()
                .contains("held"),
            "{mine}"
        );
        assert_eq!(
            mine["notice"],
            word(&copies[n], "comment_awaiting"),
            "{lang}: {mine}"
        );
        assert_eq!(
            mine["reply"],
            Value::Null,
            "{lang}: a held comment offers no reply"
        );
        author.eval(
            "document.getElementById('comment-' + arguments[0]).scrollIntoView(); return true;",
            json!([id]),
        );
        author.screenshot(&shot(&format!("comment-{lang}-1-held.png")));
        ids.push(id);
    }

    // Nobody else sees them, in either language, until they are approved.
    let others: Vec<Browser> = (0..cases.len())
        .map(|n| browser(1280, 800, 20311 + n as u32))
        .collect();
    for (n, other) in others.iter().enumerate() {
        open(other, &homes[n], "#comments");
        for id in &ids {
            assert_eq!(
                other.eval(COMMENT, json!([id])),
                Value::Null,
                "{}: held comment {id} is shown to another visitor",
                cases[n].0
            );
        }
    }
    w.sql(&format!(
        "UPDATE comments SET status = 'approved' WHERE id IN ({}, {})",
        ids[0], ids[1]
    ));

    // Another visitor answers each through its Reply link.
    let mut replying = Vec::new();
    for (n, other) in others.iter().enumerate() {
        let (lang, prefix, name, text, _, _) = cases[n];
        let id = ids[n];
        open(other, &homes[n], "#comments");
        let public = other.eval(COMMENT, json!([id]));
        assert_eq!(public["body"], text, "{lang}: {public}");
        assert_eq!(
            public["notice"],
            Value::Null,
            "{lang}: approved, no notice: {public}"
        );
        assert_eq!(public["classes"], "comment");
        let reply_href = public["reply"]
            .as_str()
            .unwrap_or_else(|| panic!("{lang}: no Reply link: {public}"))
            .to_string();
        assert_eq!(reply_href, format!("{prefix}?reply={id}#comment-form"));
        other.click_and_wait(&format!("#comment-{id} > article a[href*='?reply=']"));
        replying.push(Instant::now());
        assert_eq!(other.url(), format!("{}{reply_href}", w.base));
        let form = other.eval(
            "return {parent: document.querySelector('#comment-form input[name=parent_id]').value, \
              hint: document.querySelector('#comment-form a[href^=\"#comment-\"]').textContent}",
            json!([]),
        );
        assert_eq!(form["parent"], id.to_string(), "{lang}: {form}");
        assert_eq!(
            form["hint"],
            fill(&word(&copies[n], "comment_replying_to"), &[("name", name)]),
            "{lang}: {form}"
        );
    }
    let mut replies = Vec::new();
    for (n, other) in others.iter().enumerate() {
        let (lang, _, _, _, reply_name, reply_text) = cases[n];
        let reply = post_comment(other, replying[n], reply_name, reply_text);
        let held = other.wait_for("the held reply", 10, COMMENT, json!([reply]));
        assert_eq!(
            held["parent"],
            format!("comment-{}", ids[n]),
            "{lang}: the held reply sits in its thread: {held}"
        );
        assert_eq!(held["notice"], word(&copies[n], "comment_awaiting"));
        replies.push(reply);
    }
    drop(others);
    w.sql(&format!(
        "UPDATE comments SET status = 'approved' WHERE id IN ({}, {})",
        replies[0], replies[1]
    ));

    // A visitor without any cookie sees each thread, the reply inside its parent's item.
    let fresh = browser(1280, 800, 20321);
    for (n, (lang, _, _, _, reply_name, reply_text)) in cases.iter().enumerate() {
        let (id, reply) = (ids[n], replies[n]);
        open(&fresh, &homes[n], "#comments");
        let shown = fresh.eval(COMMENT, json!([reply]));
        assert_eq!(
            shown["parent"],
            format!("comment-{id}"),
            "{lang}: threaded under its parent: {shown}"
        );
        assert_eq!(shown["body"], *reply_text, "{lang}: {shown}");
        assert_eq!(shown["who"], *reply_name);
        assert_eq!(shown["body_children"], 0);
        assert_eq!(shown["notice"], Value::Null);
        assert_eq!(
            shown["reply"],
            Value::Null,
            "{lang}: replies are not answered in turn"
        );
        assert_eq!(
            fresh.eval(COMMENT, json!([id]))["body"],
            cases[n].3,
            "{lang}: the root as typed"
        );
        let nested = fresh.eval(
            "return !!document.querySelector('li#comment-' + arguments[0] + ' > ol > li#comment-' + arguments[1] + ' > article > p.body')",
            json!([id, reply]),
        );
        assert_eq!(
            nested, true,
            "{lang}: the reply is a list item inside its parent's"
        );
        fresh.eval(
            "document.getElementById('comment-' + arguments[0]).scrollIntoView(); return true;",
            json!([id]),
        );
        fresh.screenshot(&shot(&format!("comment-{lang}-2-thread.png")));
    }

    // Each author deletes their comment from their own browser, after a page that asks first;
    // the reply under it stays, beneath a placeholder.
    for (n, (lang, prefix, _, text, _, reply_text)) in cases.iter().enumerate() {
        let (author, _) = &authors[n];
        let (id, reply) = (ids[n], replies[n]);
        open(author, &homes[n], "#comments");
        author.click_and_wait(&format!("#comment-{id} > article a[href$='/delete']"));
        assert_eq!(
            author.url(),
            format!("{}{prefix}comments/{id}/delete", w.base),
            "{lang}"
        );
        let asked = author.text("main");
        assert!(
            asked.contains(text.lines().next().unwrap_or_default()),
            "{lang}: {asked}"
        );
        assert!(
            asked.contains(&word(&copies[n], "comment_delete_replies")),
            "{lang}: {asked}"
        );
        assert!(
            author.axe_serious().is_empty(),
            "{lang}: axe: {:?}",
            author.axe_serious()
        );
        author.screenshot(&shot(&format!("comment-{lang}-3-delete.png")));
        author.click_and_wait("main form button[type=submit]");
        let done = author.text("main");
        assert!(
            done.contains(&word(&copies[n], "comment_deleted_title")),
            "{lang}: {done}"
        );
        open(&fresh, &homes[n], "#comments");
        let left = fresh.eval(
            "const li = document.getElementById('comment-' + arguments[0]); \
             return li && {body: li.querySelector(':scope > article p.body').textContent, who: !!li.querySelector(':scope > article .who'), \
               reply: !!li.querySelector(':scope > ol > li#comment-' + arguments[1])};",
            json!([id, reply]),
        );
        assert_eq!(
            left,
            json!({"body": word(&copies[n], "comment_removed"), "who": false, "reply": true}),
            "{lang}: a placeholder with the reply under it"
        );
        assert_eq!(fresh.eval(COMMENT, json!([reply]))["body"], *reply_text);
        fresh.screenshot(&shot(&format!("comment-{lang}-4-removed.png")));
    }
    drop(authors);
    eprintln!(
        "comment_and_reply_in_both_languages: {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// 4. XSS

fn payloads() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/xss-payloads.txt"))
        .expect("read the payloads");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Everything the XSS check looks at on one page.
const XSS_SCAN: &str = "const on = []; \
    for (const el of document.querySelectorAll('*')) for (const a of el.attributes) \
      if (a.name.toLowerCase().startsWith('on')) on.push(el.tagName + '[' + a.name + ']'); \
    const c = document.querySelector('#comments'); \
    const banned = [...c.querySelectorAll('script,iframe,frame,frameset,object,embed,svg,math,img,image,video,audio,source,style,link,meta,base,template,noscript,xmp,details,marquee,table,input:not(#comment-form input),form:not(#comment-form),button:not(#comment-form button)')] \
      .map(e => e.tagName); \
    const everywhere = [...document.querySelectorAll('script,iframe,frame,object,embed,base,meta[http-equiv]')].map(e => e.tagName); \
    const js_urls = [...document.querySelectorAll('[href],[src],[action],[formaction],[data],[background]')] \
      .filter(e => ['href','src','action','formaction','data','background'].some(n => /^\\s*javascript:/i.test(e.getAttribute(n) || ''))).map(e => e.outerHTML); \
    const allowed = new Set(['LI','OL','ARTICLE','P','SPAN','A','TIME']); \
    const odd = [...c.querySelectorAll('ol.comments *')].filter(e => !allowed.has(e.tagName)).map(e => e.tagName); \
    const comments = [...c.querySelectorAll('ol.comments li.comment')].map(li => { \
      const art = li.querySelector(':scope > article'); const body = art.querySelector('p.body'); const who = art.querySelector('.who'); \
      return {id: li.id, body: body.textContent, body_children: body.childElementCount, who: who.textContent, who_children: who.childElementCount}; }); \
    const next = c.querySelector('nav.pager a[rel=next]'); \
    return {on, banned, everywhere, js_urls, odd, comments, title: document.title, next: next && next.getAttribute('href')};";

#[test]
fn xss_payloads_are_shown_as_text_and_never_run() {
    let started = Instant::now();
    let w = Worker::start(&[]);
    let payloads = payloads();
    assert!(
        payloads.len() >= 30,
        "a few dozen payloads, got {}",
        payloads.len()
    );

    // Post every payload over HTTP, each from its own address with a token of its own (a
    // token is accepted once), all aged together.
    let tokens: Vec<String> = (0..payloads.len())
        .map(|i| form_token(&w.get_as("/", &ip(20500 + i as u32)), "comment-form"))
        .collect();
    std::thread::sleep(Duration::from_millis(3500));
    let mut posted: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for (i, p) in payloads.iter().enumerate() {
        // Every third payload is the commenter's name too (names are trimmed and at most 80).
        let name = if i % 3 == 0 && p.trim().chars().count() <= 80 {
            p.trim().to_string()
        } else {
            format!("Tester {i}")
        };
        let r = w.post_form(
            "/comments",
            &ip(20501 + i as u32),
            &[
                ("token", &tokens[i]),
                ("lang", "en"),
                ("name", &name),
                ("text", p),
            ],
        );
        assert_eq!(r.status, 303, "payload {i} {p:?} was refused: {}", r.body);
        let id = comment_id(r.header("Location").unwrap_or_default());
        posted.insert(id, (name, p.clone()));
    }
    w.sql("UPDATE comments SET status = 'approved'");

    // At phone width: the long unbroken payloads must not push the page sideways either.
    let b = browser(390, 844, 20399);
    for prefix in ["/", "/km/"] {
        let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
        let mut url = format!("{}{prefix}", w.base);
        let title = {
            open(&b, &url, "#comments");
            js_string(&b, "return document.title", json!([]))
        };
        for page in 1.. {
            if page > 1 {
                b.click_and_wait("#comments nav.pager a[rel=next]");
                url = b.url();
                assert!(
                    url.ends_with(&format!("?page={page}#comments")),
                    "pagination link: {url}"
                );
            }
            assert_eq!(b.dialog(), None, "a dialog opened on {url}");
            let scan = b.eval(XSS_SCAN, json!([]));
            assert_eq!(scan["on"], json!([]), "event handler attributes on {url}");
            assert_eq!(
                scan["banned"],
                json!([]),
                "active elements inside #comments on {url}"
            );
            assert_eq!(
                scan["everywhere"],
                json!([]),
                "script-like elements on {url}"
            );
            assert_eq!(scan["js_urls"], json!([]), "javascript: URLs on {url}");
            assert_eq!(
                scan["odd"],
                json!([]),
                "unexpected elements in the comment list on {url}"
            );
            assert_eq!(scan["title"], title, "the title changed on {url}");
            let fit = b.eval(OVERFLOW, json!([]));
            assert!(
                fit["scroll"].as_u64() <= fit["inner"].as_u64(),
                "{url} overflows at 390 px: {fit}"
            );
            let comments = scan["comments"].as_array().expect("comments");
            assert!(
                !comments.is_empty() && comments.len() <= 10,
                "{} threads on {url}",
                comments.len()
            );
            for c in comments {
                let id = comment_id(&format!("#{}", c["id"].as_str().unwrap_or_default()));
                let (name, payload) = posted
                    .get(&id)
                    .unwrap_or_else(|| panic!("unknown comment {id} on {url}"));
                assert_eq!(
                    c["body_children"], 0,
                    "comment {id} body has elements: {payload:?}"
                );
                assert_eq!(
                    c["body"].as_str().unwrap_or_default(),
                    payload,
                    "comment {id} body differs from what was posted"
                );
                assert_eq!(
                    c["who_children"], 0,
                    "comment {id} name has elements: {name:?}"
                );
                assert_eq!(
                    c["who"].as_str().unwrap_or_default(),
                    name,
                    "comment {id} name differs"
                );
                *seen.entry(id).or_default() += 1;
            }
            if page == 1 {
                b.eval(
                    "document.querySelector('#comments').scrollIntoView(); return true;",
                    json!([]),
                );
                b.screenshot(&shot(&format!(
                    "xss-{}-page1.png",
                    if prefix == "/" { "en" } else { "km" }
                )));
            }
            if scan["next"].is_null() {
                break;
            }
        }
        assert_eq!(
            seen.keys().copied().collect::<Vec<_>>(),
            posted.keys().copied().collect::<Vec<_>>(),
            "every payload shown once on {prefix}"
        );
        assert!(
            seen.values().all(|n| *n == 1),
            "a comment shown on two pages of {prefix}"
        );
        assert_eq!(b.dialog(), None);
    }

    // The scan can fail: markup slipped into a comment is caught.
    b.eval("const p = document.querySelector('#comments p.body'); p.innerHTML = '<img src=x onerror=\"void 0\">' + p.innerHTML; return true;", json!([]));
    let scan = b.eval(XSS_SCAN, json!([]));
    assert_ne!(scan["on"], json!([]), "{scan}");
    assert_ne!(scan["banned"], json!([]), "{scan}");
    assert_eq!(scan["comments"][0]["body_children"], 1, "{scan}");
    eprintln!(
        "xss_payloads_are_shown_as_text_and_never_run: {} payloads, {:?}",
        posted.len(),
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// 5. The maintainers' area

#[test]
fn a_maintainer_logs_in_approves_a_comment_and_replies_to_it() {
    let w = Worker::start(&[]);
    w.sql(
        "INSERT INTO comments (id, parent_id, thread_id, name, body, lang, status, is_campaign, created_at) \
         VALUES (7, NULL, NULL, 'A young reader', 'Where can I donate? ខ្ញុំចង់ជួយ។', 'en', 'held', 0, 1795000000)",
    );
    // The session cookie is `Secure`: Chromium keeps it on http only for `localhost`.
    let admin_base = w.base.replace("127.0.0.1", "localhost");
    let b = browser(390, 844, 26100);
    // A maintainer made the way a campaign makes one (bootstrap, password, second factor),
    // signing in as a person would: name, password, the code the authenticator shows.
    let me = campaign_tests::accounts::bootstrap(&w, "sokha", "198.51.100.61");
    open(&b, &format!("{admin_base}/admin"), "#signin-password");
    b.type_into("#signin-name", &me.name);
    b.type_into("#signin-password", &me.password);
    b.type_into("#signin-code", &me.browser_code());
    b.click_and_wait("form[action='/admin/login'] button");
    assert!(b.url().ends_with("/admin"), "after login: {}", b.url());
    open(
        &b,
        &format!("{admin_base}/admin/comments?status=held"),
        "#comment-7",
    );
    b.screenshot(&shot("admin-1-held.png"));
    b.click_and_wait("#comment-7 button[formaction$='/approve']");
    open(
        &b,
        &format!("{admin_base}/admin/comments?status=approved"),
        "#comment-7",
    );
    b.eval(
        "document.querySelector('#comment-7 details').open = true; return true;",
        json!([]),
    );
    let reply = "You can give on this page: choose a gift under \"Give\".\nអរគុណ!";
    b.type_into("#reply-7", reply);
    b.click_and_wait("#comment-7 form[action$='/reply'] button");
    b.screenshot(&shot("admin-2-replied.png"));
    // A visitor with no cookie sees both: the comment, and under it the campaign's reply, marked.
    let v = browser(390, 844, 26101);
    open(&v, &format!("{}/", w.base), "#comment-7");
    let found = v.eval(
        "const root = document.querySelector('#comment-7'); \
         const r = root.querySelector('ol > li.comment.campaign'); \
         return {root: root.querySelector('p.body').textContent, reply: r ? r.querySelector('p.body').textContent : null, \
                 badge: r ? !!r.querySelector('.badge') : false};",
        json!([]),
    );
    assert_eq!(found["root"], "Where can I donate? ខ្ញុំចង់ជួយ។");
    assert_eq!(found["reply"], reply);
    assert_eq!(found["badge"], true);
    v.screenshot(&shot("admin-3-public-thread.png"));
}

/// What a page measures: its widths, the tallest heading's text against its line height (the
/// text's own box: a `th` is as tall as its row), where the logout button sits against the
/// header, whether rows are cards, and whether each cell shows its label.
const ADMIN_LAYOUT: &str = "const w = window.innerWidth; \
    const heads = [...document.querySelectorAll('th')].map(th => { \
      const s = getComputedStyle(th); const lh = parseFloat(s.lineHeight); \
      const r = document.createRange(); r.selectNodeContents(th); \
      const h = r.getBoundingClientRect().height; \
      const lines = new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; \
      return {text: th.textContent, ratio: h / lh, lines: lines}; }); \
    const worst = heads.reduce((a, b) => (a && a.ratio >= b.ratio) ? a : b, null); \
    const header = document.querySelector('header.site').getBoundingClientRect(); \
    const button = document.querySelector('form.logout button'); \
    const out = button ? button.getBoundingClientRect() : {top: null, bottom: null}; \
    const cells = [...document.querySelectorAll('td')]; \
    const unlabelled = cells.filter(td => !td.dataset.label).length; \
    const shown = cells.filter(td => getComputedStyle(td, '::before').content === JSON.stringify(td.dataset.label)).length; \
    const thead = [...document.querySelectorAll('thead')].map(t => t.getBoundingClientRect().width); \
    const row = document.querySelector('tbody tr'); \
    return {cards: !!row && getComputedStyle(row).display === 'block', scroll: document.documentElement.scrollWidth, inner: w, headings: heads.length, \
      worst: worst, wrapped: heads.filter(h => h.ratio > 1.5 || h.lines > 1).map(h => h.text), \
      header: [header.top, header.bottom], logout: [out.top, out.bottom], \
      cells: cells.length, unlabelled: unlabelled, labels_shown: shown, thead_widths: thead};";

/// Checks the loaded admin page `name` at `width`: no horizontal scroll, the logout inside the
/// header, every cell labelled, headings on one line at a desktop width and cards on a phone,
/// no serious or critical axe violation; saves its screenshot.
fn check_admin_page(b: &Browser, name: &str, width: u32, problems: &mut Vec<String>) {
    let m = b.eval(ADMIN_LAYOUT, json!([]));
    let fit = b.eval(OVERFLOW, json!([]));
    eprintln!(
        "admin {name} at {width}px: scrollWidth {} / innerWidth {}, {} cells{}",
        m["scroll"],
        m["inner"],
        m["cells"],
        match (m["cells"] != 0, m["cards"] == true) {
            (false, _) => String::new(),
            (true, true) => format!(" as cards, {} labels shown", m["labels_shown"]),
            (true, false) => format!(
                " in tables, {} headings, tallest {}",
                m["headings"], m["worst"]
            ),
        }
    );
    if m["scroll"].as_f64() > m["inner"].as_f64() {
        problems.push(format!("{name} at {width}px scrolls sideways: {fit}"));
    }
    let (top, bottom) = (
        m["header"][0].as_f64().unwrap_or(0.0),
        m["header"][1].as_f64().unwrap_or(0.0),
    );
    let (out_top, out_bottom) = (
        m["logout"][0].as_f64().unwrap_or(-1.0),
        m["logout"][1].as_f64().unwrap_or(-1.0),
    );
    eprintln!("  header {top}..{bottom}, logout button {out_top}..{out_bottom}");
    // Signed out (the login page), there is no logout button.
    let signed_in = name != "login";
    if signed_in && !(top <= out_top && out_top < bottom && out_bottom <= bottom) {
        problems.push(format!(
            "{name} at {width}px: the logout button ({out_top}..{out_bottom}) is outside the header ({top}..{bottom})"
        ));
    }
    if m["unlabelled"] != 0 {
        problems.push(format!(
            "{name}: {} cells without data-label",
            m["unlabelled"]
        ));
    }
    // A phone gets cards, a desktop tables; in between, whichever the stylesheet chose.
    let cards = m["cards"] == true;
    if m["cells"] != 0 && (width <= 400 && !cards || width >= 1280 && cards) {
        problems.push(format!(
            "{name} at {width}px: {} expected",
            if width <= 400 { "cards" } else { "tables" }
        ));
    }
    if !cards {
        if m["wrapped"].as_array().is_some_and(|w| !w.is_empty()) {
            problems.push(format!(
                "{name} at {width}px: headings wrapped: {}",
                m["wrapped"]
            ));
        }
    } else {
        // Cards: the headings are there for screen readers, out of sight; each cell names its
        // column itself.
        if m["labels_shown"] != m["cells"] {
            problems.push(format!(
                "{name} at {width}px: {} of {} cells show their label",
                m["labels_shown"], m["cells"]
            ));
        }
        if m["thead_widths"]
            .as_array()
            .is_some_and(|t| t.iter().any(|w| w.as_f64().unwrap_or(0.0) > 1.0))
        {
            problems.push(format!(
                "{name} at {width}px: table headings visible: {}",
                m["thead_widths"]
            ));
        }
    }
    let axe = b.axe_serious();
    if !axe.is_empty() {
        problems.push(format!("{name} at {width}px, axe:\n  {}", axe.join("\n  ")));
    }
    b.full_screenshot(&shot(&format!("admin-{name}-{width}.png")));
}

#[test]
fn every_admin_page_fits_a_phone_and_a_desktop() {
    let started = Instant::now();
    let w = Worker::start(&[]);
    let t = now();
    let day = 86_400;
    // Long words everywhere a maintainer's screen could be pushed wide: emails, ids, references.
    let (once, refunded, euro, monthly, stopped, pending) = (
        pid(6201),
        pid(6202),
        pid(6203),
        pid(6204),
        pid(6205),
        pid(6206),
    );
    w.sql(&format!(
        "INSERT INTO comments (id, parent_id, thread_id, name, website, body, lang, status, is_campaign, link_count, flagged, created_at) VALUES \
         (6201, NULL, 6201, 'សុខា ចាន់', NULL, 'តើខ្ញុំអាចជួយការបណ្ដុះបណ្ដាលនៅខេត្តកំពតបានទេ?', 'km', 'held', 0, 0, 0, {d3}), \
         (6202, NULL, 6202, 'Link Sharer', 'https://example.org/a/very/long/path/that/never/breaks/by/itself', 'See https://a.example https://b.example https://c.example', 'en', 'held', 0, 3, 1, {d2}), \
         (6203, NULL, 6203, 'Margaret O''Neill', NULL, 'When is the next community meeting in Battambang?', 'en', 'approved', 0, 0, 0, {d2}), \
         (6204, NULL, 6204, 'Spammer', NULL, 'cheap pills', 'en', 'spam', 0, 0, 0, {d1}); \
         INSERT INTO pledges (id, status, frequency, amount_cents, currency, tier, designation, name, email, show_name, note, lang, subscription_id, failed_renewals, unpaid_invoice, created_at, paid_at, ended_at, attested_at) VALUES \
         ('{once}', 'paid', 'once', 5000, 'usd', 'women-training', 'women-training', 'ចន្ទា', 'chantha.donor.with.a.long.address@example-diaspora-association.org', 1, 'For the trainers in Kampot, with thanks from all of us abroad', 'km', NULL, 0, NULL, {d3}, {d3}, NULL, {d3}), \
         ('{refunded}', 'paid', 'once', 35000, 'usd', 'information-year', 'information-year', 'Hidden Donor', 'hidden@example.org', 0, NULL, 'en', NULL, 0, NULL, {d2}, {d2}, NULL, {d2}), \
         ('{euro}', 'paid', 'once', 9900, 'eur', NULL, 'general', NULL, NULL, 0, NULL, 'en', NULL, 0, NULL, {d2}, {d2}, NULL, NULL), \
         ('{monthly}', 'active', 'month', 2500, 'usd', NULL, 'general', 'Monthly Dara', 'dara@example.org', 1, NULL, 'en', 'sub_6204', 1, 'in_6204_unpaid', {d90}, {d90}, NULL, {d90}), \
         ('{stopped}', 'cancelled', 'month', 1000, 'usd', NULL, 'general', 'Stopped Sok', NULL, 0, NULL, 'km', 'sub_6205', 0, NULL, {d90}, {d90}, {d1}, {d90}), \
         ('{pending}', 'pending', 'once', 7500, 'usd', NULL, 'general', 'Pending Person', 'pending@example.org', 0, NULL, 'en', NULL, 0, NULL, {d0}, NULL, NULL, {d0}); \
         INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, refunded_cents, payment_intent, flag, paid_at) VALUES \
         ('stripe', 'pi_6201', '{once}', 5000, 'usd', 0, 'pi_6201', NULL, {d3}), \
         ('stripe', 'pi_6202', '{refunded}', 35000, 'usd', 10000, 'pi_6202', NULL, {d2}), \
         ('stripe', 'pi_6203', '{euro}', 9900, 'eur', 0, 'pi_6203', 'currency', {d2}), \
         ('stripe', 'in_6204_1', '{monthly}', 2500, 'usd', 0, 'pi_6204_1', NULL, {d90}), \
         ('stripe', 'in_6204_2', '{monthly}', 2500, 'usd', 0, 'pi_6204_2', NULL, {d60}), \
         ('stripe', 'in_6204_3', '{monthly}', 2500, 'usd', 0, 'pi_6204_3', NULL, {d30}), \
         ('stripe', 'in_6205_1', '{stopped}', 1000, 'usd', 0, 'pi_6205_1', NULL, {d90}); \
         INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents, currency, received_at) VALUES \
         ('stripe', 'evt_1QdisputeCreatedWithAVeryLongIdentifier6201', 'charge.dispute.created', 'flagged:dispute', '{once}', 'pi_6201', 5000, 'usd', {d1}), \
         ('standard', 'msg_2SecondPaymentForAPledgeAlreadyPaid6202', 'payment.succeeded', 'flagged:second-payment', '{refunded}', 'pay_6202_second', 35000, 'usd', {d1}); \
         INSERT INTO refunds (scheme, provider_ref, refunded_cents, currency, updated_at) VALUES \
         ('stripe', 'pi_3RefundThatOvertookItsPaymentWithALongReference6207', 2500, 'usd', {d0}); \
         INSERT INTO volunteers (name, email, phone, place, help, message, lang, created_at) VALUES \
         ('ស្រីមុំ', 'srey.mom.volunteer.long.address@example-province-office.org', '+855 12 345 678', 'ខេត្តសៀមរាប', 'radio,training', 'I can help with radio programmes on weekends and train two villages.', 'km', {d1}), \
         ('Bopha', NULL, '+855 98 765 432', 'Phnom Penh', 'meetings', NULL, 'en', {d0}); \
         INSERT INTO erasures (at, kind, pledges, comments, volunteers) VALUES ({d1}, 'email', 2, 1, 0)",
        d0 = t - 3600,
        d1 = t - day,
        d2 = t - 2 * day,
        d3 = t - 3 * day,
        d30 = t - 30 * day,
        d60 = t - 60 * day,
        d90 = t - 90 * day,
    ));
    let seen = w.sql("SELECT outcome FROM webhook_events");
    assert_eq!(seen.len(), 2, "flagged events seeded: {seen:?}");

    // Signed in over HTTP; the browser is handed the session. The cookie is `Secure`: Chromium
    // keeps it on http only for `localhost`.
    let me = ip(26200);
    let session = campaign_tests::admin::sign_in(&w, &me);
    let admin_base = w.base.replace("127.0.0.1", "localhost");
    let mut problems = Vec::new();
    // A phone, a tablet on its side (cards still) and a desktop.
    for (width, height) in [(390, 844), (1024, 768), (1280, 800)] {
        let b = browser(width, height, 26200);
        open(&b, &format!("{admin_base}/admin"), "#signin-password");
        check_admin_page(&b, "login", width, &mut problems);
        b.set_cookie(&format!("{admin_base}/admin"), &session.cookie);
        for (name, path, css) in campaign_tests::admin::PAGES {
            open(&b, &format!("{admin_base}{path}"), css);
            assert!(
                b.url().ends_with(path),
                "{path} at {width}px went to {}",
                b.url()
            );
            check_admin_page(&b, name, width, &mut problems);
        }
        // What is stored for an address: the page the erase form leads to.
        open(&b, &format!("{admin_base}/admin/erase"), "#erase-email");
        b.type_into(
            "#erase-email",
            "chantha.donor.with.a.long.address@example-diaspora-association.org",
        );
        b.click_and_wait("form[action='/admin/erase/find'] button");
        b.wait_for(
            "what is stored",
            30,
            "return !!document.querySelector('#pledges-heading');",
            json!([]),
        );
        check_admin_page(&b, "erase-found", width, &mut problems);

        if width == 390 {
            // Moderating from a phone: approve the held Khmer comment.
            open(
                &b,
                &format!("{admin_base}/admin/comments?status=held"),
                "#comment-6201",
            );
            b.click_and_wait("#comment-6201 button[formaction$='/approve']");
            let status = w.sql("SELECT status FROM comments WHERE id = 6201");
            assert_eq!(
                status[0]["status"], "approved",
                "after approving: {status:?}"
            );
            check_admin_page(&b, "comments-after-approve", width, &mut problems);
        }

        // The export the pledges page links to, fetched with the session.
        open(&b, &format!("{admin_base}/admin/pledges"), "#list-heading");
        let csv = js_string(
            &b,
            "return document.querySelector('a[href*=\".csv\"]').getAttribute('href');",
            json!([]),
        );
        let r = w.request(
            "GET",
            &csv,
            &[
                ("CF-Connecting-IP", me.as_str()),
                ("Cookie", session.cookie.as_str()),
            ],
            None,
        );
        assert_eq!(r.status, 200, "{csv}");
        assert!(
            r.header("Content-Type")
                .is_some_and(|c| c.starts_with("text/csv")),
            "{csv}: {:?}",
            r.header("Content-Type")
        );
        assert!(r.body.contains(&once), "{csv} lists the seeded pledges");
    }
    assert!(
        problems.is_empty(),
        "admin layout/accessibility problems:\n{}",
        problems.join("\n")
    );
    eprintln!(
        "every_admin_page_fits_a_phone_and_a_desktop: {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// Reach: a prefilled share link followed to a pledge

#[test]
fn a_prefilled_share_link_leads_to_a_pledge_with_its_code() {
    let w = Worker::start(&[]);
    let b = browser(390, 844, 29301);
    let link = format!(
        "{}/km/?ref=chapter-paris&tier=women-radio&frequency=month#give",
        w.base
    );
    open(&b, &link, "#pledge-form");
    let chosen = b.eval(
        "return [document.querySelector('#tier-women-radio').checked, \
          document.querySelector('#frequency-month').checked, \
          document.querySelector('#frequency-once').checked, \
          document.querySelector('#pledge-form input[name=ref]').value, \
          location.hash, \
          Math.round(document.querySelector('#give').getBoundingClientRect().top \
            - parseFloat(getComputedStyle(document.querySelector('#give')).scrollMarginTop))]",
        json!([]),
    );
    let got: Vec<Value> = (0..5).map(|i| chosen[i].clone()).collect();
    assert_eq!(
        json!(got),
        json!([true, true, false, "chapter-paris", "#give"]),
        "{chosen}"
    );
    let top = chosen[5].as_i64().unwrap_or(i64::MAX);
    assert!(
        top.abs() <= 2,
        "#give jumps to the form: its top is {top} px from where its scroll margin puts it"
    );
    b.screenshot(&shot("reach-km-1-prefilled.png"));
    b.click("label[for=eligible]");
    send_gift(&b);
    assert!(
        b.url()
            .starts_with(&format!("{}/km/sandbox/checkout/", w.base)),
        "{}",
        b.url()
    );
    b.click_and_wait("button[value=pay]");
    let id = b.url().rsplit('/').next().unwrap_or_default().to_string();
    assert_eq!(b.url(), format!("{}/km/pledges/{id}", w.base));
    let status = b.wait_for(
        "the monthly gift active",
        15,
        "const s = document.querySelector('#pledge-status'); return s && s.dataset.status;",
        json!([]),
    );
    assert_eq!(status, "active");
    let row = &w.sql(&format!(
        "SELECT source, tier, frequency, lang, amount_cents FROM pledges WHERE id = '{id}'"
    ))[0];
    assert_eq!(
        (
            row["source"].as_str(),
            row["tier"].as_str(),
            row["frequency"].as_str(),
            row["lang"].as_str()
        ),
        (
            Some("chapter-paris"),
            Some("women-radio"),
            Some("month"),
            Some("km")
        ),
        "{row}"
    );
}

/// "Would you make it monthly?" (#28 §2) on a phone, in Khmer: a one-off gift is asked, both
/// answers look alike and neither is chosen, the suggested monthly amount is changed, and the
/// monthly gift goes to the checkout with it.
#[test]
fn a_one_off_gift_is_asked_to_give_monthly_on_a_phone_in_khmer() {
    let w = Worker::start(&[]);
    let t = copy("km");
    let b = browser(390, 844, 20900);
    open(&b, &format!("{}/km/", w.base), "#pledge-form");
    b.click("label[for=tier-women-radio]");
    b.click("label[for=eligible]");
    send_gift_asked(&b);
    assert!(b.url().contains("/km/pledges"), "{}", b.url());
    assert_eq!(b.text("h1"), word(&t, "upsell_title"));
    // Both answers: the same size, colour and weight; no radio or box ticked for the donor.
    let looks = b.eval(
        "return [...document.querySelectorAll('#upsell-form button')].map(e => { \
           const s = getComputedStyle(e), r = e.getBoundingClientRect(); \
           return [s.backgroundColor, s.color, s.fontSize, s.fontWeight, s.borderStyle, Math.round(r.height)]; });",
        json!([]),
    );
    let looks = looks.as_array().cloned().unwrap_or_default();
    assert_eq!(looks.len(), 2, "{looks:?}");
    assert_eq!(looks[0], looks[1], "both answers alike");
    let fits = b.eval(
        "return document.documentElement.scrollWidth <= window.innerWidth;",
        json!([]),
    );
    assert_eq!(fits, json!(true), "nothing wider than the phone");
    assert_eq!(
        b.eval(
            "return document.querySelectorAll('input:checked').length;",
            json!([])
        ),
        json!(0)
    );
    b.full_screenshot(&shot("upsell-km-390.png"));
    let serious = b.axe_serious();
    assert!(serious.is_empty(), "{serious:?}");
    b.eval(
        "document.querySelector('#monthly-amount').value = ''; return true;",
        json!([]),
    );
    b.type_into("#monthly-amount", "២០");
    b.click_and_wait("#upsell-form button[value=month]");
    let checkout = b.url();
    assert!(checkout.contains("/km/sandbox/checkout/"), "{checkout}");
    let id = checkout.rsplit('/').next().unwrap_or_default();
    let p = &w.sql(&format!(
        "SELECT frequency, amount_cents FROM pledges WHERE id = '{id}'"
    ))[0];
    assert_eq!(
        (p["frequency"].as_str(), p["amount_cents"].as_i64()),
        (Some("month"), Some(2000))
    );
}

/// Sends the gift form and waits for the monthly step.
fn send_gift_asked(b: &Browser) {
    b.click_and_wait("#pledge-form button[type=submit]");
    b.wait_for(
        "the monthly step",
        10,
        "return !!document.querySelector('#upsell-form');",
        json!([]),
    );
}
