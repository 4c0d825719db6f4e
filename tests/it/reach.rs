//! Reach through workerd and D1: a share link's `?ref=` code travels through the pledge form
//! to the pledge and the by-source report (a monthly gift's renewals count for its code),
//! prefilled links select the form's values, the edge cache keeps one copy for every code and
//! hands each visitor their own, the pledge CSV's `source` column.
//!
//! Visitor addresses 9100–9199 are this module's (`main.rs`).

use campaign_tests::accounts::{self, between};
use campaign_tests::content::{en, km};
use campaign_tests::{ip, Resp, Worker};

fn location(r: &Resp) -> String {
    r.header("Location").unwrap_or_default().to_string()
}

/// The hidden field's code on a page (empty when none), or `None` when the field is missing.
fn hidden_ref(body: &str) -> Option<String> {
    between(body, "name=\"ref\" value=\"", "\"").map(str::to_string)
}

/// No slot of the template reaches a visitor.
fn no_slots(body: &str) {
    assert!(!body.contains("@@"), "a slot left: {body}");
    assert!(!body.contains("data-pick"), "a pick slot left: {body}");
}

fn checked(body: &str, id: &str) -> bool {
    let Some(at) = body.find(&format!("id=\"{id}\"")) else {
        panic!("no #{id}");
    };
    let tag = &body[at..at + body[at..].find('>').unwrap_or(0)];
    tag.contains(" checked")
}

fn get_with(w: &Worker, path: &str, visitor: &str, cookie: &str) -> Resp {
    w.request(
        "GET",
        path,
        &[("CF-Connecting-IP", visitor), ("Cookie", cookie)],
        None,
    )
}

/// The cells of the report's row for `code` (`no code` for none), as text.
fn report_row(body: &str, code: &str) -> Vec<String> {
    let at = body
        .find(&format!(">{code}</td>"))
        .unwrap_or_else(|| panic!("no row for {code}: {body}"));
    let start = body[..at].rfind("<tr>").unwrap_or(0);
    let end = at + body[at..].find("</tr>").unwrap_or(0);
    body[start..end]
        .split("<td")
        .skip(1)
        .map(|c| {
            let inner = c.split_once('>').map(|(_, r)| r).unwrap_or_default();
            inner.split("</td>").next().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn a_code_travels_from_the_link_to_the_pledge_and_the_report() {
    let w = Worker::start(&[]);
    // Valid codes are put in the hidden field; anything else is ignored, never an error.
    let page = w.get_as("/?ref=fb-post-12", &ip(9101));
    assert_eq!(page.status, 200);
    assert_eq!(hidden_ref(&page.body).as_deref(), Some("fb-post-12"));
    no_slots(&page.body);
    let km_page = w.get_as("/km/?ref=chapter-paris", &ip(9101));
    assert_eq!(hidden_ref(&km_page.body).as_deref(), Some("chapter-paris"));
    let long = format!("/?ref={}", "a".repeat(41));
    let forty = format!("/?ref={}", "a".repeat(40));
    assert_eq!(
        hidden_ref(&w.get_as(&forty, &ip(9101)).body),
        Some("a".repeat(40))
    );
    for bad in [
        long.as_str(),
        "/?ref=FB-post-12",
        "/?ref=fb%20post",
        "/?ref=fb+post",
        "/?ref=%E1%9E%97%E1%9F%92%E1%9E%93%E1%9F%86",
        "/?ref=caf%C3%A9",
        "/?ref=%3Cscript%3E",
        "/?ref=",
        "/km/?ref=Bad",
    ] {
        let r = w.get_as(bad, &ip(9101));
        assert_eq!(r.status, 200, "{bad}");
        assert_eq!(hidden_ref(&r.body).as_deref(), Some(""), "{bad}");
        no_slots(&r.body);
    }

    // A form with a problem comes back with its code.
    let again = w.post_form(
        "/pledges",
        &ip(9102),
        &[
            ("tier", "women-radio"),
            ("ref", "fb-post-12"),
            ("lang", "en"),
        ],
    );
    assert_eq!(again.status, 422);
    assert_eq!(hidden_ref(&again.body).as_deref(), Some("fb-post-12"));
    no_slots(&again.body);

    // A monthly gift through the sandbox, with a code: the pledge keeps it.
    let r = w.post_pledge(
        "/pledges",
        &ip(9103),
        &[
            ("tier", "own"),
            ("amount", "20"),
            ("frequency", "month"),
            ("ref", "fb-post-12"),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let checkout = location(&r);
    let monthly = checkout.rsplit('/').next().unwrap_or_default().to_string();
    let act = |action: &str| {
        let r = w.post_form(&checkout, &ip(9103), &[("action", action), ("lang", "en")]);
        assert_eq!(r.status, 303, "{action}: {}", r.body);
    };
    act("pay");
    act("renew");
    let row = &w.sql(&format!(
        "SELECT source, frequency, status FROM pledges WHERE id = '{monthly}'"
    ))[0];
    assert_eq!(row["source"], "fb-post-12");
    assert_eq!(row["frequency"], "month");
    assert_eq!(row["status"], "active");
    let payments = w.sql(&format!(
        "SELECT COUNT(*) AS n FROM payments WHERE pledge_id = '{monthly}'"
    ));
    assert_eq!(payments[0]["n"], 2);

    // A one-off gift from the same post (Khmer page), paid, and one without a valid code.
    let r = w.post_pledge(
        "/km/pledges",
        &ip(9104),
        &[
            ("tier", "women-radio"),
            ("ref", "fb-post-12"),
            ("lang", "km"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let once = location(&r);
    let paid = w.post_form(&once, &ip(9104), &[("action", "pay"), ("lang", "km")]);
    assert_eq!(paid.status, 303);
    let r = w.post_pledge(
        "/pledges",
        &ip(9105),
        &[
            ("tier", "own"),
            ("amount", "7"),
            ("ref", "Not A Code"),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let unpaid = location(&r)
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let row = &w.sql(&format!("SELECT source FROM pledges WHERE id = '{unpaid}'"))[0];
    assert!(row["source"].is_null(), "{row}");

    // Back from the checkout without paying: the form comes back with its code.
    let r = w.post_pledge(
        "/pledges",
        &ip(9109),
        &[("tier", "women-radio"), ("ref", "tg-group"), ("lang", "en")],
    );
    let pending = location(&r)
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let resumed = w.get_as(&format!("/?resume={pending}&ref=other"), &ip(9109));
    assert_eq!(hidden_ref(&resumed.body).as_deref(), Some("tg-group"));
    assert!(checked(&resumed.body, "tier-women-radio"));
    no_slots(&resumed.body);
    // Other visitor pages take a code too, and ignore it.
    for p in [
        "/privacy?ref=fb-post-12",
        "/km/privacy?ref=BAD",
        "/nope?ref=x",
    ] {
        let r = w.get_as(p, &ip(9101));
        assert!([200, 404].contains(&r.status), "{p}: {}", r.status);
        no_slots(&r.body);
    }

    // The privacy page says what a code is, in both languages.
    assert!(w.get("/privacy").text().contains(&en("privacy_source")));
    assert!(w.get("/km/privacy").text().contains(&km("privacy_source")));

    // The report, for a finance account: 2 pledges, both paid, US$20 + US$20 + US$50.
    let owner = w.sign_in_owner(&ip(9106));
    let fin = accounts::invite(&w, &owner, &ip(9106), "fin", &["finance"]);
    let s = accounts::sign_in(&w, &fin, &ip(9107));
    let report = get_with(&w, "/admin/sources", &ip(9107), &s.cookie);
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(
        report_row(&report.body, "fb-post-12"),
        ["fb-post-12", "2", "2", "US$90"]
    );
    assert_eq!(
        report_row(&report.body, "no code"),
        ["no code", "1", "0", "US$0"]
    );
    assert!(report.body.contains("never a person"));
    assert!(
        report.body.contains("href=\"/admin/sources\""),
        "in the nav"
    );
    // Every cell carries its heading.
    assert_eq!(
        report.body.matches("<td").count(),
        report.body.matches("<td data-label=").count()
    );
    // A period that ends before the pledges were made... is still "the last day", and they
    // are today's: the same numbers; nonsense is the default period.
    for q in ["?days=1", "?days=abc", "?days=-5", "?days=99999999"] {
        let r = get_with(&w, &format!("/admin/sources{q}"), &ip(9107), &s.cookie);
        assert_eq!(r.status, 200, "{q}");
        assert_eq!(
            report_row(&r.body, "fb-post-12"),
            ["fb-post-12", "2", "2", "US$90"],
            "{q}"
        );
    }
    // The renewal counts for the code once the pledge itself is older than the period.
    w.sql(&format!(
        "UPDATE pledges SET created_at = created_at - 40 * 86400 WHERE id = '{monthly}'"
    ));
    w.sql(&format!(
        "UPDATE payments SET paid_at = paid_at - 40 * 86400 WHERE pledge_id = '{monthly}' AND ref = (SELECT MIN(ref) FROM payments WHERE pledge_id = '{monthly}')"
    ));
    let r = get_with(&w, "/admin/sources", &ip(9107), &s.cookie);
    assert_eq!(
        report_row(&r.body, "fb-post-12"),
        ["fb-post-12", "1", "2", "US$70"],
        "one pledge made in the period, two paid in it (one by its renewal)"
    );

    // The link builder.
    let b = get_with(
        &w,
        "/admin/sources?code=chapter-paris&tier=women-radio&lang=km",
        &ip(9107),
        &s.cookie,
    );
    assert!(
        b.body
            .contains("/km/?ref=chapter-paris&amp;tier=women-radio#give</code>"),
        "{}",
        b.body
    );
    let bad = get_with(&w, "/admin/sources?code=Dara+Sok", &ip(9107), &s.cookie);
    assert!(bad.body.contains("code-error") && !bad.body.contains("share-link"));

    // Other roles may not see it.
    let m = accounts::invite(&w, &owner, &ip(9106), "mod", &["moderator"]);
    let ms = accounts::sign_in(&w, &m, &ip(9108));
    assert_eq!(
        get_with(&w, "/admin/sources", &ip(9108), &ms.cookie).status,
        403
    );
    let nav = get_with(&w, "/admin", &ip(9108), &ms.cookie);
    assert!(!nav.body.contains("href=\"/admin/sources\""));

    // The CSV: `source` is the last column.
    let csv = get_with(&w, "/admin/pledges.csv", &ip(9107), &s.cookie);
    assert_eq!(csv.status, 200);
    let mut lines = csv.body.trim_start_matches('\u{FEFF}').split("\r\n");
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .ends_with(",payments,source"),
        "{}",
        csv.body
    );
    let rows: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows.iter().filter(|l| l.ends_with(",fb-post-12")).count(),
        2
    );
    assert!(rows
        .iter()
        .any(|l| l.starts_with(&unpaid) && l.ends_with(',')));
}

#[test]
fn prefilled_links_select_the_form_s_values() {
    let w = Worker::shared(module_path!());
    for prefix in ["/", "/km/"] {
        let blank = w.get_as(prefix, &ip(9120)).body;
        no_slots(&blank);
        assert!(checked(&blank, "frequency-once") && !checked(&blank, "frequency-month"));
        assert!(!checked(&blank, "tier-women-radio") && !checked(&blank, "tier-own"));
        let first_tier = between(&blank, "name=\"tier\" id=\"", "\"").unwrap_or_default();
        assert!(
            checked(&blank, first_tier),
            "{prefix}: the first tier by default"
        );

        let r = w.get_as(
            &format!("{prefix}?tier=women-radio&frequency=month"),
            &ip(9120),
        );
        no_slots(&r.body);
        assert!(checked(&r.body, "tier-women-radio"), "{prefix}");
        assert!(!checked(&r.body, first_tier), "{prefix}");
        assert!(checked(&r.body, "frequency-month") && !checked(&r.body, "frequency-once"));

        let r = w.get_as(&format!("{prefix}?amount=25"), &ip(9120));
        no_slots(&r.body);
        assert!(checked(&r.body, "tier-own"), "{prefix}");
        assert!(!checked(&r.body, first_tier), "{prefix}");
        assert!(r.body.contains("id=\"amount\" value=\"25\""), "{prefix}");

        // Invalid values are ignored: the defaults stay.
        for q in [
            "?tier=nope&frequency=weekly&amount=3",
            "?amount=25.5",
            "?amount=999999999999",
            "?frequency=MONTH",
            "?tier=Women-Radio",
        ] {
            let r = w.get_as(&format!("{prefix}{q}"), &ip(9120));
            assert_eq!(r.status, 200, "{prefix}{q}");
            no_slots(&r.body);
            assert!(checked(&r.body, first_tier), "{prefix}{q}");
            assert!(checked(&r.body, "frequency-once"), "{prefix}{q}");
            assert!(r.body.contains("id=\"amount\" value=\"\""), "{prefix}{q}");
        }
    }
}

#[test]
fn the_edge_cache_keeps_one_copy_and_each_visitor_gets_their_own_code() {
    let w = Worker::start(&[("EDGE_CACHE_SECS", "60")]);
    let a = w.get_as("/?ref=fb-post-a", &ip(9140));
    assert_eq!(a.status, 200);
    assert_eq!(a.header("X-Edge-Cache"), None, "the first one renders");
    assert_eq!(hidden_ref(&a.body).as_deref(), Some("fb-post-a"));
    let b = w.get_as(
        "/?ref=chapter-b&tier=women-radio&frequency=month",
        &ip(9141),
    );
    assert_eq!(
        b.header("X-Edge-Cache"),
        Some("hit"),
        "another code, the same copy"
    );
    assert_eq!(hidden_ref(&b.body).as_deref(), Some("chapter-b"));
    assert!(
        !b.body.contains("fb-post-a"),
        "never another visitor's code"
    );
    assert!(checked(&b.body, "tier-women-radio") && checked(&b.body, "frequency-month"));
    assert_eq!(
        a.header("ETag"),
        b.header("ETag"),
        "one ETag for the shared page"
    );
    let plain = w.get_as("/", &ip(9142));
    assert_eq!(plain.header("X-Edge-Cache"), Some("hit"));
    assert_eq!(hidden_ref(&plain.body).as_deref(), Some(""));
    assert!(!plain.body.contains("chapter-b") && !plain.body.contains("fb-post-a"));
    assert!(!checked(&plain.body, "tier-women-radio") && checked(&plain.body, "frequency-once"));
    let again = w.get_as("/?ref=fb-post-a", &ip(9143));
    assert_eq!(again.header("X-Edge-Cache"), Some("hit"));
    assert_eq!(hidden_ref(&again.body).as_deref(), Some("fb-post-a"));
    assert!(!again.body.contains("chapter-b"));
    for r in [&a, &b, &plain, &again] {
        no_slots(&r.body);
    }
}
