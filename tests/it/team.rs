//! The team's accounts when requests arrive together (issue #27, §1): a sign-in racing a reset
//! of its second factor or a disabling, owners taking each other away, two bootstraps, an
//! enrolment's last step posted twice. Every race goes through [`Worker::race`]: each request
//! is held at its body's last byte, then all are released at once, as many isolates side by
//! side would run them in production.

use campaign_tests::accounts::{
    between, bootstrap, choose_password, invite, recovery_codes, sign_in, sign_in_racer,
    sign_in_raw, signed_in_racer, take_invitation, AdminSession, Maintainer, PASSWORD,
};
use campaign_tests::race::Racer;
use campaign_tests::{ip, now, root, test_var, totp, Resp, Worker};

fn account_id(w: &Worker, name: &str) -> i64 {
    w.sql(&format!("SELECT id FROM accounts WHERE name = '{name}'"))[0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no account {name}"))
}

/// The path of the invitation link a page shows once.
fn invitation_path(page: &Resp) -> String {
    let link = between(&page.body, r#"<code id="invitation-link">"#, "<")
        .unwrap_or_else(|| panic!("no invitation link ({}): {}", page.status, page.body));
    link[link.find("/admin/invite/").unwrap_or(0)..].to_string()
}

/// The names of the accounts that are active owners.
fn active_owners(w: &Worker) -> Vec<String> {
    w.sql(
        "SELECT name FROM accounts WHERE status = 'active' AND (',' || roles || ',') LIKE '%,owner,%' ORDER BY name",
    )
    .iter()
    .filter_map(|r| r["name"].as_str().map(str::to_string))
    .collect()
}

/// Whether the session whose cookie is `cookie` opens a moderator's page (else: `303` to the
/// sign-in).
fn session_works(w: &Worker, cookie: &str, ip: &str) -> bool {
    let s = AdminSession {
        cookie: cookie.to_string(),
        csrf: String::new(),
    };
    let r = w.get_signed_in(&s, "/admin/waiting", ip);
    assert!(matches!(r.status, 200 | 303), "{}: {}", r.status, r.body);
    r.status == 200
}

fn two(answers: Vec<Resp>) -> (Resp, Resp) {
    let mut it = answers.into_iter();
    match (it.next(), it.next()) {
        (Some(a), Some(b)) => (a, b),
        _ => panic!("a race of two gives two answers"),
    }
}

#[test]
fn a_sign_in_racing_a_reset_or_a_disabling_leaves_no_session_that_works_again() {
    let w = Worker::shared(module_path!());
    let me = ip(14400);
    let owner = w.sign_in_owner(&me);
    let m = invite(w, &owner, &me, "sophea", &["moderator"]);
    let id = account_id(w, "sophea");

    // The sign-in has read the account (active) and hashes the password while the owner's
    // reset lands; the phone is then enrolled anew.
    let (signed, reset) = two(w.race(&[
        sign_in_racer(&m, &ip(14401)),
        signed_in_racer(&owner, &format!("/admin/accounts/{id}/reset"), &me, &[]),
    ]));
    assert_eq!(signed.status, 303, "the sign-in: {}", signed.body);
    assert_eq!(reset.status, 200, "the reset: {}", reset.body);
    let again = take_invitation(w, &invitation_path(&reset), "sophea", &me);
    assert!(
        !session_works(w, &signed.cookie(), &ip(14401)),
        "a session begun before the reset works after the new enrolment"
    );
    let fresh = sign_in(w, &again, &ip(14402));

    // The same with a disabling, then the account enabled again.
    let (signed, disabled) = two(w.race(&[
        sign_in_racer(&again, &ip(14403)),
        signed_in_racer(&owner, &format!("/admin/accounts/{id}/disable"), &me, &[]),
    ]));
    assert_eq!(signed.status, 303, "the sign-in: {}", signed.body);
    assert_eq!(disabled.status, 303, "the disabling: {}", disabled.body);
    let enabled = w.post_signed_in(&owner, &format!("/admin/accounts/{id}/enable"), &me, &[]);
    assert_eq!(enabled.status, 303, "{}", enabled.body);
    assert!(
        !session_works(w, &signed.cookie(), &ip(14403)),
        "a session begun before the disabling works after the account is enabled again"
    );
    assert!(!session_works(w, &fresh.cookie, &ip(14402)));
    // The account itself is fine: a new sign-in works.
    sign_in(w, &again, &ip(14404));
}

#[test]
fn a_double_submitted_enrolment_shows_only_recovery_codes_that_work() {
    let w = Worker::shared(module_path!());
    let me = ip(14410);
    let owner = w.sign_in_owner(&me);
    let r = w.post_signed_in(
        &owner,
        "/admin/accounts/invite",
        &me,
        &[("name", "rotha"), ("role", "finance")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let path = invitation_path(&r);
    let secret = choose_password(w, &path, &me);
    let code = totp(&secret, now());
    let confirm = Racer::form(&path, &me, &[], &[("step", "confirm"), ("code", &code)]);
    let answers = w.race(&[confirm.clone(), confirm]);
    let shown: Vec<Vec<String>> = answers.iter().map(|a| recovery_codes(&a.body)).collect();
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert!(
        shown.iter().any(|c| c.len() == 8),
        "no answer shows the codes: {statuses:?}"
    );
    // The other answer shows none, and says the account is ready.
    for (a, _) in answers.iter().zip(&shown).filter(|(_, c)| c.is_empty()) {
        assert_eq!(a.status, 409, "{statuses:?}: {}", a.body);
        assert!(a.text().contains("Your account is ready"), "{}", a.body);
    }
    let mut codes = shown.concat();
    codes.sort();
    codes.dedup();
    let m = Maintainer::new("rotha", PASSWORD, &secret, Vec::new());
    for c in &codes {
        let r = sign_in_raw(w, &m, &ip(14411), Some(c));
        assert_eq!(
            r.status, 303,
            "recovery code {c} (answers {statuses:?}, shown {shown:?}) opens nothing"
        );
    }
}

#[test]
fn two_bootstraps_together_make_one_invitation_and_the_readme_recovery_still_works() {
    let w = Worker::start(&[]);
    let (here, there) = (ip(14420), ip(14421));
    let secret = test_var("BOOTSTRAP_SECRET");
    let answers = w.race(&[
        Racer::form(
            "/admin/bootstrap",
            &here,
            &[],
            &[("secret", secret), ("name", "sokha")],
        ),
        Racer::form(
            "/admin/bootstrap",
            &there,
            &[],
            &[("secret", secret), ("name", "chenda")],
        ),
    ]);
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    let counts = &w.sql(
        "SELECT (SELECT COUNT(*) FROM invitations) AS invitations, (SELECT COUNT(*) FROM accounts) AS accounts",
    )[0];
    assert_eq!(
        (&counts["invitations"], &counts["accounts"]),
        (&1.into(), &1.into()),
        "answers {statuses:?}"
    );
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, [303, 404]);
    let won = answers.iter().position(|a| a.status == 303).unwrap_or(0);
    let name = ["sokha", "chenda"][won];
    // While its invitation waits, the bootstrap stays shut; once it expired, it opens again.
    assert_eq!(w.get_as("/admin/bootstrap", &here).status, 404);
    let expired = w.request(
        "GET",
        "/admin/bootstrap",
        &[
            ("CF-Connecting-IP", &here),
            ("X-Test-Clock-Offset", &(48 * 3600 + 60).to_string()),
        ],
        None,
    );
    assert_eq!(expired.status, 200);
    let path = answers[won].header("Location").unwrap_or_default();
    let first = take_invitation(&w, path, name, &here);
    let old = sign_in(&w, &first, &here);
    assert_eq!(w.get_as("/admin/bootstrap", &here).status, 404);

    // The README's way back when the last owner has lost phone and recovery codes: its
    // command, as written there, then the bootstrap again.
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let command = between(&readme, "--remote --command \"", "\"")
        .expect("the README's recovery command")
        .replace('…', name);
    w.sql(&command);
    let second = bootstrap(&w, "bopha", &there);
    let s = sign_in(&w, &second, &there);
    // Enabled again by the new owner, the old account's earlier session stays ended.
    let enabled = w.post_signed_in(
        &s,
        &format!("/admin/accounts/{}/enable", account_id(&w, name)),
        &there,
        &[],
    );
    assert_eq!(enabled.status, 303, "{}", enabled.body);
    assert!(!session_works(&w, &old.cookie, &here));
    assert_eq!(active_owners(&w), ["bopha", name]);
}

#[test]
fn owners_taking_each_other_away_together_leave_one_active_owner() {
    let w = Worker::start(&[]);
    let (ip_a, ip_b) = (ip(14430), ip(14431));
    let a = w.owner().clone();
    let first = w.sign_in_owner(&ip_a);
    let b = invite(&w, &first, &ip_a, "kanha", &["owner"]);
    // Each `wrangler d1` call costs seconds: one for both ids, one per round.
    let ids: Vec<i64> = w
        .sql("SELECT id FROM accounts ORDER BY id")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 2);
    let mut both = [a, b];
    for action in ["disable", "roles", "reset"] {
        let ips = [&ip_a, &ip_b];
        let sessions = [sign_in(&w, &both[0], ips[0]), sign_in(&w, &both[1], ips[1])];
        let fields: &[(&str, &str)] = if action == "roles" {
            &[("role", "moderator")]
        } else {
            &[]
        };
        // Each owner takes the other away at the same instant.
        let answers = w.race(&[
            signed_in_racer(
                &sessions[0],
                &format!("/admin/accounts/{}/{action}", ids[1]),
                ips[0],
                fields,
            ),
            signed_in_racer(
                &sessions[1],
                &format!("/admin/accounts/{}/{action}", ids[0]),
                ips[1],
                fields,
            ),
        ]);
        let statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
        let left = active_owners(&w);
        assert_eq!(
            left.len(),
            1,
            "{action}: answers {statuses:?}, owners {left:?}"
        );
        let kept = usize::from(left[0] != both[0].name);
        let lost = 1 - kept;
        assert_eq!(answers[lost].status, 422, "{action}: {statuses:?}");
        assert!(answers[lost]
            .text()
            .contains("The team needs at least one active owner"));
        // The one kept brings the other back as an owner (the next round's race needs both).
        let back = |what: &str, fields: &[(&str, &str)]| {
            let path = format!("/admin/accounts/{}/{what}", ids[lost]);
            let r = w.post_signed_in(&sessions[kept], &path, ips[kept], fields);
            assert_eq!(r.status, 303, "{what}: {}", r.body);
        };
        match action {
            "disable" => back("enable", &[]),
            "roles" => back("roles", &[("role", "owner")]),
            _ => {
                let path = invitation_path(&answers[kept]);
                both[lost] = take_invitation(&w, &path, &both[lost].name, ips[lost]);
            }
        }
    }
}
