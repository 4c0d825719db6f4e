//! Comments and volunteers through workerd and D1: the form token, the honeypot, the rate
//! limit, held comments seen only by their author, errors that keep the text, Khmer kept
//! byte for byte, threaded replies, pagination.

use campaign_tests::content::{en, fill};
use campaign_tests::{aged_token, aged_tokens, comment_id, form_token, ip, now, Resp, Worker};
use std::time::Duration;

fn comment(w: &Worker, ip: &str, token: &str, fields: &[(&str, &str)]) -> Resp {
    let mut all = vec![("token", token), ("lang", "en")];
    all.extend_from_slice(fields);
    w.post_form("/comments", ip, &all)
}

fn id_from(r: &Resp) -> i64 {
    comment_id(r.header("Location").unwrap_or_default())
}

#[test]
fn a_comment_is_held_seen_only_by_its_author_and_public_once_approved() {
    let w = Worker::start(&[]);
    let t = aged_token(&w, "comment-form");
    let khmer = "លោកជំទាវជាទីគោរព!\r\nខ្ញុំបាទសូមចូលរួម ស្រុក តែ្បងមានជ័យ ។";
    let r = w.post_form(
        "/km/comments",
        &ip(201),
        &[
            ("token", &t),
            ("lang", "km"),
            ("name", "កែវ"),
            ("email", "keo@example.org"),
            ("text", khmer),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let id = id_from(&r);
    assert!(r
        .header("Location")
        .unwrap_or_default()
        .starts_with("/km/#comment-"));
    let cookie = r.cookie();
    assert!(r
        .header("Set-Cookie")
        .unwrap_or_default()
        .contains("HttpOnly"));
    // Khmer round-trips byte for byte (CRLF stored as LF), and the email is stored, never shown.
    let row = &w.sql(&format!("SELECT * FROM comments WHERE id = {id}"))[0];
    assert_eq!(row["body"], khmer.replace("\r\n", "\n"));
    assert_eq!(row["status"], "held");
    // Nothing of the address is kept with the comment, not even a hash.
    assert!(
        row.get("ip_hash").is_none() && !row.to_string().contains("198.51"),
        "{row}"
    );
    // The author sees it, marked; nobody else does.
    let mine = w.request("GET", "/km/", &[("Cookie", &cookie)], None);
    assert!(mine.body.contains(&format!("id=\"comment-{id}\"")));
    assert!(mine.body.contains(&khmer.replace("\r\n", "\n")));
    let theirs = w.get("/km/");
    assert!(!theirs.body.contains(&format!("id=\"comment-{id}\"")));
    // A forged cookie shows nothing.
    let forged = w.request(
        "GET",
        "/km/",
        &[(
            "Cookie",
            &format!("held={id}.00000000000000000000000000000000"),
        )],
        None,
    );
    assert!(!forged.body.contains(&format!("id=\"comment-{id}\"")));
    w.sql(&format!(
        "UPDATE comments SET status = 'approved' WHERE id = {id}"
    ));
    let public = w.get("/km/");
    assert!(public.body.contains(&format!("id=\"comment-{id}\"")));
    assert!(!public.body.contains("keo@example.org"));
    assert!(public.body.contains(&khmer.replace("\r\n", "\n")));
}

#[test]
fn tokens_too_fresh_too_old_or_forged_are_refused_with_the_text_kept() {
    let w = Worker::shared();
    let fresh = form_token(&w.get("/"), "comment-form");
    let r = comment(
        w,
        &ip(202),
        &fresh,
        &[("name", "Quick"), ("text", "too fast to be a person")],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("too fast to be a person</textarea>") && r.body.contains("value=\"Quick\"")
    );
    assert!(r.text().contains(&en("error_token")), "{}", r.body);
    // The page that refuses a bad token carries a new one, but not a pre-aged one: sending
    // again at once is still too fast, so the minimum age cannot be skipped that way.
    let again = form_token(&r, "comment-form");
    assert_ne!(again, fresh);
    let r = comment(
        w,
        &ip(202),
        &again,
        &[("name", "Quick"), ("text", "still too fast")],
    );
    assert_eq!(
        r.status, 422,
        "an answer to a bad token must not hand out an aged one"
    );
    let later = form_token(&r, "comment-form");
    std::thread::sleep(Duration::from_millis(3100));
    assert_eq!(
        comment(
            w,
            &ip(202),
            &later,
            &[("name", "Quick"), ("text", "now it is fine")]
        )
        .status,
        303
    );
    // A token is accepted once: the same one again, even from another address, is refused.
    let r = comment(
        w,
        &ip(212),
        &later,
        &[("name", "Replay"), ("text", "posted twice")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("posted twice</textarea>"));
    // Older than 24 hours, or signed with another key: refused.
    let old = format!("{}.{}.{}", 1_000_000, "0".repeat(32), "0".repeat(64));
    assert_eq!(
        comment(w, &ip(203), &old, &[("name", "Old"), ("text", "t")]).status,
        422
    );
    let forged = format!("{}.{}.{}", now() - 60, "cd".repeat(16), "ab".repeat(32));
    assert_eq!(
        comment(w, &ip(203), &forged, &[("name", "Forged"), ("text", "t")]).status,
        422
    );
    assert_eq!(
        comment(w, &ip(203), "", &[("name", "None"), ("text", "t")]).status,
        422
    );
}

#[test]
fn a_field_problem_answers_with_a_token_that_works_at_once() {
    // The post's own token proved the wait, so the page that names the problem carries an
    // aged token: the visitor fixes the field and sends again without waiting.
    let w = Worker::shared();
    let t = aged_token(w, "comment-form");
    let r = comment(w, &ip(213), &t, &[("name", ""), ("text", "no name yet")]);
    assert_eq!(r.status, 422);
    let next = form_token(&r, "comment-form");
    assert_eq!(
        comment(
            w,
            &ip(213),
            &next,
            &[("name", "Named"), ("text", "no name yet")]
        )
        .status,
        303
    );
}

#[test]
fn the_honeypot_answers_silently_and_stores_nothing() {
    let w = Worker::start(&[]);
    let t = aged_token(&w, "comment-form");
    let r = comment(
        &w,
        &ip(204),
        &t,
        &[
            ("name", "Bot"),
            ("text", "buy now"),
            ("homepage", "http://spam.example"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(r.header("Set-Cookie").is_none());
    let v = w.post_form(
        "/volunteer",
        &ip(204),
        &[
            ("token", &t),
            ("name", "Bot"),
            ("email", "b@x.org"),
            ("homepage", "x"),
        ],
    );
    assert_eq!(v.status, 303);
    assert_eq!(
        w.sql("SELECT (SELECT COUNT(*) FROM comments) + (SELECT COUNT(*) FROM volunteers) AS n")[0]
            ["n"],
        0
    );
}

#[test]
fn bad_input_names_each_problem_and_keeps_every_word() {
    let w = Worker::shared();
    let ts = aged_tokens(w, "comment-form", 3);
    let long = "ក".repeat(4001);
    let r = comment(
        w,
        &ip(205),
        &ts[0],
        &[
            ("name", ""),
            ("website", "javascript:alert(1)"),
            ("email", "nope"),
            ("text", &long),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains(&format!("{long}</textarea>")));
    assert!(
        r.body.contains("value=\"javascript:alert(1)\""),
        "kept as a value, never as a link"
    );
    assert!(!r.body.contains("href=\"javascript:"));
    for field in ["name", "email", "website", "text"] {
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    // 4,000 characters after CRLF -> LF is fine.
    let exact = "ក\r\n".repeat(2000);
    assert_eq!(
        comment(w, &ip(206), &ts[1], &[("name", "N"), ("text", &exact)]).status,
        303
    );
    // A reply to a comment that does not exist (or is not approved).
    let r = comment(
        w,
        &ip(207),
        &ts[2],
        &[("name", "N"), ("text", "reply"), ("parent_id", "999999")],
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains(&en("error_parent")), "{}", r.body);
}

#[test]
fn two_a_minute_then_429_with_the_text_kept() {
    let w = Worker::shared();
    let ts = aged_tokens(w, "comment-form", 4);
    let mut ids = Vec::new();
    for (n, t) in ts[..2].iter().enumerate() {
        let r = comment(
            w,
            &ip(208),
            t,
            &[("name", "R"), ("text", &format!("comment {n}"))],
        );
        assert_eq!(r.status, 303);
        ids.push(id_from(&r));
    }
    let r = comment(
        w,
        &ip(208),
        &ts[2],
        &[("name", "R"), ("text", "the third one")],
    );
    assert_eq!(r.status, 429);
    assert!(r.body.contains("the third one</textarea>"));
    assert!(r.text().contains(&en("error_rate_limited")), "{}", r.body);
    assert_eq!(
        comment(
            w,
            &ip(209),
            &ts[3],
            &[("name", "Other"), ("text", "someone else")]
        )
        .status,
        303
    );
    // Ten an hour: eight more (spread over fresh minutes) is simulated by back-dating this
    // visitor's counts, and only theirs (the worker is shared). The limit counts under the keyed
    // hash of the address, made with the test instance's site secret.
    let key = app::keys::Key::derive(
        campaign_tests::test_var("SITE_SECRET"),
        app::keys::Purpose::IpHash,
    );
    let hash = app::keys::ip_hash(&key, &ip(208));
    let mine = |sql: &str| {
        w.sql(&format!(
            "{sql} WHERE bucket = 'comment' AND key_hash = '{hash}'"
        ))
    };
    assert_eq!(
        mine("SELECT COUNT(*) AS n FROM rate_events")[0]["n"],
        2,
        "the two comments counted"
    );
    mine("UPDATE rate_events SET at = at - 120");
    let t = now();
    let values: Vec<String> = (0..8)
        .map(|i| format!("('comment', '{hash}', {})", t - 300 - i))
        .collect();
    w.sql(&format!(
        "INSERT INTO rate_events (bucket, key_hash, at) VALUES {}",
        values.join(",")
    ));
    // The 429 page's token is aged (the post's own was good): use it for the eleventh.
    assert_eq!(
        comment(
            w,
            &ip(208),
            &form_token(&r, "comment-form"),
            &[("name", "R"), ("text", "eleventh")]
        )
        .status,
        429
    );
}

#[test]
fn replies_thread_under_their_parent_and_pages_hold_ten_threads() {
    let w = Worker::start(&[]);
    let mut values = Vec::new();
    for i in 1..=23 {
        values.push(format!(
            "({i}, NULL, NULL, 'Visitor {i}', 'Root comment number {i}', 'approved', 0, {})",
            1_700_000_000 + i * 60
        ));
    }
    values.push(
        "(100, 3, 3, 'Campaign', 'A reply from the campaign', 'approved', 1, 1800000000)".into(),
    );
    w.sql(&format!("INSERT INTO comments (id, parent_id, thread_id, name, body, status, is_campaign, created_at) VALUES {}", values.join(",")));
    let t = aged_token(&w, "comment-form");
    // A visitor replies to a reply: it joins the root thread.
    let r = comment(
        &w,
        &ip(210),
        &t,
        &[
            ("name", "Follow-up"),
            ("text", "a reply to the reply"),
            ("parent_id", "100"),
        ],
    );
    assert_eq!(r.status, 303);
    let reply = id_from(&r);
    w.sql(&format!(
        "UPDATE comments SET status = 'approved' WHERE id = {reply}"
    ));
    assert_eq!(
        w.sql(&format!(
            "SELECT thread_id FROM comments WHERE id = {reply}"
        ))[0]["thread_id"],
        3
    );
    let p1 = w.get("/");
    assert!(
        p1.body.contains("Root comment number 23") && !p1.body.contains("Root comment number 13")
    );
    assert!(p1.body.contains("href=\"/?page=2#comments\""));
    let p3 = w.get("/?page=3");
    for needle in [
        "Root comment number 3",
        "A reply from the campaign",
        "a reply to the reply",
    ] {
        assert!(p3.body.contains(needle), "{needle}");
    }
    // Threaded: the replies come inside the root's list item, the campaign's marked.
    let root = p3.body.find("id=\"comment-3\"").expect("root 3");
    let end = p3.body[root..]
        .find("id=\"comment-2\"")
        .map(|e| root + e)
        .expect("the next thread");
    let thread = &p3.body[root..end];
    assert!(
        thread.contains("id=\"comment-100\"")
            && thread.contains(&format!("id=\"comment-{reply}\""))
    );
    assert!(
        p3.body
            .contains("class=\"comment campaign\" id=\"comment-100\"")
            || p3
                .body
                .contains("id=\"comment-100\" class=\"comment campaign\"")
    );
    // 23 roots, the campaign's reply and the visitor's: 25 approved comments in all.
    let count = fill(&en("comments_count"), &[("n", "25")]);
    assert!(p3.text().contains(&count), "p3 lacks {count:?}");
    assert!(p1.text().contains(&count), "p1 lacks {count:?}");
    assert!(!p3.body.contains("rel=\"next\""));
}

#[test]
fn volunteers_are_stored_for_maintainers_only() {
    let w = Worker::start(&[]);
    let t = aged_token(&w, "volunteer-form");
    let r = w.post_form(
        "/km/volunteer",
        &ip(211),
        &[
            ("token", &t),
            ("lang", "km"),
            ("name", "Sokha"),
            ("place", "Battambang"),
            ("help", "training"),
            ("help", "radio"),
            ("message", "I can help"),
        ],
    );
    assert_eq!(r.status, 422, "no email or phone");
    assert!(r.body.contains("value=\"Battambang\"") && r.body.contains("I can help</textarea>"));
    assert!(r.body.contains("id=\"help-radio\" value=\"radio\" checked"));
    let t = form_token(&r, "volunteer-form");
    let r = w.post_form(
        "/km/volunteer",
        &ip(211),
        &[
            ("token", &t),
            ("lang", "km"),
            ("name", "Sokha"),
            ("phone", "+855 12 345 678"),
            ("place", "Battambang"),
            ("help", "training"),
            ("help", "radio"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("Location"), Some("/km/volunteer/thanks"));
    assert_eq!(w.get("/km/volunteer/thanks").status, 200);
    let row = &w.sql("SELECT name, phone, help, lang FROM volunteers")[0];
    assert_eq!(
        (row["help"].as_str(), row["lang"].as_str()),
        (Some("training,radio"), Some("km"))
    );
    // Nothing of it is public.
    assert!(!w.get("/").body.contains("+855 12 345 678") && !w.get("/km/").body.contains("Sokha"));
}
