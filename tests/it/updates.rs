//! The campaign's updates through workerd and D1: written in the admin area (moderators and
//! owners only), hidden while drafts (campaign page, list, permalink, feeds), in both languages
//! with the other one and a note when a translation is missing, links made safe, the latest
//! three on the campaign page (one page statement), the edge cache purged when one is
//! published, edited or unpublished, and the Atom feeds read by an independent parser
//! (`feed-rs`), naming `SITE_URL` even when asked at 127.0.0.1.
//!
//! Visitor addresses 11000–11999 are this module's (`main.rs`).

use campaign_tests::accounts::{self, AdminSession};
use campaign_tests::{ip, Resp, Worker};
use std::io::Write;

const SITE: &str = "https://campaign.example";

/// A worker of its own for each test (they count and order what is published, so they must not
/// see each other's updates): the edge cache on (so purging is tested), the site's address set.
fn worker() -> Worker {
    Worker::start(&[("EDGE_CACHE_SECS", "60"), ("SITE_URL", SITE)])
}

/// Writes an update as `s` and returns its id (a draft).
fn write(
    w: &Worker,
    s: &AdminSession,
    visitor: &str,
    en: Option<(&str, &str)>,
    km: Option<(&str, &str)>,
) -> i64 {
    let (te, be) = en.unwrap_or_default();
    let (tk, bk) = km.unwrap_or_default();
    let r = w.post_signed_in(
        s,
        "/admin/updates",
        visitor,
        &[
            ("title_en", te),
            ("body_en", be),
            ("title_km", tk),
            ("body_km", bk),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("Location").unwrap_or_default();
    location
        .strip_prefix("/admin/updates/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an update's page: {location}"))
}

fn act(w: &Worker, s: &AdminSession, visitor: &str, id: i64, action: &str) {
    let r = w.post_signed_in(s, &format!("/admin/updates/{id}/{action}"), visitor, &[]);
    assert_eq!(r.status, 303, "{action} {id}: {}", r.body);
}

/// A visitor without a cookie (served from the edge when it has the page).
fn visit(w: &Worker, path: &str) -> Resp {
    w.get(path)
}

fn feed(w: &Worker, path: &str) -> feed_rs::model::Feed {
    let r = visit(w, path);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert_eq!(
        r.header("Content-Type"),
        Some("application/atom+xml; charset=utf-8"),
        "{path}"
    );
    assert!(
        !r.body.contains("127.0.0.1"),
        "{path} names the request's host: {}",
        r.body
    );
    feed_rs::parser::parse(r.body.as_bytes())
        .unwrap_or_else(|e| panic!("{path} is not a feed ({e}): {}", r.body))
}

fn entry_ids(f: &feed_rs::model::Feed) -> Vec<String> {
    f.entries.iter().map(|e| e.id.clone()).collect()
}

fn gzip_len(body: &str) -> usize {
    let mut child = std::process::Command::new("gzip")
        .arg("-9c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body.as_bytes())
        .expect("write to gzip");
    child.wait_with_output().expect("gzip output").stdout.len()
}

#[test]
fn updates_go_from_draft_to_the_page_the_list_and_the_feeds() {
    let w = &worker();
    let me = ip(11000);
    let owner = w.sign_in_owner(&me);
    // The edge keeps the empty pages first: publishing must purge them.
    for path in [
        "/",
        "/km/",
        "/updates",
        "/km/updates",
        "/updates.atom",
        "/km/updates.atom",
    ] {
        assert_eq!(visit(w, path).status, 200, "{path}");
    }
    assert_eq!(visit(w, "/updates").header("X-Edge-Cache"), Some("hit"));

    let a = write(
        w,
        &owner,
        &me,
        Some((
            "Radio for women <b>aired</b>",
            "Your gifts paid for 12 hours on women's radio.\n\nSee <script>alert(1)</script> and javascript:alert(1) and https://example.org/report.pdf.",
        )),
        Some(("វិទ្យុស្ត្រីបានផ្សាយ", "ការបរិច្ចាគរបស់អ្នកបានឧបត្ថម្ភការផ្សាយ ១២ ម៉ោង។")),
    );
    // A draft is nowhere, from the edge or not.
    for path in ["/", "/km/", "/updates", "/km/updates"] {
        assert!(!visit(w, path).body.contains("Radio for women"), "{path}");
        let fresh = w.request("GET", path, &[("Cookie", "x=1")], None);
        assert!(
            !fresh.body.contains("Radio for women") && !fresh.body.contains("វិទ្យុស្ត្រីបានផ្សាយ"),
            "{path}"
        );
    }
    for path in [format!("/updates/{a}"), format!("/km/updates/{a}")] {
        let r = visit(w, &path);
        assert_eq!(r.status, 404, "a draft at {path}");
        assert!(!r.body.contains("Radio for women"));
    }
    assert!(feed(w, "/updates.atom").entries.is_empty());

    act(w, &owner, &me, a, "publish");
    let home = visit(w, "/");
    assert_eq!(home.status, 200);
    let heading = campaign_tests::content::en("updates_heading");
    assert!(home.text().contains(&heading), "the section: {heading}");
    assert!(
        home.text().contains("Radio for women <b>aired</b>"),
        "purged and shown"
    );
    assert!(visit(w, "/km/").text().contains("វិទ្យុស្ត្រីបានផ្សាយ"));
    assert!(visit(w, "/updates").text().contains("Radio for women"));
    let page = visit(w, &format!("/updates/{a}"));
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Radio for women &lt;b&gt;aired&lt;/b&gt;"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.body.contains("<script") && !page.body.contains("href=\"javascript"));
    assert!(page.body.contains(
        "<a href=\"https://example.org/report.pdf\" rel=\"nofollow ugc noopener\">https://example.org/report.pdf</a>."
    ));
    assert!(page
        .body
        .contains("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/updates.atom\""));
    let km = visit(w, &format!("/km/updates/{a}"));
    assert!(km.text().contains("វិទ្យុស្ត្រីបានផ្សាយ") && km.body.contains("href=\"/km/updates.atom\""));

    // One language missing: the other, with the note, marked as its language.
    let b = write(
        w,
        &owner,
        &me,
        Some(("Twenty-five women trained", "In Kampot.")),
        None,
    );
    let c = write(w, &owner, &me, None, Some(("កិច្ចប្រជុំសហគមន៍", "នៅខេត្តតាកែវ។")));
    act(w, &owner, &me, b, "publish");
    act(w, &owner, &me, c, "publish");
    let km_b = visit(w, &format!("/km/updates/{b}"));
    assert_eq!(km_b.status, 200);
    assert!(
        km_b.body
            .contains("<h1 lang=\"en\">Twenty-five women trained</h1>"),
        "{}",
        km_b.body
    );
    let km_note = campaign_tests::content::word(
        &campaign_tests::content::copy("km"),
        "update_not_translated",
    );
    assert!(km_b.text().contains(&km_note));
    let en_c = visit(w, &format!("/updates/{c}"));
    assert!(en_c.body.contains("<h1 lang=\"km\">កិច្ចប្រជុំសហគមន៍</h1>"));
    assert!(en_c
        .text()
        .contains(&campaign_tests::content::en("update_not_translated")));
    assert!(!visit(w, &format!("/updates/{a}"))
        .text()
        .contains(&campaign_tests::content::en("update_not_translated")));

    // The campaign page shows the latest three, newest first; the list shows all.
    let d = write(
        w,
        &owner,
        &me,
        Some(("A trainer for a month", "Paid for.")),
        Some(("គ្រូបង្គោល", "មួយខែ។")),
    );
    act(w, &owner, &me, d, "publish");
    let home = visit(w, "/").text();
    let at = |t: &str| home.find(t);
    assert_eq!(at("Radio for women"), None, "the oldest is not on the page");
    let (pd, pc, pb) = (
        at("A trainer for a month"),
        at("កិច្ចប្រជុំសហគមន៍"),
        at("Twenty-five women trained"),
    );
    let section = home
        .find("What your gifts did")
        .map_or("", |i| &home[i..(i + 1500).min(home.len())]);
    assert!(
        pd.is_some() && pd < pc && pc < pb,
        "{pd:?} {pc:?} {pb:?}: {section}"
    );
    let list = visit(w, "/updates").text();
    for t in [
        "Radio for women",
        "Twenty-five women",
        "កិច្ចប្រជុំសហគមន៍",
        "A trainer for a month",
    ] {
        assert!(list.contains(t), "{t}");
    }

    // Editing a published update changes the page at once.
    let r = w.post_signed_in(
        &owner,
        &format!("/admin/updates/{d}"),
        &me,
        &[
            ("title_en", "Two trainers for a month"),
            ("body_en", "Paid for."),
            ("title_km", "គ្រូបង្គោល"),
            ("body_km", "មួយខែ។"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(visit(w, "/").text().contains("Two trainers for a month"));
    assert!(visit(w, &format!("/updates/{d}"))
        .text()
        .contains("Two trainers for a month"));
    // An edit without a title and text in any language is refused, and nothing changes.
    let r = w.post_signed_in(
        &owner,
        &format!("/admin/updates/{d}"),
        &me,
        &[("title_en", ""), ("body_en", "")],
    );
    assert_eq!(r.status, 422);
    assert!(visit(w, "/").text().contains("Two trainers for a month"));

    // A draft written after the others is not in the feeds.
    let e = write(w, &owner, &me, Some(("Still a draft", "Not yet.")), None);

    // The feeds, read by feed-rs: ids and links from SITE_URL although asked at 127.0.0.1.
    let f = feed(w, "/updates.atom");
    assert_eq!(f.id, format!("{SITE}/updates.atom"));
    assert!(f
        .title
        .as_ref()
        .is_some_and(|t| t.content.contains("Updates from the campaign")));
    assert!(f.updated.is_some());
    assert!(f.authors.iter().any(|p| !p.name.is_empty()), "an author");
    let link = |rel: &str| {
        f.links
            .iter()
            .find(|l| l.rel.as_deref() == Some(rel))
            .map(|l| l.href.clone())
    };
    assert_eq!(link("self"), Some(format!("{SITE}/updates.atom")));
    assert_eq!(link("alternate"), Some(format!("{SITE}/updates")));
    assert_eq!(
        entry_ids(&f),
        [d, c, b, a]
            .map(|id| format!("{SITE}/updates/{id}"))
            .to_vec()
    );
    for entry in &f.entries {
        assert_eq!(
            entry.links.first().map(|l| l.href.as_str()),
            Some(entry.id.as_str())
        );
        assert!(entry.title.as_ref().is_some_and(|t| !t.content.is_empty()));
        let (published, updated) = (
            entry.published.expect("published"),
            entry.updated.expect("updated"),
        );
        assert!(published <= updated, "{}", entry.id);
        assert!(f.updated.is_some_and(|u| u >= updated));
    }
    let a_entry = &f.entries[3];
    assert_eq!(
        a_entry.title.as_ref().map(|t| t.content.as_str()),
        Some("Radio for women <b>aired</b>")
    );
    let body = a_entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_default();
    assert!(
        body.contains("&lt;script&gt;") && !body.contains("<script"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"https://example.org/report.pdf\" rel=\"nofollow ugc noopener\">"),
        "{body}"
    );
    let km = feed(w, "/km/updates.atom");
    assert_eq!(km.id, format!("{SITE}/km/updates.atom"));
    assert_eq!(
        entry_ids(&km),
        [d, c, b, a]
            .map(|id| format!("{SITE}/km/updates/{id}"))
            .to_vec()
    );
    assert_eq!(
        km.entries[2].title.as_ref().map(|t| t.content.as_str()),
        Some("Twenty-five women trained"),
        "English where the Khmer is missing"
    );
    assert!(!entry_ids(&f).contains(&format!("{SITE}/updates/{e}")));

    // Unpublished: gone from the page, the list, its permalink and the feeds.
    act(w, &owner, &me, b, "unpublish");
    assert_eq!(visit(w, &format!("/updates/{b}")).status, 404);
    assert_eq!(visit(w, &format!("/km/updates/{b}")).status, 404);
    assert!(!visit(w, "/").text().contains("Twenty-five women"));
    assert!(
        visit(w, "/").text().contains("Radio for women"),
        "the next one moves up"
    );
    assert!(!visit(w, "/updates").text().contains("Twenty-five women"));
    assert!(!entry_ids(&feed(w, "/updates.atom")).contains(&format!("{SITE}/updates/{b}")));
    assert_eq!(visit(w, "/updates/nope").status, 404);
    assert_eq!(visit(w, "/updates/0").status, 404);
    assert_eq!(visit(w, "/updates/99999999999999999999").status, 404);

    // Each action is in the audit trail, by id.
    let rows = w.sql("SELECT action, subject FROM audit WHERE action LIKE 'update-%' ORDER BY id");
    let actions: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["action"].as_str().unwrap_or(""),
                r["subject"].as_str().unwrap_or("")
            )
        })
        .collect();
    for want in [
        format!("update-created update {a}"),
        format!("update-published update {a}"),
        format!("update-edited update {d}"),
        format!("update-unpublished update {b}"),
    ] {
        assert!(actions.contains(&want), "{want} not in {actions:?}");
    }

    // The page budget: `/` with three updates on it.
    for path in ["/", "/km/"] {
        let body = visit(w, path).body;
        let gz = gzip_len(&body);
        println!(
            "{path} with three updates: {} bytes, {gz} bytes gzip -9",
            body.len()
        );
        assert!(gz <= 20_000, "{path}: {gz} bytes gzip");
    }
}

#[test]
fn only_moderators_and_owners_write_updates() {
    let w = &worker();
    let owner = w.sign_in_owner(&ip(11100));
    let m = accounts::invite(w, &owner, &ip(11101), "mod", &["moderator"]);
    let moderator = accounts::sign_in(w, &m, &ip(11102));
    let f = accounts::invite(w, &owner, &ip(11103), "money", &["finance"]);
    let finance = accounts::sign_in(w, &f, &ip(11104));

    let r = w.get_signed_in(&moderator, "/admin/updates", &ip(11102));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("href=\"/admin/updates\""),
        "in the navigation"
    );
    let id = write(
        w,
        &moderator,
        &ip(11102),
        Some(("By a moderator", "Text.")),
        None,
    );
    act(w, &moderator, &ip(11102), id, "publish");
    assert_eq!(visit(w, &format!("/updates/{id}")).status, 200);

    let r = w.get_signed_in(&finance, "/admin/updates", &ip(11104));
    assert_eq!(r.status, 403);
    assert!(!w
        .get_signed_in(&finance, "/admin", &ip(11104))
        .body
        .contains("href=\"/admin/updates\""));
    for path in [
        "/admin/updates".to_string(),
        format!("/admin/updates/{id}"),
        format!("/admin/updates/{id}/unpublish"),
    ] {
        let r = w.post_signed_in(
            &finance,
            &path,
            &ip(11104),
            &[("title_en", "x"), ("body_en", "y")],
        );
        assert_eq!(r.status, 403, "{path}");
    }
    assert_eq!(
        w.get_signed_in(&finance, &format!("/admin/updates/{id}"), &ip(11104))
            .status,
        403
    );
    assert_eq!(
        visit(w, &format!("/updates/{id}")).status,
        200,
        "still published"
    );

    // Without the session's token, nothing is written.
    let forged = AdminSession {
        cookie: moderator.cookie.clone(),
        csrf: "forged".into(),
    };
    let r = w.post_signed_in(
        &forged,
        &format!("/admin/updates/{id}/unpublish"),
        &ip(11102),
        &[],
    );
    assert_eq!(r.status, 403);
    // Without a session, nothing at all.
    let r = w.post_form(
        "/admin/updates",
        &ip(11105),
        &[("title_en", "x"), ("body_en", "y")],
    );
    assert_eq!(r.status, 401);
    assert_eq!(visit(w, &format!("/updates/{id}")).status, 200);
    // An unknown action or id.
    let r = w.post_signed_in(
        &moderator,
        &format!("/admin/updates/{id}/delete"),
        &ip(11102),
        &[],
    );
    assert_eq!(r.status, 404);
    let r = w.post_signed_in(&moderator, "/admin/updates/424242/publish", &ip(11102), &[]);
    assert_eq!(r.status, 404);
}
