//! What the privacy page promises, held to what the workers do: every `Set-Cookie` the
//! visitors' and the maintainers' flows receive is a cookie `app::cookies` declares, built from
//! its declaration; the campaign's address (`CONTACT_EMAIL`) is shown when it is set, and the
//! other ways to ask when it is not.

use app::cookies::{Cookie, SITE};
use campaign_tests::accounts::{csrf_of, sign_in_raw};
use campaign_tests::content::{copy, word};
use campaign_tests::{aged_token, comment_id, ip, Resp, Worker};

/// Every `Set-Cookie` header of a response.
fn set_cookies(r: &Resp) -> Vec<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.clone())
        .collect()
}

/// The visitors' flows (the pages, a comment sent and deleted, an offer of help) and the
/// maintainers' (signing in, a page, signing out, signing out everywhere), with every
/// `Set-Cookie` they received. Nothing here is HTTPS, so no `Secure` but the declared ones.
#[test]
fn every_cookie_the_site_sets_is_declared_and_built_from_its_declaration() {
    let w = Worker::shared(module_path!());
    let mut seen: Vec<String> = Vec::new();
    let mut look = |r: &Resp| seen.extend(set_cookies(r));

    for path in ["/", "/km/", "/privacy", "/km/privacy", "/updates"] {
        look(&w.get(path));
    }
    let t = aged_token(w, "comment-form");
    let sent = w.post_form(
        "/comments",
        &ip(14201),
        &[
            ("token", &t),
            ("lang", "en"),
            ("name", "Dara"),
            ("text", "Words to take back"),
        ],
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    look(&sent);
    let browser = sent.cookie();
    let id = comment_id(sent.header("Location").unwrap_or_default());
    look(&w.request("GET", "/", &[("Cookie", &browser)], None));
    let path = format!("/comments/{id}/delete");
    look(&w.request("GET", &path, &[("Cookie", &browser)], None));
    let deleted = w.post_form_with(
        &path,
        &ip(14201),
        &[("Cookie", &browser)],
        &[("lang", "en")],
    );
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    look(&deleted);
    let t = aged_token(w, "volunteer-form");
    look(&w.post_form(
        "/volunteer",
        &ip(14202),
        &[
            ("token", &t),
            ("lang", "en"),
            ("name", "Sokha"),
            ("phone", "012 345 678"),
            ("help", "radio"),
        ],
    ));

    let owner = w.owner().clone();
    for end in ["/admin/logout", "/admin/account/sessions/end"] {
        let signed_in = sign_in_raw(w, &owner, &ip(14203), None);
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        look(&signed_in);
        let cookie = signed_in.cookie();
        let overview = w.request(
            "GET",
            "/admin",
            &[("CF-Connecting-IP", &ip(14203)), ("Cookie", &cookie)],
            None,
        );
        assert_eq!(overview.status, 200, "{}", overview.body);
        look(&overview);
        let csrf = csrf_of(&overview.body);
        let out = w.post_form_with(end, &ip(14203), &[("Cookie", &cookie)], &[("csrf", &csrf)]);
        assert_eq!(out.status, 303, "{end}: {}", out.body);
        look(&out);
    }

    for header in &seen {
        let (name, rest) = header.split_once('=').unwrap_or((header, ""));
        let value = rest.split(';').next().unwrap_or_default();
        let declared = Cookie::named(name).unwrap_or_else(|| {
            panic!("`{name}` is set but not declared in app/src/cookies.rs: {header}")
        });
        let built = match value {
            "" => declared.clear(false),
            v => declared.set(v, false),
        };
        assert_eq!(header, &built, "`{name}` is not built from its declaration");
    }
    // The flows reached every cookie the site declares: none of the checks above is idle.
    for c in SITE {
        assert!(
            seen.iter().any(|h| h.starts_with(&format!("{}=", c.name))),
            "no flow set `{}`: {seen:?}",
            c.name
        );
    }
}

/// With `CONTACT_EMAIL`, the footer of every page and the privacy page's way to ask show the
/// address; without it, the privacy page says how else to ask, and no page links an address.
#[test]
fn the_campaign_s_address_is_shown_when_set_and_the_other_ways_when_not() {
    let link = r#"<a href="mailto:team@campaign.example">team@campaign.example</a>"#;
    let with = Worker::start(&[("CONTACT_EMAIL", " team@campaign.example ")]);
    for (path, lang) in [("/privacy", "en"), ("/km/privacy", "km")] {
        let page = with.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            page.body.matches(link).count(),
            2,
            "{path}: the footer and the page"
        );
        assert!(
            page.body.contains(&format!(
                "<p id=\"contact\">{} {link}</p>",
                word(&copy(lang), "contact_label")
            )),
            "{path}"
        );
        assert!(!page
            .text()
            .contains(&word(&copy(lang), "privacy_contact_none")));
    }
    for path in ["/", "/km/", "/updates", "/no-such-page"] {
        assert!(with.get(path).body.contains(link), "{path}");
    }

    let without = Worker::shared(module_path!());
    for (path, lang) in [("/privacy", "en"), ("/km/privacy", "km")] {
        let page = without.get(path);
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("mailto:"), "{path}");
        assert!(
            page.text()
                .contains(&word(&copy(lang), "privacy_contact_none")),
            "{path}"
        );
    }
    assert!(!without.get("/").body.contains("mailto:"));
}
