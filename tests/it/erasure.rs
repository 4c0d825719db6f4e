//! Erasure that reaches every copy (issue #26), through workerd and D1: the erase tool by phone
//! number (a Cambodian number in each form it was given in) and by pledge id; a donor's own
//! erasure of their gift's name, email and note from the pledge's page (a one-button form
//! pressed at once, refused from another site, its token used once); and the edge cache, whose
//! kept copies are a known set that an erasure or an unpublished update empties of what they
//! showed, with a page past the last sent to the last one without a render.
//!
//! Visitor addresses 14100–14199 are this module's (`main.rs`).

use campaign_tests::content::{copy, en, word};
use campaign_tests::{aged_token, ip, now, pid, tokens, Resp, Worker};

fn assert_private(r: &Resp, what: &str) {
    assert_eq!(r.header("Cache-Control"), Some("no-store"), "{what}");
}

/// The id of a pledge from its sandbox checkout's address.
fn pledge_from(r: &Resp) -> String {
    let loc = r.header("Location").unwrap_or_default();
    loc.rsplit('/').next().unwrap_or_default().to_string()
}

/// A one-off gift through the form, paid in the sandbox, with a name shown, an email and a
/// note; its id.
fn paid_gift(w: &Worker, n: u32, lang: &str, name: &str) -> String {
    let prefix = if lang == "km" { "/km" } else { "" };
    let r = w.post_pledge(
        &format!("{prefix}/pledges"),
        &ip(n),
        &[
            ("tier", "women-training"),
            ("lang", lang),
            ("name", name),
            ("email", &format!("donor{n}@example.org")),
            ("show_name", "on"),
            ("note", &format!("A note {n}")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let id = pledge_from(&r);
    let loc = r.header("Location").unwrap_or_default().to_string();
    let paid = w.post_form(&loc, &ip(n), &[("action", "pay"), ("lang", lang)]);
    assert_eq!(paid.status, 303, "{}", paid.body);
    id
}

fn erasures(w: &Worker) -> Vec<serde_json::Value> {
    w.sql("SELECT kind, pledges, comments, volunteers FROM erasures ORDER BY id")
}

#[test]
fn erasing_by_phone_finds_a_cambodian_number_in_each_form_it_was_given_in() {
    let w = Worker::start(&[]);
    let me = ip(14100);
    let owner = w.sign_in_owner(&me);
    // The same number offered twice through the form, typed two ways (stored as typed, in
    // `+` and ASCII digits), once dialled from abroad, and two others.
    for (n, path, lang, phone) in [
        (14101, "/volunteer", "en", "+855 12 345 678"),
        (14102, "/km/volunteer", "km", "០១២ ៣៤៥ ៦៧៨"),
    ] {
        let t = aged_token(&w, "volunteer-form");
        let r = w.post_form(
            path,
            &ip(n),
            &[
                ("token", &t),
                ("lang", lang),
                ("name", &format!("Phone Volunteer {n}")),
                ("phone", phone),
                ("help", "radio"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.body);
    }
    w.sql(
        "INSERT INTO volunteers (name, email, phone, help, lang, created_at) VALUES \
         ('Dialled Volunteer', NULL, '0085512345678', 'radio', 'en', 1), \
         ('Next Number', NULL, '+85512345679', 'radio', 'en', 1), \
         ('Email Only', 'phone-test@example.org', NULL, 'radio', 'en', 1)",
    );
    let rows = w.sql("SELECT id, name, phone FROM volunteers ORDER BY id");
    let phones: Vec<&str> = rows.iter().filter_map(|r| r["phone"].as_str()).collect();
    assert_eq!(
        &phones[..2],
        ["+85512345678", "012345678"],
        "stored as the form stores them"
    );
    let id = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .and_then(|r| r["id"].as_i64())
            .unwrap_or_else(|| panic!("{name}"))
    };
    let mine = [
        id("Phone Volunteer 14101"),
        id("Phone Volunteer 14102"),
        id("Dialled Volunteer"),
    ];
    let theirs = [id("Next Number"), id("Email Only")];

    // Whichever form the maintainer types, the same three offers.
    for typed in [
        "012 345 678",
        "+855-12-345-678",
        "00855 12 345 678",
        "(០១២) ៣៤៥-៦៧៨",
    ] {
        let r = w.post_signed_in(&owner, "/admin/erase/find", &me, &[("phone", typed)]);
        assert_eq!(r.status, 200, "{typed}: {}", r.body);
        assert_private(&r, "erase list");
        assert!(
            r.body.contains(r#"name="seen" value="3""#),
            "{typed}: {}",
            r.body
        );
        for v in mine {
            assert!(
                r.body.contains(&format!("#{v}<")),
                "{typed}: {v} not listed"
            );
        }
        for v in theirs {
            assert!(!r.body.contains(&format!("#{v}<")), "{typed}: {v} listed");
        }
    }
    // A number that is not one, or two things at once: named, nothing looked up.
    let r = w.post_signed_in(&owner, "/admin/erase/find", &me, &[("phone", "call me")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("not a phone number"), "{}", r.body);
    let r = w.post_signed_in(
        &owner,
        "/admin/erase/find",
        &me,
        &[("email", "a@b.c"), ("phone", "012 345 678")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Fill in one field only"), "{}", r.body);

    // Confirmed: the three are gone, the others stay, one erasure recorded by phone.
    let r = w.post_signed_in(
        &owner,
        "/admin/erase",
        &me,
        &[
            ("phone", "+855 12 345 678"),
            ("seen", "3"),
            ("confirm", "yes"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let left: Vec<i64> = w
        .sql("SELECT id FROM volunteers ORDER BY id")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    assert_eq!(left, theirs);
    let e = erasures(&w);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(
        (
            e[0]["kind"].as_str(),
            e[0]["pledges"].as_i64(),
            e[0]["comments"].as_i64(),
            e[0]["volunteers"].as_i64()
        ),
        (Some("phone"), Some(0), Some(0), Some(3))
    );
    let done = w.get_signed_in(&owner, r.header("Location").unwrap_or_default(), &me);
    assert!(done.body.contains("Offers of help for a phone number"));
    assert!(
        !done.body.contains("12345678") && !done.body.contains("345 678"),
        "the record names no number"
    );
}

#[test]
fn erasing_by_pledge_id_serves_a_request_made_in_person() {
    let w = Worker::start(&[]);
    let me = ip(14110);
    let owner = w.sign_in_owner(&me);
    let (asked, other) = (pid(14111), pid(14112));
    let t = now();
    w.sql(&format!(
        "INSERT INTO pledges (id, status, amount_cents, currency, tier, designation, name, email, show_name, note, lang, created_at, paid_at, attested_at) VALUES \
         ('{asked}', 'paid', 5000, 'usd', 'women-training', 'women-training', 'In Person 14111', 'inperson@example.org', 1, 'a note 14111', 'en', {t}, {t}, {t}), \
         ('{other}', 'paid', 7000, 'usd', NULL, 'general', 'Same Email 14112', 'inperson@example.org', 1, 'a note 14112', 'en', {t}, {t}, {t}); \
         INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, payment_intent, paid_at) VALUES \
         ('stripe', 'pi_14011', '{asked}', 5000, 'usd', 'pi_14011', {t}), ('stripe', 'pi_14012', '{other}', 7000, 'usd', 'pi_14012', {t})"
    ));
    let before = w.get("/api/campaign").json();
    // By its id, typed in capitals or pasted as its page's address (any language, any page).
    for typed in [
        asked.clone(),
        format!(" {} ", asked.to_uppercase()),
        format!("https://campaign.example/km/pledges/{asked}/stop"),
    ] {
        let r = w.post_signed_in(&owner, "/admin/erase/find", &me, &[("pledge", &typed)]);
        assert_eq!(r.status, 200, "{typed}: {}", r.body);
        assert!(r.body.contains(r#"name="seen" value="1""#), "{typed}");
        assert!(
            r.body.contains(&asked) && !r.body.contains(&other),
            "{typed}"
        );
        assert!(r
            .body
            .contains(&format!(r#"name="pledge" value="{asked}""#)));
    }
    let r = w.post_signed_in(&owner, "/admin/erase/find", &me, &[("pledge", "14111")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("not a pledge id"), "{}", r.body);

    let r = w.post_signed_in(
        &owner,
        "/admin/erase",
        &me,
        &[("pledge", &asked), ("seen", "1"), ("confirm", "yes")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let rows = w.sql(&format!(
        "SELECT id, status, amount_cents, tier, name, email, note, show_name, paid_at FROM pledges \
         WHERE id IN ('{asked}', '{other}') ORDER BY id"
    ));
    let (a, o) = (&rows[0], &rows[1]);
    for field in ["name", "email", "note"] {
        assert!(a[field].is_null(), "{field} kept: {a}");
    }
    assert_eq!(
        (
            a["status"].as_str(),
            a["amount_cents"].as_i64(),
            a["tier"].as_str(),
            a["show_name"].as_i64()
        ),
        (Some("paid"), Some(5000), Some("women-training"), Some(0))
    );
    assert_eq!(a["paid_at"], t);
    // Another gift with the same email is another request.
    assert_eq!(
        (o["name"].as_str(), o["email"].as_str(), o["note"].as_str()),
        (
            Some("Same Email 14112"),
            Some("inperson@example.org"),
            Some("a note 14112")
        )
    );
    let e = erasures(&w);
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0]["kind"].as_str(), e[0]["pledges"].as_i64()),
        (Some("pledge"), Some(1))
    );
    let after = w.get("/api/campaign").json();
    for key in ["raised_cents", "gifts", "tiers"] {
        assert_eq!(before[key], after[key], "{key}");
    }
    assert!(!after["recent"].to_string().contains("In Person"));
    // Nothing is left to find, and erasing nothing records nothing.
    let r = w.post_signed_in(&owner, "/admin/erase/find", &me, &[("pledge", &asked)]);
    assert!(
        r.body
            .contains(&format!("Nothing is stored for the pledge {asked}.")),
        "{}",
        r.body
    );
    assert!(!r.body.contains(r#"name="confirm""#));
    let r = w.post_signed_in(
        &owner,
        "/admin/erase",
        &me,
        &[("pledge", &asked), ("seen", "0"), ("confirm", "yes")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(erasures(&w).len(), 1);
}

#[test]
fn a_donor_erases_their_gift_s_name_email_and_note_with_one_press_from_its_page() {
    let w = Worker::start(&[]);
    let id = paid_gift(&w, 14120, "en", "Dara Erases 14120");
    let page = format!("/pledges/{id}");
    let path = format!("/pledges/{id}/erase");
    assert_eq!(
        w.get("/api/campaign").json()["recent"][0]["name"],
        "Dara Erases 14120"
    );
    // Its page says what is kept and leads to the erasure, in both languages.
    let thanks = w.get(&page);
    assert!(
        thanks.text().contains(&en("pledge_details_kept")),
        "{}",
        thanks.body
    );
    assert!(thanks.body.contains(&format!("href=\"{path}\"")));
    assert!(w
        .get(&format!("/km{page}"))
        .body
        .contains(&format!("href=\"/km{path}\"")));
    // The erase page asks first: private, with its form and token; nothing erased by a link.
    let ask = w.get(&path);
    assert_eq!(ask.status, 200, "{}", ask.body);
    assert_private(&ask, "erase page");
    assert_eq!(ask.header("Referrer-Policy"), Some("no-referrer"));
    let text = ask.text();
    assert!(text.contains(&en("erase_intro")) && text.contains(&en("erase_stripe")));
    assert!(ask.body.contains(&format!("action=\"{path}\"")));
    let km = w.get(&format!("/km{path}"));
    assert!(km.text().contains(&word(&copy("km"), "erase_intro")));
    assert!(
        km.body.contains(&format!("action=\"/km{path}\""))
            && km.body.contains("name=\"lang\" value=\"km\"")
    );
    let token = tokens(&ask.body).into_iter().next().expect("a token");
    // The pledge's name and how many erasures are recorded, in one D1 read (each costs a second).
    let state = || {
        let r = &w.sql(&format!(
            "SELECT (SELECT name FROM pledges WHERE id = '{id}') AS name, (SELECT COUNT(*) FROM erasures) AS n"
        ))[0];
        (r["name"].as_str().map(str::to_string), r["n"].as_i64())
    };

    // From another site: refused before anything is read, the token left unused.
    let r = w.post_form_with(
        &path,
        &ip(14121),
        &[("Sec-Fetch-Site", "cross-site")],
        &[("lang", "en"), ("token", &token)],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    // A forged token: asked again, nothing erased.
    let r = w.post_form(&path, &ip(14121), &[("lang", "en"), ("token", "1.2.3")]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.text().contains(&en("error_token")));
    assert_private(&r, "refused erasure");
    assert_eq!(state(), (Some("Dara Erases 14120".to_string()), Some(0)));

    // Pressed at once, with the page's own token: erased, and back to the gift's page.
    let r = w.post_form(&path, &ip(14121), &[("lang", "en"), ("token", &token)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("Location"), Some(page.as_str()));
    let row = &w.sql(&format!(
        "SELECT p.status, p.amount_cents, p.tier, p.name, p.email, p.note, p.show_name, p.paid_at, \
                e.kind, e.pledges, e.comments, e.volunteers, (SELECT COUNT(*) FROM erasures) AS n \
         FROM pledges p, erasures e WHERE p.id = '{id}'"
    ))[0];
    for field in ["name", "email", "note"] {
        assert!(row[field].is_null(), "{field} kept: {row}");
    }
    assert_eq!(
        (
            row["status"].as_str(),
            row["amount_cents"].as_i64(),
            row["tier"].as_str(),
            row["show_name"].as_i64()
        ),
        (Some("paid"), Some(5000), Some("women-training"), Some(0))
    );
    assert!(row["paid_at"].as_i64().is_some());
    assert_eq!(
        (
            row["kind"].as_str(),
            row["pledges"].as_i64(),
            row["comments"].as_i64(),
            row["volunteers"].as_i64(),
            row["n"].as_i64()
        ),
        (Some("own-pledge"), Some(1), Some(0), Some(0), Some(1)),
        "one erasure, of this gift"
    );
    let c = w.get("/api/campaign").json();
    assert_eq!(c["recent"][0]["name"], "Anonymous", "{c}");
    assert_eq!(
        (c["raised_cents"].as_i64(), c["gifts"].as_i64()),
        (Some(5000), Some(1))
    );
    let thanks = w.get(&page);
    assert!(thanks.text().contains(&en("pledge_details_none")));
    assert!(!thanks.body.contains(&format!("href=\"{path}\"")));
    let nothing = w.get(&path);
    assert_eq!(nothing.status, 200);
    assert!(nothing.text().contains(&en("erase_nothing")));
    assert!(!nothing.body.contains("name=\"token\""));

    // The token is used once: with details back behind the worker's back, it erases nothing.
    w.sql(&format!(
        "UPDATE pledges SET name = 'Back Again' WHERE id = '{id}'"
    ));
    let r = w.post_form(&path, &ip(14121), &[("lang", "en"), ("token", &token)]);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.text().contains(&en("error_token")));
    assert_eq!(state(), (Some("Back Again".to_string()), Some(1)));
    // With nothing kept, a press says so.
    w.sql(&format!("UPDATE pledges SET name = NULL WHERE id = '{id}'"));
    let r = w.post_form(&path, &ip(14121), &[("lang", "en"), ("token", "x")]);
    assert_eq!(r.status, 409);
    assert!(r.text().contains(&en("erase_nothing")));

    // In Khmer: from its Khmer page, back to it.
    let km_id = paid_gift(&w, 14122, "km", "សុខា 14122");
    let km_path = format!("/km/pledges/{km_id}/erase");
    let token = tokens(&w.get(&km_path).body)
        .into_iter()
        .next()
        .expect("a token");
    let r = w.post_form(&km_path, &ip(14122), &[("lang", "km"), ("token", &token)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        r.header("Location"),
        Some(format!("/km/pledges/{km_id}").as_str())
    );
    assert_eq!(state().1, Some(2));
    // A pledge that is not one is not found.
    let unknown = format!("/pledges/{}/erase", "0".repeat(32));
    assert_eq!(w.get(&unknown).status, 404);
    assert_eq!(
        w.post_form(&unknown, &ip(14121), &[("token", "x")]).status,
        404
    );
}

/// Asks `path` and checks the edge kept it.
fn warm(w: &Worker, path: &str) {
    let first = w.get(path);
    assert_eq!(first.status, 200, "{path}: {}", first.body);
    let again = w.get(path);
    assert_eq!(again.header("X-Edge-Cache"), Some("hit"), "{path} kept");
}

/// `path` is sent to `to` without a body.
fn sent_to(w: &Worker, path: &str, to: &str) {
    let r = w.get(path);
    assert_eq!((r.status, r.header("Location")), (303, Some(to)), "{path}");
    assert!(r.body.is_empty(), "{path}: {}", r.body);
}

#[test]
fn every_kept_copy_that_could_show_an_erased_name_or_an_unpublished_update_goes() {
    let w = Worker::start(&[("EDGE_CACHE_SECS", "60")]);
    let me = ip(14130);
    let owner = w.sign_in_owner(&me);
    let t = now();
    // Twelve threads: two pages of comments.
    let threads: Vec<String> = (1..=12)
        .map(|i| {
            format!(
                "('Reader {i}', 'Thread {i}', 'approved', 0, {})",
                t - 3600 + i
            )
        })
        .collect();
    w.sql(&format!(
        "INSERT INTO comments (name, body, status, is_campaign, created_at) VALUES {}",
        threads.join(",")
    ));
    // A donor whose name is shown, and an update: written through the worker, so page 1 and
    // its page data are drawn after them.
    let name = "Shown Donor 14131";
    let id = paid_gift(&w, 14131, "en", name);
    let title = "Update 14132 from the field";
    let r = w.post_signed_in(
        &owner,
        "/admin/updates",
        &me,
        &[("title_en", title), ("body_en", "What the gifts did.")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let update = r
        .header("Location")
        .and_then(|l| l.rsplit('/').next())
        .unwrap_or_default()
        .to_string();
    let r = w.post_signed_in(
        &owner,
        &format!("/admin/updates/{update}/publish"),
        &me,
        &[],
    );
    assert_eq!(r.status, 303, "{}", r.body);

    // The set of kept copies, warmed: both languages of both pages of comments, the updates'
    // pages, permalinks and feeds, the badges.
    let pages = ["/", "/km/", "/?page=2", "/km/?page=2"];
    let updates = [
        "/updates".to_string(),
        "/km/updates".to_string(),
        format!("/updates/{update}"),
        format!("/km/updates/{update}"),
        "/updates.atom".to_string(),
        "/km/updates.atom".to_string(),
    ];
    for path in pages
        .iter()
        .copied()
        .chain(updates.iter().map(String::as_str))
    {
        warm(&w, path);
    }
    for path in ["/badge.svg", "/km/badge.svg"] {
        warm(&w, path);
    }
    for path in pages {
        let body = w.get(path).body;
        assert!(body.contains(name), "{path} shows the donor");
        assert!(body.contains(title), "{path} shows the update");
    }
    assert!(w.get("/updates.atom").body.contains(title));

    // Odd variants are no copies of their own: a page past the last is sent to the last one,
    // the same page in Khmer digits is the same copy, and a feed's query is ignored.
    sent_to(&w, "/?page=777", "/?page=2");
    sent_to(&w, "/km/?page=555", "/km/?page=2");
    sent_to(&w, "/updates?page=10001", "/updates");
    sent_to(&w, "/km/updates?page=10001", "/km/updates");
    let digits = w.get("/?page=%E1%9F%A2");
    assert_eq!(
        digits.header("X-Edge-Cache"),
        Some("hit"),
        "?page=២ is page 2"
    );
    assert_eq!(
        w.get("/updates.atom?page=9").header("X-Edge-Cache"),
        Some("hit")
    );
    // Decided from the page data the edge keeps, not from D1: twenty more threads behind the
    // worker's back, and page 3 is still past the last here (no render, no D1 read).
    let more: Vec<String> = (13..=32)
        .map(|i| {
            format!(
                "('Reader {i}', 'Thread {i}', 'approved', 0, {})",
                t - 3600 + i
            )
        })
        .collect();
    w.sql(&format!(
        "INSERT INTO comments (name, body, status, is_campaign, created_at) VALUES {}",
        more.join(",")
    ));
    sent_to(&w, "/?page=3", "/?page=2");
    assert_eq!(w.get("/?page=2").header("X-Edge-Cache"), Some("hit"));

    // The donor erases their name: every copy that showed it goes.
    let path = format!("/pledges/{id}/erase");
    let token = tokens(&w.get(&path).body)
        .into_iter()
        .next()
        .expect("a token");
    let r = w.post_form(&path, &ip(14131), &[("lang", "en"), ("token", &token)]);
    assert_eq!(r.status, 303, "{}", r.body);
    // Page 1 drawn anew and put, once every later page was dropped.
    let first = w.get_until("/", |r| !r.body.contains(name));
    assert!(!first.body.contains(name), "page 1 still shows the name");
    assert_eq!(
        first.header("X-Edge-Cache"),
        Some("hit"),
        "put, not dropped"
    );
    for path in ["/km/?page=2", "/?page=2", "/badge.svg", "/km/badge.svg"] {
        let r = w.get(path);
        assert_eq!(r.header("X-Edge-Cache"), None, "{path} was dropped");
        assert!(!r.body.contains(name), "{path}");
    }
    assert!(!w.get("/km/").body.contains(name));
    // The page data of page 1 counts what D1 does now: four pages, each without the name.
    sent_to(&w, "/?page=777", "/?page=4");
    sent_to(&w, "/km/?page=555", "/km/?page=4");
    for path in ["/?page=3", "/?page=4", "/km/?page=4"] {
        let r = w.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(!r.body.contains(name), "{path}");
    }
    // The update's copies did not show the name and stay.
    assert_eq!(w.get("/updates").header("X-Edge-Cache"), Some("hit"));

    // The update is unpublished: every copy that listed it goes.
    let r = w.post_signed_in(
        &owner,
        &format!("/admin/updates/{update}/unpublish"),
        &me,
        &[],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let first = w.get_until("/", |r| !r.body.contains(title));
    assert!(!first.body.contains(title), "page 1 still lists the update");
    for path in ["/km/", "/?page=2", "/km/?page=2", "/?page=4"] {
        assert!(!w.get(path).body.contains(title), "{path}");
    }
    for path in &updates {
        let r = w.get(path);
        assert_eq!(r.header("X-Edge-Cache"), None, "{path} was dropped");
        assert!(!r.body.contains(title), "{path}");
    }
    assert_eq!(w.get(&format!("/updates/{update}")).status, 404);
    sent_to(&w, "/updates?page=10001", "/updates");
    sent_to(&w, "/km/updates?page=2", "/km/updates");
}
