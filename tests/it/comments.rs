//! Comments and volunteers through workerd and D1: the form token, the honeypot, the rate
//! limit, held comments seen only by their author, errors that keep the text, Khmer kept
//! byte for byte, threaded replies, pagination.

use campaign_tests::content::{copy, count, en, word};
use campaign_tests::{
    aged_token, aged_tokens, comment_id, form_token, ip, now, Resp, Worker, CLOCK,
};
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
    // Khmer round-trips byte for byte (CRLF stored as LF).
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
    assert!(public.body.contains(&khmer.replace("\r\n", "\n")));
}

#[test]
fn tokens_too_fresh_too_old_or_forged_are_refused_with_the_text_kept() {
    let w = Worker::shared(module_path!());
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
    let w = Worker::shared(module_path!());
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

/// The comment form of a page as served: from its opening tag to its end.
fn comment_form_of(page: &str) -> &str {
    page.split(r#"id="comment-form""#)
        .nth(1)
        .and_then(|form| form.split("</form>").next())
        .unwrap_or_default()
}

#[test]
fn no_email_is_asked_and_one_posted_by_an_old_page_is_accepted_and_never_stored() {
    let w = Worker::shared(module_path!());
    // The form served, in both languages, asks for none (#26).
    for path in ["/", "/km/"] {
        let page = w.get(path);
        let form = comment_form_of(&page.body);
        assert!(form.contains(r#"name="text""#), "{path}: no comment form");
        assert!(
            !form.contains(r#"name="email""#) && !form.contains("comment-email"),
            "{path}: {form}"
        );
    }
    // A page cached before that, or a bot, still posts one, even a malformed one: the comment
    // is taken as if it had not, and nothing of the address is kept.
    let ts = aged_tokens(w, "comment-form", 2);
    for (n, email) in ["old.page@example.org", "not an address"]
        .into_iter()
        .enumerate()
    {
        let r = comment(
            w,
            &ip(214 + n as u32),
            &ts[n],
            &[
                ("name", "Old page"),
                ("email", email),
                ("text", "Sent from a page cached before #26"),
            ],
        );
        assert_eq!(r.status, 303, "{email}: {}", r.body);
        let id = id_from(&r);
        let whole = w.sql(&format!("SELECT * FROM comments WHERE id = {id}"));
        assert!(
            !whole.iter().any(|r| r.to_string().contains(email)),
            "{whole:?}"
        );
    }
}

#[test]
fn bad_input_names_each_problem_and_keeps_every_word() {
    let w = Worker::shared(module_path!());
    let ts = aged_tokens(w, "comment-form", 3);
    let long = "ក".repeat(4001);
    let r = comment(
        w,
        &ip(205),
        &ts[0],
        &[
            ("name", ""),
            ("website", "javascript:alert(1)"),
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
    for field in ["name", "website", "text"] {
        assert!(
            r.body.contains(&format!("id=\"comment-{field}-error\"")),
            "{field}"
        );
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
    let w = Worker::shared(module_path!());
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
    // A page number typed in Khmer digits is the same page (percent-encoded ៣).
    let km3 = w.get("/km/?page=%E1%9F%A3");
    assert!(
        km3.body.contains("Root comment number 3") && !km3.body.contains("Root comment number 13")
    );
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
            .contains("id=\"comment-100\" class=\"comment campaign\""),
        "the campaign's reply is not marked as such: {}",
        p3.body
    );
    // 23 roots, the campaign's reply and the visitor's: 25 approved comments in all.
    let count = count("en", &copy("en"), "comments_count", 25);
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
    // A phone that is not one is named as such, in Khmer, and kept as typed.
    let t = form_token(&r, "volunteer-form");
    let r = w.post_form(
        "/km/volunteer",
        &ip(211),
        &[
            ("token", &t),
            ("lang", "km"),
            ("name", "Sokha"),
            ("phone", "call me"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.text().contains(&word(&copy("km"), "error_phone")),
        "{}",
        r.body
    );
    assert!(!r.text().contains(&word(&copy("km"), "error_contact")));
    assert!(r.body.contains("value=\"call me\""));
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
    // Its own (empty) fragment: the form's `#involved` is not carried onto the thank-you page.
    assert_eq!(r.header("Location"), Some("/km/volunteer/thanks#"));
    assert_eq!(w.get("/km/volunteer/thanks").status, 200);
    let row = &w.sql("SELECT name, phone, help, lang FROM volunteers")[0];
    assert_eq!(
        (row["help"].as_str(), row["lang"].as_str()),
        (Some("training,radio"), Some("km"))
    );
    assert_eq!(row["phone"], "+85512345678", "stored as + and digits");
    // Nothing of it is public.
    assert!(!w.get("/").body.contains("+855 12 345 678") && !w.get("/km/").body.contains("Sokha"));
}

/// Posts a comment from a browser holding `cookie`; returns its id and the browser's new cookie.
fn post_from(w: &Worker, browser: &str, visitor: u32, path: &str, text: &str) -> (i64, String) {
    // From a page the edge never keeps (a reply's form, to no comment), so the edge keeps
    // nothing of `/` from before.
    let far = w.request("GET", "/?reply=0", &[(CLOCK, "-5")], None);
    let token = form_token(&far, "comment-form");
    let lang = if path.starts_with("/km/") { "km" } else { "en" };
    let r = w.post_form_with(
        path,
        &ip(visitor),
        &[("Cookie", browser)],
        &[
            ("token", &token),
            ("lang", lang),
            ("name", "Author Ath"),
            ("website", "https://ath.example"),
            ("text", text),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    (id_from(&r), r.cookie())
}

#[test]
fn an_author_deletes_their_own_comment_after_confirming_and_every_cached_page_forgets_it() {
    // The edge cache on: a deletion must purge every page of comments, not only the first.
    let w = Worker::start(&[("EDGE_CACHE_SECS", "60")]);
    let (answered, browser) = post_from(&w, "", 251, "/comments", "Answered words");
    let (alone, browser) = post_from(&w, &browser, 252, "/comments", "Lonely words");
    let (held, browser) = post_from(&w, &browser, 253, "/km/comments", "ពាក្យរង់ចាំ");
    let (old, browser) = post_from(&w, &browser, 254, "/comments", "Old words");
    let t = now();
    // Two approved, one still held; `alone` is pushed to page 2 by ten newer threads, and
    // `answered` has another visitor's approved reply; `old` was written 31 days ago.
    let mut sql = format!(
        "UPDATE comments SET status = 'approved' WHERE id IN ({answered}, {alone}, {old}); \
         UPDATE comments SET created_at = {} WHERE id = {alone}; \
         UPDATE comments SET created_at = {} WHERE id = {old}; \
         INSERT INTO comments (parent_id, thread_id, name, body, status, created_at) \
           VALUES ({answered}, {answered}, 'Other Oun', 'A reply that stays', 'approved', {t});",
        t - 86_400,
        t - 31 * 86_400
    );
    for n in 0..10 {
        sql.push_str(&format!(
            "INSERT INTO comments (name, body, status, created_at) VALUES ('Newer {n}', 'newer', 'approved', {});",
            t - 60 + n
        ));
    }
    w.sql(&sql);
    // Cached as every visitor sees them.
    let page2 = w.get("/?page=2");
    assert!(page2.body.contains("Lonely words"), "{}", page2.body);
    assert!(w.get("/").body.contains("Answered words"));
    let erasures = || w.sql("SELECT kind, pledges, comments, volunteers FROM erasures ORDER BY id");

    // Nobody else may delete it, not even with a cookie of their own or a forged one.
    let (_, stranger) = post_from(&w, "", 255, "/comments", "A stranger's words");
    let forged = format!("held={alone}.{}", "0".repeat(32));
    for cookie in ["", stranger.as_str(), forged.as_str()] {
        let page = w.request(
            "GET",
            &format!("/comments/{alone}/delete"),
            &[("Cookie", cookie)],
            None,
        );
        assert_eq!(page.status, 403, "{cookie}: {}", page.body);
        assert!(page.text().contains(&en("comment_not_yours_title")));
        let post = w.post_form_with(
            &format!("/comments/{alone}/delete"),
            &ip(256),
            &[("Cookie", cookie)],
            &[("lang", "en")],
        );
        assert_eq!(post.status, 403);
    }
    assert_eq!(
        w.sql(&format!("SELECT body FROM comments WHERE id = {alone}"))[0]["body"],
        "Lonely words"
    );
    // Nor may its author once it is older than the cookie's days.
    let too_old = w.request(
        "GET",
        &format!("/comments/{old}/delete"),
        &[("Cookie", &browser)],
        None,
    );
    assert_eq!(too_old.status, 403);
    assert!(erasures().is_empty());

    // Its author sees "Delete" beside their comments, then a page that asks first.
    let mine = w.request("GET", "/?page=2", &[("Cookie", &browser)], None);
    assert!(mine
        .body
        .contains(&format!("href=\"/comments/{alone}/delete\"")));
    let ask = w.request(
        "GET",
        &format!("/comments/{alone}/delete"),
        &[("Cookie", &browser)],
        None,
    );
    assert_eq!(ask.status, 200, "{}", ask.body);
    assert_eq!(ask.header("Cache-Control"), Some("no-store"));
    let text = ask.text();
    assert!(text.contains("Lonely words") && text.contains(&en("comment_delete_intro")));
    assert!(!text.contains(&en("comment_delete_replies")));
    // Following the link deleted nothing; the button does.
    assert_eq!(
        w.sql(&format!("SELECT id FROM comments WHERE id = {alone}"))
            .len(),
        1
    );
    let done = w.post_form_with(
        &format!("/comments/{alone}/delete"),
        &ip(257),
        &[("Cookie", &browser)],
        &[("lang", "en")],
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.text().contains(&en("comment_deleted_title")));
    assert!(w
        .sql(&format!("SELECT id FROM comments WHERE id = {alone}"))
        .is_empty());
    // The browser forgets it, and keeps the others.
    let browser = done.cookie();
    assert!(
        browser.starts_with("held=") && browser.len() > 6,
        "{browser}"
    );
    // Every cached page lost it at once, the second as well as the first.
    assert!(!w.get("/?page=2").body.contains("Lonely words"));
    // Once is enough: it is gone.
    let again = w.post_form_with(
        &format!("/comments/{alone}/delete"),
        &ip(257),
        &[("Cookie", &browser)],
        &[("lang", "en")],
    );
    assert_eq!(again.status, 403, "the cookie no longer names it");

    // With a reply under it: a placeholder stays, nothing of the author's.
    let ask = w.request(
        "GET",
        &format!("/comments/{answered}/delete"),
        &[("Cookie", &browser)],
        None,
    );
    assert!(ask.text().contains(&en("comment_delete_replies")));
    let done = w.post_form_with(
        &format!("/comments/{answered}/delete"),
        &ip(258),
        &[("Cookie", &browser)],
        &[("lang", "en")],
    );
    assert_eq!(done.status, 200);
    let browser = done.cookie();
    let row = &w.sql(&format!(
        "SELECT status, name, website, body FROM comments WHERE id = {answered}"
    ))[0];
    assert_eq!(
        row.to_string(),
        r#"{"body":"","name":"","status":"removed","website":null}"#
    );
    let public = w.get("/");
    assert_eq!(public.header("Cache-Control"), Some("no-cache"));
    let text = public.text();
    assert!(text.contains(&en("comment_removed")) && text.contains("A reply that stays"));
    assert!(!text.contains("Answered words") && !public.body.contains("ath.example"));
    assert!(public.body.contains(&format!("id=\"comment-{answered}\"")));

    // A held comment, in Khmer: the answer comes back in Khmer.
    let km = w.post_form_with(
        &format!("/km/comments/{held}/delete"),
        &ip(259),
        &[("Cookie", &browser)],
        &[("lang", "km")],
    );
    assert_eq!(km.status, 200);
    assert!(km.body.contains("<html lang=\"km\""));
    assert!(w
        .sql(&format!("SELECT id FROM comments WHERE id = {held}"))
        .is_empty());

    // Each deletion is recorded as a count, never the words.
    let rows = erasures();
    assert_eq!(rows.len(), 3, "{rows:?}");
    for r in &rows {
        assert_eq!(
            r.to_string(),
            r#"{"comments":1,"kind":"own-comment","pledges":0,"volunteers":0}"#
        );
    }
    // The stranger's and the old comment are untouched.
    assert_eq!(
        w.sql(
            "SELECT COUNT(*) AS n FROM comments WHERE body IN ('A stranger''s words', 'Old words')"
        )[0]["n"],
        2
    );
}
