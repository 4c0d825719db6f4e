//! One rule for a form token's minimum age (`app::keys::issued_at`): a form a person types into
//! is refused for 3 s after it was served (bots are faster); a form that only confirms is
//! served with a token already old enough and takes an immediate press, still accepted once.
//! Each press here sends the form's hidden fields exactly as its page served them.
//!
//! Visitor addresses 14000–14099 are this module's (`main.rs`).

use campaign_tests::content::{copy, en, fill, word};
use campaign_tests::{aged_token, comment_id, form_token, ip, Resp, Worker};

/// The hidden fields of the form that posts to `action` on `page`, as the browser would send
/// them (`lang`, and the token where the form has one).
fn hidden_fields(page: &Resp, action: &str) -> Vec<(String, String)> {
    let start = page
        .body
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}: {}", page.body));
    let form = &page.body[start..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    form.match_indices("<input type=\"hidden\" name=\"")
        .map(|(at, m)| {
            let rest = &form[at + m.len()..];
            let name = rest.split('"').next().unwrap_or_default();
            let value = rest
                .split_once("value=\"")
                .and_then(|(_, v)| v.split('"').next())
                .unwrap_or_default();
            (name.to_string(), value.to_string())
        })
        .collect()
}

fn as_pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The page's title.
fn title(r: &Resp) -> String {
    let at = r.body.find("<title>").map_or(0, |i| i + "<title>".len());
    let rest = &r.body[at..];
    campaign_tests::content::html_unescape(&rest[..rest.find("</title>").unwrap_or(0)])
}

/// A monthly gift paid through the sandbox checkout: active, its stop page open to its holder.
fn monthly_gift(w: &Worker, prefix: &str, lang: &str, visitor: &str) -> String {
    let r = w.post_pledge(
        &format!("{prefix}pledges"),
        visitor,
        &[
            ("tier", "women-training"),
            ("frequency", "month"),
            ("lang", lang),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let checkout = r.header("Location").unwrap_or_default().to_string();
    let id = checkout.rsplit('/').next().unwrap_or_default().to_string();
    let paid = w.post_form(&checkout, visitor, &[("action", "pay"), ("lang", lang)]);
    assert_eq!(paid.status, 303, "{}", paid.body);
    assert_eq!(
        w.get(&format!("/api/pledges/{id}")).json()["status"],
        "active"
    );
    id
}

/// "Yes, stop my monthly gift" pressed the moment its page is open stops the gift, in both
/// languages; its token is still accepted once.
#[test]
fn the_stop_button_pressed_at_once_stops_the_monthly_gift() {
    let w = Worker::shared(module_path!());
    for (n, (lang, prefix)) in [("en", "/"), ("km", "/km/")].into_iter().enumerate() {
        let visitor = ip(14001 + n as u32);
        let id = monthly_gift(w, prefix, lang, &visitor);
        let stop = format!("{prefix}pledges/{id}/stop");
        let page = w.get(&stop);
        assert_eq!(page.status, 200, "{}", page.body);
        let fields = hidden_fields(&page, &stop);
        assert!(
            fields.iter().any(|(k, v)| k == "token" && !v.is_empty()),
            "{lang}: the stop form carries a token: {fields:?}"
        );
        let r = w.post_form(&stop, &visitor, &as_pairs(&fields));
        assert_eq!(r.status, 303, "{lang}: pressed at once: {}", r.body);
        assert_eq!(
            r.header("Location"),
            Some(format!("{prefix}pledges/{id}").as_str())
        );
        assert_eq!(
            w.get(&format!("/api/pledges/{id}")).json()["status"],
            "cancelled",
            "{lang}"
        );
    }
    // Accepted once: a monthly gift whose checkout never completed has nothing to stop, but
    // its press used the token; the same press again is refused for its token.
    let visitor = ip(14003);
    let r = w.post_pledge(
        "/pledges",
        &visitor,
        &[
            ("tier", "women-training"),
            ("frequency", "month"),
            ("lang", "en"),
        ],
    );
    let id = r
        .header("Location")
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let stop = format!("/pledges/{id}/stop");
    let fields = hidden_fields(&w.get(&stop), &stop);
    let first = w.post_form(&stop, &visitor, &as_pairs(&fields));
    assert_eq!(first.status, 409, "{}", first.body);
    assert!(first.text().contains(&en("stop_nothing_not_running")));
    let again = w.post_form(&stop, &visitor, &as_pairs(&fields));
    assert_eq!(again.status, 422, "{}", again.body);
    assert!(again.text().contains(&en("error_token")));
}

/// A form a person types into keeps the 3 s minimum: the offer of help and the comment, sent
/// the moment the page is served, come back refused, with what was typed, the problem first
/// in their section and in the title; the answer's own tokens are fresh again.
#[test]
fn a_typed_form_sent_within_three_seconds_is_refused() {
    let w = Worker::shared(module_path!());
    for (n, (lang, prefix)) in [("en", "/"), ("km", "/km/")].into_iter().enumerate() {
        let t = copy(lang);
        let problem = fill(
            &word(&t, "error_title"),
            &[
                ("problem", &word(&t, "error_token")),
                (
                    "title",
                    &format!("{} | {}", word(&t, "page_title"), word(&t, "site_name")),
                ),
            ],
        );
        let visitor = ip(14010 + n as u32);
        let home = w.get_as(prefix, &visitor);
        let token = form_token(&home, "volunteer-form");
        let r = w.post_form(
            &format!("{prefix}volunteer"),
            &visitor,
            &[
                ("token", &token),
                ("lang", lang),
                ("name", "Quick Sokha"),
                ("phone", "012 345 678"),
            ],
        );
        assert_eq!(r.status, 422, "{lang}: {}", r.body);
        assert!(r.text().contains(&word(&t, "error_token")), "{lang}");
        assert!(r.body.contains("value=\"Quick Sokha\""), "{lang}");
        assert!(r.body.contains("id=\"volunteer-errors\""), "{lang}");
        assert_eq!(title(&r), problem, "{lang}");
        // Its answer's token is no shortcut: sent at once, refused again.
        let again = form_token(&r, "volunteer-form");
        let r = w.post_form(
            &format!("{prefix}volunteer"),
            &visitor,
            &[
                ("token", &again),
                ("lang", lang),
                ("name", "Quick Sokha"),
                ("phone", "012 345 678"),
            ],
        );
        assert_eq!(r.status, 422, "{lang}: the answer's token sent at once");
        let comment = form_token(&home, "comment-form");
        let r = w.post_form(
            &format!("{prefix}comments"),
            &visitor,
            &[
                ("token", &comment),
                ("lang", lang),
                ("name", "Quick"),
                ("text", "too quick"),
            ],
        );
        assert_eq!(r.status, 422, "{lang}: {}", r.body);
        assert!(r.body.contains("id=\"comment-errors\""), "{lang}");
        assert_eq!(title(&r), problem, "{lang}");
    }
    assert!(w
        .sql("SELECT id FROM volunteers WHERE name = 'Quick Sokha'")
        .is_empty());
}

/// "Delete my comment" only confirms: pressed the moment its page is open, it deletes.
#[test]
fn delete_my_comment_pressed_at_once_deletes_it() {
    let w = Worker::shared(module_path!());
    for (n, (lang, prefix)) in [("en", "/"), ("km", "/km/")].into_iter().enumerate() {
        let visitor = ip(14020 + n as u32);
        let r = w.post_form(
            &format!("{prefix}comments"),
            &visitor,
            &[
                ("token", &aged_token(w, "comment-form")),
                ("lang", lang),
                ("name", "Dara"),
                ("text", "Words I take back"),
            ],
        );
        assert_eq!(r.status, 303, "{lang}: {}", r.body);
        let id = comment_id(r.header("Location").unwrap_or_default());
        let cookie = r.cookie();
        let delete = format!("{prefix}comments/{id}/delete");
        let page = w.request("GET", &delete, &[("Cookie", &cookie)], None);
        assert_eq!(page.status, 200, "{lang}: {}", page.body);
        let fields = hidden_fields(&page, &delete);
        let done = w.post_form_with(
            &delete,
            &visitor,
            &[("Cookie", &cookie)],
            &as_pairs(&fields),
        );
        assert_eq!(done.status, 200, "{lang}: pressed at once: {}", done.body);
        assert!(done
            .text()
            .contains(&word(&copy(lang), "comment_deleted_title")));
        assert!(w
            .sql(&format!("SELECT id FROM comments WHERE id = {id}"))
            .is_empty());
    }
}
