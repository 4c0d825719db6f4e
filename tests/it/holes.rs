//! The kept campaign page's per-visitor values are placed, not searched for (#27 §2): a
//! supporter's public name and a comment that spell every marker the page was once edited by
//! (`id="pledge-form"`, `</form>`, the token and share-link slots, the choices' `data-pick`)
//! stay text, and every response is the same page byte for byte apart from its holes (the
//! forms' tokens, the share link's code, choices and amount), whether it was drawn, kept in
//! the isolate's memory or read back from the Cache API.
//!
//! Visitor addresses 14500–14599 are this module's (`main.rs`).

use campaign_tests::{ip, Resp, Worker};

/// Every marker the kept page used to be filled by searching for, in a visitor's words.
const SPELLED: &str = "Dara id=\"pledge-form\" @@reach:source@@ @@reach:amount@@ \
     data-pick=\"tier:women-radio:1\" data-pick=\"tier:own:0\" data-pick=\"frequency:month:1\" \
     @@form-token:comment@@ @@form-token:volunteer@@ </form> <form id=\"pledge-form\"> end";

/// `SPELLED` as the page must show it: text, escaped as Leptos escapes text (`&`, `<`, `>`).
fn shown() -> String {
    SPELLED
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The supporters' list, for a failure's message.
fn supporters(page: &str) -> &str {
    let start = page.find("<h3>").unwrap_or(0);
    &page[start..(start + 800).min(page.len())]
}

/// The value of attribute `name` in one tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    tag[at..].split('"').next()
}

/// The page with its holes emptied: in every `<input>` tag (a visitor's text cannot spell one:
/// its `<` is `&lt;`), the token, code and amount values and the choices' ` checked`.
fn masked(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(at) = rest.find("<input ") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..end];
        match attr(tag, "name") {
            Some("token" | "ref" | "amount") => {
                let value = attr(tag, "value").unwrap_or_default();
                out.push_str(&tag.replacen(&format!(" value=\"{value}\""), " value=\"(hole)\"", 1));
            }
            Some("tier" | "frequency") => out.push_str(&tag.replacen(" checked", "", 1)),
            _ => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The `<input>` tags named `name`, in page order.
fn inputs<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
    page.match_indices("<input ")
        .map(|(at, _)| &page[at..at + page[at..].find('>').unwrap_or(0)])
        .filter(|tag| attr(tag, "name") == Some(name))
        .collect()
}

/// The values a response put in the holes: the code, the amount, the checked tier and
/// frequency, and the tokens.
#[derive(Debug, PartialEq)]
struct Filled {
    source: String,
    amount: String,
    tier: Vec<String>,
    frequency: Vec<String>,
    tokens: Vec<String>,
}

fn filled(page: &str) -> Filled {
    let values = |name: &str| {
        inputs(page, name)
            .iter()
            .map(|t| attr(t, "value").unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    let checked = |name: &str| {
        inputs(page, name)
            .iter()
            .filter(|t| t.contains(" checked"))
            .map(|t| attr(t, "value").unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    Filled {
        source: values("ref").concat(),
        amount: values("amount").concat(),
        tier: checked("tier"),
        frequency: checked("frequency"),
        tokens: values("token"),
    }
}

fn get(w: &Worker, path: &str, visitor: &str, clock: &str) -> Resp {
    let r = w.request(
        "GET",
        path,
        &[
            ("CF-Connecting-IP", visitor),
            ("X-Test-Clock-Offset", clock),
        ],
        None,
    );
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r
}

#[test]
fn text_that_spells_a_former_marker_stays_text_and_every_page_differs_only_in_its_holes() {
    let w = Worker::start(&[("EDGE_CACHE_SECS", "60")]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    w.sql(&format!(
        "INSERT INTO pledges (id, status, amount_cents, tier, designation, name, show_name, lang, created_at, paid_at) VALUES \
         ('c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3', 'paid', 5000, 'women-radio', 'women-radio', '{SPELLED}', 1, 'en', {t}, {t}); \
         INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, payment_intent, paid_at) VALUES \
         ('stripe', 'pi_holes_c3', 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3', 5000, 'usd', 'pi_holes_c3', {t}); \
         INSERT INTO comments (name, body, status, is_campaign, created_at) VALUES \
         ('{SPELLED}', '{SPELLED}', 'approved', 0, {t});",
        t = now - 60
    ));
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (lang, n) in [("/", 0), ("/km/", 1)] {
        let visitor = |i: u32| ip(14500 + n * 10 + i);
        // Drawn (and kept), then from the isolate's memory, then (the clock past the memory's
        // ten seconds, still fresh) read back from the Cache API.
        let drawn = get(&w, lang, &visitor(1), "0");
        let memory = get(&w, lang, &visitor(2), "0");
        let kept = get(&w, lang, &visitor(3), "15");
        assert_eq!(drawn.header("X-Edge-Cache"), None, "{lang}: drawn");
        assert_eq!(memory.header("X-Edge-Cache"), Some("hit"), "{lang}");
        assert_eq!(kept.header("X-Edge-Cache"), Some("hit"), "{lang}");
        let link = get(
            &w,
            &format!("{lang}?ref=fb-post-12&tier=women-radio&frequency=month"),
            &visitor(4),
            "0",
        );
        let amount = get(&w, &format!("{lang}?amount=25"), &visitor(5), "0");
        assert_eq!(link.header("X-Edge-Cache"), Some("hit"), "{lang}");

        let expected = masked(&drawn.body);
        // The supporter's name, the comment's name and its words: whole, as text.
        assert_eq!(
            drawn.body.matches(&shown()).count(),
            3,
            "{lang}: the spelled markers are shown as written, in the supporters' list and the comment: {}",
            supporters(&drawn.body)
        );
        for (what, page) in [
            ("from memory", &memory),
            ("from the Cache API", &kept),
            ("a share link", &link),
            ("an amount", &amount),
        ] {
            assert_eq!(
                page.body.matches(&shown()).count(),
                3,
                "{lang} {what}: the spelled markers are shown as written"
            );
            assert_eq!(
                masked(&page.body),
                expected,
                "{lang} {what}: the same page apart from its holes"
            );
            assert_eq!(page.header("ETag"), drawn.header("ETag"), "{lang} {what}");
        }

        // Each response's own values, in the holes and nowhere else.
        let plain = filled(&drawn.body);
        assert_eq!(
            (plain.source.as_str(), plain.amount.as_str()),
            ("", ""),
            "{lang}"
        );
        assert_eq!(plain.tier, strings(&["women-training"]), "{lang}");
        assert_eq!(plain.frequency, strings(&["once"]), "{lang}");
        assert_eq!(filled(&memory.body).tier, plain.tier);
        assert_eq!(filled(&kept.body).frequency, plain.frequency);
        let shared = filled(&link.body);
        assert_eq!(shared.source, "fb-post-12", "{lang}");
        assert_eq!(shared.tier, strings(&["women-radio"]), "{lang}");
        assert_eq!(shared.frequency, strings(&["month"]), "{lang}");
        let own = filled(&amount.body);
        assert_eq!(
            (own.tier, own.amount.as_str()),
            (strings(&["own"]), "25"),
            "{lang}"
        );
        // Two forms, two tokens each time, never the same twice.
        let mut tokens: Vec<String> = [&drawn, &memory, &kept, &link, &amount]
            .iter()
            .flat_map(|p| filled(&p.body).tokens)
            .collect();
        assert_eq!(tokens.len(), 10, "{lang}");
        assert!(
            tokens.iter().all(|t| t.split('.').count() == 3),
            "{tokens:?}"
        );
        tokens.sort();
        tokens.dedup();
        assert_eq!(tokens.len(), 10, "{lang}: every token is new");
        // The one code is the link's, in the pledge form's hidden field only.
        assert_eq!(link.body.matches("fb-post-12").count(), 1, "{lang}");
    }
}
