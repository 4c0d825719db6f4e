//! Every page the site serves is valid HTML, as the W3C Nu Html Checker reads it: each visitor
//! page of the route table in both languages, forms refused with their problems named, and
//! every page of the admin area, signed in as an owner. The bytes the worker served are saved
//! under `tests/artifacts/html/` (kept after the run, to be read or checked again by hand) and
//! checked together in one run of the checker: one JVM start.
//!
//! Visitor addresses 13000–13099 are this module's (`main.rs`).

use app::routes::{route, Admin, Method, OfficeRoute, Route, VISITOR_PAGES};
use campaign_tests::accounts::{between, take_invitation, AdminSession};
use campaign_tests::{aged_tokens, artifacts, comment_id, ip, vnu, Resp, Worker};
use std::path::PathBuf;

/// Admin routes that answer no HTML page of their own, and what they answer instead. Every
/// other admin route must have a page saved below: a new one cannot go unchecked.
const NOT_PAGES: &[(Admin, &str)] = &[
    (Admin::Logout, "a 303 to the sign-in"),
    (Admin::SessionsEnd, "a 303 to the sign-in"),
    (Admin::AlertTest, "a 303 to the overview"),
    (Admin::ShieldClose, "a 303 to the overview"),
    (Admin::UpdateAction, "a 303 to the list of updates"),
    (Admin::PledgesCsv, "a CSV file"),
    (Admin::VolunteersCsv, "a CSV file"),
    (Admin::AuditCsv, "a CSV file"),
    (Admin::SourcesCsv, "a CSV file"),
];

/// A document that is invalid on purpose, checked in the same run: the checker must report it,
/// or its report was not read.
const CONTROL: (&str, &str) = (
    "control-invalid.html",
    "<!DOCTYPE html><html lang=\"en\"><head><title>control</title></head><body><p><div></div></p></body></html>",
);

/// The pages saved so far, and the admin routes they answer.
struct Saved {
    dir: PathBuf,
    files: Vec<PathBuf>,
    admin: Vec<Admin>,
}

impl Saved {
    fn new() -> Saved {
        let dir = artifacts().join("html");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create tests/artifacts/html");
        Saved {
            dir,
            files: Vec::new(),
            admin: Vec::new(),
        }
    }

    fn write(&mut self, name: &str, body: &str) {
        let file = self.dir.join(format!("{name}.html"));
        assert!(!self.files.contains(&file), "{name} saved twice");
        std::fs::write(&file, body).unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
        self.files.push(file);
    }

    /// Saves `r` as `name`, once it is the HTML page with the `status` expected.
    fn page(&mut self, name: &str, what: &str, r: &Resp, status: u16) {
        assert_eq!(r.status, status, "{what}: {}", r.body);
        assert!(
            r.header("Content-Type")
                .is_some_and(|c| c.starts_with("text/html")),
            "{what} is not HTML: {:?}",
            r.header("Content-Type")
        );
        self.write(name, &r.body);
    }

    /// [`Saved::page`] for an answer of the admin area to `method` at `path`.
    fn admin(&mut self, name: &str, method: Method, path: &str, r: &Resp, status: u16) {
        let what = format!("{method:?} {path}");
        self.page(&format!("admin-{name}"), &what, r, status);
        let bare = path.split(['?', '#']).next().unwrap_or(path);
        match route(method, bare).route {
            Route::Office(OfficeRoute::Admin(a)) => self.admin.push(a),
            other => panic!("{what} is not an admin route: {other:?}"),
        }
    }
}

/// `/km/x` for `/x`, and `/km/` for `/`.
fn in_lang(lang: &str, path: &str) -> String {
    match (lang, path) {
        ("en", p) => p.to_string(),
        (_, "/") => "/km/".to_string(),
        (_, p) => format!("/km{p}"),
    }
}

/// A file name for a route pattern: `/pledges/:id/stop` is `pledges-id-stop`, `/` is `home`.
fn slug(pattern: &str) -> String {
    let s = pattern
        .trim_matches('/')
        .replace(['/', ':'], "-")
        .replace("--", "-");
    if s.is_empty() {
        "home".to_string()
    } else {
        s
    }
}

#[test]
fn every_page_served_is_valid_html() {
    // First, so a missing checker is said at once, not after every page was asked for.
    let checker = vnu::Checker::find();
    let w = Worker::start(&[]);
    let mut saved = Saved::new();

    // ---- Before there is an owner: the bootstrap form, refused, and the sign-in form.
    let me = ip(13000);
    let r = w.get_as("/admin/bootstrap", &me);
    saved.admin("bootstrap", Method::Get, "/admin/bootstrap", &r, 200);
    let r = w.post_form(
        "/admin/bootstrap",
        &me,
        &[("secret", "not the secret"), ("name", "dara")],
    );
    saved.admin(
        "bootstrap-refused",
        Method::Post,
        "/admin/bootstrap",
        &r,
        403,
    );
    let r = w.get_as("/admin", &me);
    saved.admin("sign-in", Method::Get, "/admin", &r, 200);
    let r = w.post_form(
        "/admin/login",
        &ip(13001),
        &[
            ("name", "nobody"),
            ("password", "not the password"),
            ("code", "000000"),
        ],
    );
    saved.admin("sign-in-refused", Method::Post, "/admin/login", &r, 403);

    // ---- Something to show: pledges (one pending, one paid), an approved comment with the
    // campaign's reply, an offer of help, a published update.
    let owner = w.sign_in_owner(&me);
    let pending = pledge(&w, &ip(13002), "Dara Donor");
    let paid = pledge(&w, &ip(13003), "Sokha Donor");
    let r = w.post_form(
        &format!("/sandbox/checkout/{paid}"),
        &ip(13003),
        &[("action", "pay")],
    );
    assert_eq!(r.status, 303, "pay {paid}: {}", r.body);
    let tokens = aged_tokens(&w, "comment-form", 3);
    let r = w.post_form(
        "/comments",
        &ip(13004),
        &[
            ("token", &tokens[0]),
            ("lang", "en"),
            ("name", "Chenda"),
            ("text", "When is the next training?\nIn Battambang, please."),
        ],
    );
    assert_eq!(r.status, 303, "comment: {}", r.body);
    let comment = comment_id(r.header("Location").unwrap_or_default());
    let author = r.cookie();
    assert!(!author.is_empty(), "no cookie for the comment's author");
    let r = w.post_signed_in(
        &owner,
        &format!("/admin/comments/{comment}/approve"),
        &me,
        &[("back", "held")],
    );
    assert_eq!(r.status, 303, "approve: {}", r.body);
    let r = w.post_signed_in(
        &owner,
        &format!("/admin/comments/{comment}/reply"),
        &me,
        &[
            ("back", "approved"),
            ("text", "Saturday, at the market hall."),
        ],
    );
    assert_eq!(r.status, 303, "reply: {}", r.body);
    let volunteer = aged_tokens(&w, "volunteer-form", 3);
    let r = w.post_form(
        "/volunteer",
        &ip(13005),
        &[
            ("token", &volunteer[0]),
            ("lang", "en"),
            ("name", "Bopha"),
            ("email", "bopha@example.org"),
            ("help", "radio"),
        ],
    );
    assert_eq!(r.status, 303, "volunteer: {}", r.body);
    let update = update(&w, &owner, &me);
    let r = w.post_signed_in(
        &owner,
        &format!("/admin/updates/{update}/publish"),
        &me,
        &[],
    );
    assert_eq!(r.status, 303, "publish: {}", r.body);

    // ---- Every visitor page of the route table, in both languages, as a visitor without a
    // cookie gets it; then the pages a visitor with something of their own gets.
    for (pattern, example, status) in VISITOR_PAGES {
        let path = example
            .replace("{pledge}", &pending)
            .replace("{comment}", &comment.to_string());
        for lang in ["en", "km"] {
            let here = in_lang(lang, &path);
            let r = w.get(&here);
            saved.page(&format!("{lang}-{}", slug(pattern)), &here, &r, *status);
        }
    }
    for lang in ["en", "km"] {
        let here = in_lang(lang, &format!("/comments/{comment}/delete"));
        let r = w.request("GET", &here, &[("Cookie", &author)], None);
        saved.page(&format!("{lang}-comment-delete-own"), &here, &r, 200);
        let here = in_lang(lang, &format!("/pledges/{paid}"));
        saved.page(&format!("{lang}-pledge-paid"), &here, &w.get(&here), 200);
        let here = in_lang(lang, &format!("/updates/{update}"));
        saved.page(&format!("{lang}-update"), &here, &w.get(&here), 200);
    }

    // ---- Forms refused, each with its problems named, in both languages.
    let long = "ក".repeat(4001);
    for (n, lang) in ["en", "km"].into_iter().enumerate() {
        let r = w.post_pledge(
            &in_lang(lang, "/pledges"),
            &ip(13010 + n as u32),
            &[
                ("tier", "own"),
                ("amount", "3"),
                ("email", "not an address"),
                ("note", &"ន".repeat(501)),
                ("lang", lang),
            ],
        );
        saved.page(
            &format!("{lang}-pledge-too-small"),
            "a pledge of US$3",
            &r,
            422,
        );
        let r = w.post_form(
            &in_lang(lang, "/comments"),
            &ip(13012 + n as u32),
            &[
                ("token", &tokens[1 + n]),
                ("lang", lang),
                ("name", "Long"),
                ("text", &long),
            ],
        );
        saved.page(
            &format!("{lang}-comment-too-long"),
            "a comment of 4,001",
            &r,
            422,
        );
        let r = w.post_form(
            &in_lang(lang, "/volunteer"),
            &ip(13014 + n as u32),
            &[
                ("token", &volunteer[1 + n]),
                ("lang", lang),
                ("name", ""),
                ("phone", "call me"),
                ("help", "juggling"),
            ],
        );
        saved.page(
            &format!("{lang}-volunteer-refused"),
            "an empty offer",
            &r,
            422,
        );
        let r = w.post_form_with(
            &in_lang(lang, "/pledges"),
            &ip(13016 + n as u32),
            &[("Sec-Fetch-Site", "cross-site")],
            &[("tier", "women-training")],
        );
        saved.page(
            &format!("{lang}-cross-site"),
            "a form from elsewhere",
            &r,
            403,
        );
        // "Would you make it monthly?" (#28 §2; the upsell module's addresses), asked and
        // asked again for a monthly amount out of range.
        let path = in_lang(lang, "/pledges");
        let visitor = ip(14880 + n as u32);
        let fields = [("tier", "women-training"), ("lang", lang)];
        let step = w.post_pledge_asked(&path, &visitor, &[], &fields);
        saved.page(&format!("{lang}-upsell"), "a one-off gift", &step, 200);
        let again = w.answer_upsell(&path, &visitor, &[], &step, "month", Some("2"));
        saved.page(
            &format!("{lang}-upsell-too-small"),
            "a monthly gift of US$2",
            &again,
            422,
        );
    }

    // ---- Every admin page, signed in as the owner, and the answers of its forms.
    for (name, path, _) in campaign_tests::admin::PAGES {
        let r = w.get_signed_in(&owner, path, &me);
        saved.admin(name, Method::Get, path, &r, 200);
    }
    let path = format!("/admin/updates/{update}");
    let r = w.get_signed_in(&owner, &path, &me);
    saved.admin("update-edit", Method::Get, &path, &r, 200);
    let r = w.post_signed_in(&owner, &path, &me, &[("title_en", ""), ("body_en", "")]);
    saved.admin("update-edit-refused", Method::Post, &path, &r, 422);
    let r = w.post_signed_in(&owner, "/admin/updates", &me, &[("title_en", "")]);
    saved.admin("update-refused", Method::Post, "/admin/updates", &r, 422);
    let path = format!("/admin/comments/{comment}/reply");
    let r = w.post_signed_in(&owner, &path, &me, &[("back", "waiting"), ("text", "  ")]);
    saved.admin("reply-refused", Method::Post, &path, &r, 422);
    let find = "/admin/erase/find";
    // An offer of help is what an address finds (a comment holds none since #26).
    let r = w.post_signed_in(&owner, find, &me, &[("email", "bopha@example.org")]);
    saved.admin("erase-found", Method::Post, find, &r, 200);
    let r = w.post_signed_in(&owner, find, &me, &[("email", "not-an-address")]);
    saved.admin("erase-find-refused", Method::Post, find, &r, 422);
    let r = w.post_signed_in(
        &owner,
        "/admin/erase",
        &me,
        &[("email", "bopha@example.org"), ("seen", "1")],
    );
    saved.admin("erase-unconfirmed", Method::Post, "/admin/erase", &r, 422);

    // An invitation: the link, the page it opens, a password refused; then the new moderator
    // on a page outside their roles, and the owner resetting their second factor.
    let invite = "/admin/accounts/invite";
    let r = w.post_signed_in(
        &owner,
        invite,
        &me,
        &[("name", "vanna"), ("role", "moderator")],
    );
    saved.admin("invited", Method::Post, invite, &r, 200);
    let link = between(&r.body, r#"<code id="invitation-link">"#, "<")
        .unwrap_or_else(|| panic!("no invitation link: {}", r.body));
    let path = link[link
        .find("/admin/invite/")
        .expect("a link to /admin/invite/")..]
        .to_string();
    let r = w.get_as(&path, &me);
    saved.admin("invitation", Method::Get, &path, &r, 200);
    let r = w.post_form(
        &path,
        &me,
        &[
            ("step", "password"),
            ("password", "short"),
            ("confirm", "short"),
        ],
    );
    saved.admin("invitation-refused", Method::Post, &path, &r, 422);
    let moderator = take_invitation(&w, &path, "vanna", &me);
    let session = campaign_tests::accounts::sign_in(&w, &moderator, &ip(13020));
    let r = w.get_signed_in(&session, "/admin/pledges", &ip(13020));
    saved.admin("forbidden", Method::Get, "/admin/pledges", &r, 403);
    let id = w.sql("SELECT id FROM accounts WHERE name = 'vanna'")[0]["id"]
        .as_i64()
        .expect("vanna's account");
    let path = format!("/admin/accounts/{id}/reset");
    let r = w.post_signed_in(&owner, &path, &me, &[]);
    saved.admin("reset", Method::Post, &path, &r, 200);

    // Every admin route has its page saved, or says why it has none.
    let unchecked: Vec<Admin> = Admin::all()
        .filter(|r| !saved.admin.contains(r) && !NOT_PAGES.iter().any(|(n, _)| n == r))
        .collect();
    assert!(
        unchecked.is_empty(),
        "admin routes with no page checked: {unchecked:?} (save one here, or list it in NOT_PAGES with what it answers)"
    );

    // ---- One run of the checker over them all, and the control.
    let pages = saved.files.len();
    saved.write(CONTROL.0.trim_end_matches(".html"), CONTROL.1);
    let problems = checker.check(&saved.files);
    let (control, problems): (Vec<_>, Vec<_>) =
        problems.into_iter().partition(|p| p.file == CONTROL.0);
    assert!(
        !control.is_empty(),
        "the checker found nothing wrong in {}, invalid on purpose: its report was not read",
        CONTROL.0
    );
    let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    assert!(
        problems.is_empty(),
        "{} HTML errors in {} of the {pages} pages the worker served (saved in {}):\n{}",
        problems.len(),
        files.len(),
        saved.dir.display(),
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("{pages} pages served, all valid HTML");
}

/// A one-off pledge of `name`'s through the form, pending; its id.
fn pledge(w: &Worker, visitor: &str, name: &str) -> String {
    let r = w.post_pledge(
        "/pledges",
        visitor,
        &[
            ("tier", "women-training"),
            ("name", name),
            ("email", "donor@example.org"),
            ("show_name", "on"),
            ("note", "For the trainers."),
            ("lang", "en"),
        ],
    );
    assert_eq!(r.status, 303, "pledge: {}", r.body);
    let location = r.header("Location").unwrap_or_default();
    location
        .strip_prefix("/sandbox/checkout/")
        .unwrap_or_else(|| panic!("not the sandbox checkout: {location}"))
        .to_string()
}

/// A draft update in both languages, with a link, written by `s`; its id.
fn update(w: &Worker, s: &AdminSession, visitor: &str) -> i64 {
    let r = w.post_signed_in(
        s,
        "/admin/updates",
        visitor,
        &[
            ("title_en", "Forty women trained in Kampot"),
            (
                "body_en",
                "Forty women finished the training.\n\nThe report: https://example.org/report",
            ),
            ("title_km", "ស្ត្រីសែសិបនាក់បានបណ្ដុះបណ្ដាលនៅកំពត"),
            ("body_km", "ស្ត្រីសែសិបនាក់បានបញ្ចប់វគ្គបណ្ដុះបណ្ដាល។"),
        ],
    );
    assert_eq!(r.status, 303, "write an update: {}", r.body);
    let location = r.header("Location").unwrap_or_default();
    location
        .strip_prefix("/admin/updates/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not an update's page: {location}"))
}
